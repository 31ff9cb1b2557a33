import { describe, expect, it } from 'vitest';
import { dateTime } from '../../../devices/ble/date-time.js';
import type { GattCodec } from '../../../devices/ble/gatt/codec.js';
import { intermediateTemperature } from '../../../devices/ble/gatt/intermediate-temperature.js';
import type { TemperatureReading } from '../../../devices/ble/gatt/temperature-layout.js';
import { temperatureMeasurement } from '../../../devices/ble/gatt/temperature-measurement.js';
import { TEMPERATURE_TYPES, temperatureType } from '../../../devices/ble/gatt/temperature-type.js';
import { allFlagValues, expectError, expectOk, frame, hexOf, num, sp, viewOf } from './helpers.js';

const STAMP = dateTime({ year: 2024, month: 3, day: 15, hours: 10, minutes: 30, seconds: 0 });
const STAMP_HEX = 'e807030f0a1e00';

function valueForFlags(flags: number): TemperatureReading {
  const value: TemperatureReading =
    (flags & 0x01) !== 0 ? { temperature: num(986, -1), unit: '[degF]' } : { temperature: num(370, -1), unit: 'Cel' };
  if ((flags & 0x02) !== 0) value.timestamp = STAMP;
  if ((flags & 0x04) !== 0) value.temperatureType = 'tympanum';
  return value;
}

// Intermediate readings (a measurement in progress) are decoded but never evaluated: no samples.
const CODECS: [GattCodec<TemperatureReading>, 'spot' | null][] = [
  [temperatureMeasurement, 'spot'],
  [intermediateTemperature, null],
];

describe.each(CODECS)('$name', (codec, mode) => {
  const decode = (hex: string) => codec.decode(frame(hex));

  it('decodes 37.0 °C from the FLOAT 72 01 00 FF', () => {
    expect(expectOk(decode('00720100ff'))).toEqual({ temperature: num(370, -1), unit: 'Cel' });
    expect(codec.report(expectOk(decode('00720100ff')))).toEqual(
      mode === null ? { samples: [] } : { samples: [{ vital: 'temp', value: 37, unit: 'Cel', mode }], conditions: [] },
    );
  });

  it('keeps °F readings in °F', () => {
    const value = expectOk(decode('01da0300ff'));
    expect(value).toEqual({ temperature: num(986, -1), unit: '[degF]' });
    expect(codec.report(value).samples).toEqual(mode === null ? [] : [{ vital: 'temp', value: 98.6, unit: '[degF]', mode }]);
  });

  it('decodes the time stamp and the temperature type', () => {
    expect(expectOk(decode(`06720100ff${STAMP_HEX}02`))).toEqual({
      temperature: num(370, -1),
      unit: 'Cel',
      timestamp: STAMP,
      temperatureType: 'body',
    });
  });

  it('rejects RFU temperature types (0, 10–255) as reserved', () => {
    for (const code of ['00', '0a', '0b', 'ff']) expectError(decode(`04720100ff${code}`), 'reserved');
    TEMPERATURE_TYPES.forEach((type, i) => {
      expect(expectOk(decode(`04720100ff0${i + 1}`)).temperatureType).toBe(type);
    });
  });

  it('keeps special values visible and reports them as measurement-unavailable', () => {
    expect(expectOk(decode('00ffff7f00')).temperature).toEqual(sp('nan'));
    expect(expectOk(decode('0000008000')).temperature).toEqual(sp('nres'));
    expect(expectOk(decode('00feff7f00')).temperature).toEqual(sp('positive-infinity'));
    expect(codec.report(expectOk(decode('00ffff7f00')))).toEqual(mode === null ? { samples: [] } : { samples: [], conditions: ['measurement-unavailable'] });
    expect(expectOk(decode('00ffff7fff')).temperature).toEqual(num(8388607, -1)); // exponent −1: a number
  });

  it('handles every flag value 0..7 (RFU bits ignored): encoder bytes, decoding, every truncation, one extra byte', () => {
    for (const flags of allFlagValues(3)) {
      const value = valueForFlags(flags);
      const bytes = codec.encode(value);
      expect(bytes[0]).toBe(flags);
      expect(expectOk(codec.decode(viewOf(bytes)))).toEqual(value);
      for (let n = 0; n < bytes.length; n++) expectError(codec.decode(viewOf(bytes.subarray(0, n))), 'truncated');
      expectError(codec.decode(viewOf(Uint8Array.of(...bytes, 0))), 'length');
      for (const rfu of [0x08, 0x10, 0x80, 0xf8]) {
        const spelled = Uint8Array.from(bytes);
        spelled[0] = flags | rfu;
        expect(expectOk(codec.decode(viewOf(spelled)))).toEqual(value);
      }
    }
  });

  it('encodes spec-exact bytes', () => {
    expect(hexOf(codec.encode(valueForFlags(7)))).toBe(`07da0300ff${STAMP_HEX}09`);
    expect(hexOf(codec.encode({ temperature: sp('nan'), unit: 'Cel' }))).toBe('00ffff7f00');
  });
});

describe('temperature-type (0x2A1D)', () => {
  it('decodes 1–9 and encodes them back', () => {
    TEMPERATURE_TYPES.forEach((type, i) => {
      const bytes = Uint8Array.of(i + 1);
      expect(expectOk(temperatureType.decode(viewOf(bytes)))).toEqual({ temperatureType: type });
      expect(temperatureType.encode({ temperatureType: type })).toEqual(bytes);
    });
    expect(expectOk(temperatureType.decode(frame('05')))).toEqual({ temperatureType: 'gastro-intestinal-tract' });
  });

  it('rejects 0 and 10–255 as reserved, an empty and a longer frame', () => {
    for (const code of [0, 10, 11, 128, 255]) expectError(temperatureType.decode(viewOf(Uint8Array.of(code))), 'reserved');
    expectError(temperatureType.decode(frame('')), 'truncated');
    expectError(temperatureType.decode(frame('0202')), 'length');
  });

  it('reports nothing for the core', () => {
    expect(temperatureType.report({ temperatureType: 'mouth' })).toEqual({ samples: [] });
  });
});
