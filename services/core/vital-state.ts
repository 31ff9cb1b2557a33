// What the session currently knows about each vital, in flat typed arrays indexed by vital (hot path).
import { VITALS, type Vital } from './types.js';

export const VITAL_INDEX: Readonly<Record<Vital, number>> = Object.fromEntries(
  VITALS.map((vital, index) => [vital, index]),
) as Record<Vital, number>;

export function vitalIndex(name: string): number | undefined {
  return Object.hasOwn(VITAL_INDEX, name) ? VITAL_INDEX[name as Vital] : undefined;
}

export class VitalState {
  /** last accepted value per vital, canonical unit; NaN = none yet */
  readonly latest = new Float64Array(VITALS.length).fill(Number.NaN);
  /** time of that value */
  readonly latestT = new Float64Array(VITALS.length).fill(Number.NaN);
  /** baseline per vital; NaN = no baseline (baseline-relative rules stay inactive) */
  readonly baseline = new Float64Array(VITALS.length).fill(Number.NaN);
}
