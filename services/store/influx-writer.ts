// The optional InfluxDB 1.x copy of every session (DESIGN §6): samples, alarm transitions and events, for
// long-term queries and Grafana. The journal stays the source of truth; this writer only follows it:
//
// - write() never blocks and never throws: it maps the line to a point (influx-points.ts, the schema) and
//   queues it. Batches go out when `batchSize` points are queued or `flushIntervalMs` after the first, one
//   request at a time, in order.
// - While InfluxDB is down, batches stay queued and are retried with exponential backoff. The queue is
//   bounded: when full, the oldest points are dropped from memory and the writer remembers, per session, the
//   range it dropped.
// - Once InfluxDB takes points again, each such range is backfilled from the session's journal (all lines
//   from the oldest dropped point on). Points are idempotent (same measurement, tags and time overwrite), so
//   an outage of any length ends with InfluxDB holding every point.
import type { IWriteOptions } from 'influx';
import type { RecordingLine, Vital } from '../core/types.js';
import { backfillFromJournal, type BackfillResult } from './influx-backfill.js';
import { createClient, ensureDatabase, errorMessage, httpStatus, type InfluxTarget, type RetentionPolicyConfig } from './influx-client.js';
import { queryHistory, type HistoryPoint } from './influx-history.js';
import { toPoint, type InfluxPoint } from './influx-points.js';
import { BoundedQueue } from './influx-queue.js';

export type { HistoryPoint } from './influx-history.js';
export type { RetentionPolicyConfig } from './influx-client.js';

/** The part of a pino/fastify logger the writer uses: it logs state changes only, never per point. */
export interface InfluxLogger {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
}

export interface InfluxWriterConfig {
  /** `http(s)://[user:password@]host:port`, e.g. `http://127.0.0.1:8086` */
  url: string;
  database: string;
  /** made (as the database's default) if missing, and brought in line with this if it exists */
  retentionPolicy?: RetentionPolicyConfig;
  /** points per write request (default 1000) */
  batchSize?: number;
  /** longest time a point waits before a write request is sent (default 1000 ms) */
  flushIntervalMs?: number;
  /** points held in memory at most, besides the batch in flight; beyond it the oldest are dropped (default 100,000) */
  maxQueue?: number;
  /** first retry delay after a failed request; doubles per failure (default 250 ms) */
  retryInitialMs?: number;
  /** longest retry delay (default 5000 ms) */
  retryMaxMs?: number;
  /** a request InfluxDB has not answered by then has failed (default 10,000 ms) */
  requestTimeoutMs?: number;
  /**
   * How long after a session's last dropped point its backfill starts (default 1000 ms). The journal's group
   * commit holds lines for up to its interval (≤ 100 ms) before they reach the file; the backfill also checks
   * that the journal reaches the last dropped point and waits again if not.
   */
  backfillDelayMs?: number;
  /** where a session's journal is, for backfilling dropped points; without it only backfill() calls can */
  journalPath?: (sessionId: string) => string | undefined;
  logger?: InfluxLogger;
}

export interface InfluxWriterStatus {
  /** points waiting in memory, including the batch in flight */
  queued: number;
  /** points InfluxDB accepted from the queue */
  written: number;
  /** write requests that failed (each is retried, or its points backfilled) */
  failedBatches: number;
  /** the last request reached InfluxDB */
  connected: boolean;
  lastError?: string;
  /** points dropped from the full queue (to be backfilled from the journal) */
  dropped: number;
  /** points in batches InfluxDB refused as invalid (HTTP 400/413): resending cannot help */
  rejected: number;
  /** points written by backfills */
  backfilled: number;
  /** sessions with points InfluxDB has not got yet, beyond those queued: backfill from `from` on */
  pendingBackfill: Array<{ sessionId: string; from: number }>;
}

/** Points of one session InfluxDB is missing: t in [from, to], the last dropped at wall time `at`. */
interface Gap {
  from: number;
  to: number;
  at: number;
  /** not before this wall time (after a failed journal read; Infinity: only an explicit backfill() call) */
  retryAt: number;
}

type FillOutcome = ({ ok: true } & BackfillResult) | { ok: false; err: unknown; influx: boolean };

const DEFAULTS = {
  batchSize: 1000,
  flushIntervalMs: 1000,
  maxQueue: 100_000,
  retryInitialMs: 250,
  retryMaxMs: 5000,
  requestTimeoutMs: 10_000,
  backfillDelayMs: 1000,
};

