import { expect, test } from 'vitest';
import { formatDuration, parseDuration } from '../../../services/core/duration.js';

test('durations parse to milliseconds', () => {
  expect(parseDuration('250ms')).toBe(250);
  expect(parseDuration('10s')).toBe(10_000);
  expect(parseDuration('5m')).toBe(300_000);
  expect(parseDuration('1.5h')).toBe(5_400_000);
  expect(() => parseDuration('10')).toThrow(/not a duration/);
  expect(() => parseDuration('ten seconds')).toThrow(/not a duration/);
});

test('durations format for people', () => {
  expect(formatDuration(90_000)).toBe('1m30s');
  expect(formatDuration(8 * 3_600_000)).toBe('8h');
  expect(formatDuration(999)).toBe('999ms');
  expect(formatDuration(3_600_000 + 5000)).toBe('1h5s');
});
