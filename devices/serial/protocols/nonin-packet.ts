// The Nonin 25-frame packet shared by Data Formats #2 and #7 (reference §6.1): the status byte of each frame,
// the "float" byte schedule that spreads the numeric values over the packet, and what a packet means for vigil.
// The two formats differ only in how one 5-byte frame is laid out (see FrameLayout).
import { decoded, decodeError, type DecodeResult, type DeviceReport, type SensorCondition } from '../../types.js';
import { orderedConditions } from './conditions.js';

export const FRAME_BYTES = 5;
export const FRAMES_PER_PACKET = 25;
export const PACKET_BYTES = FRAME_BYTES * FRAMES_PER_PACKET;

/** "no valid reading" on the wire */
export const NO_HR = 511;
export const NO_SPO2 = 127;

/** Perfusion bits 2..1: 01 green, 11 yellow (marginal), 10 red (low), 00 none. */
export type NoninPerfusion = 'none' | 'green' | 'yellow' | 'red';

export interface NoninStatus {
  /** bit 6 SNSD: sensor disconnected (OEM III; reserved on the 9560) */
  sensorDisconnect: boolean;
  /** bit 5 ARTF: artifact on this pulse (a quality hint, not a failure) */
  artifact: boolean;
  /** bit 4 OOT: out of track, sustained artifact */
  outOfTrack: boolean;
  /** bit 3 SNSA: sensor alarm, finger out or unusable data */
  sensorAlarm: boolean;
  perfusion: NoninPerfusion;
}

export interface NoninFrame {
  status: NoninStatus;
  /** pleth sample: 8-bit in #2, 16-bit in #7 */
  pleth: number;
}

/**
 * One packet. Numeric values are null when the device sent "no reading" (HR 511, SpO2 127). "Display" values
 * (…Display) hold the last reading for 10 s after the finger leaves; the others go to null at once.
 */
export interface NoninPacket {
  /** the 25 frames in order; frame 1 carries the SYNC bit on the wire */
  frames: NoninFrame[];
  hr: number | null;
  spo2: number | null;
  /** SREV, whole byte */
  softwareRevision: number;
  /** TMR: 1/3-s ticks, 14 bits */
  timer: number;
  /** STAT2 SPA: high-quality SmartPoint measurement */
  smartPoint: boolean;
  /** STAT2 LOWBAT */
  lowBattery: boolean;
  spo2Display: number | null;
  spo2Fast: number | null;
  spo2BeatToBeat: number | null;
  hrExtended: number | null;
  spo2Extended: number | null;
  spo2ExtendedDisplay: number | null;
  hrDisplay: number | null;
  hrExtendedDisplay: number | null;
}

/** How one 5-byte frame is laid out; the packet logic is the same for every layout. */
export interface FrameLayout {
  /** can this byte be the first of a frame? (lets the resync skip hopeless bytes without a full check) */
  canStart(byte: number): boolean;
  /** the frame's status, pleth and float byte, or why these 5 bytes are not a frame */
  read(frame: Uint8Array): DecodeResult<RawFrame>;
  write(status: number, pleth: number, float: number): Uint8Array;
  /** largest pleth value the layout carries */
  maxPleth: number;
}

export interface RawFrame {
  status: number;
  pleth: number;
  float: number;
}

const STATUS_FIXED = 0x80;
const SNSD = 0x40;
const ARTF = 0x20;
const OOT = 0x10;
const SNSA = 0x08;
const PERFUSION_SHIFT = 1;
export const SYNC = 0x01;
const STAT2_SPA = 0x20;
const STAT2_LOWBAT = 0x01;

const PERFUSION_BY_BITS: readonly NoninPerfusion[] = ['none', 'green', 'red', 'yellow'];
const PERFUSION_BITS: Readonly<Record<NoninPerfusion, number>> = { none: 0, green: 1, red: 2, yellow: 3 };

/** CHK = sum of the first four bytes mod 256. */
export function checksum(frame: Uint8Array): number {
  return (frame[0]! + frame[1]! + frame[2]! + frame[3]!) & 0xff;
}

export function statusFromByte(byte: number): NoninStatus {
  return {
    sensorDisconnect: (byte & SNSD) !== 0,
    artifact: (byte & ARTF) !== 0,
    outOfTrack: (byte & OOT) !== 0,
    sensorAlarm: (byte & SNSA) !== 0,
    perfusion: PERFUSION_BY_BITS[(byte >> PERFUSION_SHIFT) & 0x03]!,
  };
}

