// Frame helpers for the GATT codec tests: hex in, DataView out (placed at a non-zero offset inside a larger
// buffer, as Web Bluetooth's event values can be), and typed result assertions.
import { expect } from 'vitest';
import type { DecodeErrorCode, DecodeResult } from '../../../devices/types.js';
import type { Ieee11073Number, Ieee11073Special } from '../../../devices/ble/ieee11073.js';
import { decimalValue } from '../../../devices/ble/ieee11073.js';

export function bytesOf(hex: string): Uint8Array {
  const clean = hex.replace(/\s+/g, '');
  if (clean.length % 2 !== 0 || !/^[0-9a-f]*$/i.test(clean)) throw new Error(`bad hex in test: ${hex}`);
  return Uint8Array.from({ length: clean.length / 2 }, (_, i) => Number.parseInt(clean.slice(2 * i, 2 * i + 2), 16));
}

/** The bytes as a DataView that starts 3 bytes into a padded buffer, so a decoder ignoring byteOffset fails. */
export function viewOf(bytes: Uint8Array): DataView {
  const buffer = new ArrayBuffer(bytes.length + 6);
  new Uint8Array(buffer).fill(0xee).set(bytes, 3);
  return new DataView(buffer, 3, bytes.length);
}

export const frame = (hex: string): DataView => viewOf(bytesOf(hex));

export function hexOf(bytes: Uint8Array): string {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

export function expectOk<T>(result: DecodeResult<T>): T {
  if (!result.ok) throw new Error(`expected a value, got ${result.error.code}: ${result.error.message}`);
  return result.value;
}

export function expectError<T>(result: DecodeResult<T>, code: DecodeErrorCode): void {
  expect(result.ok ? 'ok' : result.error.code).toBe(code);
}

export function num(mantissa: number, exponent: number): Ieee11073Number {
  return { kind: 'number', mantissa, exponent, value: decimalValue(mantissa, exponent) };
}

export function sp(name: Ieee11073Special): Ieee11073Number {
  return { kind: 'special', special: name };
}

/** Every subset of the given flag bits (as numbers), for exhaustive flag loops. */
export function allFlagValues(bits: number): number[] {
  return Array.from({ length: 2 ** bits }, (_, i) => i);
}
