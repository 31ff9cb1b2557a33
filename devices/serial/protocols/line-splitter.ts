// Bounded LF framing for the line protocols. Memory is one preallocated buffer of `maxLength` bytes: a line that
// grows past it is reported once (its first `maxLength` bytes) and the rest of it is dropped up to the next LF.

const LF = 0x0a;

export interface LineSink {
  /** a complete line without its LF (a CR before the LF is kept); only valid during the call */
  line(content: Uint8Array): void;
  /** a line longer than the bound began; `head` is its first `maxLength` bytes, only valid during the call */
  overflow(head: Uint8Array): void;
}

export class LineSplitter {
  readonly #buffer: Uint8Array;
  #length = 0;
  /** inside an over-long line: drop bytes until the next LF */
  #dropping = false;

  /** `maxLength`: the longest line kept, in bytes before the LF (a CR counts) */
  constructor(readonly maxLength: number) {
    this.#buffer = new Uint8Array(maxLength);
  }

  get pendingBytes(): number {
    return this.#length;
  }

  split(chunk: Uint8Array, sink: LineSink): void {
    let start = 0;
    while (start < chunk.length) {
      const lf = chunk.indexOf(LF, start);
      const end = lf === -1 ? chunk.length : lf;
      this.#append(chunk.subarray(start, end), sink);
      if (lf === -1) return;
      if (!this.#dropping) sink.line(this.#buffer.subarray(0, this.#length));
      this.#dropping = false;
      this.#length = 0;
      start = lf + 1;
    }
  }

  reset(): void {
    this.#length = 0;
    this.#dropping = false;
  }

  #append(part: Uint8Array, sink: LineSink): void {
    if (this.#dropping || part.length === 0) return;
    const room = this.maxLength - this.#length;
    if (part.length <= room) {
      this.#buffer.set(part, this.#length);
      this.#length += part.length;
      return;
    }
    this.#buffer.set(part.subarray(0, room), this.#length);
    this.#length = 0;
    this.#dropping = true;
    sink.overflow(this.#buffer);
  }
}
