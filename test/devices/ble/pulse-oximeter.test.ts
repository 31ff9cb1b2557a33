import { describe, expect, it } from 'vitest';
import { dateTime } from '../../../devices/ble/date-time.js';
import { type PlxContinuous, plxContinuous } from '../../../devices/ble/gatt/plx-continuous.js';
import { type PlxSpotCheck, plxSpotCheck } from '../../../devices/ble/gatt/plx-spot-check.js';
import {
  PLX_DEVICE_STATUS_BITS,
  PLX_MEASUREMENT_STATUS_BITS,
  type PlxDeviceStatusBit,
  type PlxMeasurementStatusBit,
} from '../../../devices/ble/gatt/plx-status.js';
import type { DecodedSample, SensorCondition } from '../../../devices/types.js';
import { allFlagValues, expectError, expectOk, frame, hexOf, num, sp, viewOf } from './helpers.js';

const STAMP = dateTime({ year: 2024, month: 3, day: 15, hours: 10, minutes: 30, seconds: 0 });
const STAMP_HEX = 'e807030f0a1e00';
const SPO2_97: DecodedSample = { vital: 'spo2', value: 97, unit: '%', mode: 'continuous' };
const HR_75: DecodedSample = { vital: 'hr', value: 75, unit: '/min', mode: 'continuous' };

const le = (word: number, bytes: number): string =>
  Array.from({ length: bytes }, (_, i) => ((word >>> (8 * i)) & 0xff).toString(16).padStart(2, '0')).join('');

/** The condition each Device and Sensor Status bit means, and whether the values are withheld (bit order). */
const DEVICE_BIT_MEANING: [PlxDeviceStatusBit, SensorCondition | undefined, boolean][] = [
  ['extended-display-update-ongoing', undefined, false],
  ['equipment-malfunction-detected', 'sensor-fault', true],
  ['signal-processing-irregularity-detected', 'artifact', false],
  ['inadequate-signal-detected', 'poor-signal', false],
  ['poor-signal-detected', 'poor-signal', false],
  ['low-perfusion-detected', 'low-perfusion', false],
  ['erratic-signal-detected', 'poor-signal', false],
  ['non-pulsatile-signal-detected', 'poor-signal', false],
  ['questionable-pulse-detected', 'artifact', false],
  ['signal-analysis-ongoing', 'pulse-search', false],
  ['sensor-interference-detected', 'poor-signal', false],
  ['sensor-unconnected-to-user', 'sensor-off', true],
  ['unknown-sensor-connected', 'sensor-fault', true],
  ['sensor-displaced', 'sensor-off', true],
  ['sensor-malfunctioning', 'sensor-fault', true],
  ['sensor-disconnected', 'no-sensor', true],
];

/** Measurement Status bits 5..15 likewise. */
const MEASUREMENT_BIT_MEANING: [PlxMeasurementStatusBit, SensorCondition | undefined, boolean][] = [
  ['measurement-ongoing', undefined, false],
  ['early-estimated-data', undefined, false],
  ['validated-data', undefined, false],
  ['fully-qualified-data', undefined, false],
  ['data-from-measurement-storage', undefined, true],
  ['data-for-demonstration', undefined, true],
  ['data-for-testing', undefined, true],
  ['calibration-ongoing', undefined, false],
  ['measurement-unavailable', 'measurement-unavailable', true],
  ['questionable-measurement-detected', 'measurement-unavailable', false],
  ['invalid-measurement-detected', 'measurement-unavailable', true],
];

