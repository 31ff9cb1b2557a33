// What device decoders produce, whatever the transport: typed decode errors (never a throw that escapes)
// and, for each frame, a report in vigil's terms — samples and technical state.
import type { InputUnit, SampleMode, SensorCondition, Vital } from '../services/core/types.js';

export type DecodeErrorCode =
  /** fewer bytes than the format (or its flags) promise */
  | 'truncated'
  /** more bytes than the format allows, or a length field that disagrees */
  | 'length'
  /** checksum mismatch */
  | 'checksum'
  /** a field holds a value the format reserves or does not define */
  | 'reserved'
  /** a value outside the format's range */
  | 'range'
  /** text that does not parse (line protocols, hex input) */
  | 'syntax'
  /** no decoder of that name */
  | 'unknown-format';

export interface DecodeError {
  code: DecodeErrorCode;
  message: string;
}

export type DecodeResult<T> = { ok: true; value: T } | { ok: false; error: DecodeError };

export function decoded<T>(value: T): DecodeResult<T> {
  return { ok: true, value };
}

export function decodeError<T = never>(code: DecodeErrorCode, message: string): DecodeResult<T> {
  return { ok: false, error: { code, message } };
}

// The condition vocabulary belongs to the core (it evaluates them); devices report in it.
export { SENSOR_CONDITIONS, type SensorCondition } from '../services/core/types.js';

/** One value a frame carried. `t` and the device id are added by the adapter that received the frame. */
export interface DecodedSample {
  vital: Vital;
  value: number;
  unit: InputUnit;
  mode?: SampleMode;
}

/** One frame in vigil's terms. */
export interface DeviceReport {
  samples: DecodedSample[];
  /**
   * Conditions the frame reports as active right now. An empty array means the frame says "none";
   * undefined means the frame says nothing about conditions (it carries no status field).
   */
  conditions?: SensorCondition[];
  /** battery level in % */
  battery?: number;
  /** a low-battery flag from a device that has no percentage */
  lowBattery?: boolean;
}
