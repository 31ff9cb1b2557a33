// One received value → a report or a decode error. Codecs return typed errors for bad frames, but a codec
// bug may still throw; that must not escape into the Bluetooth event loop, so it becomes a decode error too.
import { decodeError, type DecodeResult, type DeviceReport } from '../types.js';
import type { GattCodec } from './gatt/codec.js';

/** A copy of the bytes: a browser may hand the same buffer to the next notification. */
export function copyBytes(view: DataView): Uint8Array {
  return new Uint8Array(view.buffer, view.byteOffset, view.byteLength).slice();
}

export interface DecodedFrame {
  value: unknown;
  report: DeviceReport;
}

/** Decodes `bytes` with `codec` and maps it to a report; never throws. */
export function decodeFrame(codec: GattCodec<unknown>, bytes: Uint8Array): DecodeResult<DecodedFrame> {
  try {
    const decoded = codec.decode(new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength));
    if (!decoded.ok) return decoded;
    return { ok: true, value: { value: decoded.value, report: codec.report(decoded.value) } };
  } catch (error) {
    // DataView throws RangeError past the end: the layout promised fewer bytes than it read.
    const code = error instanceof RangeError ? 'truncated' : 'syntax';
    return decodeError(code, `${codec.name}: decoder failed: ${error instanceof Error ? error.message : String(error)}`);
  }
}
