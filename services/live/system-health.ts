// The service's own health as data: the current problems with the alarm system itself and a notification on
// every change. A monitor that silently stopped monitoring is the worst failure there is, so whatever stops the
// service from recording or evaluating is reported here, and the API and the hub show it on every screen
// (docs/websocket.md, `system`). Detected:
//   - journal: a session's journal cannot be written or synced (reported by its writer; cleared when a commit
//     succeeds again). The session keeps evaluating and broadcasting: only the record is at risk.
//   - core: the core threw on an input (shown for a quiet period after the last throw); a clocked session whose
//     next timer is overdue (the core stopped making progress); an event-loop stall (timers and alarms were late),
//     reported once the loop runs again and shown for a quiet period.
import type { SessionPhase } from './live-session.js';
import type { SystemComponent, SystemProblem, SystemState } from './system-problem.js';

export type { SystemComponent, SystemProblem, SystemState };

export interface HealthChange {
  kind: 'raised' | 'changed' | 'cleared';
  problem: SystemProblem;
}

/** Told about every change, with the problems current after it. Runs inside whatever reported: must not wait. */
export type HealthListener = (change: HealthChange, problems: SystemProblem[]) => void;

/** What a live session reports about itself (LiveSession.health). */
export interface SessionHealthHooks {
  /** a journal commit (write or fsync) failed; the writer keeps the lines and retries */
  journalFailed(error: unknown): void;
  /** a commit succeeded after failures */
  journalRecovered(): void;
  /** the core threw on an input (`input` is its type, or 'tick'); the session carries on with the next one */
  coreFault(error: unknown, input: string): void;
}

/** What the progress watchdog reads of a clocked session (a LiveSession). */
export interface WatchedSession {
  readonly id: string;
  readonly phase: SessionPhase;
  /** the core's next timer; Infinity when none is pending */
  nextDeadline(): number;
  /** the session's clock (ms since the epoch) */
  clock(): number;
}

export interface SystemHealthOptions {
  /** wall clock for `since` (default Date.now) */
  now?: () => number;
  /** a core fault or an event-loop stall stays shown this long after the last one (default 60 s) */
  quietMs?: number;
}

export interface WatchdogOptions {
  /** how often the watchdog runs (default 500 ms) */
  intervalMs?: number;
  /** the watchdog running later than this means the event loop was blocked (default 1 s) */
  stallMs?: number;
  /** a clocked session's next timer overdue by more than this means its core stopped making progress (default 5 s) */
  overdueMs?: number;
}

const DEFAULT_QUIET_MS = 60_000;
const DEFAULT_WATCHDOG = { intervalMs: 500, stallMs: 1_000, overdueMs: 5_000 };
const STALL_KEY = 'stall';

/** Readable errno names; anything else is shown by its code. */
const ERRNO_TEXT: Readonly<Record<string, string>> = {
  ENOSPC: 'no space left on device',
  EDQUOT: 'disk quota exceeded',
  EIO: 'input/output error',
  EROFS: 'read-only file system',
  EBADF: 'the file is not open',
  EFBIG: 'file too large',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  ENOENT: 'the file or its directory is gone',
  EINVAL: 'invalid argument',
};

/** An error for people and logs, without paths (the journal's path names the session's data directory). */
export function describeError(error: unknown): string {
  if (error instanceof Error) {
    const { code, syscall } = error as NodeJS.ErrnoException;
    if (typeof code === 'string' && /^E[A-Z0-9]+$/.test(code)) {
      const text = ERRNO_TEXT[code];
      return `${code}${text === undefined ? '' : ` (${text})`}${typeof syscall === 'string' ? ` on ${syscall}` : ''}`;
    }
    return redactPaths(error.message);
  }
  return redactPaths(String(error));
}