describe('plx-continuous (0x2A5F)', () => {
  const decode = (hex: string) => plxContinuous.decode(frame(hex));
  const report = (hex: string) => plxContinuous.report(expectOk(decode(hex)));

  it('decodes SpO2PR-Normal and reports spo2 and hr, both continuous', () => {
    expect(expectOk(decode('0061004b00'))).toEqual({ spo2: num(97, 0), pulseRate: num(75, 0) });
    expect(report('0061004b00')).toEqual({ samples: [SPO2_97, HR_75], conditions: [] });
  });

  it('decodes Fast, Slow, both statuses and the pulse amplitude index; reports Normal only', () => {
    const value = expectOk(decode('1f61004b0060004c0062004a00800020000019f0'));
    expect(value).toEqual({
      spo2: num(97, 0),
      pulseRate: num(75, 0),
      fast: { spo2: num(96, 0), pulseRate: num(76, 0) },
      slow: { spo2: num(98, 0), pulseRate: num(74, 0) },
      measurementStatus: ['validated-data'],
      deviceAndSensorStatus: ['low-perfusion-detected'],
      pulseAmplitudeIndex: num(25, -1),
    });
    expect(plxContinuous.report(value)).toEqual({ samples: [SPO2_97, HR_75], conditions: ['low-perfusion'] });
  });

  it.each(DEVICE_BIT_MEANING.map((row, bit) => [bit, ...row] as const))(
    'device and sensor status bit %i (%s) → %s, values withheld: %s',
    (bit, name, condition, withheld) => {
      const hex = `0861004b00${le(1 << bit, 3)}`;
      expect(expectOk(decode(hex)).deviceAndSensorStatus).toEqual([name]);
      expect(report(hex)).toEqual({ samples: withheld ? [] : [SPO2_97, HR_75], conditions: condition ? [condition] : [] });
    },
  );

  it.each(MEASUREMENT_BIT_MEANING.map((row, i) => [i + 5, ...row] as const))(
    'measurement status bit %i (%s) → %s, values withheld: %s',
    (bit, name, condition, withheld) => {
      const hex = `0461004b00${le(1 << bit, 2)}`;
      expect(expectOk(decode(hex)).measurementStatus).toEqual([name]);
      expect(report(hex)).toEqual({ samples: withheld ? [] : [SPO2_97, HR_75], conditions: condition ? [condition] : [] });
    },
  );

  it('ignores RFU status bits (measurement 0–4, device 16–23) and lists the rest in bit order', () => {
    expect(expectOk(decode('0c61004b001f000000ff')).measurementStatus).toEqual([]);
    expect(expectOk(decode('0c61004b001f000000ff')).deviceAndSensorStatus).toEqual([]);
    expect(report('0c61004b001f000000ff')).toEqual({ samples: [SPO2_97, HR_75], conditions: [] });
    expect(expectOk(decode('0c61004b0000a1200800')).measurementStatus).toEqual(['fully-qualified-data', 'measurement-unavailable', 'invalid-measurement-detected']);
    expect(report('0c61004b000000200800').conditions).toEqual(['sensor-off', 'low-perfusion']);
  });

  it('a special SpO2 or pulse rate gives no sample for it and measurement-unavailable', () => {
    expect(expectOk(decode('00ff074b00')).spo2).toEqual(sp('nan'));
    expect(report('00ff074b00')).toEqual({ samples: [HR_75], conditions: ['measurement-unavailable'] });
    expect(report('0061000008')).toEqual({ samples: [SPO2_97], conditions: ['measurement-unavailable'] });
  });

  it('handles every one of the 32 flag values: encoder bytes, decoding, every truncation, one extra byte', () => {
    for (const flags of allFlagValues(5)) {
      const value: PlxContinuous = { spo2: num(97, 0), pulseRate: num(75, 0) };
      if ((flags & 0x01) !== 0) value.fast = { spo2: num(96, 0), pulseRate: num(76, 0) };
      if ((flags & 0x02) !== 0) value.slow = { spo2: num(98, 0), pulseRate: num(74, 0) };
      if ((flags & 0x04) !== 0) value.measurementStatus = ['measurement-ongoing', 'invalid-measurement-detected'];
      if ((flags & 0x08) !== 0) value.deviceAndSensorStatus = ['extended-display-update-ongoing', 'sensor-disconnected'];
      if ((flags & 0x10) !== 0) value.pulseAmplitudeIndex = num(25, -1);
      const bytes = plxContinuous.encode(value);
      expect(bytes[0]).toBe(flags);
      expect(expectOk(plxContinuous.decode(viewOf(bytes)))).toEqual(value);
      for (let n = 0; n < bytes.length; n++) expectError(plxContinuous.decode(viewOf(bytes.subarray(0, n))), 'truncated');
      expectError(plxContinuous.decode(viewOf(Uint8Array.of(...bytes, 0))), 'length');
      const rfu = Uint8Array.from(bytes);
      rfu[0] = flags | 0xe0;
      expect(expectOk(plxContinuous.decode(viewOf(rfu)))).toEqual(value);
    }
  });

  it('encodes spec-exact bytes', () => {
    const hex = '1f61004b0060004c0062004a00800020000019f0';
    expect(hexOf(plxContinuous.encode(expectOk(decode(hex))))).toBe(hex);
    expect(() => plxContinuous.encode({ spo2: num(97, 0), pulseRate: num(75, 0), measurementStatus: ['nonsense' as PlxMeasurementStatusBit] })).toThrow(
      RangeError,
    );
  });
});

