// Maps virtual time onto the wall clock for paced playback (replay --speed, simulated live sessions).
// Between two inputs, the target's timers fire at their own wall times, so output appears when it would live.
import { setTimeout as sleep } from 'node:timers/promises';

export interface Clocked {
  readonly now: number;
  nextDeadline(): number;
  tick(t: number): unknown;
}

export class Pacer {
  private wallStart = Number.NaN;
  private virtualStart = Number.NaN;

  /** `speed`: virtual ms per wall ms (1 = real time). */
  constructor(
    private readonly speed: number,
    private readonly signal?: AbortSignal,
  ) {
    if (!(speed > 0 && Number.isFinite(speed))) throw new RangeError(`speed must be a positive number, not ${speed}`);
  }

  /** The virtual time the wall clock has reached (NaN before the first input). */
  virtualNow(): number {
    return this.virtualStart + (performance.now() - this.wallStart) * this.speed;
  }

  /** Waits until virtual time `t` is due, ticking `target` at each of its deadlines on the way. */
  async advanceTo(target: Clocked, t: number): Promise<void> {
    if (Number.isNaN(this.wallStart)) {
      this.wallStart = performance.now();
      this.virtualStart = t;
      return;
    }
    for (let due = target.nextDeadline(); due < t && due > target.now; due = target.nextDeadline()) {
      await this.waitFor(due);
      target.tick(due);
    }
    await this.waitFor(t);
  }

  private async waitFor(t: number): Promise<void> {
    const delay = this.wallStart + (t - this.virtualStart) / this.speed - performance.now();
    if (delay >= 1) await sleep(delay, undefined, this.signal === undefined ? {} : { signal: this.signal });
  }
}
