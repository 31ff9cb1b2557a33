// Streaming reader of `vigil-recording` files (DESIGN §8) in constant memory. It yields one batch of lines per
// chunk read, so a replay runs a synchronous inner loop over each batch, and a paced replay that awaits
// between batches holds the file back (nothing is read ahead of the consumer).
import { open } from 'node:fs/promises';
import { StringDecoder } from 'node:string_decoder';
import type { RecordingHeader, RecordingLine } from '../core/types.js';
import { checkRecordingValue, jsonError } from './recording-validate.js';

export interface RecordingRecord {
  /** 1-based line number in the file */
  lineNo: number;
  line: RecordingLine;
}

export interface RecordingIssue {
  lineNo: number;
  message: string;
  /** the first 200 characters of the offending line */
  text: string;
}

export interface ReadOptions {
  /** Called for every malformed line, as soon as it is found; without it malformed lines are skipped silently. */
  onIssue?: (issue: RecordingIssue) => void;
  /** Bytes per read (default 64 KiB); memory use is about this plus the longest line. */
  highWaterMark?: number;
}

/** Longest line kept, in UTF-16 code units (= bytes for ASCII); longer ones are reported and skipped unbuffered. */
export const MAX_LINE_LENGTH = 1024 * 1024;
const DEFAULT_CHUNK = 64 * 1024;
const ISSUE_TEXT = 200;
const BLANK = /^\s*$/;

/**
 * Reads a recording as batches of valid lines, in file order. Blank lines and unknown line types are skipped;
 * malformed lines, a missing header, and lines over {@link MAX_LINE_LENGTH} go to `onIssue`.
 */
export async function* readRecording(path: string, options: ReadOptions = {}): AsyncGenerator<RecordingRecord[]> {
  const onIssue = options.onIssue;
  const report = (lineNo: number, message: string, text: string): void => {
    onIssue?.({ lineNo, message, text: text.slice(0, ISSUE_TEXT) });
  };
  let batch: RecordingRecord[] = [];
  let sawFirst = false;
  const splitter = new LineSplitter((text, lineNo) => {
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (err) {
      // Blank lines (also a lone '\r') are skipped; JSON.parse rejects them, so only failures pay for the test.
      if (BLANK.test(text)) return;
      sawFirst = true;
      report(lineNo, jsonError(err), stripCr(text));
      return;
    }
    const checked = checkRecordingValue(value);
    if (!sawFirst) {
      sawFirst = true;
      // Lines are self-describing, so a missing header is reported but the line itself is still used.
      if (checked !== null && typeof checked !== 'string' && checked.type !== 'header') {
        report(lineNo, `missing header: first line is a "${checked.type}" line`, stripCr(text));
      } else if (checked === null) {
        report(lineNo, 'missing header: first line is of an unknown type', stripCr(text));
      }
    }
    if (checked === null) return;
    if (typeof checked === 'string') report(lineNo, checked, stripCr(text));
    else batch.push({ lineNo, line: checked });
  }, (lineNo, head) => {
    sawFirst = true;
    report(lineNo, `line too long (over ${MAX_LINE_LENGTH} characters), skipped`, head);
  });

  for await (const chunk of decodedChunks(path, chunkSize(options.highWaterMark))) {
    splitter.push(chunk);
    if (batch.length > 0) {
      const full = batch;
      batch = [];
      yield full;
    }
  }
  splitter.end();
  if (!sawFirst) report(1, 'empty recording: no header', '');
  if (batch.length > 0) yield batch;
}

/**
 * Reads the header: the first non-blank line, which must be a valid `vigil-recording` version 1 header.
 * Reads only as far as that line. Throws an Error naming the file and line otherwise.
 */
export async function readHeader(path: string): Promise<RecordingHeader> {
  let result: RecordingHeader | string | undefined;
  const splitter = new LineSplitter((text, lineNo) => {
    if (result !== undefined) return;
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (err) {
      if (BLANK.test(text)) return;
      result = `line ${lineNo}: ${jsonError(err)}`;
      return;
    }
    const checked = checkRecordingValue(value);
    if (typeof checked === 'string') result = `line ${lineNo}: ${checked}`;
    else if (checked === null || checked.type !== 'header') {
      result = `line ${lineNo}: expected a "header" line, found ${JSON.stringify((value as { type?: unknown }).type)}`;
    } else result = checked;
  }, (lineNo) => {
    result ??= `line ${lineNo}: line too long for a header`;
  });
  for await (const chunk of decodedChunks(path, DEFAULT_CHUNK)) {
    splitter.push(chunk);
    if (result !== undefined) break;
  }
  if (result === undefined) splitter.end();
  if (result === undefined) throw new Error(`${path}: not a vigil-recording: the file is empty`);
  if (typeof result === 'string') throw new Error(`${path}: not a valid vigil-recording header: ${result}`);
  return result;
}

