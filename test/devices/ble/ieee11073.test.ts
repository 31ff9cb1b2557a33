import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  decimalValue,
  encodeFloat,
  encodeSfloat,
  floatFromWord,
  floatToWord,
  type Ieee11073Special,
  numericValue,
  readFloat,
  readSfloat,
  sfloatFromWord,
  sfloatToWord,
  special,
  writeFloat,
  writeSfloat,
} from '../../../devices/ble/ieee11073.js';
import { expectError, expectOk, frame, hexOf, num, sp } from './helpers.js';

const SFLOAT_SPECIALS: [string, Ieee11073Special][] = [
  ['ff07', 'nan'],
  ['0008', 'nres'],
  ['fe07', 'positive-infinity'],
  ['0208', 'negative-infinity'],
  ['0108', 'reserved'],
];

const FLOAT_SPECIALS: [string, Ieee11073Special][] = [
  ['ffff7f00', 'nan'],
  ['00008000', 'nres'],
  ['feff7f00', 'positive-infinity'],
  ['02008000', 'negative-infinity'],
  ['01008000', 'reserved'],
];

describe('SFLOAT', () => {
  it.each(SFLOAT_SPECIALS)('%s is the special value %s', (hex, name) => {
    expect(expectOk(readSfloat(frame(hex), 0))).toEqual(sp(name));
  });

  it('is special only with exponent 0: FF F7 (exponent −1) is 204.7, 00 F8 is −204.8, FE 17 is 20460', () => {
    expect(expectOk(readSfloat(frame('fff7'), 0))).toEqual({ kind: 'number', mantissa: 2047, exponent: -1, value: 204.7 });
    expect(expectOk(readSfloat(frame('00f8'), 0))).toEqual({ kind: 'number', mantissa: -2048, exponent: -1, value: -204.8 });
    expect(expectOk(readSfloat(frame('fe17'), 0))).toEqual({ kind: 'number', mantissa: 2046, exponent: 1, value: 20460 });
    expect(expectOk(readSfloat(frame('0288'), 0))).toEqual({ kind: 'number', mantissa: -2046, exponent: -8, value: -2046e-8 });
  });

  it('decodes little-endian mantissa and signed exponent exactly', () => {
    expect(expectOk(readSfloat(frame('70f1'), 0))).toEqual(num(368, -1));
    expect(numericValue(expectOk(readSfloat(frame('70f1'), 0)))).toBe(36.8);
    expect(numericValue(expectOk(readSfloat(frame('bdf0'), 0)))).toBe(18.9); // 189 / 10, not 189 * 0.1
    expect(numericValue(expectOk(readSfloat(frame('7800'), 0)))).toBe(120);
    expect(numericValue(expectOk(readSfloat(frame('ff0f'), 0)))).toBe(-1);
    expect(numericValue(expectOk(readSfloat(frame('0170'), 0)))).toBe(1e7);
  });

  it('reads at an offset and reports a truncated value as an error', () => {
    expect(expectOk(readSfloat(frame('aa7800'), 1))).toEqual(num(120, 0));
    expectError(readSfloat(frame('78'), 0), 'truncated');
    expectError(readSfloat(frame('7800'), 1), 'truncated');
    expectError(readSfloat(frame('7800'), -1), 'truncated');
  });

  it('round-trips every one of the 65536 words, and only five are special', () => {
    let specials = 0;
    for (let word = 0; word <= 0xffff; word++) {
      const value = sfloatFromWord(word);
      if (value.kind === 'special') specials++;
      // correctly rounded: the same double as parsing the decimal literal
      else expect(value.value).toBe(Number(`${value.mantissa}e${value.exponent}`));
      expect(sfloatToWord(value)).toBe(word);
    }
    expect(specials).toBe(5);
  });

  it('writes spec-exact bytes', () => {
    const view = new DataView(new ArrayBuffer(4));
    writeSfloat(view, 1, num(368, -1));
    expect(hexOf(new Uint8Array(view.buffer))).toBe('0070f100');
    for (const [hex, name] of SFLOAT_SPECIALS) {
      writeSfloat(view, 0, special(name));
      expect(hexOf(new Uint8Array(view.buffer, 0, 2))).toBe(hex);
    }
  });

  it('refuses to write what no word can carry', () => {
    const view = new DataView(new ArrayBuffer(2));
    expect(() => writeSfloat(view, 0, num(2048, 0))).toThrow(RangeError);
    expect(() => writeSfloat(view, 0, num(1, 8))).toThrow(RangeError);
    expect(() => writeSfloat(view, 0, num(2047, 0))).toThrow(RangeError); // that word is NaN
    expect(() => writeSfloat(view, 0, num(-2046, 0))).toThrow(RangeError); // that word is −INFINITY
    expect(() => writeSfloat(view, 0, num(1.5, 0))).toThrow(RangeError);
    expect(() => writeSfloat(view, 1, num(1, 0))).toThrow(RangeError); // no room
  });

  it('encodeSfloat builds the number at a chosen exponent', () => {
    expect(encodeSfloat(36.8, -1)).toEqual(num(368, -1));
    expect(encodeSfloat(120, 0)).toEqual(num(120, 0));
    expect(encodeSfloat(98.44, -1)).toEqual(num(984, -1)); // rounded to the exponent's resolution
    expect(encodeSfloat(12000, 2)).toEqual(num(120, 2));
    const zero = encodeSfloat(-0.01, -1); // rounds to −0, which no decoder produces
    expect(zero).toEqual(num(0, -1));
    expect(zero.kind === 'number' && Object.is(zero.mantissa, 0)).toBe(true);
    expect(() => encodeSfloat(300, -1)).toThrow(RangeError);
    expect(() => encodeSfloat(2047, 0)).toThrow(RangeError);
    expect(() => encodeSfloat(Number.NaN, 0)).toThrow(RangeError);
  });
});

