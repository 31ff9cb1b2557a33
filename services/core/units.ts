// Unit normalisation on the way in: the core only ever sees canonical UCUM units per vital.
import type { CanonicalUnit, InputUnit, SampleMode, Vital } from './types.js';

export const CANONICAL_UNIT: Readonly<Record<Vital, CanonicalUnit>> = {
  hr: '/min',
  spo2: '%',
  sbp: 'mm[Hg]',
  dbp: 'mm[Hg]',
  map: 'mm[Hg]',
  temp: 'Cel',
};

/** Without an explicit mode, HR and SpO2 stream continuously; BP and temperature are spot readings (DESIGN §8). */
export const DEFAULT_MODE: Readonly<Record<Vital, SampleMode>> = {
  hr: 'continuous',
  spo2: 'continuous',
  sbp: 'spot',
  dbp: 'spot',
  map: 'spot',
  temp: 'spot',
};

/** 1 kPa in mmHg (101.325 kPa = 760 mmHg). */
export const MMHG_PER_KPA = 760 / 101.325;

/**
 * Converts `value` in `unit` to the canonical unit of `vital`.
 * Returns NaN when the unit does not belong to the vital (e.g. a heart rate in Cel).
 */
export function toCanonical(vital: Vital, value: number, unit: InputUnit): number {
  const canonical = CANONICAL_UNIT[vital];
  if (unit === canonical) return value;
  if (canonical === 'mm[Hg]' && unit === 'kPa') return value * MMHG_PER_KPA;
  if (canonical === 'Cel' && unit === '[degF]') return ((value - 32) * 5) / 9;
  return Number.NaN;
}