export function statusToByte(status: NoninStatus, sync: boolean): number {
  return (
    STATUS_FIXED |
    (status.sensorDisconnect ? SNSD : 0) |
    (status.artifact ? ARTF : 0) |
    (status.outOfTrack ? OOT : 0) |
    (status.sensorAlarm ? SNSA : 0) |
    (PERFUSION_BITS[status.perfusion] << PERFUSION_SHIFT) |
    (sync ? SYNC : 0)
  );
}

// 1-based frame numbers of the float-byte schedule (reference §6.1)
const F = {
  hrMsb: 1,
  hrLsb: 2,
  spo2: 3,
  srev: 4,
  tmrMsb: 6,
  tmrLsb: 7,
  stat2: 8,
  spo2Display: 9,
  spo2Fast: 10,
  spo2BeatToBeat: 11,
  eHrMsb: 14,
  eHrLsb: 15,
  eSpo2: 16,
  eSpo2Display: 17,
  hrDisplayMsb: 20,
  hrDisplayLsb: 21,
  eHrDisplayMsb: 22,
  eHrDisplayLsb: 23,
} as const;

/** HR = ((MSB & 0x03) << 7) | (LSB & 0x7F) — the spec formula; `(msb << 8) | lsb` is wrong above 127. */
export function heartRate(msb: number, lsb: number): number | null {
  const hr = ((msb & 0x03) << 7) | (lsb & 0x7f);
  return hr === NO_HR ? null : hr;
}

export function oxygen(byte: number): number | null {
  const spo2 = byte & 0x7f;
  return spo2 === NO_SPO2 ? null : spo2;
}

/** The packet a complete run of 25 frames carries (frames already checked by the layout). */
export function packetFromFrames(frames: readonly RawFrame[]): NoninPacket {
  const float = (n: number): number => frames[n - 1]!.float;
  const hrAt = (msb: number, lsb: number): number | null => heartRate(float(msb), float(lsb));
  const stat2 = float(F.stat2);
  return {
    frames: frames.map((f) => ({ status: statusFromByte(f.status), pleth: f.pleth })),
    hr: hrAt(F.hrMsb, F.hrLsb),
    spo2: oxygen(float(F.spo2)),
    softwareRevision: float(F.srev),
    timer: ((float(F.tmrMsb) & 0x7f) << 7) | (float(F.tmrLsb) & 0x7f),
    smartPoint: (stat2 & STAT2_SPA) !== 0,
    lowBattery: (stat2 & STAT2_LOWBAT) !== 0,
    spo2Display: oxygen(float(F.spo2Display)),
    spo2Fast: oxygen(float(F.spo2Fast)),
    spo2BeatToBeat: oxygen(float(F.spo2BeatToBeat)),
    hrExtended: hrAt(F.eHrMsb, F.eHrLsb),
    spo2Extended: oxygen(float(F.eSpo2)),
    spo2ExtendedDisplay: oxygen(float(F.eSpo2Display)),
    hrDisplay: hrAt(F.hrDisplayMsb, F.hrDisplayLsb),
    hrExtendedDisplay: hrAt(F.eHrDisplayMsb, F.eHrDisplayLsb),
  };
}

/** Decodes exactly one packet (`vigil decode`): 125 bytes, SYNC on frame 1 only, every frame valid. */
export function decodePacket(bytes: Uint8Array, layout: FrameLayout, name: string): DecodeResult<NoninPacket> {
  if (bytes.length < PACKET_BYTES) return decodeError('truncated', `${name}: ${bytes.length} bytes, a packet is ${PACKET_BYTES}`);
  if (bytes.length > PACKET_BYTES) return decodeError('length', `${name}: ${bytes.length} bytes, a packet is ${PACKET_BYTES}`);
  const frames: RawFrame[] = [];
  for (let n = 0; n < FRAMES_PER_PACKET; n++) {
    const read = layout.read(bytes.subarray(n * FRAME_BYTES, (n + 1) * FRAME_BYTES));
    if (!read.ok) return decodeError(read.error.code, `frame ${n + 1}: ${read.error.message}`);
    const sync = (read.value.status & SYNC) !== 0;
    if (n === 0 && !sync) return decodeError('syntax', `${name}: frame 1 lacks the SYNC bit, not a packet start`);
    if (n > 0 && sync) return decodeError('truncated', `${name}: frame ${n + 1} has the SYNC bit, packet cut short`);
    frames.push(read.value);
  }
  return decoded(packetFromFrames(frames));
}

/** HR as the 9-bit wire value (null → 511); throws for what the format cannot carry. */
export function hrWire(hr: number | null, what: string): number {
  if (hr === null) return NO_HR;
  if (!Number.isInteger(hr) || hr < 0 || hr >= NO_HR) throw new RangeError(`${what}: ${hr} is not 0–510 or null`);
  return hr;
}

function hrBytes(hr: number | null, what: string): [number, number] {
  const v = hrWire(hr, what);
  return [v >> 7, v & 0x7f];
}