export class InfluxWriter {
  private readonly target: InfluxTarget;
  private readonly writeOptions: IWriteOptions;
  private readonly queue: BoundedQueue<InfluxPoint>;
  private readonly settings: typeof DEFAULTS;
  private readonly gaps = new Map<string, Gap>();
  /** gaps being backfilled right now (taken out of `gaps`, so new drops start a fresh gap): session → from */
  private readonly filling = new Map<string, number>();
  /** journals of failed backfill() calls, for retrying them */
  private readonly journals = new Map<string, string>();
  /** requests and backfills run one at a time, in call order */
  private chain: Promise<void> = Promise.resolve();
  private timer: NodeJS.Timeout | null = null;
  private timerDue = Infinity;
  private pumpQueued = false;
  /** database and retention policy are known to exist */
  private ready = false;
  private connected = false;
  private retryDelay: number;
  private backoffUntil = 0;
  private sending = 0;
  private dropLogged = false;
  private closing: Promise<void> | null = null;
  private written = 0;
  private failedBatches = 0;
  private dropped = 0;
  private rejected = 0;
  private backfilled = 0;
  private lastError: string | undefined;

  /** Throws on an invalid configuration (URL, duration, sizes); never afterwards. */
  constructor(private readonly config: InfluxWriterConfig) {
    this.settings = { ...DEFAULTS };
    for (const key of Object.keys(DEFAULTS) as (keyof typeof DEFAULTS)[]) {
      const value = config[key];
      if (value === undefined) continue;
      if (!Number.isSafeInteger(value) || value < (key === 'flushIntervalMs' ? 0 : 1)) {
        throw new RangeError(`influx ${key} must be a ${key === 'flushIntervalMs' ? 'non-negative' : 'positive'} integer, got ${value}`);
      }
      this.settings[key] = value;
    }
    if (this.settings.maxQueue < this.settings.batchSize) throw new RangeError('influx maxQueue must be at least batchSize');
    this.target = createClient(config.url, config.database, this.settings.requestTimeoutMs, config.retentionPolicy);
    this.writeOptions = { precision: 'ms', ...(config.retentionPolicy !== undefined ? { retentionPolicy: config.retentionPolicy.name } : {}) };
    this.queue = new BoundedQueue<InfluxPoint>(this.settings.maxQueue);
    this.retryDelay = this.settings.retryInitialMs;
  }

  /** Queues the point for a sample, alarm transition or event line; ignores every other line. Never throws. */
  write(sessionId: string, line: RecordingLine): void {
    if (this.closing !== null) return;
    try {
      const point = toPoint(sessionId, line);
      if (point === null) return;
      const displaced = this.queue.push(point);
      if (displaced !== undefined) this.drop([displaced]);
      this.scheduleQueue();
    } catch (err) {
      // A fault here must never reach the core; the line is in the journal, whatever happens to it here.
      this.lastError = errorMessage(err);
    }
  }

  /** Sends everything queued now, ignoring any backoff. Rejects if InfluxDB fails to take it (it stays queued). */
  flush(): Promise<void> {
    return this.run(async () => {
      try {
        await this.sendQueued();
      } catch (err) {
        this.failed(err);
        throw err;
      }
    });
  }

  /**
   * Writes every sample, alarm transition and event of the journal with t >= from, and resolves with the number
   * of points written. If InfluxDB fails meanwhile, it rejects and the writer retries the backfill itself.
   */
  backfill(sessionId: string, journalPath: string, from: number): Promise<number> {
    return this.run(async () => {
      const outcome = await this.fill(sessionId, journalPath, from);
      const gap = this.gaps.get(sessionId);
      if (outcome.ok) {
        // It may have covered a gap the writer was waiting to fill (one with no journal known, say).
        if (gap !== undefined && from <= gap.from && outcome.lastT >= gap.to) this.gaps.delete(sessionId);
        return outcome.points;
      }
      if (outcome.influx) {
        this.failed(outcome.err);
        // Retried by the writer itself, from the same journal, once InfluxDB answers again.
        this.journals.set(sessionId, journalPath);
        this.addGap(sessionId, { from, to: from, at: 0, retryAt: 0 });
        const merged = this.gaps.get(sessionId);
        if (merged !== undefined) merged.retryAt = 0; // a gap that had no journal has one now
      }
      throw outcome.err;
    });
  }

  /** Means of one vital over [from, to) in at most `points` buckets, as [t, value] pairs (influx-history.ts). */
  history(sessionId: string, vital: Vital, from: number, to: number, points: number): Promise<HistoryPoint[]> {
    return queryHistory(this.target, sessionId, vital, from, to, points);
  }

