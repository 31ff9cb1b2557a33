// The virtual bedside kit. HR comes from a chest strap and SpO2 from a separate pulse oximeter, so the HR source
// can fail (silence, disconnect) without touching SpO2, and each vital has exactly one bound source.
import type { Vital } from '../../services/core/types.js';

export const DEVICES = {
  /** chest-strap heart-rate monitor, 1 Hz */
  'hrm-1': { vitals: ['hr'] },
  /** finger pulse oximeter, SpO2 only, 1 Hz */
  'ox-1': { vitals: ['spo2'] },
  /** automatic BP cuff, spot readings every 5–15 min */
  'cuff-1': { vitals: ['sbp', 'dbp', 'map'] },
  /** continuous core-temperature probe, one sample a minute */
  'temp-1': { vitals: ['temp'] },
} as const satisfies Record<string, { vitals: readonly Vital[] }>;

export type DeviceId = keyof typeof DEVICES;
export const DEVICE_IDS = Object.keys(DEVICES) as DeviceId[];

/** Phase of each 1 Hz stream within the second: two devices do not tick in lockstep. */
export const STREAM_PHASE_MS = { 'hrm-1': 0, 'ox-1': 400 } as const;

/** Temperature samples fall on hh:mm:30 of session time, so gaps in scenarios have exact, documented edges. */
export const TEMP_PHASE_MS = 30_000;
