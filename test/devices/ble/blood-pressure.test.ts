import { describe, expect, it } from 'vitest';
import { dateTime } from '../../../devices/ble/date-time.js';
import type { BloodPressureStatus } from '../../../devices/ble/gatt/blood-pressure-layout.js';
import {
  type BloodPressureMeasurement,
  bloodPressureMeasurement,
} from '../../../devices/ble/gatt/blood-pressure-measurement.js';
import { type IntermediateCuffPressure, intermediateCuffPressure } from '../../../devices/ble/gatt/intermediate-cuff-pressure.js';
import { allFlagValues, expectError, expectOk, frame, hexOf, num, sp, viewOf } from './helpers.js';

const decode = (hex: string) => bloodPressureMeasurement.decode(frame(hex));
const report = (hex: string) => bloodPressureMeasurement.report(expectOk(decode(hex)));

const STAMP = dateTime({ year: 2024, month: 3, day: 15, hours: 10, minutes: 30, seconds: 0 });
const STAMP_HEX = 'e807030f0a1e00';
const CALM: BloodPressureStatus = {
  bodyMovement: false,
  cuffTooLoose: false,
  irregularPulse: false,
  pulseRateRange: 'in-range',
  improperPosition: false,
};

function valueForFlags(flags: number): BloodPressureMeasurement {
  const kPa = (flags & 0x01) !== 0;
  const value: BloodPressureMeasurement = kPa
    ? { systolic: num(160, -1), diastolic: num(107, -1), meanArterialPressure: num(125, -1), unit: 'kPa' }
    : { systolic: num(120, 0), diastolic: num(80, 0), meanArterialPressure: num(93, 0), unit: 'mm[Hg]' };
  if ((flags & 0x02) !== 0) value.timestamp = STAMP;
  if ((flags & 0x04) !== 0) value.pulseRate = num(72, 0);
  if ((flags & 0x08) !== 0) value.userId = 3;
  if ((flags & 0x10) !== 0) value.status = { ...CALM, irregularPulse: true, pulseRateRange: 'below-lower-limit' };
  return value;
}

