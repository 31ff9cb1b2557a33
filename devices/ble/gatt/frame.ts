// Shared plumbing of the GATT layouts: the length is checked once against what the flags promise, then a
// cursor reads (or writes) the fields in order. After that check every read is in bounds, so the readers do
// not re-check: an out-of-bounds read would be a bug in a layout's length arithmetic, and it is left to throw
// rather than be hidden (the fuzz test exists to find exactly that).
import { type DateTime, type DateTimeFields, DATE_TIME_BYTES, readDateTime, writeDateTime } from '../date-time.js';
import {
  FLOAT_BYTES,
  floatFromWord,
  floatToWord,
  type Ieee11073Number,
  SFLOAT_BYTES,
  sfloatFromWord,
  sfloatToWord,
} from '../ieee11073.js';
import { decoded, decodeError, type DecodeResult } from '../../types.js';

/** A 'truncated' or 'length' error when the frame is not exactly `expected` bytes long, else undefined. */
export function checkLength(view: DataView, expected: number, name: string): DecodeResult<never> | undefined {
  if (view.byteLength < expected) {
    return decodeError('truncated', `${name}: ${view.byteLength} bytes, the layout needs ${expected}`);
  }
  if (view.byteLength > expected) {
    return decodeError('length', `${name}: ${view.byteLength} bytes, the layout has ${expected}`);
  }
  return undefined;
}

/** The flags octet every flagged layout starts with, or a 'truncated' error for an empty frame. */
export function readFlags(view: DataView, name: string): DecodeResult<number> {
  if (view.byteLength < 1) return decodeError('truncated', `${name}: empty frame, no flags`);
  return decoded(view.getUint8(0));
}

export class FrameReader {
  readonly #view: DataView;
  #offset: number;

  constructor(view: DataView, offset = 0) {
    this.#view = view;
    this.#offset = offset;
  }

  uint8(): number {
    const v = this.#view.getUint8(this.#offset);
    this.#offset += 1;
    return v;
  }

  uint16(): number {
    const v = this.#view.getUint16(this.#offset, true);
    this.#offset += 2;
    return v;
  }

  uint24(): number {
    const v = this.#view.getUint16(this.#offset, true) + this.#view.getUint8(this.#offset + 2) * 0x10000;
    this.#offset += 3;
    return v;
  }

  sfloat(): Ieee11073Number {
    const v = sfloatFromWord(this.#view.getUint16(this.#offset, true));
    this.#offset += SFLOAT_BYTES;
    return v;
  }

  float(): Ieee11073Number {
    const v = floatFromWord(this.#view.getUint32(this.#offset, true));
    this.#offset += FLOAT_BYTES;
    return v;
  }

  /** A Date Time can still be out of range, so this one is a DecodeResult. */
  dateTime(): DecodeResult<DateTime> {
    const v = readDateTime(this.#view, this.#offset);
    this.#offset += DATE_TIME_BYTES;
    return v;
  }
}

/**
 * Writes a frame of known length. Values that do not fit their field throw RangeError: encoders take typed
 * values, and one the layout cannot carry is a caller bug (DataView would silently wrap it).
 */
export class FrameWriter {
  readonly #bytes: Uint8Array;
  readonly #view: DataView;
  #offset = 0;

  constructor(length: number) {
    this.#bytes = new Uint8Array(length);
    this.#view = new DataView(this.#bytes.buffer);
  }

  uint8(v: number): this {
    this.#view.setUint8(this.#offset, checkedUint(v, 8));
    this.#offset += 1;
    return this;
  }

  uint16(v: number): this {
    this.#view.setUint16(this.#offset, checkedUint(v, 16), true);
    this.#offset += 2;
    return this;
  }

  uint24(v: number): this {
    const u = checkedUint(v, 24);
    this.#view.setUint16(this.#offset, u & 0xffff, true);
    this.#view.setUint8(this.#offset + 2, u >>> 16);
    this.#offset += 3;
    return this;
  }

  sfloat(v: Ieee11073Number): this {
    this.#view.setUint16(this.#offset, sfloatToWord(v), true);
    this.#offset += SFLOAT_BYTES;
    return this;
  }

  float(v: Ieee11073Number): this {
    this.#view.setUint32(this.#offset, floatToWord(v), true);
    this.#offset += FLOAT_BYTES;
    return this;
  }

  dateTime(v: DateTimeFields): this {
    writeDateTime(this.#view, this.#offset, v);
    this.#offset += DATE_TIME_BYTES;
    return this;
  }

  /** The frame; throws if the fields written do not fill it exactly (an encoder's length arithmetic is off). */
  finish(): Uint8Array {
    if (this.#offset !== this.#bytes.length) {
      throw new Error(`frame length mismatch: wrote ${this.#offset} of ${this.#bytes.length} bytes`);
    }
    return this.#bytes;
  }
}

function checkedUint(v: number, bits: number): number {
  if (!Number.isInteger(v) || v < 0 || v >= 2 ** bits) throw new RangeError(`${v} does not fit uint${bits}`);
  return v;
}
