import { describe, expect, it } from 'vitest';
import { nonin7 } from '../../../../devices/serial/protocols/nonin-7.js';
import { concat, errorsOf, feed, format7Packet, framesOf, normalFloats } from './helpers.js';

const normal = (): Uint8Array => format7Packet({ float: normalFloats() });

describe('nonin-7 (reference §6.1: status starts the frame, 16-bit pleth)', () => {
  it('decodes the packet: HR 150 from MSB 0x01 LSB 0x16, pleth MSB/LSB, statuses', () => {
    const bytes = format7Packet({ float: { ...normalFloats(), 20: 0x01, 21: 0x16 }, pleth: (n) => 0x0100 * n + 0xab, status: (n) => (n === 3 ? 0x92 : 0x82) });
    const result = nonin7.decodeFrame(bytes);
    if (!result.ok) throw new Error(result.error.message);
    expect(result.value.hrDisplay).toBe(150);
    expect(result.value.frames.map((f) => f.pleth)).toEqual(Array.from({ length: 25 }, (_, i) => 0x0100 * (i + 1) + 0xab));
    expect(nonin7.report(result.value)).toMatchObject({ conditions: ['artifact'], samples: [{ vital: 'hr', value: 150 }, { vital: 'spo2', value: 98 }] });
  });

  it('no reading: 511 / 127 → no samples', () => {
    const result = nonin7.decodeFrame(format7Packet({ float: { ...normalFloats(), 9: 0x7f, 20: 0x03, 21: 0x7f } }));
    expect(result.ok && nonin7.report(result.value).samples).toEqual([]);
  });

  it('resyncs after garbage on status ≥ 0x80 plus a valid checksum; one error', () => {
    const garbage = Uint8Array.of(0x85, 0x00, 0x12, 0x00, 0x00, 0x90, 0x7f);
    const events = feed(nonin7.createDecoder(), concat(garbage, normal(), normal()), [3, 140]);
    expect(errorsOf(events)).toHaveLength(1);
    expect(framesOf(events)).toHaveLength(2);
  });

  it('a bad checksum → checksum error, the next packet decodes', () => {
    const bad = normal();
    bad[4] ^= 0x10;
    const events = feed(nonin7.createDecoder(), concat(bad, normal()));
    expect(errorsOf(events).map((e) => e.code)).toEqual(['checksum']);
    expect(framesOf(events)).toHaveLength(1);
  });

  it('a packet starting mid-stream is dropped up to SYNC', () => {
    const events = feed(nonin7.createDecoder(), concat(normal().subarray(100), normal()));
    expect(errorsOf(events).map((e) => e.code)).toEqual(['truncated']);
    expect(framesOf(events)).toHaveLength(1);
  });

  it('split across two reads', () => {
    const events = feed(nonin7.createDecoder(), normal(), [62]);
    expect(errorsOf(events)).toEqual([]);
    expect(framesOf(events)[0]!.bytes).toEqual(normal());
  });
});
