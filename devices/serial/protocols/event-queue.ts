// Collects what one `push` yields and rate-limits errors: garbage on a line would otherwise produce an error per
// byte. After an error the queue stays quiet until the next good frame, so each loss of sync costs one report.
import type { DecodeErrorCode } from '../../types.js';
import type { FrameEvent, SerialFrame } from './protocol.js';

export class EventQueue<T> {
  #events: FrameEvent<T>[] = [];
  #quiet = false;

  /** an error was reported since the last good frame: further errors would be dropped (skip building them) */
  get quiet(): boolean {
    return this.#quiet;
  }

  frame(frame: SerialFrame<T>): void {
    this.#events.push({ ok: true, frame });
    this.#quiet = false;
  }

  /** An error, unless one was already reported since the last good frame. `bytes` is copied. */
  error(code: DecodeErrorCode, message: string, bytes: Uint8Array): void {
    if (this.#quiet) return;
    this.#quiet = true;
    this.#events.push({ ok: false, error: { code, message }, bytes: bytes.slice() });
  }

  /** An error that is not garbage (e.g. a sequence gap next to a good frame): always reported, never gates. */
  notice(code: DecodeErrorCode, message: string, bytes: Uint8Array): void {
    this.#events.push({ ok: false, error: { code, message }, bytes: bytes.slice() });
  }

  /** Hands over the events collected so far. */
  take(): FrameEvent<T>[] {
    const events = this.#events;
    this.#events = [];
    return events;
  }

  reset(): void {
    this.#events = [];
    this.#quiet = false;
  }
}
