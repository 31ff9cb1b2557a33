// Cuff timing and stream merging: the invariants the scenarios rely on.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { cuffSchedule } from '../../../devices/sim/cuff-schedule.js';
import { mergeByTime } from '../../../devices/sim/merge.js';
import { Random } from '../../../devices/sim/random.js';
import type { ForcedReading } from '../../../devices/sim/scenario-types.js';

const EIGHT_H = 8 * 3_600_000;

describe('cuffSchedule', () => {
  it('measures every 5–15 min, first within 2 min, and spreads the intervals', () => {
    const slots = [...cuffSchedule(new Random(1), [], EIGHT_H)];
    expect(slots[0]?.atMs).toBeGreaterThanOrEqual(45_000);
    expect(slots[0]?.atMs).toBeLessThanOrEqual(120_000);
    const gaps = slots.slice(1).map((s, i) => s.atMs - (slots[i] as { atMs: number }).atMs);
    expect(Math.min(...gaps)).toBeGreaterThanOrEqual(300_000);
    expect(Math.max(...gaps)).toBeLessThanOrEqual(900_000);
    expect(Math.max(...gaps) - Math.min(...gaps)).toBeGreaterThan(300_000);
    expect(slots.every((s) => s.forced === undefined && s.atMs < EIGHT_H && s.atMs % 1000 === 0)).toBe(true);
  });

  it('takes every forced reading at its exact time and keeps the others 5–15 min apart', () => {
    const forcedArb = fc.uniqueArray(fc.integer({ min: 0, max: 470 }), { maxLength: 8 }).map((mins) =>
      mins.sort((a, b) => a - b).flatMap((m, i): ForcedReading[] => (i % 3 === 0 ? [{ atMin: m }, { atMin: m + 1 }] : [{ atMin: m }])),
    );
    fc.assert(
      fc.property(fc.integer(), forcedArb, (seed, forcedRaw) => {
        // a retry one minute later may collide with the next forced reading: keep times unique
        const forced = forcedRaw.filter((f, i, all) => all.findIndex((g) => g.atMin === f.atMin) === i);
        const slots = [...cuffSchedule(new Random(seed), forced, EIGHT_H)];
        const forcedTimes = slots.filter((s) => s.forced !== undefined).map((s) => s.atMs);
        expect(forcedTimes).toEqual(forced.map((f) => f.atMin * 60_000).filter((t) => t < EIGHT_H));
        expect(slots[0]?.atMs).toBeLessThanOrEqual(Math.max(120_000, (forced[0]?.atMin ?? 0) * 60_000));
        for (let i = 1; i < slots.length; i++) {
          const a = slots[i - 1] as { atMs: number; forced: ForcedReading | undefined };
          const b = slots[i] as { atMs: number; forced: ForcedReading | undefined };
          expect(b.atMs).toBeGreaterThan(a.atMs);
          if (a.forced !== undefined && b.forced !== undefined) continue;
          expect(b.atMs - a.atMs).toBeGreaterThanOrEqual(300_000);
          expect(b.atMs - a.atMs).toBeLessThanOrEqual(900_000);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('is deterministic and stops before the end', () => {
    const a = [...cuffSchedule(new Random(8), [{ atMin: 100 }], 3_600_000)];
    expect(a).toEqual([...cuffSchedule(new Random(8), [{ atMin: 100 }], 3_600_000)]);
    expect(a.every((s) => s.atMs < 3_600_000)).toBe(true);
    expect(a.some((s) => s.forced !== undefined)).toBe(false);
  });
});

describe('mergeByTime', () => {
  it('yields every line once, in time order, ties in source order', () => {
    const sortedArb = fc.array(fc.integer({ min: 0, max: 50 })).map((ts) => ts.sort((a, b) => a - b));
    fc.assert(
      fc.property(fc.array(sortedArb, { maxLength: 6 }), (sources) => {
        const tagged = sources.map((ts, s) => ts.map((t, i) => ({ t, s, i })));
        const merged = [...mergeByTime(tagged)];
        expect(merged).toHaveLength(sources.reduce((n, ts) => n + ts.length, 0));
        for (let k = 1; k < merged.length; k++) {
          const a = merged[k - 1] as { t: number; s: number; i: number };
          const b = merged[k] as { t: number; s: number; i: number };
          expect(a.t < b.t || (a.t === b.t && (a.s < b.s || (a.s === b.s && a.i < b.i)))).toBe(true);
        }
      }),
    );
  });

  it('pulls lazily and refuses a source that goes back in time', () => {
    let pulled = 0;
    function* endless(): Generator<{ t: number }> {
      for (let t = 0; ; t++) {
        pulled++;
        yield { t };
      }
    }
    const it = mergeByTime([endless()]);
    for (let i = 0; i < 5; i++) it.next();
    expect(pulled).toBeLessThan(10);
    expect(() => [...mergeByTime([[{ t: 2 }, { t: 1 }]])]).toThrow(/back in time/);
  });
});
