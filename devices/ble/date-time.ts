// The 7-octet GATT Date Time (0x2A08 layout), used for every "Time Stamp" field: year uint16 LE, month, day,
// hours, minutes, seconds. Year, month and day may each be 0 = "not known" (reference §1). No time zone.
//
// Decoded as its fields plus `iso`, a zone-less "YYYY-MM-DDTHH:MM:SS" string when the date is fully known.
// It is deliberately not epoch ms: the device's clock zone is unknown, so any conversion would be a guess;
// the adapter stamps samples with its own receive time anyway.
import { decoded, decodeError, type DecodeResult } from '../types.js';

export const DATE_TIME_BYTES = 7;

export interface DateTimeFields {
  /** 1582–9999; undefined when the device sent 0 (not known) */
  year: number | undefined;
  /** 1–12; undefined when the device sent 0 (not known) */
  month: number | undefined;
  /** 1–31; undefined when the device sent 0 (not known) */
  day: number | undefined;
  hours: number;
  minutes: number;
  seconds: number;
}

export interface DateTime extends DateTimeFields {
  /** "YYYY-MM-DDTHH:MM:SS" (device local time, no zone) when year, month and day are all known */
  iso: string | undefined;
}

const pad = (n: number, width: number): string => String(n).padStart(width, '0');

function daysInMonth(year: number | undefined, month: number): number {
  if (month === 2) {
    // an unknown year may be a leap year
    const leap = year === undefined || (year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0));
    return leap ? 29 : 28;
  }
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}

/** Why the fields are not a valid Date Time, or undefined when they are. */
function invalidField(f: DateTimeFields): string | undefined {
  const inRange = (v: number, lo: number, hi: number): boolean => Number.isInteger(v) && v >= lo && v <= hi;
  if (f.year !== undefined && !inRange(f.year, 1582, 9999)) return `year ${f.year} outside 1582..9999`;
  if (f.month !== undefined && !inRange(f.month, 1, 12)) return `month ${f.month} outside 1..12`;
  if (f.day !== undefined) {
    const last = f.month === undefined ? 31 : daysInMonth(f.year, f.month);
    if (!inRange(f.day, 1, last)) return `day ${f.day} outside 1..${last}`;
  }
  if (!inRange(f.hours, 0, 23)) return `hours ${f.hours} outside 0..23`;
  if (!inRange(f.minutes, 0, 59)) return `minutes ${f.minutes} outside 0..59`;
  if (!inRange(f.seconds, 0, 59)) return `seconds ${f.seconds} outside 0..59`;
  return undefined;
}

function withIso(f: DateTimeFields): DateTime {
  const iso =
    f.year !== undefined && f.month !== undefined && f.day !== undefined
      ? `${pad(f.year, 4)}-${pad(f.month, 2)}-${pad(f.day, 2)}T${pad(f.hours, 2)}:${pad(f.minutes, 2)}:${pad(f.seconds, 2)}`
      : undefined;
  return { ...f, iso };
}

/** A Date Time from its fields (RangeError when a field is out of range); used by encoders' callers and tests. */
export function dateTime(fields: DateTimeFields): DateTime {
  const why = invalidField(fields);
  if (why !== undefined) throw new RangeError(`invalid Date Time: ${why}`);
  return withIso({ ...fields });
}

export function readDateTime(view: DataView, offset: number): DecodeResult<DateTime> {
  if (offset < 0 || offset + DATE_TIME_BYTES > view.byteLength) {
    return decodeError('truncated', `Date Time at offset ${offset} needs ${DATE_TIME_BYTES} bytes, ${view.byteLength} present`);
  }
  const unknownIfZero = (v: number): number | undefined => (v === 0 ? undefined : v);
  const fields: DateTimeFields = {
    year: unknownIfZero(view.getUint16(offset, true)),
    month: unknownIfZero(view.getUint8(offset + 2)),
    day: unknownIfZero(view.getUint8(offset + 3)),
    hours: view.getUint8(offset + 4),
    minutes: view.getUint8(offset + 5),
    seconds: view.getUint8(offset + 6),
  };
  const why = invalidField(fields);
  if (why !== undefined) return decodeError('range', `Date Time: ${why}`);
  return decoded(withIso(fields));
}

/** Writes the fields (`iso` is derived, so ignored); RangeError on an invalid field or no room (caller bugs). */
export function writeDateTime(view: DataView, offset: number, value: DateTimeFields): void {
  const why = invalidField(value);
  if (why !== undefined) throw new RangeError(`invalid Date Time: ${why}`);
  view.setUint16(offset, value.year ?? 0, true);
  view.setUint8(offset + 2, value.month ?? 0);
  view.setUint8(offset + 3, value.day ?? 0);
  view.setUint8(offset + 4, value.hours);
  view.setUint8(offset + 5, value.minutes);
  view.setUint8(offset + 6, value.seconds);
}

export function encodeDateTime(value: DateTimeFields): Uint8Array {
  const bytes = new Uint8Array(DATE_TIME_BYTES);
  writeDateTime(new DataView(bytes.buffer), 0, value);
  return bytes;
}

/** The Date Time a device clock set to UTC would send at `ms` since the epoch (virtual devices use it). */
export function dateTimeFromEpochMs(ms: number): DateTime {
  const d = new Date(ms);
  return dateTime({
    year: d.getUTCFullYear(),
    month: d.getUTCMonth() + 1,
    day: d.getUTCDate(),
    hours: d.getUTCHours(),
    minutes: d.getUTCMinutes(),
    seconds: d.getUTCSeconds(),
  });
}
