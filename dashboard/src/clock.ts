// The session's time as the browser can know it. vigil stamps everything with the session clock:
// max(the server's wall clock, the latest time the session has seen) — a simulated session at --speed 60 runs
// ahead of the wall clock. Ages ("12 s ago"), staleness and countdowns are measured on that clock, never on
// this computer's own (which may be set wrong).

export interface Clock {
  now(): number;
}

/** Offset of the server's wall clock from this browser's Date.now(), from WebSocket pongs. */
let serverOffset = 0;
let bestRtt = Infinity;

/** A pong: the server's time `serverT`, answered to a ping sent `rttMs` ago. */
export function observeServerTime(serverT: number, rttMs: number): void {
  // The fastest round trip gives the best estimate; a stale estimate is replaced now and then anyway.
  if (rttMs <= bestRtt * 1.5 || rttMs < 250) {
    bestRtt = Math.min(bestRtt, rttMs);
    serverOffset = serverT + rttMs / 2 - Date.now();
  }
}

export function serverNow(): number {
  return Date.now() + serverOffset;
}

/** One session's clock: the latest session time seen, running on at real speed since then. */
export class SessionClock implements Clock {
  private latest = -Infinity;
  private seenAt = 0;

  /** A time stamped by the session (a line's `t`, a snapshot's `now`, an action's `t`). */
  observe(t: number | null | undefined): void {
    if (typeof t !== 'number' || !Number.isFinite(t)) return;
    if (t > this.estimateFromLatest()) {
      this.latest = t;
      this.seenAt = performance.now();
    }
  }

  private estimateFromLatest(): number {
    return this.latest + (performance.now() - this.seenAt);
  }

  now(): number {
    const fromLatest = this.estimateFromLatest();
    return Number.isFinite(fromLatest) ? Math.max(fromLatest, serverNow()) : serverNow();
  }
}

/** A clock set by hand (the replay's virtual clock). */
export class ManualClock implements Clock {
  constructor(public t = 0) {}
  now(): number {
    return this.t;
  }
}
