// IEEE 11073-20601 SFLOAT (16-bit) and FLOAT (32-bit) as BLE carries them: little-endian words, decimal
// exponent. Special values are the exact words with exponent 0 (reference §5/§8); any other word is a number,
// so `FF F7` is 204.7, not NaN. Specials stay a distinct kind: a failed reading must never become a number.
import { decoded, decodeError, type DecodeResult } from '../types.js';

export type Ieee11073Special = 'nan' | 'nres' | 'positive-infinity' | 'negative-infinity' | 'reserved';

/**
 * A decoded SFLOAT/FLOAT. For numbers, mantissa and exponent are what the wire carried (compare those for
 * exactness) and `value` is derived from them; encoders write mantissa and exponent and ignore `value`.
 */
export type Ieee11073Number =
  | { kind: 'number'; mantissa: number; exponent: number; value: number }
  | { kind: 'special'; special: Ieee11073Special };

export const SFLOAT_BYTES = 2;
export const FLOAT_BYTES = 4;

interface Format {
  mantissaBits: number;
  exponentBits: number;
  /** the exponent-0 words, by mantissa */
  specials: ReadonlyMap<number, Ieee11073Special>;
}

// Keyed by the signed mantissa: NaN = +(2^(n-1) − 1), NRes = −2^(n-1), ±INF = ±(2^(n-1) − 2), RFU = −(2^(n-1) − 1).
function specialsFor(mantissaBits: number): ReadonlyMap<number, Ieee11073Special> {
  const top = 2 ** (mantissaBits - 1);
  return new Map<number, Ieee11073Special>([
    [top - 1, 'nan'],
    [-top, 'nres'],
    [top - 2, 'positive-infinity'],
    [-(top - 2), 'negative-infinity'],
    [-(top - 1), 'reserved'],
  ]);
}

const SFLOAT: Format = { mantissaBits: 12, exponentBits: 4, specials: specialsFor(12) };
const FLOAT: Format = { mantissaBits: 24, exponentBits: 8, specials: specialsFor(24) };

/** Powers of ten up to 10^22 are exact doubles, so one division or product rounds once: `189 / 10` is 18.9. */
const EXACT_POWER_LIMIT = 22;

/**
 * mantissa × 10^exponent, correctly rounded. Divides for negative exponents (`189 * 0.1` is 18.900000000000002);
 * beyond 10^22 the power itself is inexact, so the decimal literal is parsed instead (FLOAT only).
 */
export function decimalValue(mantissa: number, exponent: number): number {
  if (Math.abs(exponent) > EXACT_POWER_LIMIT) return Number(`${mantissa}e${exponent}`);
  return exponent < 0 ? mantissa / 10 ** -exponent : mantissa * 10 ** exponent;
}

function toSigned(raw: number, bits: number): number {
  return raw >= 2 ** (bits - 1) ? raw - 2 ** bits : raw;
}

function fromWord(format: Format, word: number): Ieee11073Number {
  const mantissa = toSigned(word % 2 ** format.mantissaBits, format.mantissaBits);
  const exponent = toSigned(Math.floor(word / 2 ** format.mantissaBits), format.exponentBits);
  if (exponent === 0) {
    const special = format.specials.get(mantissa);
    if (special !== undefined) return { kind: 'special', special };
  }
  return { kind: 'number', mantissa, exponent, value: decimalValue(mantissa, exponent) };
}

function specialWord(format: Format, special: Ieee11073Special): number {
  for (const [mantissa, name] of format.specials) {
    if (name === special) return mantissa < 0 ? mantissa + 2 ** format.mantissaBits : mantissa;
  }
  throw new RangeError(`unknown IEEE 11073 special value ${String(special)}`);
}

