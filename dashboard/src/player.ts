// Plays recorded lines into a SessionModel on a virtual clock: play, pause, speed, seek. Going back starts
// again from the first line (the state can only be built forwards, as the core builds it).
import { ManualClock } from './clock.js';
import type { SessionModel } from './state.js';
import type { SessionLine } from './types.js';

export class ReplayPlayer {
  readonly clock = new ManualClock();
  speed = 60;
  private next = 0;
  private frame: number | undefined;
  private lastWall = 0;
  private playingNow = false;

  constructor(
    private readonly model: SessionModel,
    private readonly lines: readonly SessionLine[],
    readonly start: number,
    readonly end: number,
    private readonly changed: () => void,
  ) {
    this.clock.t = start;
    this.applyUntil(start);
  }

  get playing(): boolean {
    return this.playingNow;
  }

  get position(): number {
    return this.clock.t;
  }

  play(): void {
    if (this.playingNow) return;
    if (this.clock.t >= this.end) this.seek(this.start);
    this.playingNow = true;
    this.lastWall = performance.now();
    this.frame = requestAnimationFrame((now) => this.step(now));
    this.changed();
  }

  pause(): void {
    this.playingNow = false;
    if (this.frame !== undefined) cancelAnimationFrame(this.frame);
    this.frame = undefined;
    this.changed();
  }

  seek(t: number): void {
    const target = Math.min(this.end, Math.max(this.start, t));
    if (target < this.clock.t) {
      this.model.reset();
      this.next = 0;
    }
    this.clock.t = target;
    this.applyUntil(target);
    this.changed();
  }

  destroy(): void {
    this.pause();
  }

  private step(wall: number): void {
    if (!this.playingNow) return;
    const elapsed = Math.min(wall - this.lastWall, 250); // a background tab does not jump hours ahead
    this.lastWall = wall;
    const target = Math.min(this.end, this.clock.t + elapsed * this.speed);
    this.clock.t = target;
    this.applyUntil(target);
    if (target >= this.end) {
      this.pause();
      return;
    }
    this.changed();
    this.frame = requestAnimationFrame((now) => this.step(now));
  }

  private applyUntil(t: number): void {
    const lines = this.lines;
    while (this.next < lines.length && (lines[this.next] as SessionLine).t <= t) {
      this.model.apply(lines[this.next] as SessionLine);
      this.next++;
    }
  }
}
