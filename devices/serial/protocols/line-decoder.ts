// The streaming decoder shared by the CR LF line protocols: bounded line framing, one parse per line, one
// error per run of bad lines. A protocol supplies how to parse a line and, if it tracks state across lines
// (e.g. sequence numbers), an observer that may add a notice before a good frame.
import { decoded, decodeError, type DecodeError, type DecodeResult, type DeviceReport } from '../../types.js';
import { textToBytes } from './bytes.js';
import { EventQueue } from './event-queue.js';
import { LineSplitter } from './line-splitter.js';
import type { FrameDecoder, FrameEvent } from './protocol.js';

const CR = 0x0d;
const LF = 0x0a;

export interface LineFormat<T> {
  name: string;
  /** longest line content accepted, in bytes, CR LF excluded */
  maxLength: number;
  /** one line without its CR LF (never empty) */
  parse(line: Uint8Array): DecodeResult<T>;
  report(value: T): DeviceReport;
}

/** State a protocol keeps across lines; `observe` sees every good value before it is emitted. */
export interface LineObserver<T> {
  observe(value: T): DecodeError | undefined;
  reset(): void;
}

export class LineDecoder<T> implements FrameDecoder<T> {
  readonly #format: LineFormat<T>;
  readonly #observer: LineObserver<T> | undefined;
  readonly #splitter: LineSplitter;
  readonly #events = new EventQueue<T>();

  constructor(format: LineFormat<T>, observer?: LineObserver<T>) {
    this.#format = format;
    this.#observer = observer;
    // +1: the CR is part of what the splitter holds
    this.#splitter = new LineSplitter(format.maxLength + 1);
  }

  get pendingBytes(): number {
    return this.#splitter.pendingBytes;
  }

  push(chunk: Uint8Array): FrameEvent<T>[] {
    this.#splitter.split(chunk, {
      line: (content) => this.#line(content),
      overflow: (head) =>
        this.#events.error('length', `${this.#format.name}: line longer than ${this.#format.maxLength} bytes, dropped`, head),
    });
    return this.#events.take();
  }

  reset(): void {
    this.#splitter.reset();
    this.#events.reset();
    this.#observer?.reset();
  }

  #line(content: Uint8Array): void {
    const hasCr = content.length > 0 && content[content.length - 1] === CR;
    const body = hasCr ? content.subarray(0, content.length - 1) : content;
    if (body.length === 0) return; // blank lines carry nothing
    // the frame as received: content, CR if it came, LF
    const raw = new Uint8Array(content.length + 1);
    raw.set(content);
    raw[content.length] = LF;
    if (body.length > this.#format.maxLength) {
      this.#events.error('length', `${this.#format.name}: line longer than ${this.#format.maxLength} bytes`, raw);
      return;
    }
    const result = this.#format.parse(body);
    if (!result.ok) {
      this.#events.error(result.error.code, result.error.message, raw);
      return;
    }
    const notice = this.#observer?.observe(result.value);
    if (notice !== undefined) this.#events.notice(notice.code, notice.message, raw);
    this.#events.frame({ bytes: raw, value: result.value, report: this.#format.report(result.value) });
  }
}

/**
 * A line protocol's `decodeFrame` input as the line's bytes without its line end: a trailing LF, CR LF or CR is
 * optional; a line break inside, or characters beyond U+00FF in a string, are 'syntax' errors.
 */
export function lineInput(input: Uint8Array | string, name: string, maxLength: number): DecodeResult<Uint8Array> {
  if (typeof input === 'string') {
    if (/[^\u0000-\u00ff]/.test(input)) return decodeError('syntax', `${name}: characters outside ASCII`);
    input = textToBytes(input);
  }
  let end = input.length;
  if (end > 0 && input[end - 1] === LF) end--;
  if (end > 0 && input[end - 1] === CR) end--;
  const body = input.subarray(0, end);
  if (body.includes(LF) || body.includes(CR)) return decodeError('syntax', `${name}: more than one line`);
  if (body.length > maxLength) return decodeError('length', `${name}: line longer than ${maxLength} bytes`);
  if (body.length === 0) return decodeError('truncated', `${name}: empty line`);
  return decoded(body);
}
