// Retry delays of a channel: exponential, capped, and jitter-free — a receiver can tell when the next attempt
// comes from the `retryAt` in the journal, and tests can check the sequence exactly.
import { DURATION_PATTERN, parseDuration } from '../core/duration.js';

export interface Backoff {
  /** delay after the first failed attempt */
  firstMs: number;
  /** the longest delay */
  maxMs: number;
  /** each delay is the previous one times this */
  factor: number;
}

/** How a site writes it (`"retry": { "first": "1s", "max": "60s", "factor": 2 }`). */
export interface BackoffSpec {
  first?: string;
  max?: string;
  factor?: number;
}

export const DEFAULT_BACKOFF: Backoff = { firstMs: 1000, maxMs: 60_000, factor: 2 };

/** The JSON schema of `retry` in a channel definition (every channel type retries the same way). */
export const BACKOFF_SCHEMA = {
  type: 'object',
  additionalProperties: false,
  properties: {
    first: { type: 'string', pattern: DURATION_PATTERN },
    max: { type: 'string', pattern: DURATION_PATTERN },
    factor: { type: 'number', minimum: 1, maximum: 10 },
  },
} as const;

/** What the schema cannot say about a `retry`: problems named by field. */
export function backoffProblems(retry: Backoff): string[] {
  const problems: string[] = [];
  if (retry.firstMs <= 0) problems.push('retry.first: must be longer than 0');
  if (retry.maxMs < retry.firstMs) problems.push('retry.max: must not be shorter than retry.first');
  return problems;
}

export function parseBackoff(spec: BackoffSpec | undefined, defaults: Backoff = DEFAULT_BACKOFF): Backoff {
  const firstMs = spec?.first === undefined ? defaults.firstMs : parseDuration(spec.first);
  const maxMs = spec?.max === undefined ? Math.max(defaults.maxMs, firstMs) : parseDuration(spec.max);
  return { firstMs, maxMs, factor: spec?.factor ?? defaults.factor };
}

/** The wait after failed attempt `attempt` (1 = the first): first, first×factor, … up to max. */
export function backoffDelay(backoff: Backoff, attempt: number): number {
  const n = Math.max(1, Math.floor(attempt));
  // Past the cap the power only overflows towards Infinity; min() keeps the answer at max either way.
  return Math.min(backoff.maxMs, backoff.firstMs * backoff.factor ** (n - 1));
}