describe('FLOAT', () => {
  it.each(FLOAT_SPECIALS)('%s is the special value %s', (hex, name) => {
    expect(expectOk(readFloat(frame(hex), 0))).toEqual(sp(name));
  });

  it('is special only with exponent 0', () => {
    expect(expectOk(readFloat(frame('ffff7fff'), 0))).toEqual(num(8388607, -1));
    expect(expectOk(readFloat(frame('00008001'), 0))).toEqual(num(-8388608, 1));
  });

  it('decodes [mantissa LSB, mantissa, mantissa MSB, exponent] exactly', () => {
    expect(expectOk(readFloat(frame('700100ff'), 0))).toEqual(num(368, -1));
    expect(numericValue(expectOk(readFloat(frame('720100ff'), 0)))).toBe(37);
    expect(numericValue(expectOk(readFloat(frame('da0300ff'), 0)))).toBe(98.6);
    expect(numericValue(expectOk(readFloat(frame('ffffff00'), 0)))).toBe(-1);
    expect(numericValue(expectOk(readFloat(frame('01000080'), 0)))).toBe(1e-128);
    expect(numericValue(expectOk(readFloat(frame('0100007f'), 0)))).toBe(1e127);
  });

  it('reports a truncated value as an error', () => {
    expectError(readFloat(frame('700100'), 0), 'truncated');
    expectError(readFloat(frame('700100ff'), 1), 'truncated');
  });

  it('round-trips any word, and the word of every special; values are correctly rounded', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 0xffffffff }), (word) => {
        const value = floatFromWord(word);
        expect(floatToWord(value)).toBe(word);
        if (value.kind === 'number') expect(value.value).toBe(Number(`${value.mantissa}e${value.exponent}`));
      }),
      { numRuns: 20_000 },
    );
    expect(decimalValue(1, -128)).toBe(1e-128);
    const view = new DataView(new ArrayBuffer(4));
    for (const [hex, name] of FLOAT_SPECIALS) {
      writeFloat(view, 0, special(name));
      expect(hexOf(new Uint8Array(view.buffer))).toBe(hex);
    }
  });

  it('encodeFloat builds the number at a chosen exponent; unrepresentable values throw', () => {
    expect(encodeFloat(36.8, -1)).toEqual(num(368, -1));
    expect(encodeFloat(98.6, -2)).toEqual(num(9860, -2));
    expect(() => encodeFloat(8388607, 0)).toThrow(RangeError);
    expect(() => encodeFloat(1, -129)).toThrow(RangeError);
    expect(() => writeFloat(new DataView(new ArrayBuffer(4)), 0, num(8388608, 0))).toThrow(RangeError);
  });
});