  /**
   * Stops taking points and makes one attempt to send what is queued. It never rejects: whatever InfluxDB did
   * not take stays listed in status().pendingBackfill, for a backfill from the journal later.
   */
  close(): Promise<void> {
    this.closing ??= this.shutdown();
    return this.closing;
  }

  status(): InfluxWriterStatus {
    return {
      queued: this.queue.length + this.sending,
      written: this.written,
      failedBatches: this.failedBatches,
      connected: this.connected,
      ...(this.lastError !== undefined ? { lastError: this.lastError } : {}),
      dropped: this.dropped,
      rejected: this.rejected,
      backfilled: this.backfilled,
      pendingBackfill: this.pendingBackfill(),
    };
  }

  private pendingBackfill(): Array<{ sessionId: string; from: number }> {
    const from = new Map(this.filling);
    for (const [sessionId, gap] of this.gaps) from.set(sessionId, Math.min(gap.from, from.get(sessionId) ?? Infinity));
    return [...from].map(([sessionId, t]) => ({ sessionId, from: t }));
  }

  private async shutdown(): Promise<void> {
    this.clearTimer();
    try {
      await this.flush();
    } catch {
      this.addGaps(this.queue.take(this.queue.length));
    }
  }

  /** Background work: the queue, then any backfill that is due. Failures back off; the next timer retries. */
  private async pump(): Promise<void> {
    if (Date.now() < this.backoffUntil) return;
    try {
      await this.sendQueued();
      await this.backfillDue();
    } catch (err) {
      this.failed(err);
    }
  }

  private async sendQueued(): Promise<void> {
    while (this.queue.length > 0) await this.send(this.queue.take(this.settings.batchSize), true);
  }

  /** One write request. Queued points go back in front of the queue on failure (`requeue`). */
  private async send(batch: InfluxPoint[], requeue: boolean): Promise<void> {
    if (requeue) this.sending = batch.length;
    try {
      for (let attempt = 1; ; attempt++) {
        try {
          if (!this.ready) {
            await ensureDatabase(this.target);
            this.ready = true;
          }
          await this.target.client.writePoints(batch, this.writeOptions);
          if (requeue) this.written += batch.length;
          this.succeeded();
          return;
        } catch (err) {
          const status = httpStatus(err);
          if (status === 404 && attempt === 1) {
            this.ready = false; // the database was dropped under us: make it again and resend once
            continue;
          }
          if (status === 400 || status === 413) {
            // InfluxDB refused the data itself (it keeps the valid points of a 400): resending cannot help.
            this.rejected += batch.length;
            this.lastError = errorMessage(err);
            this.config.logger?.warn({ err: this.lastError, points: batch.length }, 'influx: batch refused');
            this.succeeded();
            return;
          }
          if (requeue) {
            const overflow = this.queue.putBack(batch);
            if (overflow.length > 0) this.drop(overflow);
          }
          throw err;
        }
      }
    } finally {
      if (requeue) this.sending = 0;
    }
  }

  /** Backfills every session whose gap is due, from its journal. Throws (gap kept) when InfluxDB fails. */
  private async backfillDue(): Promise<void> {
    for (const [sessionId, gap] of [...this.gaps]) {
      const now = Date.now();
      if (now < gap.at + this.settings.backfillDelayMs || now < gap.retryAt) continue;
      const path = this.journals.get(sessionId) ?? this.config.journalPath?.(sessionId);
      if (path === undefined) {
        gap.retryAt = Infinity; // nothing to read it from: it waits for a backfill() call, visible in status()
        continue;
      }
      this.gaps.delete(sessionId);
      this.filling.set(sessionId, gap.from);
      const outcome = await this.fill(sessionId, path, gap.from);
      this.filling.delete(sessionId);
      if (outcome.ok) {
        if (outcome.lastT < gap.to) {
          // The journal does not reach the last dropped point yet (its group commit lags): read it again later.
          this.addGap(sessionId, { ...gap, at: Date.now() });
        } else {
          this.journals.delete(sessionId);
          this.config.logger?.info({ session: sessionId, from: gap.from, points: outcome.points }, 'influx: backfilled from the journal');
        }
        continue;
      }
      this.addGap(sessionId, gap);
      if (outcome.influx) throw outcome.err;
      // The journal could not be read: not InfluxDB's fault, so no backoff; try again after a while.
      this.lastError = `journal ${path}: ${errorMessage(outcome.err)}`;
      this.config.logger?.warn({ session: sessionId, err: this.lastError }, 'influx: backfill cannot read the journal');
      const retry = this.gaps.get(sessionId);
      if (retry !== undefined) retry.retryAt = Date.now() + this.settings.retryMaxMs;
    }
  }

