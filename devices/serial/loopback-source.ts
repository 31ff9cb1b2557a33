// An in-process serial line: bytes written here go through the protocol's real frame decoder to the same
// sink a SerialSource feeds, without an OS port. Virtual devices use it where no pseudo-terminal is at hand.
import type { SerialProtocol } from './protocols/protocol.js';
import type { SerialSink } from './serial-source.js';

export class LoopbackSource {
  private decoder;
  private plugged = false;

  constructor(
    readonly device: string,
    private readonly protocol: SerialProtocol<unknown>,
    private readonly sink: SerialSink,
    private readonly clock: () => number,
  ) {
    this.decoder = protocol.createDecoder();
  }

  plug(): void {
    if (this.plugged) return;
    this.plugged = true;
    this.decoder.reset();
    this.sink.state(this.device, this.clock(), 'connected');
  }

  unplug(): void {
    if (!this.plugged) return;
    this.plugged = false;
    this.sink.state(this.device, this.clock(), 'disconnected', 'unplugged');
  }

  /** What the device sends; lost while unplugged, as on a real cable. */
  write(bytes: Uint8Array): void {
    if (!this.plugged) return;
    const t = this.clock();
    for (const event of this.decoder.push(bytes)) {
      if (event.ok) this.sink.report(this.device, t, event.frame.report, { format: this.protocol.name, bytes: event.frame.bytes });
      else this.sink.decodeError(this.device, t, this.protocol.name, event.error, event.bytes);
    }
  }

  close(): void {
    this.plugged = false;
    this.sink.state(this.device, this.clock(), 'closed');
  }
}
