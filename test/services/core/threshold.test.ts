import { describe, expect, test } from 'vitest';
import { harness, MIN, sample, SEC, T0 } from './helpers.js';

describe('held-for-duration (continuous vitals)', () => {
  test('hr-high is raised exactly when HR ≥ 130 has held 10 s', () => {
    const h = harness();
    h.stream('hr', T0, T0 + 30 * SEC, () => 80);
    h.stream('hr', T0 + 30 * SEC, T0 + 45 * SEC, () => 131);
    expect(h.trail()).toEqual(['hr-high raised@40']);
    expect(h.alarms()[0]).toMatchObject({ priority: 'high', kind: 'physiological', vital: 'hr', value: 131, id: 'hr-high#1' });
  });

  test('one sample that fails restarts the count', () => {
    const h = harness();
    h.stream('hr', T0, T0 + 9 * SEC, () => 135); // 0..8 s
    h.core.sample(sample(T0 + 9 * SEC, 'hr', 129)); // breaks the run just before 10 s
    h.stream('hr', T0 + 10 * SEC, T0 + 19 * SEC, () => 135); // 10..18 s: only 8 s held
    expect(h.alarms()).toEqual([]);
    h.stream('hr', T0 + 19 * SEC, T0 + 21 * SEC, () => 135);
    expect(h.trail()).toEqual(['hr-high raised@20']);
  });

  test('the condition delay runs on the clock: a tick at t0 + 10 s raises with no further sample', () => {
    const h = harness();
    h.core.sample(sample(T0, 'hr', 140));
    h.core.tick(T0 + 9_999);
    expect(h.alarms()).toEqual([]);
    h.core.tick(T0 + 10 * SEC);
    expect(h.trail()).toEqual(['hr-high raised@10']);
  });

  test('a late tick raises at the virtual time the delay ran out, not at the tick', () => {
    const h = harness();
    h.core.sample(sample(T0, 'hr', 140));
    h.core.tick(T0 + 5 * MIN);
    expect(h.alarms()[0]?.t).toBe(T0 + 10 * SEC);
  });

  test('hr-low: HR ≤ 40 held 10 s, cleared when HR > 45 held 10 s', () => {
    const h = harness();
    h.stream('hr', T0, T0 + 20 * SEC, () => 38);
    h.stream('hr', T0 + 20 * SEC, T0 + 40 * SEC, () => 44); // inside the margin: stays raised
    h.stream('hr', T0 + 40 * SEC, T0 + 60 * SEC, () => 50);
    expect(h.trail()).toEqual(['hr-low raised@10', 'hr-low cleared@50']);
  });

  test('spo2-low: SpO2 ≤ 91 held 15 s, cleared by ≥ 93 held 15 s', () => {
    const h = harness();
    h.stream('spo2', T0, T0 + 10 * SEC, () => 97);
    h.stream('spo2', T0 + 10 * SEC, T0 + 30 * SEC, () => 90);
    h.stream('spo2', T0 + 30 * SEC, T0 + 50 * SEC, () => 92); // between the limits: no clear
    h.stream('spo2', T0 + 50 * SEC, T0 + 70 * SEC, () => 94);
    expect(h.trail()).toEqual(['spo2-low raised@25', 'spo2-low cleared@65']);
  });
});

describe('clear margin (hysteresis)', () => {
  test('HR wandering between 125 and 130 after hr-high neither clears nor re-raises', () => {
    const h = harness();
    h.stream('hr', T0, T0 + 11 * SEC, () => 132);
    h.stream('hr', T0 + 11 * SEC, T0 + 5 * MIN, (t) => 126 + ((t / SEC) % 4)); // 126..129
    expect(h.trail()).toEqual(['hr-high raised@10', 'hr-high escalated@70']);
    expect(h.core.snapshot().alarms.map((a) => [a.rule, a.active])).toEqual([['hr-high', true]]);
  });

  test('dipping below the clear limit for less than the clear delay does not clear', () => {
    const h = harness();
    h.stream('hr', T0, T0 + 11 * SEC, () => 132);
    h.stream('hr', T0 + 11 * SEC, T0 + 20 * SEC, () => 120); // 9 s below 125
    h.stream('hr', T0 + 20 * SEC, T0 + 25 * SEC, () => 127);
    h.stream('hr', T0 + 25 * SEC, T0 + 36 * SEC, () => 120); // 10 s below 125
    expect(h.trail()).toEqual(['hr-high raised@10', 'hr-high cleared@35']);
  });

  test('a flapping signal around the raise limit does not raise at all', () => {
    const h = harness();
    h.stream('hr', T0, T0 + 10 * MIN, (t) => ((t / SEC) % 6 < 5 ? 131 : 128));
    expect(h.alarms()).toEqual([]);
  });
});

