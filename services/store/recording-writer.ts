// Appending writer of `vigil-recording` files (DESIGN §6, §8). Lines are buffered in memory and group-committed:
// one write plus one fsync for everything buffered, at most `fsyncIntervalMs` after the first buffered line,
// so a crash loses at most that window while a busy session pays one fsync per interval, not per line.
import { open, stat } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { RecordingHeader, RecordingLine } from '../core/types.js';

export interface RecordingWriterOptions {
  /** Longest time a line stays buffered before it is written and fsynced (default 100 ms). */
  fsyncIntervalMs?: number;
  /**
   * Called when a background (timer-driven) commit fails. The lines stay buffered and are retried at the next
   * interval, flush() or close(); those reject with the error if it persists.
   */
  onError?: (err: unknown) => void;
  /**
   * Called with the error whenever a commit fails, whoever started it (timer, flush(), close()): the journal is
   * not being written. The service shows it as an alarm-system failure (services/live/system-health.ts).
   */
  onCommitFailed?: (err: unknown) => void;
  /** Called at the first commit that succeeds after one failed: the journal is whole again. */
  onCommitRecovered?: () => void;
}

export interface RecordingWriter {
  /** Buffers one line. Never throws for a line that cannot be serialised: it is dropped and counted instead. */
  append(line: RecordingLine): void;
  /** Writes and fsyncs every line appended before the call. */
  flush(): Promise<void>;
  /** Flushes, then closes the file. Appending afterwards throws. Calling it again returns the same promise. */
  close(): Promise<void>;
  /** Lines append() dropped because JSON.stringify failed on them. */
  readonly dropped: number;
}

const DEFAULT_INTERVAL_MS = 100;
/** Buffered text beyond which a commit starts at once, so a burst cannot grow memory for a whole interval. */
const EAGER_COMMIT_CHARS = 1024 * 1024;
/** Batch size of writeRecording. */
const WRITE_CHUNK_CHARS = 256 * 1024;

/**
 * Opens `path` for appending. A new or empty file gets `header` as its first line (then `header` is required);
 * a non-empty file is appended to as is, without a second header.
 */
export async function openRecordingWriter(
  path: string,
  header?: RecordingHeader,
  options: RecordingWriterOptions = {},
): Promise<RecordingWriter> {
  const intervalMs = options.fsyncIntervalMs ?? DEFAULT_INTERVAL_MS;
  if (!Number.isFinite(intervalMs) || intervalMs < 0) {
    throw new RangeError(`fsyncIntervalMs must be a non-negative number, got ${intervalMs}`);
  }
  // Checked before open(…, 'a') creates the file, so a refused call leaves no empty file behind.
  if (header === undefined && (await sizeOf(path)) === 0) throw new Error(`${path}: a new recording needs a header`);
  const fh = await open(path, 'a');
  try {
    const { size } = await fh.stat();
    if (size === 0) {
      if (header === undefined) throw new Error(`${path}: a new recording needs a header`);
      const writer = new GroupCommitWriter(fh, path, intervalMs, options, dirname(path));
      writer.append(header);
      return writer;
    }
    const writer = new GroupCommitWriter(fh, path, intervalMs, options, null);
    // A crash can leave a torn last line; start on a fresh line so it stays one malformed line of its own
    // instead of swallowing the first appended one.
    if (!(await endsWithNewline(path, size))) writer.startOnNewLine();
    return writer;
  } catch (err) {
    await fh.close();
    throw err;
  }
}

class GroupCommitWriter implements RecordingWriter {
  /** serialised lines not yet handed to a write */
  private pending: string[] = [];
  private pendingChars = 0;
  /** bytes a failed write left behind; written first next time so nothing is lost or reordered */
  private unwritten: Buffer | null = null;
  private timer: NodeJS.Timeout | null = null;
  /** commits run one after another, in call order */
  private queue: Promise<void> = Promise.resolve();
  private closing: Promise<void> | null = null;
  /** an eager commit is queued but has not taken the buffer yet: one is enough */
  private eagerQueued = false;
  private droppedLines = 0;
  /** the last commit failed: the next one reopens the file and syncs even with nothing new to write */
  private failing = false;

  constructor(
    private fh: FileHandle,
    private readonly path: string,
    private readonly intervalMs: number,
    private readonly hooks: Pick<RecordingWriterOptions, 'onError' | 'onCommitFailed' | 'onCommitRecovered'>,
    /** directory to fsync once after the first commit, so a newly created file's entry is durable too */
    private syncDirectory: string | null,
  ) {}

  get dropped(): number {
    return this.droppedLines;
  }

  append(line: RecordingLine): void {
    if (this.closing !== null) throw new Error('recording writer is closed');
    let text: string | undefined;
    try {
      text = JSON.stringify(line);
    } catch {
      text = undefined;
    }
    if (typeof text !== 'string') {
      this.droppedLines++;
      return;
    }
    this.pending.push(text);
    this.pendingChars += text.length + 1;
    if (this.pendingChars >= EAGER_COMMIT_CHARS) {
      if (!this.eagerQueued) {
        this.eagerQueued = true;
        this.commitInBackground();
      }
    } else if (this.timer === null) this.timer = setTimeout(this.onTimer, this.intervalMs);
  }

  /** An empty first entry makes the next commit begin with '\n' (see openRecordingWriter). */
  startOnNewLine(): void {
    this.pending.push('');
  }

  flush(): Promise<void> {
    const run = this.queue.then(() => this.commit());
    // A failed commit must not stop later ones; its caller sees the error through `run`.
    this.queue = run.catch(() => {});
    return run;
  }

  close(): Promise<void> {
    this.closing ??= this.shutdown();
    return this.closing;
  }

