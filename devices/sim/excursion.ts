// Scenario excursions: a vital's mean is steered along a piecewise-linear path of keyframes instead of the
// model. Absolute targets (not offsets) make threshold crossings independent of the patient's baseline, so a
// scenario crosses 130 /min or 39.0 °C at the same minute for every seed.

/** A number is an absolute target; 'model' means "the model's own value at that instant" (blend in / out). */
export type Level = number | 'model';

export interface Keyframe {
  /** minutes after session start */
  atMin: number;
  value: Level;
}

/**
 * The steered mean at `atMin`: linear between the surrounding keyframes, the model outside the path.
 * Keyframes must be in increasing time order.
 */
export function steer(path: readonly Keyframe[] | undefined, atMin: number, model: number): number {
  if (path === undefined || path.length === 0) return model;
  const first = path[0];
  const last = path[path.length - 1];
  if (first === undefined || last === undefined || atMin < first.atMin || atMin > last.atMin) return model;
  const resolve = (level: Level): number => (level === 'model' ? model : level);
  for (let i = 1; i < path.length; i++) {
    const to = path[i];
    const from = path[i - 1];
    if (to === undefined || from === undefined || atMin > to.atMin) continue;
    const span = to.atMin - from.atMin;
    const f = span <= 0 ? 1 : (atMin - from.atMin) / span;
    return resolve(from.value) + (resolve(to.value) - resolve(from.value)) * f;
  }
  return resolve(last.value);
}
