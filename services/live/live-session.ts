// A live session: every input is journalled first, then fed to the core; the core's outputs are journalled
// and handed to listeners. A timer ticks the core when its next deadline is due, so alarms whose condition
// delay runs out between inputs are raised on time.
import type { Profile } from '../core/profile.js';
import { SessionCore, type SessionSnapshot } from '../core/session-core.js';
import type { CoreInput, CoreOutput, RawFrame, RecordingHeader, Rejection } from '../core/types.js';
import { openRecordingWriter, type RecordingWriter } from '../store/recording-writer.js';

export interface LiveSessionOptions {
  header: RecordingHeader;
  profile: Profile;
  journalPath: string;
  /**
   * The wall clock, for sessions fed by live devices: the core is then ticked whenever its next deadline is
   * due. Without it, whoever feeds the session drives time through tick() (a paced simulation or replay).
   */
  clock?: () => number;
}

export type SessionListener = (output: CoreOutput) => void;

export class LiveSession {
  readonly core: SessionCore;
  private readonly listeners = new Set<SessionListener>();
  private timer: NodeJS.Timeout | undefined;
  private closed = false;

  private constructor(
    readonly header: RecordingHeader,
    private readonly journal: RecordingWriter,
    private readonly options: LiveSessionOptions,
  ) {
    this.core = new SessionCore(options.profile, (output) => {
      this.journal.append(output);
      for (const listener of this.listeners) listener(output);
    });
  }

  static async open(options: LiveSessionOptions): Promise<LiveSession> {
    const journal = await openRecordingWriter(options.journalPath, options.header);
    return new LiveSession(options.header, journal, options);
  }

  get id(): string {
    return this.header.session.id;
  }

  subscribe(listener: SessionListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  get now(): number {
    return this.core.now;
  }

  nextDeadline(): number {
    return this.core.nextDeadline();
  }

  tick(t: number): void {
    this.core.tick(t);
    this.armTimer();
  }

  /** Journals the input (even one the core refuses: nothing received is lost), then feeds the core. */
  input(input: CoreInput): Rejection | undefined {
    if (this.closed) return { reason: 'session-ended', message: 'the session is closed' };
    this.journal.append(input);
    const rejection = this.core.input(input);
    this.armTimer();
    return rejection;
  }

  /** Journals a raw device frame (not an input of the core). */
  record(line: RawFrame): void {
    if (!this.closed) this.journal.append(line);
  }

  snapshot(): SessionSnapshot {
    return this.core.snapshot();
  }

  /** The journal as written so far (flushed first). */
  async flush(): Promise<void> {
    await this.journal.flush();
  }

  get journalPath(): string {
    return this.options.journalPath;
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.timer !== undefined) clearTimeout(this.timer);
    await this.journal.close();
  }

  private armTimer(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    const clock = this.options.clock;
    const due = this.core.nextDeadline();
    if (clock === undefined || !Number.isFinite(due) || this.closed) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.core.tick(Math.max(clock(), this.core.now));
      this.armTimer();
    }, Math.min(Math.max(0, due - clock()), 2 ** 31 - 1));
  }
}
