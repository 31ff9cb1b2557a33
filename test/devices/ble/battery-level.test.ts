import { describe, expect, it } from 'vitest';
import { batteryLevel } from '../../../devices/ble/gatt/battery-level.js';
import { expectError, expectOk, frame, viewOf } from './helpers.js';

describe('battery-level (0x2A19)', () => {
  it('decodes 0–100 % and reports it as the battery level', () => {
    for (const level of [0, 15, 100]) {
      const bytes = Uint8Array.of(level);
      expect(expectOk(batteryLevel.decode(viewOf(bytes)))).toEqual({ level });
      expect(batteryLevel.encode({ level })).toEqual(bytes);
      expect(batteryLevel.report({ level })).toEqual({ samples: [], battery: level });
    }
  });

  it('rejects more than 100 % as a range error', () => {
    for (const level of [101, 200, 255]) expectError(batteryLevel.decode(viewOf(Uint8Array.of(level))), 'range');
    expect(() => batteryLevel.encode({ level: 101 })).toThrow(RangeError);
    expect(() => batteryLevel.encode({ level: -1 })).toThrow(RangeError);
  });

  it('rejects an empty and a longer frame', () => {
    expectError(batteryLevel.decode(frame('')), 'truncated');
    expectError(batteryLevel.decode(frame('6400')), 'length');
  });
});
