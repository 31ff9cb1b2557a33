// A live session: every input is journalled first, then fed to the core; the core's outputs are journalled
// and handed to listeners. The journal is the source of truth: a restarted service reads it back through the
// same core, so open alarms, acknowledgements and baselines come back as they were and nothing re-alarms.
import { policyOfHeader } from '../core/escalation-policy.js';
import type { Profile } from '../core/profile.js';
import { SessionCore, type SessionSnapshot } from '../core/session-core.js';
import { isCoreInput, type CoreInput, type RawFrame, type RecordingHeader, type RecordingLine, type Rejection } from '../core/types.js';
import { readRecording, type RecordingIssue } from '../store/recording-reader.js';
import { openRecordingWriter, type RecordingWriter, type RecordingWriterOptions } from '../store/recording-writer.js';
import { VITAL_INDEX } from '../core/vital-state.js';
import type { SessionHealthHooks } from './system-health.js';
import { TrendBuffer } from './trend-buffer.js';

export type SessionPhase = 'created' | 'live' | 'ended';

/**
 * Group commit every 50 ms: DESIGN §9 allows a kill -9 to lose at most the last 100 ms of samples, and the
 * write and fsync themselves take time. Alarm transitions and people's actions are committed at once.
 */
const JOURNAL_COMMIT = { fsyncIntervalMs: 50 };

/** How soon a tick the core failed on is tried again. */
const CORE_FAULT_RETRY_MS = 1000;

/** The session part of a journal header: who, where, under which profile. */
export type SessionInfo = RecordingHeader['session'];

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

export type SessionListener = (line: RecordingLine) => void;

export class LiveSession {
  readonly core: SessionCore;
  readonly trends = new TrendBuffer();
  private readonly listeners = new Set<SessionListener>();
  private timer: NodeJS.Timeout | undefined;
  private journal: RecordingWriter | undefined;
  /** while the journal is read back, the core's outputs are already in it: neither journal nor broadcast them */
  private restoring = false;
  private phaseNow: SessionPhase = 'created';
  /** where journal failures and core faults are reported (set by the session manager; system-health.ts) */
  health: SessionHealthHooks | undefined;

  private constructor(
    readonly header: RecordingHeader,
    private readonly options: LiveSessionOptions,
  ) {
    this.core = new SessionCore(
      options.profile,
      (output) => {
        if (this.restoring) return;
        this.append(output);
        // An alarm transition or a notification must survive a crash: commit it now, not at the next group commit.
        if (output.type === 'alarm' || output.type === 'notify' || output.type === 'notify-end') void this.journal?.flush().catch(() => {});
      },
      policyOfHeader(header),
    );
  }

  /** A new session: its journal starts with the header. */
  static async open(options: LiveSessionOptions): Promise<LiveSession> {
    const session = new LiveSession(options.header, options);
    session.journal = await openRecordingWriter(options.journalPath, options.header, session.journalOptions());
    return session;
  }

  /**
   * Reads a journal back through the core. An ended session stays read-only (no writer); an open one
   * resumes appending. Corrupt lines are reported and skipped.
   */
  static async restore(
    journalPath: string,
    header: RecordingHeader,
    profile: Profile,
    options: { clock?: () => number; onIssue?: (issue: RecordingIssue) => void } = {},
  ): Promise<LiveSession> {
    const session = new LiveSession(header, { header, profile, journalPath, ...(options.clock === undefined ? {} : { clock: options.clock }) });
    session.restoring = true;
    for await (const batch of readRecording(journalPath, options.onIssue === undefined ? {} : { onIssue: options.onIssue })) {
      for (const { line } of batch) {
        if (isCoreInput(line)) {
          if (session.core.input(line) === undefined) session.observe(line);
        }
      }
    }
    session.restoring = false;
    if (session.phaseNow !== 'ended') session.journal = await openRecordingWriter(journalPath, undefined, session.journalOptions());
    session.armTimer();
    return session;
  }

  get id(): string {
    return this.header.session.id;
  }

  get info(): SessionInfo {
    return this.header.session;
  }

  get phase(): SessionPhase {
    return this.phaseNow;
  }

  get journalPath(): string {
    return this.options.journalPath;
  }

