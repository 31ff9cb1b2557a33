// A serial device: open the port, frame and decode what arrives, hand each frame on with its raw bytes.
// When the port disappears (unplugged, pty closed) the loss is reported at once and the port is reopened with
// backoff until it returns — no restart needed.
import { autoDetect, type AutoDetectTypes } from '@serialport/bindings-cpp';
import { SerialPortStream } from '@serialport/stream';
import type { DecodeError, DeviceReport } from '../types.js';
import type { SerialProtocol } from './protocols/protocol.js';

export type SerialState = 'connecting' | 'connected' | 'disconnected' | 'closed';

/** Where a serial source delivers what it hears. */
export interface SerialSink {
  report(device: string, t: number, report: DeviceReport, raw: { format: string; bytes: Uint8Array }): void;
  decodeError(device: string, t: number, format: string, error: DecodeError, bytes: Uint8Array): void;
  state(device: string, t: number, state: SerialState, detail?: string): void;
}

export interface Backoff {
  initialMs: number;
  maxMs: number;
  factor: number;
}

export interface SerialSourceOptions {
  /** device id in vigil (journal, alarms) */
  device: string;
  /** e.g. /dev/ttyUSB0 */
  path: string;
  protocol: SerialProtocol<unknown>;
  sink: SerialSink;
  /** ms since the epoch for every frame and state change */
  clock?: () => number;
  backoff?: Partial<Backoff>;
  /** the OS binding; tests may pass another */
  binding?: AutoDetectTypes;
}

const DEFAULT_BACKOFF: Backoff = { initialMs: 250, maxMs: 10_000, factor: 2 };

export class SerialSource {
  private port: SerialPortStream | undefined;
  private retry: NodeJS.Timeout | undefined;
  private delay: number;
  private closed = false;
  private readonly backoff: Backoff;
  private readonly clock: () => number;
  private readonly binding: AutoDetectTypes;

  constructor(private readonly options: SerialSourceOptions) {
    this.backoff = { ...DEFAULT_BACKOFF, ...options.backoff };
    this.delay = this.backoff.initialMs;
    this.clock = options.clock ?? Date.now;
    this.binding = options.binding ?? autoDetect();
  }

  get device(): string {
    return this.options.device;
  }

  /** Starts opening the port; failures are retried with backoff, never thrown. */
  start(): void {
    this.open();
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.retry !== undefined) clearTimeout(this.retry);
    const port = this.port;
    this.port = undefined;
    if (port?.isOpen === true) await new Promise<void>((resolve) => port.close(() => resolve()));
    this.options.sink.state(this.options.device, this.clock(), 'closed');
  }

  private open(): void {
    if (this.closed) return;
    const { path, protocol, sink, device } = this.options;
    sink.state(device, this.clock(), 'connecting');
    const decoder = protocol.createDecoder();
    const port = new SerialPortStream({
      binding: this.binding,
      path,
      baudRate: protocol.baudRate,
      dataBits: protocol.dataBits,
      parity: protocol.parity,
      stopBits: protocol.stopBits,
      autoOpen: false,
    });
    this.port = port;
    port.on('data', (chunk: Buffer) => {
      const t = this.clock();
      for (const result of decoder.push(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength))) {
        if (result.ok) sink.report(device, t, result.frame.report, { format: protocol.name, bytes: result.frame.bytes });
        else sink.decodeError(device, t, protocol.name, result.error, result.bytes);
      }
    });
    // Errors also close the port; the close handler decides what happens next.
    port.on('error', () => {});
    port.on('close', (error: (Error & { disconnected?: boolean }) | null) => {
      if (this.port !== port) return;
      this.port = undefined;
      if (this.closed) return;
      sink.state(device, this.clock(), 'disconnected', error?.message ?? 'port closed');
      this.scheduleReopen();
    });
    port.open((error) => {
      if (this.port !== port) return;
      if (error !== null) {
        this.port = undefined;
        sink.state(device, this.clock(), 'disconnected', error.message);
        this.scheduleReopen();
        return;
      }
      this.delay = this.backoff.initialMs;
      sink.state(device, this.clock(), 'connected');
    });
  }

  private scheduleReopen(): void {
    if (this.closed || this.retry !== undefined) return;
    const delay = this.delay;
    this.delay = Math.min(this.delay * this.backoff.factor, this.backoff.maxMs);
    this.retry = setTimeout(() => {
      this.retry = undefined;
      this.open();
    }, delay);
  }
}
