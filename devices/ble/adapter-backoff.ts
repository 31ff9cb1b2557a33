// Reconnect waits: exponential, capped, with optional downward jitter (downward so the cap still holds).
import type { BackoffOptions } from './adapter-types.js';

export const DEFAULT_BACKOFF: Readonly<BackoffOptions> = { initialMs: 500, maxMs: 30_000, factor: 2, jitter: 0.2 };

/** Fills in defaults and rejects settings that would make the loop spin or never retry. */
export function resolveBackoff(partial: Partial<BackoffOptions> = {}): BackoffOptions {
  const o = { ...DEFAULT_BACKOFF, ...partial };
  if (!(o.initialMs > 0) || !(o.maxMs >= o.initialMs) || !(o.factor >= 1) || !(o.jitter >= 0 && o.jitter <= 1)) {
    throw new RangeError(`invalid backoff ${JSON.stringify(o)}: need initialMs > 0, maxMs ≥ initialMs, factor ≥ 1, 0 ≤ jitter ≤ 1`);
  }
  return o;
}

/** Wait before attempt number `attempt` (1 = the first retry). `random` returns 0 ≤ x < 1. */
export function backoffDelay(attempt: number, o: BackoffOptions, random: () => number): number {
  const base = Math.min(o.maxMs, o.initialMs * o.factor ** Math.max(0, attempt - 1));
  return Math.round(base * (1 - o.jitter * random()));
}
