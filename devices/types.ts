// What device decoders produce, whatever the transport: typed decode errors (never a throw that escapes)
// and, for each frame, a report in vigil's terms — samples and technical state.
import type { InputUnit, SampleMode, Vital } from '../services/core/types.js';

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

/** Signal and sensor conditions a device reports; they become technical state, never numbers. */
export const SENSOR_CONDITIONS = [
  'sensor-off', // off the patient, finger out, probe unconnected to user
  'no-sensor', // no sensor / cable connected to the device
  'sensor-fault', // defective, unrecognised, incompatible or malfunctioning sensor; equipment malfunction
  'pulse-search', // searching for a pulse
  'artifact', // a per-pulse or sustained artifact / out of track
  'low-perfusion', // low or marginal perfusion
  'poor-signal', // interference, ambient light, low signal quality, erratic or non-pulsatile signal
  'measurement-unavailable', // the device says this measurement is unavailable, invalid or questionable
  'cuff-problem', // cuff too loose, body movement, improper position during a cuff measurement
  'irregular-pulse', // irregular pulse detected during a cuff measurement
] as const;
export type SensorCondition = (typeof SENSOR_CONDITIONS)[number];

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
