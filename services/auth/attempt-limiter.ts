// Counts failed sign-ins per key (an IP address, a username) in a sliding window. Only failures count: a
// whole shift signing in from one ward's NAT address must not lock itself out, while a guesser only fails.
// In memory and bounded: a flood of made-up usernames cannot grow it without limit.

export interface AttemptLimiterOptions {
  /** failures allowed per key within the window (default 10) */
  max?: number;
  /** default 60 s */
  windowMs?: number;
  /** most keys tracked; the oldest are forgotten first (default 10,000) */
  maxKeys?: number;
  /** monotonic clock in ms (default performance.now) */
  now?: () => number;
}

export class AttemptLimiter {
  readonly max: number;
  readonly windowMs: number;
  readonly #maxKeys: number;
  readonly #now: () => number;
  /** key → times of recent failures, oldest first */
  readonly #failures = new Map<string, number[]>();

  constructor(options: AttemptLimiterOptions = {}) {
    this.max = options.max ?? 10;
    this.windowMs = options.windowMs ?? 60_000;
    this.#maxKeys = options.maxKeys ?? 10_000;
    this.#now = options.now ?? (() => performance.now());
  }

  /** 0 if the key may try now, otherwise how many ms until it may. */
  retryAfterMs(key: string): number {
    const times = this.#recent(key);
    if (times === undefined || times.length < this.max) return 0;
    const oldest = times[times.length - this.max] ?? this.#now();
    return Math.max(1, Math.ceil(oldest + this.windowMs - this.#now()));
  }

  fail(key: string): void {
    const times = this.#recent(key) ?? [];
    times.push(this.#now());
    // Only the newest `max` failures decide anything; drop older ones to bound memory per key.
    if (times.length > this.max) times.splice(0, times.length - this.max);
    this.#failures.delete(key);
    this.#failures.set(key, times);
    for (const oldest of this.#failures.keys()) {
      if (this.#failures.size <= this.#maxKeys) break;
      this.#failures.delete(oldest);
    }
  }

  /**
   * Takes back the newest failure: sign-in counts an attempt as failed before checking it (so parallel
   * guesses cannot all slip under the limit) and forgives it when the password was right.
   */
  forgive(key: string): void {
    const times = this.#failures.get(key);
    times?.pop();
    if (times?.length === 0) this.#failures.delete(key);
  }

  reset(key: string): void {
    this.#failures.delete(key);
  }

  #recent(key: string): number[] | undefined {
    const times = this.#failures.get(key);
    if (times === undefined) return undefined;
    const since = this.#now() - this.windowMs;
    const fresh = times.filter((t) => t > since);
    if (fresh.length === 0) {
      this.#failures.delete(key);
      return undefined;
    }
    this.#failures.set(key, fresh);
    return fresh;
  }
}