function redactPaths(text: string): string {
  // An absolute path (not a slash inside a word, as in "and/or").
  return text.replace(/(?<![\w.-])(?:[A-Za-z]:)?[/\\][^\s'":,]*/g, '…').slice(0, 200);
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}

export class SystemHealth {
  private readonly current = new Map<string, SystemProblem>();
  private readonly quietTimers = new Map<string, NodeJS.Timeout>();
  private readonly listeners = new Set<HealthListener>();
  private readonly watched = new Set<WatchedSession>();
  private readonly now: () => number;
  private readonly quietMs: number;
  private watchdog: NodeJS.Timeout | undefined;

  constructor(options: SystemHealthOptions = {}) {
    this.now = options.now ?? Date.now;
    this.quietMs = options.quietMs ?? DEFAULT_QUIET_MS;
  }

  get state(): SystemState {
    return this.current.size > 0 ? 'failed' : 'ok';
  }

  /** The current problems, oldest first (copies). */
  problems(): SystemProblem[] {
    return [...this.current.values()].map((problem) => ({ ...problem })).sort((a, b) => a.since - b.since);
  }

  subscribe(listener: HealthListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  // --- reports ---

  /** The hooks a session reports through. */
  hooks(session: string): SessionHealthHooks {
    return {
      journalFailed: (error) => this.journalFailed(session, error),
      journalRecovered: () => this.journalRecovered(session),
      coreFault: (error, input) => this.coreFault(session, error, input),
    };
  }

  journalFailed(session: string, error: unknown): void {
    this.set(`journal:${session}`, {
      component: 'journal',
      session,
      message: `the journal cannot be written: ${describeError(error)}. Alarms still run and reach the screens; the record is at risk`,
    });
  }

  journalRecovered(session: string): void {
    this.clear(`journal:${session}`);
  }

  coreFault(session: string, error: unknown, input: string): void {
    const key = `fault:${session}`;
    this.set(key, {
      component: 'core',
      session,
      message: `the core failed on a ${input} input (${describeError(error)}): that input was not evaluated`,
    });
    this.clearWhenQuiet(key);
  }

  // --- the watchdog ---

  /** Checks a clocked session's progress from now on (once start() runs the watchdog). */
  watch(session: WatchedSession): () => void {
    this.watched.add(session);
    return () => {
      this.watched.delete(session);
      this.clear(`overdue:${session.id}`);
    };
  }

  /** Runs the watchdog: event-loop stalls and overdue session timers. Its timer never keeps the process alive. */
  start(options: WatchdogOptions = {}): void {
    this.stop();
    const { intervalMs, stallMs, overdueMs } = { ...DEFAULT_WATCHDOG, ...options };
    let expected = performance.now() + intervalMs;
    this.watchdog = setInterval(() => {
      const at = performance.now();
      const late = at - expected;
      expected = at + intervalMs;
      if (late > stallMs) {
        // Reported once the loop runs again: nothing could run while it was blocked, alarms included.
        this.set(STALL_KEY, { component: 'core', message: `the service was unresponsive for ${seconds(late)}: alarms may have reached the screens late` }, this.now() - late);
        this.clearWhenQuiet(STALL_KEY);
        // The sessions' own timers were blocked by the same stall and have not run yet: judge them next round.
        return;
      }
      this.checkProgress(overdueMs);
    }, intervalMs);
    this.watchdog.unref();
  }

  /** Stops the watchdog and the quiet-period timers; the current problems stay as they are. */
  stop(): void {
    if (this.watchdog !== undefined) clearInterval(this.watchdog);
    this.watchdog = undefined;
    for (const timer of this.quietTimers.values()) clearTimeout(timer);
    this.quietTimers.clear();
  }

  private checkProgress(overdueMs: number): void {
    for (const session of this.watched) {
      const key = `overdue:${session.id}`;
      let due: number;
      let now: number;
      try {
        if (session.phase === 'ended') {
          this.clear(key);
          continue;
        }
        due = session.nextDeadline();
        now = session.clock();
      } catch (error) {
        this.coreFault(session.id, error, 'watchdog');
        continue;
      }
      if (Number.isFinite(due) && now - due > overdueMs) {
        this.set(key, {
          component: 'core',
          session: session.id,
          message: `the core stopped making progress: its timers are overdue by more than ${seconds(overdueMs)}, so condition delays, stale sensors and escalations are not evaluated`,
        }, due);
      } else {
        this.clear(key);
      }
    }
  }

  // --- the set of problems ---

  private set(key: string, problem: Omit<SystemProblem, 'since'>, since?: number): void {
    const existing = this.current.get(key);
    if (existing !== undefined) {
      if (existing.message === problem.message) return;
      const changed: SystemProblem = { ...problem, since: existing.since };
      this.current.set(key, changed);
      this.emit({ kind: 'changed', problem: { ...changed } });
      return;
    }
    const raised: SystemProblem = { ...problem, since: since ?? this.now() };
    this.current.set(key, raised);
    this.emit({ kind: 'raised', problem: { ...raised } });
  }

  private clear(key: string): void {
    const timer = this.quietTimers.get(key);
    if (timer !== undefined) clearTimeout(timer);
    this.quietTimers.delete(key);
    const existing = this.current.get(key);
    if (existing === undefined) return;
    this.current.delete(key);
    this.emit({ kind: 'cleared', problem: { ...existing } });
  }

  /** (Re)starts the quiet period after which a one-off problem is no longer current. */
  private clearWhenQuiet(key: string): void {
    const previous = this.quietTimers.get(key);
    if (previous !== undefined) clearTimeout(previous);
    const timer = setTimeout(() => this.clear(key), this.quietMs);
    timer.unref();
    this.quietTimers.set(key, timer);
  }

  private emit(change: HealthChange): void {
    const problems = this.problems();
    for (const listener of this.listeners) {
      try {
        listener(change, problems);
      } catch {
        // A listener (the hub, the log) must not stop the others or break the reporter (a journal commit, the core).
      }
    }
  }
}