describe('plx-spot-check (0x2A5E)', () => {
  const decode = (hex: string) => plxSpotCheck.decode(frame(hex));

  it('decodes SpO2 and pulse rate and reports a spot spo2 only (the pulse rate is not an hr source)', () => {
    expect(expectOk(decode('0062004800'))).toEqual({ spo2: num(98, 0), pulseRate: num(72, 0), deviceClockNotSet: false });
    expect(plxSpotCheck.report(expectOk(decode('0062004800')))).toEqual({
      samples: [{ vital: 'spo2', value: 98, unit: '%', mode: 'spot' }],
      conditions: [],
    });
  });

  it('decodes every optional field and the clock-not-set flag', () => {
    expect(expectOk(decode(`1f62004800${STAMP_HEX}8000002000${'19f0'}`))).toEqual({
      spo2: num(98, 0),
      pulseRate: num(72, 0),
      timestamp: STAMP,
      measurementStatus: ['validated-data'],
      deviceAndSensorStatus: ['sensor-displaced'],
      pulseAmplitudeIndex: num(25, -1),
      deviceClockNotSet: true,
    });
    expect(plxSpotCheck.report(expectOk(decode(`1f62004800${STAMP_HEX}8000002000${'19f0'}`)))).toEqual({
      samples: [],
      conditions: ['sensor-off'],
    });
  });

  it('a special SpO2 is measurement-unavailable; a special pulse rate changes nothing', () => {
    expect(plxSpotCheck.report(expectOk(decode('00ff074800')))).toEqual({ samples: [], conditions: ['measurement-unavailable'] });
    expect(plxSpotCheck.report(expectOk(decode('006200ff07'))).conditions).toEqual([]);
  });

  it('rejects an out-of-range time stamp', () => {
    expectError(decode('0162004800e807030f180000'), 'range');
  });

  it('handles every one of the 32 flag values: encoder bytes, decoding, every truncation, one extra byte', () => {
    for (const flags of allFlagValues(5)) {
      const value: PlxSpotCheck = { spo2: num(98, 0), pulseRate: num(72, 0), deviceClockNotSet: (flags & 0x10) !== 0 };
      if ((flags & 0x01) !== 0) value.timestamp = STAMP;
      if ((flags & 0x02) !== 0) value.measurementStatus = [...PLX_MEASUREMENT_STATUS_BITS];
      if ((flags & 0x04) !== 0) value.deviceAndSensorStatus = [...PLX_DEVICE_STATUS_BITS];
      if ((flags & 0x08) !== 0) value.pulseAmplitudeIndex = sp('nres');
      const bytes = plxSpotCheck.encode(value);
      expect(bytes[0]).toBe(flags);
      expect(expectOk(plxSpotCheck.decode(viewOf(bytes)))).toEqual(value);
      for (let n = 0; n < bytes.length; n++) expectError(plxSpotCheck.decode(viewOf(bytes.subarray(0, n))), 'truncated');
      expectError(plxSpotCheck.decode(viewOf(Uint8Array.of(...bytes, 0))), 'length');
    }
  });

  it('encodes every status bit spec-exactly', () => {
    const value: PlxSpotCheck = {
      spo2: num(98, 0),
      pulseRate: num(72, 0),
      measurementStatus: [...PLX_MEASUREMENT_STATUS_BITS],
      deviceAndSensorStatus: [...PLX_DEVICE_STATUS_BITS],
      deviceClockNotSet: false,
    };
    expect(hexOf(plxSpotCheck.encode(value))).toBe('0662004800e0ffffff00');
  });
});
