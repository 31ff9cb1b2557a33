import { describe, expect, it } from 'vitest';
import { nonin2 } from '../../../../devices/serial/protocols/nonin-2.js';
import { concat, errorsOf, feed, format2Packet, framesOf, normalFloats, packetValue } from './helpers.js';

const normal = (): Uint8Array => format2Packet({ float: normalFloats() });

describe('nonin-2: values (reference §6.1)', () => {
  it('decodes HR above 127 with the spec formula: MSB 0x01, LSB 0x16 → 150 (not (msb<<8)|lsb = 278)', () => {
    const bytes = format2Packet({ float: { ...normalFloats(), 1: 0x01, 2: 0x16, 20: 0x01, 21: 0x16 } });
    const result = nonin2.decodeFrame(bytes);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.value.hr).toBe(150);
    expect(result.value.hrDisplay).toBe(150);
    expect(nonin2.report(result.value)).toEqual({
      samples: [
        { vital: 'hr', value: 150, unit: '/min', mode: 'continuous' },
        { vital: 'spo2', value: 98, unit: '%', mode: 'continuous' },
      ],
      conditions: [],
      lowBattery: false,
    });
  });

  it('ignores the reserved high bits of the HR bytes: MSB 0x7D (R bits set) LSB 0x96 → HR from HR8/HR7 and HR6..0', () => {
    const bytes = format2Packet({ float: { ...normalFloats(), 20: 0x7d, 21: 0x96 } });
    const result = nonin2.decodeFrame(bytes);
    expect(result.ok && result.value.hrDisplay).toBe(((0x7d & 3) << 7) | (0x96 & 0x7f));
  });

  it('treats HR 511 and SpO2 127 as no reading: null in the value, no sample', () => {
    const bytes = format2Packet({ float: { ...normalFloats(), 1: 0x03, 2: 0x7f, 3: 0x7f, 9: 0x7f, 20: 0x03, 21: 0x7f } });
    const result = nonin2.decodeFrame(bytes);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.value).toMatchObject({ hr: null, spo2: null, hrDisplay: null, spo2Display: null, hrExtendedDisplay: 72 });
    expect(nonin2.report(result.value).samples).toEqual([]);
  });

  it('takes samples from the display values, not the recording values', () => {
    const bytes = format2Packet({ float: { ...normalFloats(), 2: 80, 3: 95, 9: 97, 21: 81 } });
    const result = nonin2.decodeFrame(bytes);
    if (!result.ok) throw new Error(result.error.message);
    expect(result.value).toMatchObject({ hr: 80, spo2: 95, hrDisplay: 81, spo2Display: 97 });
    expect(nonin2.report(result.value).samples.map((s) => s.value)).toEqual([81, 97]);
  });

  it('reads SREV, TMR (frames 6/7, 7 bits each) and STAT2 (frame 8: SPA 0x20, LOWBAT 0x01)', () => {
    const bytes = format2Packet({ float: { ...normalFloats(), 4: 0x51, 6: 0x02, 7: 0x05, 8: 0x21 } });
    const result = nonin2.decodeFrame(bytes);
    if (!result.ok) throw new Error(result.error.message);
    expect(result.value).toMatchObject({ softwareRevision: 0x51, timer: (2 << 7) | 5, smartPoint: true, lowBattery: true });
    expect(nonin2.report(result.value).lowBattery).toBe(true);
  });

  it('gives no SpO2 sample for a value above 100 (undefined by the format)', () => {
    const result = nonin2.decodeFrame(format2Packet({ float: { ...normalFloats(), 9: 110 } }));
    if (!result.ok) throw new Error(result.error.message);
    expect(result.value.spo2Display).toBe(110);
    expect(nonin2.report(result.value).samples.map((s) => s.vital)).toEqual(['hr']);
  });
});

describe('nonin-2: status bits → conditions', () => {
  const reportWith = (status: (frame: number) => number) => {
    const result = nonin2.decodeFrame(format2Packet({ status, float: normalFloats() }));
    if (!result.ok) throw new Error(result.error.message);
    return { value: result.value, report: nonin2.report(result.value) };
  };

  it('SNSA (0x08) → sensor-off, and no samples (display values are held, not measured)', () => {
    const { value, report } = reportWith((n) => (n >= 20 ? 0x8a : 0x82));
    expect(value.frames[19]!.status.sensorAlarm).toBe(true);
    expect(report.conditions).toEqual(['sensor-off']);
    expect(report.samples).toEqual([]);
  });

  it('OOT (0x10) → artifact, SNSD (0x40) → no-sensor, red perfusion (bits 2..1 = 10) → low-perfusion', () => {
    expect(reportWith(() => 0x92).report.conditions).toEqual(['artifact']);
    expect(reportWith(() => 0xc0).report.conditions).toEqual(['no-sensor']);
    expect(reportWith((n) => (n === 5 ? 0x84 : 0x80)).report.conditions).toEqual(['low-perfusion']);
    expect(reportWith(() => 0xd8).report.conditions).toEqual(['sensor-off', 'no-sensor', 'artifact']);
    expect(reportWith(() => 0xdc).report.conditions).toEqual(['sensor-off', 'no-sensor', 'artifact', 'low-perfusion']);
  });

  it('ARTF alone (0x20), yellow and green perfusion raise nothing; the value keeps them', () => {
    const artf = reportWith(() => 0xa2);
    expect(artf.report.conditions).toEqual([]);
    expect(artf.value.frames.every((f) => f.status.artifact)).toBe(true);
    expect(artf.report.samples).toHaveLength(2);
    const yellow = reportWith(() => 0x86);
    expect(yellow.report.conditions).toEqual([]);
    expect(yellow.value.frames[0]!.status.perfusion).toBe('yellow');
    expect(reportWith(() => 0x80).value.frames[3]!.status.perfusion).toBe('none');
  });
});

