// Byte helpers shared by the protocols: hex input for `vigil decode`, and 1:1 byte ↔ character conversion for
// the ASCII line protocols (latin1, so every byte maps to exactly one character and back).
import { decoded, decodeError, type DecodeResult } from '../../types.js';

const HEX_SEPARATORS = /[\s:]/g;
const HEX = /^(?:[0-9a-fA-F]{2})*$/;

/** Hex text ("01 82 16 00 99", "0x0182160099", "01:82:…") to bytes; anything else is a 'syntax' error. */
export function hexToBytes(text: string): DecodeResult<Uint8Array> {
  const digits = text.trim().replace(/^0x/i, '').replace(HEX_SEPARATORS, '');
  if (!HEX.test(digits)) return decodeError('syntax', 'not hex: expected pairs of hex digits');
  const bytes = new Uint8Array(digits.length / 2);
  for (let i = 0; i < bytes.length; i++) bytes[i] = parseInt(digits.slice(2 * i, 2 * i + 2), 16);
  return decoded(bytes);
}

/** A binary protocol's `decodeFrame` input: bytes as they are, a string as hex. */
export function binaryInput(input: Uint8Array | string): DecodeResult<Uint8Array> {
  return typeof input === 'string' ? hexToBytes(input) : decoded(input);
}

export function bytesToText(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1');
}

/** Text whose characters are all below U+0100 to bytes; callers check their text is ASCII first. */
export function textToBytes(text: string): Uint8Array {
  return new Uint8Array(Buffer.from(text, 'latin1'));
}

export function hexByte(byte: number): string {
  return byte.toString(16).padStart(2, '0');
}

export function toHex(bytes: Uint8Array): string {
  let hex = '';
  for (const byte of bytes) hex += byte.toString(16).padStart(2, '0');
  return hex;
}
