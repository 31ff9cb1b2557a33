// Compiles a profile condition into a closure. Unknown values (no sample yet, no baseline, a spot reading's
// other component missing) compare false, so an alarm never raises on, nor clears for lack of, data.
import type { CompiledCondition } from './profile.js';
import { VITAL_INDEX, type VitalState } from './vital-state.js';

/** `spot`: evaluating one reading; values of other vitals only count if they belong to the same reading (same t). */
export type Evaluate = (state: VitalState, t: number, spot: boolean) => boolean;

export function compileEvaluate(condition: CompiledCondition): Evaluate {
  if (condition.type === 'compare') {
    const { op, value, overBaseline } = condition.compare;
    const i = VITAL_INDEX[condition.compare.vital];
    const current = (s: VitalState, t: number, spot: boolean): number =>
      spot && s.latestT[i] !== t ? Number.NaN : (s.latest[i] as number);
    const limit = overBaseline ? (s: VitalState): number => (s.baseline[i] as number) + value : (): number => value;
    switch (op) {
      case '>=':
        return (s, t, spot) => current(s, t, spot) >= limit(s);
      case '>':
        return (s, t, spot) => current(s, t, spot) > limit(s);
      case '<=':
        return (s, t, spot) => current(s, t, spot) <= limit(s);
      case '<':
        return (s, t, spot) => current(s, t, spot) < limit(s);
    }
  }
  const parts = condition.of.map(compileEvaluate);
  if (condition.type === 'any') return (s, t, spot) => parts.some((part) => part(s, t, spot));
  return (s, t, spot) => parts.every((part) => part(s, t, spot));
}
