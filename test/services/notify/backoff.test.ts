import { describe, expect, test } from 'vitest';
import { backoffDelay, DEFAULT_BACKOFF, parseBackoff } from '../../../services/notify/backoff.js';

describe('retry backoff', () => {
  test('first, then ×factor, capped at max, without jitter', () => {
    const backoff = parseBackoff({ first: '1s', max: '60s', factor: 2 });
    expect([1, 2, 3, 4, 5, 6, 7, 8, 50].map((attempt) => backoffDelay(backoff, attempt))).toEqual([1000, 2000, 4000, 8000, 16000, 32000, 60000, 60000, 60000]);
    expect(backoffDelay(backoff, 10_000)).toBe(60000); // the power overflows; the cap holds
  });

  test('factor 1 is a constant interval; factor 1.5 grows gently', () => {
    expect([1, 2, 3].map((n) => backoffDelay(parseBackoff({ first: '500ms', max: '10s', factor: 1 }), n))).toEqual([500, 500, 500]);
    expect([1, 2, 3].map((n) => backoffDelay(parseBackoff({ first: '2s', max: '10s', factor: 1.5 }), n))).toEqual([2000, 3000, 4500]);
  });

  test('defaults fill what the site leaves out', () => {
    expect(parseBackoff(undefined)).toEqual(DEFAULT_BACKOFF);
    expect(parseBackoff({ first: '5s' })).toEqual({ firstMs: 5000, maxMs: 60_000, factor: 2 });
    // a first delay above the default max raises the max rather than shrinking the first
    expect(parseBackoff({ first: '2m' })).toEqual({ firstMs: 120_000, maxMs: 120_000, factor: 2 });
  });

  test('an attempt below 1 counts as the first', () => {
    expect(backoffDelay(DEFAULT_BACKOFF, 0)).toBe(1000);
    expect(backoffDelay(DEFAULT_BACKOFF, -3)).toBe(1000);
  });
});
