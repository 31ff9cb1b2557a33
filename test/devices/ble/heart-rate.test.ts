import { describe, expect, it } from 'vitest';
import { bodySensorLocation } from '../../../devices/ble/gatt/body-sensor-location.js';
import { type HeartRateMeasurement, heartRateMeasurement } from '../../../devices/ble/gatt/heart-rate-measurement.js';
import { allFlagValues, bytesOf, expectError, expectOk, frame, hexOf, viewOf } from './helpers.js';

const decode = (hex: string) => heartRateMeasurement.decode(frame(hex));

/** The measurement flags value `flags` describes (one RR interval, so every shorter prefix is truncated). */
function valueForFlags(flags: number): HeartRateMeasurement {
  const uint16 = (flags & 0x01) !== 0;
  const value: HeartRateMeasurement = {
    heartRate: uint16 ? 300 : 72,
    heartRateFormat: uint16 ? 'uint16' : 'uint8',
    sensorContact: (flags & 0x04) === 0 ? 'not-supported' : (flags & 0x02) !== 0 ? 'detected' : 'not-detected',
  };
  if ((flags & 0x08) !== 0) value.energyExpended = 1234;
  if ((flags & 0x10) !== 0) value.rrIntervals = [820 / 1024];
  return value;
}

describe('heart-rate-measurement (0x2A37)', () => {
  it('decodes the canonical 16 48 01 04 02 04: uint8 72, contact detected, RR 0x0401 and 0x0402 / 1024 s', () => {
    expect(expectOk(decode('164801040204'))).toEqual({
      heartRate: 72,
      heartRateFormat: 'uint8',
      sensorContact: 'detected',
      rrIntervals: [1025 / 1024, 1026 / 1024],
    });
  });

  it('decodes the plain 00 47 (71 /min, contact not supported) and a uint16 rate', () => {
    expect(expectOk(decode('0047'))).toEqual({ heartRate: 71, heartRateFormat: 'uint8', sensorContact: 'not-supported' });
    expect(expectOk(decode('012c01'))).toEqual({ heartRate: 300, heartRateFormat: 'uint16', sensorContact: 'not-supported' });
  });

  it('reports contact only when bit 2 is set: 02 48 is "not supported", 04 not detected, 06 detected', () => {
    expect(expectOk(decode('0048')).sensorContact).toBe('not-supported');
    expect(expectOk(decode('0248')).sensorContact).toBe('not-supported');
    expect(expectOk(decode('0448')).sensorContact).toBe('not-detected');
    expect(expectOk(decode('0648')).sensorContact).toBe('detected');
  });

  it('reads energy expended in kJ and RR intervals in seconds (raw / 1024, oldest first)', () => {
    const value = expectOk(decode('1e48d204000401000000ffff'));
    expect(value.energyExpended).toBe(1234);
    expect(value.rrIntervals).toEqual([1, 1 / 1024, 0, 65535 / 1024]);
    expect(value.rrIntervals?.[3]).toBe(63.9990234375); // exact in binary
  });

  it('rejects the RR flag with no RR bytes (17 01 01), and with one byte', () => {
    expectError(decode('170101'), 'truncated');
    expectError(decode('1048'), 'truncated');
    expectError(decode('104801'), 'truncated');
    expectError(decode('184800'), 'truncated');
  });

  it('rejects an odd byte after the RR intervals (10 48 00 04 01) as a length error', () => {
    expectError(decode('1048000401'), 'length');
    expectError(decode('16480104020401'), 'length');
  });

  it('rejects truncated and overlong frames', () => {
    expectError(decode(''), 'truncated');
    expectError(decode('00'), 'truncated');
    expectError(decode('0148'), 'truncated');
    expectError(decode('0848d2'), 'truncated');
    expectError(decode('094800d2'), 'truncated');
    expectError(decode('004800'), 'length');
    expectError(decode('0848d20400'), 'length');
  });

  it('ignores the RFU flag bits 5–7', () => {
    expect(expectOk(decode('e648'))).toEqual(expectOk(decode('0648')));
  });

  it('handles every one of the 32 flag values: encoder bytes, decoding, every truncation, one extra byte', () => {
    for (const flags of allFlagValues(5)) {
      const value = valueForFlags(flags);
      const bytes = heartRateMeasurement.encode(value);
      // the encoder writes "not supported" as 0b00; the 0b01 spelling decodes the same
      const canonical = (flags & 0x04) === 0 ? flags & ~0x02 : flags;
      expect(bytes[0], `flags ${flags}`).toBe(canonical);
      expect(expectOk(heartRateMeasurement.decode(viewOf(bytes)))).toEqual(value);
      const respelled = Uint8Array.from(bytes);
      respelled[0] = flags;
      expect(expectOk(heartRateMeasurement.decode(viewOf(respelled)))).toEqual(value);
      for (let n = 0; n < bytes.length; n++) {
        expectError(heartRateMeasurement.decode(viewOf(bytes.subarray(0, n))), 'truncated');
      }
      expectError(heartRateMeasurement.decode(viewOf(Uint8Array.of(...bytes, 0))), 'length');
    }
  });

  it('encodes spec-exact bytes', () => {
    const value = expectOk(decode('164801040204'));
    expect(hexOf(heartRateMeasurement.encode(value))).toBe('164801040204');
    const rounded = heartRateMeasurement.encode({
      heartRate: 72,
      heartRateFormat: 'uint8',
      sensorContact: 'detected',
      energyExpended: 10,
      rrIntervals: [0.8],
    });
    expect(hexOf(rounded)).toBe('1e480a003303'); // 0.8 s → round(819.2) = 819 = 0x0333
  });

  it('refuses to encode what the layout cannot carry', () => {
    const base: HeartRateMeasurement = { heartRate: 72, heartRateFormat: 'uint8', sensorContact: 'detected' };
    expect(() => heartRateMeasurement.encode({ ...base, rrIntervals: [] })).toThrow(RangeError);
    expect(() => heartRateMeasurement.encode({ ...base, heartRate: 256 })).toThrow(RangeError);
    expect(() => heartRateMeasurement.encode({ ...base, energyExpended: 65536 })).toThrow(RangeError);
    expect(() => heartRateMeasurement.encode({ ...base, rrIntervals: [64] })).toThrow(RangeError);
  });

  it('reports HR as a continuous /min sample; contact lost → no sample and sensor-off', () => {
    const report = (hex: string) => heartRateMeasurement.report(expectOk(decode(hex)));
    expect(report('0648')).toEqual({ samples: [{ vital: 'hr', value: 72, unit: '/min', mode: 'continuous' }], conditions: [] });
    expect(report('0048')).toEqual({ samples: [{ vital: 'hr', value: 72, unit: '/min', mode: 'continuous' }] });
    expect(report('0448')).toEqual({ samples: [], conditions: ['sensor-off'] });
    expect(report('012c01').samples[0]?.value).toBe(300);
  });
});

describe('body-sensor-location (0x2A38)', () => {
  it.each([
    [0, 'other'],
    [1, 'chest'],
    [2, 'wrist'],
    [3, 'finger'],
    [4, 'hand'],
    [5, 'ear-lobe'],
    [6, 'foot'],
  ] as const)('%i is %s, and encodes back', (code, location) => {
    const bytes = Uint8Array.of(code);
    expect(expectOk(bodySensorLocation.decode(viewOf(bytes)))).toEqual({ location });
    expect(bodySensorLocation.encode({ location })).toEqual(bytes);
    expect(bodySensorLocation.report({ location })).toEqual({ samples: [] });
  });

  it('rejects RFU values, an empty and a longer frame', () => {
    for (const code of [7, 8, 100, 255]) expectError(bodySensorLocation.decode(viewOf(Uint8Array.of(code))), 'reserved');
    expectError(bodySensorLocation.decode(frame('')), 'truncated');
    expectError(bodySensorLocation.decode(viewOf(bytesOf('0100'))), 'length');
  });
});