  private async shutdown(): Promise<void> {
    // No timer can be set from here on: append() throws and background retries stop once closing.
    this.clearTimer();
    try {
      await this.flush();
    } finally {
      // Closing even after a failed flush: the error tells the caller what was lost; a leaked handle helps no one.
      await this.fh.close();
    }
  }

  private readonly onTimer = (): void => {
    this.timer = null;
    this.commitInBackground();
  };

  private commitInBackground(): void {
    this.clearTimer();
    this.flush().catch((err: unknown) => {
      this.hooks.onError?.(err);
      // Retry later rather than drop journal data; close() surfaces the error if it persists.
      if (this.closing === null && this.timer === null) this.timer = setTimeout(this.onTimer, this.intervalMs);
    });
  }

  private clearTimer(): void {
    if (this.timer !== null) {
      clearTimeout(this.timer);
      this.timer = null;
    }
  }

  private async commit(): Promise<void> {
    let data: Buffer | null = this.unwritten;
    if (this.pending.length > 0) {
      // Everything appended up to now goes into this commit; later appends start a new batch (and timer).
      const text = Buffer.from(`${this.pending.join('\n')}\n`, 'utf8');
      this.pending = [];
      this.pendingChars = 0;
      this.eagerQueued = false;
      this.clearTimer();
      data = data === null ? text : Buffer.concat([data, text]);
    }
    // After a failure, what was written may not be synced yet: sync even with nothing new.
    if (data === null && !this.failing) return;
    this.unwritten = null;
    let offset = 0;
    try {
      if (this.failing) await this.reopen();
      if (data !== null) {
        await writeFully(this.fh, data, (written) => {
          offset = written;
        });
      }
      await this.fh.datasync();
      if (this.syncDirectory !== null) {
        await fsyncDirectory(this.syncDirectory);
        this.syncDirectory = null;
      }
    } catch (err) {
      if (data !== null && offset < data.length) this.unwritten = data.subarray(offset);
      this.failing = true;
      this.report(() => this.hooks.onCommitFailed?.(err));
      // Whoever asked (a flush() included), the writer keeps retrying on its own: recovery must not wait for
      // the next line, which may be long in coming.
      if (this.closing === null && this.timer === null) this.timer = setTimeout(this.onTimer, this.intervalMs);
      throw err;
    }
    if (this.failing) {
      this.failing = false;
      this.report(() => this.hooks.onCommitRecovered?.());
    }
  }

  /**
   * Before retrying a failed commit the path is opened again, so a handle that went bad (EIO, a file restored at
   * its path, a disk swapped) does not keep the journal failing. Nothing buffered is lost: the failed bytes are
   * retried on the new handle. When the path cannot be opened the old handle stays (freed space makes it work again).
   */
  private async reopen(): Promise<void> {
    let fresh: FileHandle;
    try {
      fresh = await open(this.path, 'a');
    } catch {
      return;
    }
    const stale = this.fh;
    this.fh = fresh;
    await stale.close().catch(() => {});
  }

  /** A hook runs inside the commit path: it must not turn a commit's outcome into another error. */
  private report(hook: () => void): void {
    try {
      hook();
    } catch {
      // the caller's problem; the commit's own result stands
    }
  }
}

/**
 * Writes a whole recording (the simulator's output), replacing `path`. Streams in batches, so a huge input is
 * never one giant string. The first line must be the header.
 */
export async function writeRecording(path: string, lines: Iterable<RecordingLine>): Promise<void> {
  const it = lines[Symbol.iterator]();
  const first = it.next();
  // Checked before opening, so a bad call does not truncate an existing file.
  if (first.done === true || first.value.type !== 'header') {
    throw new Error(`${path}: a recording must start with its header line`);
  }
  const fh = await open(path, 'w');
  try {
    const headerText = JSON.stringify(first.value);
    let parts: string[] = [headerText];
    let chars = headerText.length + 1;
    for (let next = it.next(); next.done !== true; next = it.next()) {
      const text = JSON.stringify(next.value);
      parts.push(text);
      chars += text.length + 1;
      if (chars >= WRITE_CHUNK_CHARS) {
        await writeFully(fh, Buffer.from(`${parts.join('\n')}\n`, 'utf8'));
        parts = [];
        chars = 0;
      }
    }
    if (parts.length > 0) await writeFully(fh, Buffer.from(`${parts.join('\n')}\n`, 'utf8'));
    await fh.datasync();
  } finally {
    await fh.close();
  }
}

/** Writes all of `data`, resuming after short writes; reports progress so a failure knows what is left. */
async function writeFully(fh: FileHandle, data: Buffer, progress?: (written: number) => void): Promise<void> {
  let offset = 0;
  while (offset < data.length) {
    const { bytesWritten } = await fh.write(data, offset, data.length - offset, null);
    offset += bytesWritten;
    progress?.(offset);
  }
}

/** Size of the file at `path`, 0 when it does not exist. */
async function sizeOf(path: string): Promise<number> {
  try {
    return (await stat(path)).size;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return 0;
    throw err;
  }
}

async function endsWithNewline(path: string, size: number): Promise<boolean> {
  // The append handle is write-only, so peek at the last byte through a short-lived read handle.
  const fh = await open(path, 'r');
  try {
    const buf = Buffer.alloc(1);
    const { bytesRead } = await fh.read(buf, 0, 1, size - 1);
    return bytesRead === 1 && buf[0] === 0x0a;
  } finally {
    await fh.close();
  }
}

async function fsyncDirectory(dir: string): Promise<void> {
  let fh: FileHandle;
  try {
    fh = await open(dir, 'r');
  } catch {
    return; // some platforms cannot open directories; the file data itself is already synced
  }
  try {
    await fh.sync();
  } catch {
    // Not supported everywhere (e.g. some network filesystems); best effort only.
  } finally {
    await fh.close();
  }
}
