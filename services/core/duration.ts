// Durations in profiles are written for people ("10s", "5m", "1.5h"); the core works in milliseconds.

const UNIT_MS = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 } as const;
export const DURATION_PATTERN = '^[0-9]+(\\.[0-9]+)?(ms|s|m|h)$';
const DURATION = new RegExp(DURATION_PATTERN);

/** Parses "250ms", "10s", "5m", "1.5h" to milliseconds; throws on anything else. */
export function parseDuration(text: string): number {
  const match = DURATION.exec(text);
  if (match === null) throw new Error(`not a duration: "${text}" (use e.g. 250ms, 10s, 5m, 8h)`);
  const unit = match[2] as keyof typeof UNIT_MS;
  return Math.round(Number.parseFloat(text) * UNIT_MS[unit]);
}

/** Formats milliseconds the way a person reads them: 90000 → "1m30s". */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms)) return String(ms);
  const sign = ms < 0 ? '-' : '';
  let rest = Math.abs(Math.round(ms));
  if (rest < 1000) return `${sign}${rest}ms`;
  const h = Math.floor(rest / 3_600_000);
  rest -= h * 3_600_000;
  const m = Math.floor(rest / 60_000);
  rest -= m * 60_000;
  const s = Math.round(rest / 1000);
  return sign + (h > 0 ? `${h}h` : '') + (m > 0 ? `${m}m` : '') + (s > 0 || (h === 0 && m === 0) ? `${s}s` : '');
}
