// Test plumbing for the serial protocols: feeding a decoder in chunks, and Nonin packets written by hand from the
// reference layout (independently of the encoder under test).
import type { NoninFrame, NoninPacket } from '../../../../devices/serial/protocols/nonin-packet.js';
import type { FrameDecoder, FrameEvent, SerialFrame } from '../../../../devices/serial/protocols/protocol.js';
import type { DecodeError } from '../../../../devices/types.js';

export function concat(...parts: ArrayLike<number>[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

export function ascii(text: string): Uint8Array {
  return new Uint8Array(Buffer.from(text, 'latin1'));
}

/** Pushes `bytes` cut at `cuts` (offsets), returns every event in order. */
export function feed<T>(decoder: FrameDecoder<T>, bytes: Uint8Array, cuts: number[] = []): FrameEvent<T>[] {
  const events: FrameEvent<T>[] = [];
  let start = 0;
  for (const cut of [...cuts, bytes.length]) {
    events.push(...decoder.push(bytes.subarray(start, cut)));
    start = cut;
  }
  return events;
}

export function framesOf<T>(events: FrameEvent<T>[]): SerialFrame<T>[] {
  return events.flatMap((e) => (e.ok ? [e.frame] : []));
}

export function errorsOf<T>(events: FrameEvent<T>[]): DecodeError[] {
  return events.flatMap((e) => (e.ok ? [] : [e.error]));
}

/** One frame number's worth of hand-written packet data (1-based frame numbers as in the reference). */
export interface HandPacket {
  /** status byte per frame without the SYNC bit (default 0x82: bit 7 + green perfusion) */
  status?: (frame: number) => number;
  /** float byte per frame number */
  float: Record<number, number>;
  pleth?: (frame: number) => number;
}

/** Format #2 packet bytes: 01 STATUS PLETH FLOAT CHK per frame, SYNC on frame 1, CHK = sum mod 256. */
export function format2Packet(p: HandPacket): Uint8Array {
  const bytes: number[] = [];
  for (let n = 1; n <= 25; n++) {
    const status = (p.status?.(n) ?? 0x82) | (n === 1 ? 0x01 : 0);
    const frame = [0x01, status, p.pleth?.(n) ?? 0x40, p.float[n] ?? 0];
    bytes.push(...frame, (frame[0]! + frame[1]! + frame[2]! + frame[3]!) % 256);
  }
  return Uint8Array.from(bytes);
}

/** Format #7 packet bytes: STATUS PLETH-MSB PLETH-LSB FLOAT CHK per frame. */
export function format7Packet(p: HandPacket): Uint8Array {
  const bytes: number[] = [];
  for (let n = 1; n <= 25; n++) {
    const status = (p.status?.(n) ?? 0x82) | (n === 1 ? 0x01 : 0);
    const pleth = p.pleth?.(n) ?? 0x1234;
    const frame = [status, pleth >> 8, pleth & 0xff, p.float[n] ?? 0];
    bytes.push(...frame, (frame[0]! + frame[1]! + frame[2]! + frame[3]!) % 256);
  }
  return Uint8Array.from(bytes);
}

/** Float bytes of an ordinary reading: HR 72, SpO2 98 in every HR/SpO2 slot. */
export function normalFloats(): Record<number, number> {
  return { 1: 0, 2: 72, 3: 98, 9: 98, 10: 98, 11: 98, 14: 0, 15: 72, 16: 98, 17: 98, 20: 0, 21: 72, 22: 0, 23: 72 };
}

const QUIET_FRAME: NoninFrame = {
  status: { sensorDisconnect: false, artifact: false, outOfTrack: false, sensorAlarm: false, perfusion: 'green' },
  pleth: 64,
};

/** A typed packet for encoder-based tests. */
export function packetValue(overrides: Partial<NoninPacket> = {}): NoninPacket {
  return {
    frames: Array.from({ length: 25 }, () => structuredClone(QUIET_FRAME)),
    hr: 72,
    spo2: 98,
    softwareRevision: 0,
    timer: 0,
    smartPoint: false,
    lowBattery: false,
    spo2Display: 98,
    spo2Fast: 98,
    spo2BeatToBeat: 98,
    hrExtended: 72,
    spo2Extended: 98,
    spo2ExtendedDisplay: 98,
    hrDisplay: 72,
    hrExtendedDisplay: 72,
    ...overrides,
  };
}
