import { describe, expect, it } from 'vitest';
import { nonin8 } from '../../../../devices/serial/protocols/nonin-8.js';
import { concat, errorsOf, feed, framesOf } from './helpers.js';

// STATUS1 1 R OOT LPRF MPRF ARTF HR8 HR7 | HR-D 0 HR6..0 | SpO2-D | STATUS2 0 R SPA R SNSA R R LOWBAT
const HR150 = Uint8Array.of(0x81, 0x16, 98, 0x00);

describe('nonin-8 (reference §6.1: 4 bytes, no checksum)', () => {
  it('HR above 127: HR8/HR7 in STATUS1 (0x81) + HR-D 0x16 → 150', () => {
    const result = nonin8.decodeFrame(HR150);
    expect(result).toEqual({
      ok: true,
      value: {
        hr: 150,
        spo2: 98,
        outOfTrack: false,
        lowPerfusion: false,
        marginalPerfusion: false,
        artifact: false,
        smartPoint: false,
        sensorAlarm: false,
        lowBattery: false,
      },
    });
    if (result.ok) {
      expect(nonin8.report(result.value)).toEqual({
        samples: [
          { vital: 'hr', value: 150, unit: '/min', mode: 'continuous' },
          { vital: 'spo2', value: 98, unit: '%', mode: 'continuous' },
        ],
        conditions: [],
        lowBattery: false,
      });
    }
    expect(nonin8.decodeFrame('81 16 62 00')).toEqual(result);
  });

  it('511 / 127 → no reading, no samples', () => {
    const result = nonin8.decodeFrame(Uint8Array.of(0x83, 0x7f, 0x7f, 0x00));
    expect(result).toMatchObject({ ok: true, value: { hr: null, spo2: null } });
    expect(result.ok && nonin8.report(result.value).samples).toEqual([]);
  });

  it('status bits: OOT 0x20, LPRF 0x10, MPRF 0x08, ARTF 0x04; SPA 0x20, SNSA 0x08, LOWBAT 0x01', () => {
    const result = nonin8.decodeFrame(Uint8Array.of(0x80 | 0x20 | 0x10 | 0x08 | 0x04, 72, 97, 0x20 | 0x08 | 0x01));
    if (!result.ok) throw new Error(result.error.message);
    expect(result.value).toMatchObject({ outOfTrack: true, lowPerfusion: true, marginalPerfusion: true, artifact: true, smartPoint: true, sensorAlarm: true, lowBattery: true });
    expect(nonin8.report(result.value)).toEqual({ samples: [], conditions: ['sensor-off', 'artifact', 'low-perfusion'], lowBattery: true });
    const hints = nonin8.decodeFrame(Uint8Array.of(0x80 | 0x08 | 0x04, 72, 97, 0x20));
    expect(hints.ok && nonin8.report(hints.value).conditions).toEqual([]);
  });

  it('validates what framing allows: bit 7 of bytes 2–4, SpO2 0–100 or 127, the length', () => {
    expect(nonin8.decodeFrame(Uint8Array.of(0x81, 0x96, 98, 0))).toMatchObject({ ok: false, error: { code: 'syntax' } });
    expect(nonin8.decodeFrame(Uint8Array.of(0x01, 0x16, 98, 0))).toMatchObject({ ok: false, error: { code: 'syntax' } });
    expect(nonin8.decodeFrame(Uint8Array.of(0x81, 0x16, 101, 0))).toMatchObject({ ok: false, error: { code: 'range' } });
    expect(nonin8.decodeFrame(Uint8Array.of(0x81, 0x16, 98))).toMatchObject({ ok: false, error: { code: 'truncated' } });
    expect(nonin8.decodeFrame(Uint8Array.of(0x81, 0x16, 98, 0, 0))).toMatchObject({ ok: false, error: { code: 'length' } });
  });

  it('streams: split reads, garbage before a frame, a frame cut short, an out-of-range SpO2', () => {
    const decoder = nonin8.createDecoder();
    expect(framesOf(feed(decoder, concat(HR150, HR150), [1, 5, 6]))).toHaveLength(2);
    const garbage = feed(nonin8.createDecoder(), concat([0x12, 0x00, 0x7f], HR150));
    expect(errorsOf(garbage).map((e) => e.code)).toEqual(['syntax']);
    expect(framesOf(garbage)).toHaveLength(1);
    const cut = feed(nonin8.createDecoder(), concat(HR150, HR150.subarray(0, 2), HR150));
    expect(errorsOf(cut).map((e) => e.code)).toEqual(['truncated']);
    expect(framesOf(cut)).toHaveLength(2);
    const range = feed(nonin8.createDecoder(), concat(HR150, [0x81, 0x16, 120, 0], HR150));
    expect(errorsOf(range).map((e) => e.code)).toEqual(['range']);
    expect(framesOf(range)).toHaveLength(2);
  });

  it('encodes no reading as 511 / 127 and refuses what the format cannot carry', () => {
    const none = { hr: null, spo2: null, outOfTrack: false, lowPerfusion: false, marginalPerfusion: false, artifact: false, smartPoint: false, sensorAlarm: false, lowBattery: false };
    expect(nonin8.encode(none)).toEqual(Uint8Array.of(0x83, 0x7f, 0x7f, 0x00));
    expect(nonin8.encode({ ...none, hr: 150, spo2: 98 })).toEqual(HR150);
    expect(() => nonin8.encode({ ...none, hr: 511 })).toThrow(RangeError);
    expect(() => nonin8.encode({ ...none, spo2: 101 })).toThrow(RangeError);
  });

  it('keeps at most 3 pending bytes', () => {
    const decoder = nonin8.createDecoder();
    decoder.push(HR150.subarray(0, 3));
    expect(decoder.pendingBytes).toBe(3);
    decoder.push(HR150.subarray(3));
    expect(decoder.pendingBytes).toBe(0);
  });
});