  /** One backfill from a journal. A failure says whose it was: InfluxDB's (back off, retry) or the journal's. */
  private async fill(sessionId: string, path: string, from: number): Promise<FillOutcome> {
    let influx = false;
    try {
      const result = await backfillFromJournal(sessionId, path, from, this.settings.batchSize, async (points) => {
        try {
          await this.send(points, false);
        } catch (err) {
          influx = true;
          throw err;
        }
      });
      this.backfilled += result.points;
      return { ok: true, ...result };
    } catch (err) {
      return { ok: false, err, influx };
    }
  }

  private drop(points: InfluxPoint[]): void {
    this.dropped += points.length;
    if (!this.dropLogged) {
      this.dropLogged = true;
      this.config.logger?.warn({ maxQueue: this.settings.maxQueue }, 'influx: queue full, dropping the oldest points (to be backfilled from the journal)');
    }
    this.addGaps(points);
  }

  private addGaps(points: InfluxPoint[]): void {
    const at = Date.now();
    for (const point of points) {
      const session = point.tags['session'];
      if (session !== undefined) this.addGap(session, { from: point.timestamp, to: point.timestamp, at, retryAt: 0 });
    }
  }

  private addGap(sessionId: string, gap: Gap): void {
    const known = this.gaps.get(sessionId);
    if (known === undefined) {
      this.gaps.set(sessionId, { ...gap });
      return;
    }
    known.from = Math.min(known.from, gap.from);
    known.to = Math.max(known.to, gap.to);
    known.at = Math.max(known.at, gap.at);
    known.retryAt = Math.max(known.retryAt, gap.retryAt);
  }

  private succeeded(): void {
    if (!this.connected) this.config.logger?.info({ url: this.config.url }, 'influx: connected');
    this.connected = true;
    this.dropLogged = false;
    this.retryDelay = this.settings.retryInitialMs;
    this.backoffUntil = 0;
  }

  private failed(err: unknown): void {
    this.failedBatches++;
    this.lastError = errorMessage(err);
    if (this.connected || this.failedBatches === 1) {
      this.config.logger?.warn({ url: this.config.url, err: this.lastError }, 'influx: unreachable, retrying with backoff');
    }
    this.connected = false;
    this.backoffUntil = Date.now() + this.retryDelay;
    this.retryDelay = Math.min(this.retryDelay * 2, this.settings.retryMaxMs);
  }

  /** Runs `task` after every earlier one; then schedules whatever is due next. */
  private run<T>(task: () => Promise<T>): Promise<T> {
    const result = this.chain.then(task);
    this.chain = result.then(
      () => this.schedule(),
      () => this.schedule(),
    );
    return result;
  }

  /** The cheap check write() makes: a timer for the queue, unless an earlier one is set. */
  private scheduleQueue(): void {
    if (this.pumpQueued) return; // the running pump takes new points too, then schedules
    const now = Date.now();
    const due = this.queue.length >= this.settings.batchSize ? now : now + this.settings.flushIntervalMs;
    this.setTimer(Math.max(due, this.backoffUntil), now);
  }

  /** Full scheduling after background work: the queue, and the earliest gap due for backfill. */
  private schedule(): void {
    if (this.pumpQueued || this.closing !== null) return;
    const now = Date.now();
    let due = Infinity;
    if (this.queue.length > 0) due = this.queue.length >= this.settings.batchSize ? now : now + this.settings.flushIntervalMs;
    for (const gap of this.gaps.values()) due = Math.min(due, Math.max(gap.at + this.settings.backfillDelayMs, gap.retryAt));
    if (due !== Infinity) this.setTimer(Math.max(due, this.backoffUntil), now);
  }

  private setTimer(due: number, now: number): void {
    if (this.timer !== null && this.timerDue <= due) return;
    this.clearTimer();
    this.timerDue = due;
    // Unref'd: a pending retry must not keep a finished process alive; the journal has every point.
    this.timer = setTimeout(this.onTimer, Math.max(0, due - now));
    this.timer.unref();
  }

  private clearTimer(): void {
    if (this.timer === null) return;
    clearTimeout(this.timer);
    this.timer = null;
    this.timerDue = Infinity;
  }

  private readonly onTimer = (): void => {
    this.timer = null;
    this.timerDue = Infinity;
    if (this.pumpQueued || this.closing !== null) return;
    this.pumpQueued = true;
    void this.run(async () => {
      try {
        await this.pump();
      } finally {
        this.pumpQueued = false;
      }
    });
  };
}
