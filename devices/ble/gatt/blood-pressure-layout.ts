// The layout Blood Pressure Measurement 0x2A35 and Intermediate Cuff Pressure 0x2A36 share (reference §3):
// flags, three SFLOAT pressures, then Time Stamp, Pulse Rate, User ID and Measurement Status as the flags say.
// Exact length = 7 + 7·b1 + 2·b2 + 1·b3 + 2·b4 (Nordic's validation); RFU flag and status bits are ignored.
import { type DateTime } from '../date-time.js';
import type { Ieee11073Number } from '../ieee11073.js';
import { checkLength, FrameReader, FrameWriter, readFlags } from './frame.js';
import { decoded, decodeError, type DecodeResult } from '../../types.js';

/** UCUM code of the pressures' unit; the core converts kPa. */
export type PressureUnit = 'mm[Hg]' | 'kPa';

/** Status bits 4..3; the value 3 is RFU and rejected as 'reserved'. */
export type PulseRateRange = 'in-range' | 'above-upper-limit' | 'below-lower-limit';

export interface BloodPressureStatus {
  bodyMovement: boolean;
  cuffTooLoose: boolean;
  irregularPulse: boolean;
  pulseRateRange: PulseRateRange;
  improperPosition: boolean;
}

/** 0–254 as the service defines them; 'unknown' is the wire value 255 ("Unknown User"). */
export type UserId = number | 'unknown';

/** The optional tail both characteristics share. */
export interface CuffExtras {
  timestamp?: DateTime;
  /** beats per minute, whatever the pressure unit */
  pulseRate?: Ieee11073Number;
  userId?: UserId;
  status?: BloodPressureStatus;
}

export interface BloodPressureLayout extends CuffExtras {
  unit: PressureUnit;
  pressures: [Ieee11073Number, Ieee11073Number, Ieee11073Number];
}

const KPA = 0x01;
const TIME_STAMP = 0x02;
const PULSE_RATE = 0x04;
const USER_ID = 0x08;
const MEASUREMENT_STATUS = 0x10;
const UNKNOWN_USER = 255;

const STATUS_BODY_MOVEMENT = 0x0001;
const STATUS_CUFF_LOOSE = 0x0002;
const STATUS_IRREGULAR_PULSE = 0x0004;
const STATUS_PULSE_RANGE_SHIFT = 3;
const STATUS_IMPROPER_POSITION = 0x0020;
const PULSE_RATE_RANGES: readonly PulseRateRange[] = ['in-range', 'above-upper-limit', 'below-lower-limit'];

function frameLength(flags: number): number {
  return (
    7 +
    ((flags & TIME_STAMP) !== 0 ? 7 : 0) +
    ((flags & PULSE_RATE) !== 0 ? 2 : 0) +
    ((flags & USER_ID) !== 0 ? 1 : 0) +
    ((flags & MEASUREMENT_STATUS) !== 0 ? 2 : 0)
  );
}

function decodeStatus(bits: number, name: string): DecodeResult<BloodPressureStatus> {
  const pulseRateRange = PULSE_RATE_RANGES[(bits >> STATUS_PULSE_RANGE_SHIFT) & 0x3];
  if (pulseRateRange === undefined) return decodeError('reserved', `${name}: pulse rate range value 3 is reserved`);
  return decoded({
    bodyMovement: (bits & STATUS_BODY_MOVEMENT) !== 0,
    cuffTooLoose: (bits & STATUS_CUFF_LOOSE) !== 0,
    irregularPulse: (bits & STATUS_IRREGULAR_PULSE) !== 0,
    pulseRateRange,
    improperPosition: (bits & STATUS_IMPROPER_POSITION) !== 0,
  });
}

function encodeStatus(status: BloodPressureStatus): number {
  const range = PULSE_RATE_RANGES.indexOf(status.pulseRateRange);
  if (range < 0) throw new RangeError(`unknown pulse rate range ${String(status.pulseRateRange)}`);
  return (
    (status.bodyMovement ? STATUS_BODY_MOVEMENT : 0) |
    (status.cuffTooLoose ? STATUS_CUFF_LOOSE : 0) |
    (status.irregularPulse ? STATUS_IRREGULAR_PULSE : 0) |
    (range << STATUS_PULSE_RANGE_SHIFT) |
    (status.improperPosition ? STATUS_IMPROPER_POSITION : 0)
  );
}

export function decodeBloodPressureLayout(view: DataView, name: string): DecodeResult<BloodPressureLayout> {
  const read = readFlags(view, name);
  if (!read.ok) return read;
  const flags = read.value;
  const bad = checkLength(view, frameLength(flags), name);
  if (bad) return bad;

  const reader = new FrameReader(view, 1);
  const layout: BloodPressureLayout = {
    unit: (flags & KPA) !== 0 ? 'kPa' : 'mm[Hg]',
    pressures: [reader.sfloat(), reader.sfloat(), reader.sfloat()],
  };
  if ((flags & TIME_STAMP) !== 0) {
    const timestamp = reader.dateTime();
    if (!timestamp.ok) return timestamp;
    layout.timestamp = timestamp.value;
  }
  if ((flags & PULSE_RATE) !== 0) layout.pulseRate = reader.sfloat();
  if ((flags & USER_ID) !== 0) {
    const id = reader.uint8();
    layout.userId = id === UNKNOWN_USER ? 'unknown' : id;
  }
  if ((flags & MEASUREMENT_STATUS) !== 0) {
    const status = decodeStatus(reader.uint16(), name);
    if (!status.ok) return status;
    layout.status = status.value;
  }
  return decoded(layout);
}

/** RangeError for a value the layout cannot carry (e.g. userId 255 as a number: that is 'unknown'). */
export function encodeBloodPressureLayout(layout: BloodPressureLayout, name: string): Uint8Array {
  const flags =
    (layout.unit === 'kPa' ? KPA : 0) |
    (layout.timestamp !== undefined ? TIME_STAMP : 0) |
    (layout.pulseRate !== undefined ? PULSE_RATE : 0) |
    (layout.userId !== undefined ? USER_ID : 0) |
    (layout.status !== undefined ? MEASUREMENT_STATUS : 0);
  const writer = new FrameWriter(frameLength(flags)).uint8(flags);
  for (const pressure of layout.pressures) writer.sfloat(pressure);
  if (layout.timestamp !== undefined) writer.dateTime(layout.timestamp);
  if (layout.pulseRate !== undefined) writer.sfloat(layout.pulseRate);
  if (layout.userId !== undefined) {
    if (layout.userId === UNKNOWN_USER) throw new RangeError(`${name}: user id 255 is written as 'unknown'`);
    writer.uint8(layout.userId === 'unknown' ? UNKNOWN_USER : layout.userId);
  }
  if (layout.status !== undefined) writer.uint16(encodeStatus(layout.status));
  return writer.finish();
}

/** Copies the optional tail, leaving absent fields absent (so decoded values compare exactly). */
export function cuffExtras(from: CuffExtras): CuffExtras {
  const extras: CuffExtras = {};
  if (from.timestamp !== undefined) extras.timestamp = from.timestamp;
  if (from.pulseRate !== undefined) extras.pulseRate = from.pulseRate;
  if (from.userId !== undefined) extras.userId = from.userId;
  if (from.status !== undefined) extras.status = from.status;
  return extras;
}