function spo2Byte(spo2: number | null, what: string): number {
  if (spo2 === null) return NO_SPO2;
  if (!Number.isInteger(spo2) || spo2 < 0 || spo2 >= NO_SPO2) throw new RangeError(`${what}: ${spo2} is not 0–126 or null`);
  return spo2;
}

function byteValue(v: number, max: number, what: string): number {
  if (!Number.isInteger(v) || v < 0 || v > max) throw new RangeError(`${what}: ${v} is not an integer 0–${max}`);
  return v;
}

/** The packet's bytes in `layout`; reserved float bytes are sent as 0. */
export function encodePacket(packet: NoninPacket, layout: FrameLayout): Uint8Array {
  if (packet.frames.length !== FRAMES_PER_PACKET) {
    throw new RangeError(`a packet has ${FRAMES_PER_PACKET} frames, not ${packet.frames.length}`);
  }
  const float = new Array<number>(FRAMES_PER_PACKET).fill(0);
  const put = (n: number, v: number): void => {
    float[n - 1] = v;
  };
  const putHr = (msb: number, lsb: number, hr: number | null, what: string): void => {
    const [hi, lo] = hrBytes(hr, what);
    put(msb, hi);
    put(lsb, lo);
  };
  putHr(F.hrMsb, F.hrLsb, packet.hr, 'hr');
  put(F.spo2, spo2Byte(packet.spo2, 'spo2'));
  put(F.srev, byteValue(packet.softwareRevision, 0xff, 'softwareRevision'));
  const timer = byteValue(packet.timer, 0x3fff, 'timer');
  put(F.tmrMsb, timer >> 7);
  put(F.tmrLsb, timer & 0x7f);
  put(F.stat2, (packet.smartPoint ? STAT2_SPA : 0) | (packet.lowBattery ? STAT2_LOWBAT : 0));
  put(F.spo2Display, spo2Byte(packet.spo2Display, 'spo2Display'));
  put(F.spo2Fast, spo2Byte(packet.spo2Fast, 'spo2Fast'));
  put(F.spo2BeatToBeat, spo2Byte(packet.spo2BeatToBeat, 'spo2BeatToBeat'));
  putHr(F.eHrMsb, F.eHrLsb, packet.hrExtended, 'hrExtended');
  put(F.eSpo2, spo2Byte(packet.spo2Extended, 'spo2Extended'));
  put(F.eSpo2Display, spo2Byte(packet.spo2ExtendedDisplay, 'spo2ExtendedDisplay'));
  putHr(F.hrDisplayMsb, F.hrDisplayLsb, packet.hrDisplay, 'hrDisplay');
  putHr(F.eHrDisplayMsb, F.eHrDisplayLsb, packet.hrExtendedDisplay, 'hrExtendedDisplay');

  const bytes = new Uint8Array(PACKET_BYTES);
  packet.frames.forEach((frame, i) => {
    const pleth = byteValue(frame.pleth, layout.maxPleth, `frame ${i + 1} pleth`);
    bytes.set(layout.write(statusToByte(frame.status, i === 0), pleth, float[i]!), i * FRAME_BYTES);
  });
  return bytes;
}

/**
 * Samples come from the display values (HR-D, SpO2-D), as Nonin recommends for a bedside display. While the
 * sensor alarm (SNSA) is set those values are held, not measured, so the packet carries no samples then.
 * Conditions are the union over the packet's frames: SNSA → sensor-off, OOT → artifact, SNSD → no-sensor, red
 * perfusion → low-perfusion. ARTF (per pulse) and yellow perfusion are quality hints and stay in the value only.
 * An SpO2 above 100 (possible in 7 bits, undefined by the format) yields no sample.
 */
export function packetReport(packet: NoninPacket): DeviceReport {
  const conditions = new Set<SensorCondition>();
  for (const { status } of packet.frames) {
    if (status.sensorAlarm) conditions.add('sensor-off');
    if (status.outOfTrack) conditions.add('artifact');
    if (status.sensorDisconnect) conditions.add('no-sensor');
    if (status.perfusion === 'red') conditions.add('low-perfusion');
  }
  const report: DeviceReport = { samples: [], conditions: orderedConditions(conditions), lowBattery: packet.lowBattery };
  if (!conditions.has('sensor-off')) {
    if (packet.hrDisplay !== null) report.samples.push({ vital: 'hr', value: packet.hrDisplay, unit: '/min', mode: 'continuous' });
    if (packet.spo2Display !== null && packet.spo2Display <= 100) {
      report.samples.push({ vital: 'spo2', value: packet.spo2Display, unit: '%', mode: 'continuous' });
    }
  }
  return report;
}