  get now(): number {
    return this.core.now;
  }

  /** The session's clock for stamping live data: the wall clock, never behind the session's own time. */
  clock(): number {
    return Math.max(this.options.clock?.() ?? Date.now(), this.core.now);
  }

  nextDeadline(): number {
    return this.core.nextDeadline();
  }

  tick(t: number): void {
    this.run({ type: 'tick', t });
    this.armTimer();
  }

  /** Every line journalled from now on (raw frames excepted). */
  subscribe(listener: SessionListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Journals the input (even one the core refuses: nothing received is lost), then feeds the core. */
  input(input: CoreInput): Rejection | undefined {
    if (this.journal === undefined) return { reason: 'session-ended', message: 'the session has ended' };
    this.append(input);
    const rejection = this.run(input);
    if (rejection === undefined) this.observe(input);
    this.armTimer();
    return rejection;
  }

  /**
   * A person's action or event: journalled and committed to disk before this resolves, so an acknowledgement
   * the API confirmed survives a crash.
   */
  async act(input: CoreInput): Promise<Rejection | undefined> {
    const rejection = this.input(input);
    await this.journal?.flush();
    return rejection;
  }

  /** Journals a raw device frame (not an input of the core). */
  record(line: RawFrame): void {
    this.journal?.append(line);
  }

  snapshot(): SessionSnapshot {
    return this.core.snapshot();
  }

  trend(points: number): Record<string, Array<[number, number]>> {
    return this.trends.trend(points);
  }

  /** The journal as written so far (flushed first). */
  async flush(): Promise<void> {
    await this.journal?.flush();
  }

  /** Stops the timer and closes the journal (flushing it); the session can be restored from it later. */
  async close(): Promise<void> {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    const journal = this.journal;
    this.journal = undefined;
    await journal?.close();
  }

  /**
   * Feeds the core one input. A core that throws is reported (an alarm-system failure on every screen) and the
   * session carries on with the next input, rather than taking the service down; without `health` it throws.
   */
  private run(input: CoreInput): Rejection | undefined {
    try {
      return this.core.input(input);
    } catch (error) {
      if (this.health === undefined) throw error;
      this.health.coreFault(error, input.type);
      return { reason: 'core-fault', message: `the core failed on this ${input.type}` };
    }
  }

  /** Commit failures and recoveries go to `health`, read when they happen (the manager sets it after opening). */
  private journalOptions(): RecordingWriterOptions {
    return {
      ...JOURNAL_COMMIT,
      onCommitFailed: (error) => this.health?.journalFailed(error),
      onCommitRecovered: () => this.health?.journalRecovered(),
    };
  }

  private append(line: RecordingLine): void {
    this.journal?.append(line);
    for (const listener of this.listeners) listener(line);
  }

  /** Keeps what the session shows beyond the core's own state: its phase and the trend. */
  private observe(input: CoreInput): void {
    if (input.type === 'sample') {
      // Only what the core accepted, in its canonical unit (artifacts never reach the trend).
      const i = VITAL_INDEX[input.vital];
      if (this.core.state.latestT[i] === input.t) this.trends.add(input.vital, input.t, this.core.state.latest[i] as number);
    }
    else if (input.type === 'event') {
      if (input.event === 'session-start' && this.phaseNow === 'created') this.phaseNow = 'live';
      else if (input.event === 'session-end') {
        this.phaseNow = 'ended';
        // A failed last commit is reported through `health`; it must not become an unhandled rejection.
        if (!this.restoring) void this.close().catch(() => {});
      }
    }
  }

  /** `atLeastMs`: after a core fault the overdue deadline is tried again once a second, not in a busy loop. */
  private armTimer(atLeastMs = 0): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    const clock = this.options.clock;
    const due = this.core.nextDeadline();
    if (clock === undefined || !Number.isFinite(due) || this.journal === undefined || this.restoring) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      const rejection = this.run({ type: 'tick', t: this.clock() });
      this.armTimer(rejection?.reason === 'core-fault' ? CORE_FAULT_RETRY_MS : 0);
    }, Math.min(Math.max(atLeastMs, due - clock()), 2 ** 31 - 1));
    this.timer.unref();
  }
}