/**
 * Benchmark baseline: the same chunked reading and line splitting as {@link readRecording}, but only
 * JSON.parse per line, no validation. `lines` counts the lines that parsed.
 */
export async function parseOnly(path: string): Promise<{ lines: number }> {
  let lines = 0;
  const splitter = new LineSplitter((text) => {
    try {
      JSON.parse(text);
      lines++;
    } catch {
      // A baseline measures parsing cost only; bad lines are simply not counted.
    }
  }, () => {});
  for await (const chunk of decodedChunks(path, DEFAULT_CHUNK)) splitter.push(chunk);
  splitter.end();
  return { lines };
}

/** The file's text, chunk by chunk; the decoder holds back a multi-byte character split across reads. */
async function* decodedChunks(path: string, size: number): AsyncGenerator<string> {
  const fh = await open(path, 'r');
  try {
    // One buffer reused for every read: the decoder copies the bytes into a string each time.
    const buf = Buffer.allocUnsafe(size);
    const decoder = new StringDecoder('utf8');
    for (;;) {
      const { bytesRead } = await fh.read(buf, 0, size, null);
      if (bytesRead === 0) break;
      const text = decoder.write(buf.subarray(0, bytesRead));
      if (text.length > 0) yield text;
    }
    const rest = decoder.end();
    if (rest.length > 0) yield rest;
  } finally {
    await fh.close();
  }
}

function chunkSize(highWaterMark: number | undefined): number {
  if (highWaterMark === undefined) return DEFAULT_CHUNK;
  if (!Number.isInteger(highWaterMark) || highWaterMark < 1) {
    throw new RangeError(`highWaterMark must be a positive integer, got ${highWaterMark}`);
  }
  return highWaterMark;
}

function stripCr(text: string): string {
  return text.endsWith('\r') ? text.slice(0, -1) : text;
}

type LineHandler = (text: string, lineNo: number) => void;
type TooLongHandler = (lineNo: number, head: string) => void;

/**
 * Splits decoded text into lines on '\n'. A '\r' before it is left on the line: JSON.parse treats it as
 * whitespace, so CRLF files cost nothing extra. Holds at most one partial line, and never more than
 * {@link MAX_LINE_LENGTH} of it: a longer line is reported once and its remainder discarded as it streams by.
 */
class LineSplitter {
  /** the start of a line continued in the next chunk */
  private carry = '';
  /** inside a too-long line: discard everything up to its newline */
  private skipping = false;
  /** number of the line being assembled */
  private lineNo = 1;

  constructor(
    private readonly onLine: LineHandler,
    private readonly onTooLong: TooLongHandler,
  ) {}

  push(chunk: string): void {
    const n = chunk.length;
    let pos = 0;
    while (pos < n) {
      const nl = chunk.indexOf('\n', pos);
      if (nl === -1) {
        this.hold(chunk, pos);
        return;
      }
      const lineNo = this.lineNo++;
      if (this.skipping) {
        this.skipping = false;
      } else if (this.carry.length === 0) {
        if (nl - pos > MAX_LINE_LENGTH) this.onTooLong(lineNo, chunk.slice(pos, pos + ISSUE_TEXT));
        else this.onLine(chunk.slice(pos, nl), lineNo);
      } else {
        const text = this.carry + chunk.slice(pos, nl);
        this.carry = '';
        if (text.length > MAX_LINE_LENGTH) this.onTooLong(lineNo, text.slice(0, ISSUE_TEXT));
        else this.onLine(text, lineNo);
      }
      pos = nl + 1;
    }
  }

  /** Emits a final line that has no newline. */
  end(): void {
    if (this.carry.length > 0) this.onLine(this.carry, this.lineNo);
    this.carry = '';
    this.skipping = false;
  }

  private hold(chunk: string, pos: number): void {
    if (this.skipping) return;
    if (this.carry.length + (chunk.length - pos) > MAX_LINE_LENGTH) {
      const head = (this.carry.length >= ISSUE_TEXT ? this.carry : this.carry + chunk.slice(pos, pos + ISSUE_TEXT))
        .slice(0, ISSUE_TEXT);
      this.carry = '';
      this.skipping = true;
      this.onTooLong(this.lineNo, head);
      return;
    }
    const rest = chunk.slice(pos);
    this.carry = this.carry.length === 0 ? rest : this.carry + rest;
  }
}
