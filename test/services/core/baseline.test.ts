import { describe, expect, test } from 'vitest';
import type { BaselineSet } from '../../../services/core/types.js';
import { harness, MIN, profileWith, sample, SEC, T0 } from './helpers.js';

const dose = (t: number, mg = 120) => ({ type: 'event' as const, t, event: 'dose' as const, mg });
const baselines = (h: ReturnType<typeof harness>): BaselineSet[] => h.outputs.filter((o): o is BaselineSet => o.type === 'baseline');

describe('baseline (DESIGN §5)', () => {
  test('no dose yet, so no relative rule: HR +50 over the resting rate raises nothing but hr-high', () => {
    const h = harness();
    h.stream('hr', T0, T0 + 20 * MIN, () => 65);
    h.stream('hr', T0 + 20 * MIN, T0 + 40 * MIN, () => 115);
    expect(h.alarms()).toEqual([]);
    expect(h.core.snapshot().vitals.hr.baseline).toBeNull();
  });

  test('baseline = median of the 15 minutes before the first dose; hr-rise then fires at baseline + 30 held 60 s', () => {
    const h = harness();
    h.stream('hr', T0, T0 + 5 * MIN, () => 90); // older than 15 min before the dose: not in the window
    h.stream('hr', T0 + 5 * MIN, T0 + 20 * MIN, (t) => 70 + ((t / SEC) % 3)); // 70, 71, 72 → median 71
    h.core.event(dose(T0 + 20 * MIN));
    expect(baselines(h)).toEqual([{ type: 'baseline', t: T0 + 20 * MIN, vital: 'hr', value: 71, source: 'auto', samples: 900 }]);
    h.stream('hr', T0 + 20 * MIN, T0 + 60 * MIN, () => 100); // +29: below the rise limit
    expect(h.alarms()).toEqual([]);
    h.stream('hr', T0 + 60 * MIN, T0 + 62 * MIN, () => 101); // +30
    expect(h.trail()).toEqual(['hr-rise raised@3660']);
    h.stream('hr', T0 + 62 * MIN, T0 + 63 * MIN, () => 97); // +26: inside the clear margin
    h.stream('hr', T0 + 63 * MIN, T0 + 64 * MIN, () => 95); // +24 held 30 s clears
    expect(h.trail()).toEqual(['hr-rise raised@3660', 'hr-rise cleared@3810']);
  });

  test('fewer than 3 continuous samples in the window: no baseline, the relative rule stays inactive', () => {
    const h = harness();
    h.core.sample(sample(T0, 'hr', 70));
    h.core.sample(sample(T0 + MIN, 'hr', 70));
    h.core.event(dose(T0 + 2 * MIN));
    expect(baselines(h)).toEqual([]);
    h.stream('hr', T0 + 2 * MIN, T0 + 10 * MIN, () => 120);
    expect(h.alarms().filter((a) => a.rule === 'hr-rise')).toEqual([]);
    expect(h.core.snapshot().vitals.hr.baseline).toBeNull();
  });

  test('one cuff reading is enough for a BP baseline; even count gives the mean of the middle two', () => {
    const h = harness();
    h.core.sample(sample(T0, 'sbp', 118));
    h.core.sample(sample(T0, 'dbp', 76));
    h.core.sample(sample(T0 + 10 * MIN, 'dbp', 80));
    h.core.event(dose(T0 + 12 * MIN));
    expect(baselines(h).map((b) => [b.vital, b.value])).toEqual([
      ['sbp', 118],
      ['dbp', 78],
    ]);
  });

  test('only the first dose sets the baseline; a supplemental dose changes nothing', () => {
    const h = harness();
    h.stream('hr', T0, T0 + 15 * MIN, () => 70);
    h.core.event(dose(T0 + 15 * MIN));
    h.stream('hr', T0 + 15 * MIN, T0 + 100 * MIN, () => 80);
    h.core.event({ type: 'event', t: T0 + 100 * MIN, event: 'supplemental-dose', mg: 60 });
    h.core.event(dose(T0 + 101 * MIN));
    expect(baselines(h)).toHaveLength(1);
    expect(h.core.snapshot()).toMatchObject({ doseAt: T0 + 15 * MIN, doses: [{ mg: 120 }, { mg: 60 }, { mg: 120 }] });
  });

  test('a manual baseline enables the relative rule, is audited, and is not overwritten at the dose', () => {
    const h = harness();
    h.core.action({ type: 'action', t: T0, action: 'set-baseline', vital: 'hr', value: 60, by: 'therapist-a' });
    expect(baselines(h)).toEqual([{ type: 'baseline', t: T0, vital: 'hr', value: 60, source: 'manual', by: 'therapist-a' }]);
    h.stream('hr', T0, T0 + 16 * MIN, () => 75);
    h.core.event(dose(T0 + 16 * MIN));
    expect(h.core.snapshot().vitals.hr).toMatchObject({ baseline: 60, baselineSource: 'manual' });
    h.stream('hr', T0 + 16 * MIN, T0 + 18 * MIN, () => 90);
    expect(h.trail()).toEqual(['hr-rise raised@1020']);
  });

  test('the window and the minimum sample count are profile values', () => {
    const h = harness(profileWith({ baseline: { window: '5m', minContinuous: 10 } }));
    h.stream('hr', T0, T0 + 10 * MIN, (t) => (t < T0 + 5 * MIN ? 100 : 60));
    h.core.event(dose(T0 + 10 * MIN));
    expect(baselines(h)[0]).toMatchObject({ vital: 'hr', value: 60, samples: 300 });
  });
});
