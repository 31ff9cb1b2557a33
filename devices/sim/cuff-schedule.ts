// When the BP cuff measures: every 5–15 min at random (whole seconds), plus readings a scenario forces at fixed
// times. Invariant: consecutive scheduled readings are 5–15 min apart, except between forced readings, which
// keep exactly the times the scenario gave them; so no gap ever reaches bp-overdue (interval + 5 = 20 min).
import type { Random } from './random.js';
import type { ForcedReading } from './scenario-types.js';

export const CUFF_MIN_INTERVAL_S = 300;
export const CUFF_MAX_INTERVAL_S = 900;

export interface CuffSlot {
  /** ms after session start */
  atMs: number;
  forced: ForcedReading | undefined;
}

/** Cuff reading times in order, up to (not including) endMs after session start. */
export function* cuffSchedule(rng: Random, forced: readonly ForcedReading[], endMs: number): Generator<CuffSlot> {
  const pending = [...forced].sort((a, b) => a.atMin - b.atMin).map((f) => ({ atS: Math.round(f.atMin * 60), f }));
  // the first reading comes soon after the cuff is put on, well inside the pre-dose baseline window
  let prevS = rng.int(45, 120);
  while (pending.length > 0 && (pending[0]?.atS ?? Infinity) < 0) pending.shift(); // before the session: dropped
  const head = pending[0];
  // a forced reading within 5 min of the first one replaces it (it is then the first reading)
  if (head !== undefined && head.atS < prevS + CUFF_MIN_INTERVAL_S) prevS = head.atS;
  for (;;) {
    if (prevS * 1000 >= endMs) return;
    const justForced = yieldSlot(prevS);
    yield justForced;
    const next = pending[0];
    let nextS = prevS + rng.int(CUFF_MIN_INTERVAL_S, CUFF_MAX_INTERVAL_S);
    if (next !== undefined && nextS > next.atS - CUFF_MIN_INTERVAL_S) {
      // a random reading would crowd (or overtake) the forced one: take the forced one if it is close enough,
      // otherwise put one reading halfway so both halves stay inside 5–15 min
      nextS = next.atS - prevS <= CUFF_MAX_INTERVAL_S ? next.atS : prevS + Math.round((next.atS - prevS) / 2);
    }
    prevS = nextS;
  }

  function yieldSlot(atS: number): CuffSlot {
    const head = pending[0];
    if (head !== undefined && head.atS === atS) {
      pending.shift();
      return { atMs: atS * 1000, forced: head.f };
    }
    return { atMs: atS * 1000, forced: undefined };
  }
}