describe('nonin-2: streaming', () => {
  it('decodes a packet however the reads split it (every cut point)', () => {
    const bytes = normal();
    for (let cut = 1; cut < bytes.length; cut++) {
      const decoder = nonin2.createDecoder();
      const events = feed(decoder, bytes, [cut]);
      expect(errorsOf(events)).toEqual([]);
      expect(framesOf(events)).toHaveLength(1);
      expect(decoder.pendingBytes).toBe(0);
    }
  });

  it('decodes many packets in one read, byte by byte too; the frame bytes are the 125 packet bytes', () => {
    const stream = concat(normal(), normal(), normal());
    const all = framesOf(nonin2.createDecoder().push(stream));
    expect(all).toHaveLength(3);
    expect(all[0]!.bytes).toEqual(normal());
    const decoder = nonin2.createDecoder();
    const single = [...stream].flatMap((b) => decoder.push(Uint8Array.of(b)));
    expect(errorsOf(single)).toEqual([]);
    expect(framesOf(single)).toHaveLength(3);
  });

  it('skips garbage before a frame with one error, then decodes', () => {
    // 0x01 0x80 … looks like a frame start, so the resync has to slide past a false candidate
    const garbage = Uint8Array.of(0xff, 0x13, 0x01, 0x80, 0x00, 0x01, 0x99, 0x01);
    const events = feed(nonin2.createDecoder(), concat(garbage, normal()));
    expect(errorsOf(events)).toHaveLength(1);
    expect(errorsOf(events)[0]!.code).toBe('syntax');
    expect(framesOf(events)).toHaveLength(1);
  });

  it('starting mid-packet: drops the frames before SYNC (one truncated error), decodes the next packet', () => {
    const stream = concat(normal().subarray(60), normal());
    const events = feed(nonin2.createDecoder(), stream);
    expect(errorsOf(events).map((e) => e.code)).toEqual(['truncated']);
    expect(framesOf(events)).toHaveLength(1);
  });

  it('starting mid-frame: one error, then the next packet', () => {
    const events = feed(nonin2.createDecoder(), concat(normal().subarray(63), normal(), normal()));
    expect(errorsOf(events)).toHaveLength(1);
    expect(framesOf(events)).toHaveLength(2);
  });

  it('a wrong checksum loses that packet (one checksum error) and resyncs on the next', () => {
    const bad = normal();
    bad[5 * 7 + 4] = (bad[5 * 7 + 4]! + 1) & 0xff; // CHK of frame 8
    const events = feed(nonin2.createDecoder(), concat(normal(), bad, normal()), [130]);
    expect(errorsOf(events).map((e) => e.code)).toEqual(['checksum']);
    expect(framesOf(events)).toHaveLength(2);
  });

  it('a dropped byte loses that packet only', () => {
    const damaged = normal();
    const stream = concat(normal(), damaged.subarray(0, 50), damaged.subarray(51), normal());
    const events = feed(nonin2.createDecoder(), stream);
    expect(errorsOf(events)).toHaveLength(1);
    expect(framesOf(events)).toHaveLength(2);
  });

  it('a packet cut short by the next SYNC is reported as truncated', () => {
    const events = feed(nonin2.createDecoder(), concat(normal(), normal().subarray(0, 50), normal()));
    expect(errorsOf(events).map((e) => e.code)).toEqual(['truncated']);
    expect(framesOf(events)).toHaveLength(2);
  });

  it('keeps at most one packet of pending bytes; reset forgets them', () => {
    const decoder = nonin2.createDecoder();
    decoder.push(normal().subarray(0, 124));
    expect(decoder.pendingBytes).toBe(124);
    decoder.reset();
    expect(decoder.pendingBytes).toBe(0);
    expect(framesOf(decoder.push(normal()))).toHaveLength(1);
  });
});

describe('nonin-2: decodeFrame', () => {
  it('takes hex, with spaces or a 0x prefix', () => {
    const hex = Buffer.from(normal()).toString('hex');
    expect(nonin2.decodeFrame(hex).ok).toBe(true);
    expect(nonin2.decodeFrame(`0x${hex}`).ok).toBe(true);
    expect(nonin2.decodeFrame(hex.replace(/(..)/g, '$1 ')).ok).toBe(true);
    expect(nonin2.decodeFrame('01 8')).toMatchObject({ ok: false, error: { code: 'syntax' } });
  });

  it('refuses a wrong length, a missing SYNC, a bad checksum, naming the frame', () => {
    expect(nonin2.decodeFrame(normal().subarray(0, 120))).toMatchObject({ ok: false, error: { code: 'truncated' } });
    expect(nonin2.decodeFrame(concat(normal(), [0]))).toMatchObject({ ok: false, error: { code: 'length' } });
    expect(nonin2.decodeFrame(concat(normal().subarray(5), normal().subarray(5, 10)))).toMatchObject({ ok: false, error: { code: 'syntax' } });
    const bad = normal();
    bad[14] = 0;
    const result = nonin2.decodeFrame(bad);
    expect(result).toMatchObject({ ok: false, error: { code: 'checksum' } });
    expect(!result.ok && result.error.message).toMatch(/frame 3/);
  });

  it('encodes spec-exact bytes: the hand-written packet', () => {
    expect(nonin2.encode(packetValue({ frames: packetValue().frames.map((f) => ({ ...f, pleth: 0x40 })) }))).toEqual(normal());
    expect(() => nonin2.encode(packetValue({ hrDisplay: 511 }))).toThrow(RangeError);
    expect(() => nonin2.encode(packetValue({ frames: [] }))).toThrow(RangeError);
  });
});
