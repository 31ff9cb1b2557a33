// What every serial protocol module provides: the link settings, a streaming decoder that turns arbitrary
// byte chunks into frames, a one-frame decoder for `vigil decode`, the spec-exact encoder used by virtual
// devices and tests, and the mapping of a decoded value to a DeviceReport.
import type { DecodeError, DecodeResult, DeviceReport } from '../../types.js';

/** One decoded frame (for packet formats: one packet) as the stream delivered it. */
export interface SerialFrame<T> {
  /** the frame's bytes as received, for raw capture */
  bytes: Uint8Array;
  value: T;
  report: DeviceReport;
}

/** What `push` yields: a frame, or an error with the bytes it concerns (for raw capture; may be partial). */
export type FrameEvent<T> = { ok: true; frame: SerialFrame<T> } | { ok: false; error: DecodeError; bytes: Uint8Array };

/**
 * A stateful decoder for one connection. `push` takes chunks cut anywhere, never throws, and holds a bounded
 * number of bytes however much garbage arrives. After an error it resynchronises silently: at most one error is
 * reported until the next good frame (exceptions are documented by the protocol, e.g. sequence gaps).
 */
export interface FrameDecoder<T> {
  push(chunk: Uint8Array): FrameEvent<T>[];
  /** forget everything pending, e.g. after reopening the port */
  reset(): void;
  /** bytes held for a frame not yet complete (bounded; exposed so tests can prove it) */
  readonly pendingBytes: number;
}

export interface SerialProtocol<T> {
  /** the name `vigil decode` and device configs use, e.g. "nonin-2" */
  name: string;
  description: string;
  baudRate: number;
  dataBits: 8;
  parity: 'none';
  stopBits: 1;
  createDecoder(): FrameDecoder<T>;
  /**
   * Exactly one frame. A string is the protocol's natural text form: hex for binary protocols (whitespace and
   * ':' ignored), the line itself for line protocols (a trailing CR LF is optional).
   */
  decodeFrame(input: Uint8Array | string): DecodeResult<T>;
  /** Spec-exact bytes (line protocols include CR LF). Throws RangeError for a value the format cannot carry. */
  encode(value: T): Uint8Array;
  /** the samples and technical state this value means for vigil */
  report(value: T): DeviceReport;
}

/** The settings every protocol here uses: 8 data bits, no parity, 1 stop bit. */
export const SERIAL_8N1 = { dataBits: 8, parity: 'none', stopBits: 1 } as const;