describe('consecutive readings (episodic vitals)', () => {
  const reading = (h: ReturnType<typeof harness>, minute: number, sbp: number, dbp: number): void => {
    const t = T0 + minute * MIN;
    h.core.sample(sample(t, 'sbp', sbp, { device: 'cuff-1' }));
    h.core.sample(sample(t, 'dbp', dbp, { device: 'cuff-1' }));
    h.core.sample(sample(t, 'map', Math.round(dbp + (sbp - dbp) / 3), { device: 'cuff-1' }));
  };

  test('sbp-high needs 2 consecutive readings ≥ 160 and clears at the first < 150', () => {
    const h = harness();
    reading(h, 0, 162, 90);
    expect(h.alarms()).toEqual([]);
    reading(h, 10, 158, 90); // breaks the run
    reading(h, 20, 165, 92);
    expect(h.alarms()).toEqual([]);
    reading(h, 30, 161, 91);
    expect(h.trail()).toEqual(['sbp-high raised@1800']);
    reading(h, 40, 152, 88); // inside the margin
    reading(h, 50, 149, 85);
    expect(h.trail()).toEqual(['sbp-high raised@1800', 'sbp-high escalated@1980', 'sbp-high cleared@3000']);
  });

  test('the three samples of one reading count as one reading', () => {
    const h = harness();
    // systolic, diastolic and mean all ≥ 160 would be three samples; only sbp feeds sbp-high and they share t
    reading(h, 0, 170, 100);
    expect(h.alarms()).toEqual([]);
  });

  test('bp-crisis on diastolic alone, and its clear needs both components of one reading', () => {
    const h = harness();
    reading(h, 0, 150, 112);
    expect(h.trail()).toEqual(['bp-crisis raised@0']);
    reading(h, 10, 165, 104); // DBP still ≥ 100: no clear
    reading(h, 20, 172, 95); // SBP ≥ 170: no clear (and the second reading ≥ 160 raises sbp-high)
    expect(h.trail()).toEqual(['bp-crisis raised@0', 'bp-crisis escalated@60', 'sbp-high raised@1200']);
    reading(h, 30, 160, 95);
    expect(h.trail().slice(3)).toEqual(['sbp-high escalated@1380', 'bp-crisis cleared@1800']);
  });

  test('a reading whose diastolic never arrives cannot clear bp-crisis (unknown is not normal)', () => {
    const h = harness();
    reading(h, 0, 185, 100);
    h.core.sample(sample(T0 + 10 * MIN, 'sbp', 120));
    expect(h.alarms().filter((a) => a.rule === 'bp-crisis').map((a) => a.state)).toEqual(['raised', 'escalated']);
  });

  test('sbp-low on one reading ≤ 90, cleared by one > 100', () => {
    const h = harness();
    reading(h, 0, 88, 50);
    reading(h, 10, 98, 60);
    reading(h, 20, 104, 65);
    expect(h.trail()).toEqual(['sbp-low raised@0', 'sbp-low escalated@60', 'sbp-low cleared@1200']);
  });

  test('temp-elevated: 2 consecutive spot readings, cleared by 1 reading < 37.8', () => {
    const h = harness();
    h.core.sample(sample(T0, 'temp', 38.1));
    expect(h.alarms()).toEqual([]);
    h.core.sample(sample(T0 + 15 * MIN, 'temp', 38.3));
    expect(h.trail()).toEqual(['temp-elevated raised@900']);
    h.core.sample(sample(T0 + 30 * MIN, 'temp', 37.9));
    h.core.sample(sample(T0 + 45 * MIN, 'temp', 37.7));
    expect(h.trail()).toEqual(['temp-elevated raised@900', 'temp-elevated escalated@1080', 'temp-elevated cleared@2700']);
  });

  test('temp-elevated on a continuous probe: held 5 min, cleared when < 37.8 held 5 min', () => {
    const h = harness();
    const probe = (minute: number, value: number): void => {
      h.core.sample(sample(T0 + minute * MIN, 'temp', value, { mode: 'continuous', device: 'temp-1' }));
    };
    for (let m = 0; m <= 6; m++) probe(m, 38.2);
    for (let m = 7; m <= 9; m++) probe(m, 37.9);
    for (let m = 10; m <= 16; m++) probe(m, 37.6);
    expect(h.trail()).toEqual(['temp-elevated raised@300', 'temp-elevated escalated@480', 'temp-elevated cleared@900']);
  });

  test('temp-hyperthermia clears at once below 38.7, temp-severe at the first reading ≥ 40', () => {
    const h = harness();
    h.core.sample(sample(T0, 'temp', 40.1));
    h.core.sample(sample(T0 + 5 * MIN, 'temp', 39.4));
    h.core.sample(sample(T0 + 10 * MIN, 'temp', 38.6));
    expect(h.trail()).toEqual([
      'temp-hyperthermia raised@0',
      'temp-severe raised@0',
      'temp-hyperthermia escalated@60',
      'temp-severe escalated@60',
      'temp-elevated raised@300', // the second consecutive spot reading ≥ 38.0
      'temp-severe cleared@300',
      'temp-elevated escalated@480',
      'temp-hyperthermia cleared@600', // 38.6 is still ≥ 37.8: temp-elevated stays
    ]);
  });
});

test('a higher-priority alarm on the same vital does not hide the lower one: both are open', () => {
  const h = harness();
  h.stream('hr', T0, T0 + 16 * MIN, () => 70);
  h.core.event({ type: 'event', t: T0 + 16 * MIN, event: 'dose', mg: 120 });
  h.stream('hr', T0 + 16 * MIN, T0 + 18 * MIN, () => 135);
  expect(h.core.snapshot().alarms.map((a) => `${a.rule}:${a.priority}`)).toEqual(['hr-high:high', 'hr-rise:medium']);
});