describe('blood-pressure-measurement (0x2A35)', () => {
  it('decodes 120/80/93 mmHg from 00 7800 5000 5d00', () => {
    expect(expectOk(decode('00780050005d00'))).toEqual({
      systolic: num(120, 0),
      diastolic: num(80, 0),
      meanArterialPressure: num(93, 0),
      unit: 'mm[Hg]',
    });
  });

  it('keeps kPa readings in kPa', () => {
    const value = expectOk(decode('01a0f06bf07df0'));
    expect(value.unit).toBe('kPa');
    expect([value.systolic, value.diastolic, value.meanArterialPressure]).toEqual([num(160, -1), num(107, -1), num(125, -1)]);
    expect(bloodPressureMeasurement.report(value)).toEqual({
      samples: [
        { vital: 'sbp', value: 16, unit: 'kPa', mode: 'spot' },
        { vital: 'dbp', value: 10.7, unit: 'kPa', mode: 'spot' },
        { vital: 'map', value: 12.5, unit: 'kPa', mode: 'spot' },
      ],
      conditions: [],
    });
  });

  it('decodes every optional field: time stamp, pulse rate, user id, status', () => {
    expect(expectOk(decode(`1e780050005d00${STAMP_HEX}4800010500`))).toEqual({
      systolic: num(120, 0),
      diastolic: num(80, 0),
      meanArterialPressure: num(93, 0),
      unit: 'mm[Hg]',
      timestamp: STAMP,
      pulseRate: num(72, 0),
      userId: 1,
      status: { ...CALM, bodyMovement: true, irregularPulse: true },
    });
  });

  it('reads user id 255 as the unknown user', () => {
    expect(expectOk(decode('08780050005d00ff')).userId).toBe('unknown');
    expect(expectOk(decode('08780050005d00fe')).userId).toBe(254);
    expect(hexOf(bloodPressureMeasurement.encode(expectOk(decode('08780050005d00ff'))))).toBe('08780050005d00ff');
  });

  it('decodes each status bit and the 2-bit pulse rate range; range value 3 is reserved, RFU bits ignored', () => {
    const status = (word: string) => expectOk(decode(`10780050005d00${word}`)).status;
    expect(status('0000')).toEqual(CALM);
    expect(status('0100')).toEqual({ ...CALM, bodyMovement: true });
    expect(status('0200')).toEqual({ ...CALM, cuffTooLoose: true });
    expect(status('0400')).toEqual({ ...CALM, irregularPulse: true });
    expect(status('0800')).toEqual({ ...CALM, pulseRateRange: 'above-upper-limit' });
    expect(status('1000')).toEqual({ ...CALM, pulseRateRange: 'below-lower-limit' });
    expect(status('2000')).toEqual({ ...CALM, improperPosition: true });
    expect(status('c0ff')).toEqual(CALM);
    expectError(decode('10780050005d001800'), 'reserved');
  });

  it('keeps special values visible: NaN systolic is a special, never 2047', () => {
    const value = expectOk(decode('00ff0750005d00'));
    expect(value.systolic).toEqual(sp('nan'));
    expect(bloodPressureMeasurement.report(value)).toEqual({
      samples: [
        { vital: 'dbp', value: 80, unit: 'mm[Hg]', mode: 'spot' },
        { vital: 'map', value: 93, unit: 'mm[Hg]', mode: 'spot' },
      ],
      conditions: ['measurement-unavailable'],
    });
    expect(expectOk(decode('00ff07ff07ff07'))).toMatchObject({ systolic: sp('nan'), diastolic: sp('nan'), meanArterialPressure: sp('nan') });
    expect(report('0000080208fe07')).toEqual({ samples: [], conditions: ['measurement-unavailable'] });
    expect(expectOk(decode('00fff750005d00')).systolic).toEqual(num(2047, -1)); // exponent −1: 204.7, not NaN
  });

  it('maps status bits to conditions and leaves the cuff pulse rate out of the samples', () => {
    expect(report('14780050005d0048000000')).toEqual({
      samples: [
        { vital: 'sbp', value: 120, unit: 'mm[Hg]', mode: 'spot' },
        { vital: 'dbp', value: 80, unit: 'mm[Hg]', mode: 'spot' },
        { vital: 'map', value: 93, unit: 'mm[Hg]', mode: 'spot' },
      ],
      conditions: [],
    });
    expect(report('10780050005d000100').conditions).toEqual(['cuff-problem']);
    expect(report('10780050005d000200').conditions).toEqual(['cuff-problem']);
    expect(report('10780050005d002000').conditions).toEqual(['cuff-problem']);
    expect(report('10780050005d000400').conditions).toEqual(['irregular-pulse']);
    expect(report('10780050005d000800').conditions).toEqual([]); // pulse rate range: no vigil condition
    expect(report('10ff0750005d002700').conditions).toEqual(['measurement-unavailable', 'cuff-problem', 'irregular-pulse']);
  });

  it('rejects an out-of-range time stamp', () => {
    expectError(decode('02780050005d00e8070d0f0a1e00'), 'range');
  });

  it('handles every one of the 32 flag values: encoder bytes, decoding, every truncation, one extra byte', () => {
    for (const flags of allFlagValues(5)) {
      const value = valueForFlags(flags);
      const bytes = bloodPressureMeasurement.encode(value);
      expect(bytes[0], `flags ${flags}`).toBe(flags);
      expect(expectOk(bloodPressureMeasurement.decode(viewOf(bytes)))).toEqual(value);
      for (let n = 0; n < bytes.length; n++) {
        expectError(bloodPressureMeasurement.decode(viewOf(bytes.subarray(0, n))), 'truncated');
      }
      expectError(bloodPressureMeasurement.decode(viewOf(Uint8Array.of(...bytes, 0))), 'length');
      const rfu = Uint8Array.from(bytes);
      rfu[0] = flags | 0xe0;
      expect(expectOk(bloodPressureMeasurement.decode(viewOf(rfu)))).toEqual(value);
    }
  });

  it('encodes spec-exact bytes and refuses what the layout cannot carry', () => {
    expect(hexOf(bloodPressureMeasurement.encode(valueForFlags(0x1f)))).toBe(`1fa0f06bf07df0${STAMP_HEX}4800031400`);
    const base = valueForFlags(0);
    expect(() => bloodPressureMeasurement.encode({ ...base, userId: 255 })).toThrow(RangeError);
    expect(() => bloodPressureMeasurement.encode({ ...base, userId: 256 })).toThrow(RangeError);
    expect(() => bloodPressureMeasurement.encode({ ...base, systolic: num(5000, 0) })).toThrow(RangeError);
  });
});

describe('intermediate-cuff-pressure (0x2A36)', () => {
  const cuff = (hex: string) => expectOk(intermediateCuffPressure.decode(frame(hex)));

  it('reads the current cuff pressure and ignores the unused fields, NaN or zeros or anything', () => {
    const expected: IntermediateCuffPressure = { cuffPressure: num(120, 0), unit: 'mm[Hg]' };
    expect(cuff('007800ff07ff07')).toEqual(expected);
    expect(cuff('00780000000000')).toEqual(expected);
    expect(cuff('0078003412fff7')).toEqual(expected);
    expect(cuff('01a0f0ff07ff07')).toEqual({ cuffPressure: num(160, -1), unit: 'kPa' });
  });

  it('writes NaN into the unused fields', () => {
    expect(hexOf(intermediateCuffPressure.encode({ cuffPressure: num(120, 0), unit: 'mm[Hg]' }))).toBe('007800ff07ff07');
  });

  it('reports no sample: the cuff inflating is not a reading', () => {
    expect(intermediateCuffPressure.report(cuff(`1e780050005d00${STAMP_HEX}4800010500`))).toEqual({ samples: [] });
  });

  it('handles every one of the 32 flag values', () => {
    for (const flags of allFlagValues(5)) {
      const { systolic, diastolic: _d, meanArterialPressure: _m, ...rest } = valueForFlags(flags);
      const value: IntermediateCuffPressure = { cuffPressure: systolic, ...rest };
      const bytes = intermediateCuffPressure.encode(value);
      expect(bytes[0]).toBe(flags);
      expect(expectOk(intermediateCuffPressure.decode(viewOf(bytes)))).toEqual(value);
      for (let n = 0; n < bytes.length; n++) {
        expectError(intermediateCuffPressure.decode(viewOf(bytes.subarray(0, n))), 'truncated');
      }
      expectError(intermediateCuffPressure.decode(viewOf(Uint8Array.of(...bytes, 0xff))), 'length');
    }
  });
});