/** Encoders get typed values; one that no word can carry is a caller bug, so it throws. */
function toWord(format: Format, value: Ieee11073Number): number {
  if (value.kind === 'special') return specialWord(format, value.special);
  const { mantissa, exponent } = value;
  const top = 2 ** (format.mantissaBits - 1);
  if (!Number.isInteger(mantissa) || mantissa < -top || mantissa >= top) {
    throw new RangeError(`mantissa ${mantissa} does not fit ${format.mantissaBits} bits`);
  }
  const expTop = 2 ** (format.exponentBits - 1);
  if (!Number.isInteger(exponent) || exponent < -expTop || exponent >= expTop) {
    throw new RangeError(`exponent ${exponent} does not fit ${format.exponentBits} bits`);
  }
  if (exponent === 0 && format.specials.has(mantissa)) {
    throw new RangeError(`mantissa ${mantissa} with exponent 0 is a special value, not a number`);
  }
  const unsignedExponent = exponent < 0 ? exponent + 2 ** format.exponentBits : exponent;
  const unsignedMantissa = mantissa < 0 ? mantissa + 2 ** format.mantissaBits : mantissa;
  return unsignedExponent * 2 ** format.mantissaBits + unsignedMantissa;
}

/** Builds the number a device would send for `value` at a fixed decimal exponent: encodeSfloat(36.8, -1). */
function encodeDecimal(format: Format, value: number, exponent: number): Ieee11073Number {
  // `+ 0` turns a rounded −0 into 0, the only zero a decoder produces
  const mantissa = Math.round(exponent < 0 ? value * 10 ** -exponent : value / 10 ** exponent) + 0;
  const number: Ieee11073Number = { kind: 'number', mantissa, exponent, value: decimalValue(mantissa, exponent) };
  toWord(format, number); // range check, throws when it does not fit
  return number;
}

/** The SFLOAT a 16-bit word (already assembled little-endian) means. */
export function sfloatFromWord(word: number): Ieee11073Number {
  return fromWord(SFLOAT, word & 0xffff);
}

/** The FLOAT a 32-bit word (already assembled little-endian) means. */
export function floatFromWord(word: number): Ieee11073Number {
  return fromWord(FLOAT, word >>> 0);
}

export function sfloatToWord(value: Ieee11073Number): number {
  return toWord(SFLOAT, value);
}

export function floatToWord(value: Ieee11073Number): number {
  return toWord(FLOAT, value);
}

export function readSfloat(view: DataView, offset: number): DecodeResult<Ieee11073Number> {
  if (offset < 0 || offset + SFLOAT_BYTES > view.byteLength) {
    return decodeError('truncated', `SFLOAT at offset ${offset} needs ${SFLOAT_BYTES} bytes, ${view.byteLength} present`);
  }
  return decoded(sfloatFromWord(view.getUint16(offset, true)));
}

export function readFloat(view: DataView, offset: number): DecodeResult<Ieee11073Number> {
  if (offset < 0 || offset + FLOAT_BYTES > view.byteLength) {
    return decodeError('truncated', `FLOAT at offset ${offset} needs ${FLOAT_BYTES} bytes, ${view.byteLength} present`);
  }
  return decoded(floatFromWord(view.getUint32(offset, true)));
}

/** Throws RangeError when the value has no SFLOAT word or the view has no room (caller bugs). */
export function writeSfloat(view: DataView, offset: number, value: Ieee11073Number): void {
  view.setUint16(offset, sfloatToWord(value), true);
}

/** Throws RangeError when the value has no FLOAT word or the view has no room (caller bugs). */
export function writeFloat(view: DataView, offset: number, value: Ieee11073Number): void {
  view.setUint32(offset, floatToWord(value), true);
}

/** `value` rounded to `exponent` decimal places' resolution, as an SFLOAT number; RangeError if it does not fit. */
export function encodeSfloat(value: number, exponent: number): Ieee11073Number {
  return encodeDecimal(SFLOAT, value, exponent);
}

/** `value` rounded to `exponent` decimal places' resolution, as a FLOAT number; RangeError if it does not fit. */
export function encodeFloat(value: number, exponent: number): Ieee11073Number {
  return encodeDecimal(FLOAT, value, exponent);
}

export function special(name: Ieee11073Special): Ieee11073Number {
  return { kind: 'special', special: name };
}

/** The numeric value, or undefined for a special (callers must decide what a special means for them). */
export function numericValue(value: Ieee11073Number): number | undefined {
  return value.kind === 'number' ? value.value : undefined;
}
