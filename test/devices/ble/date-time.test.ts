import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  dateTime,
  dateTimeFromEpochMs,
  encodeDateTime,
  readDateTime,
} from '../../../devices/ble/date-time.js';
import { dateTimeArb } from './arbitraries.js';
import { expectError, expectOk, frame, hexOf, viewOf } from './helpers.js';

describe('Date Time', () => {
  it('decodes the 7 octets, year little-endian, with a zone-less ISO string', () => {
    expect(expectOk(readDateTime(frame('e807030f0a1e05'), 0))).toEqual({
      year: 2024,
      month: 3,
      day: 15,
      hours: 10,
      minutes: 30,
      seconds: 5,
      iso: '2024-03-15T10:30:05',
    });
  });

  it('reads year, month or day 0 as not known, and then has no ISO string', () => {
    expect(expectOk(readDateTime(frame('000000000c0000'), 0))).toEqual({
      year: undefined,
      month: undefined,
      day: undefined,
      hours: 12,
      minutes: 0,
      seconds: 0,
      iso: undefined,
    });
    expect(expectOk(readDateTime(frame('e807000f000000'), 0)).iso).toBeUndefined();
    expect(expectOk(readDateTime(frame('0000021d000000'), 0)).day).toBe(29); // Feb 29 of an unknown year may be real
  });

  it.each([
    ['year 1581', '2d060101000000'],
    ['year 10000', '10270101000000'],
    ['month 13', 'e8070d01000000'],
    ['day 32', 'e8070120000000'],
    ['Feb 29 of 2023', 'e707021d000000'],
    ['Apr 31', 'e807041f000000'],
    ['hours 24', 'e8070101180000'],
    ['minutes 60', 'e80701010a3c00'],
    ['seconds 60', 'e80701010a003c'],
  ])('rejects %s as a range error', (_, hex) => {
    expectError(readDateTime(frame(hex), 0), 'range');
  });

  it('accepts Feb 29 of a leap year and Dec 31 23:59:59', () => {
    expect(expectOk(readDateTime(frame('e807021d000000'), 0)).iso).toBe('2024-02-29T00:00:00');
    expect(expectOk(readDateTime(frame('0f270c1f173b3b'), 0)).iso).toBe('9999-12-31T23:59:59');
  });

  it('reports a short field as truncated', () => {
    expectError(readDateTime(frame('e807030f0a1e'), 0), 'truncated');
    expectError(readDateTime(frame('e807030f0a1e05'), 1), 'truncated');
  });

  it('encodes spec-exact bytes, unknown fields as 0', () => {
    const dt = dateTime({ year: 2024, month: 3, day: 15, hours: 10, minutes: 30, seconds: 5 });
    expect(hexOf(encodeDateTime(dt))).toBe('e807030f0a1e05');
    expect(hexOf(encodeDateTime({ year: undefined, month: undefined, day: undefined, hours: 1, minutes: 2, seconds: 3 }))).toBe(
      '00000000010203',
    );
    expect(() => encodeDateTime({ year: 2024, month: 2, day: 30, hours: 0, minutes: 0, seconds: 0 })).toThrow(RangeError);
    expect(() => dateTime({ year: 2024, month: 1, day: 1, hours: 0, minutes: 60, seconds: 0 })).toThrow(RangeError);
  });

  it('round-trips any valid Date Time', () => {
    fc.assert(
      fc.property(dateTimeArb, (dt) => {
        expect(expectOk(readDateTime(viewOf(encodeDateTime(dt)), 0))).toEqual(dt);
      }),
      { numRuns: 2000 },
    );
  });

  it('builds the UTC Date Time of an epoch time', () => {
    expect(dateTimeFromEpochMs(Date.UTC(2026, 0, 1, 9, 5, 7, 900)).iso).toBe('2026-01-01T09:05:07');
  });
});
