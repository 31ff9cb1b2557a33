// Each scenario makes the crossings it documents, and only those: checked in the data directly and through an
// independent reading of the default profile (reference-alarms.ts) over several seeds.
import { describe, expect, it } from 'vitest';
import type { DeviceUpdate, RecordingLine, Sample } from '../../../services/core/types.js';
import { getScenario, SCENARIO_NAMES } from '../../../devices/sim/scenarios.js';
import { referenceAlarms } from './reference-alarms.js';
import { MIN, START, longestRunMs, preDoseMedian, run, samples } from './helpers.js';

const SEEDS = [1, 2, 3, 4, 5];
const at = (min: number): number => START + Math.round(min * MIN);
const maxOf = (xs: readonly Sample[]): number => xs.reduce((m, s) => Math.max(m, s.value), -Infinity);

describe.each(SCENARIO_NAMES.flatMap((name) => SEEDS.map((seed) => [name, seed] as const)))('%s, seed %i', (name, seed) => {
  it('causes exactly the documented alarm transitions, in order, about when documented', () => {
    const scenario = getScenario(name);
    const ref = referenceAlarms(run(name, seed));
    expect(ref.problems).toEqual([]);
    expect(ref.transitions.map(({ rule, state }) => ({ rule, state }))).toEqual(
      scenario.expectedAlarms.map(({ rule, state }) => ({ rule, state })),
    );
    ref.transitions.forEach((tr, i) => {
      const about = scenario.expectedAlarms[i]?.aboutMin ?? NaN;
      expect(Math.abs((tr.t - START) / MIN - about), `${tr.rule} ${tr.state}`).toBeLessThanOrEqual(2.5);
    });
    // every alarm is acknowledged while open, so latching never leaves one behind; none is left for session-end
    for (const tr of ref.transitions.filter((x) => x.state === 'cleared')) {
      expect(tr.reason).toBeUndefined();
      const acked = ref.transitions.find((x) => x.rule === tr.rule && x.state === 'acknowledged' && x.t <= tr.t);
      expect(acked, `${tr.rule} acknowledged before it cleared`).toBeDefined();
    }
    expect(ref.artifacts).toEqual(scenario.expectedArtifacts);
  });
});

describe('tachycardia', () => {
  it.each(SEEDS)('seed %i: HR ≥ baseline + 30 for over a minute, then ≥ 130 (≥ 140 for minutes), then back down', (seed) => {
    const lines = run('tachycardia', seed);
    const hr = samples(lines, 'hr');
    const base = preDoseMedian(lines, 'hr');
    // the hr-rise condition holds ≥ 60 s before HR first reaches 130
    const first130 = hr.find((s) => s.value >= 130)?.t ?? Infinity;
    expect(longestRunMs(hr.filter((s) => s.t < first130), (v) => v >= base + 30)).toBeGreaterThanOrEqual(70_000);
    expect(longestRunMs(hr, (v) => v >= 130)).toBeGreaterThanOrEqual(10_000);
    expect(longestRunMs(hr, (v) => v >= 140)).toBeGreaterThanOrEqual(5 * MIN);
    // HR ≥ 130 only inside the excursion, and one contiguous stretch (no flapping across 125/130)
    const high = hr.filter((s) => s.value >= 130);
    expect(high[0]?.t).toBeGreaterThan(at(119));
    expect(high.at(-1)?.t).toBeLessThan(at(134));
    const between = hr.filter((s) => s.t >= (high[0]?.t ?? 0) && s.t <= (high.at(-1)?.t ?? 0));
    expect(between.every((s) => s.value >= 125)).toBe(true);
    // after the clear: < 125, and after the excursion below baseline + 25 for good
    expect(maxOf(hr.filter((s) => s.t > at(134)))).toBeLessThan(126);
    expect(maxOf(hr.filter((s) => s.t > at(145)))).toBeLessThan(base + 25);
    expect(maxOf(hr.filter((s) => s.t < at(110)))).toBeLessThan(base + 25);
  });
});

describe('hyperthermia', () => {
  it.each(SEEDS)('seed %i: temperature past 38.0 and 39.0, never 40, back below 37.8 for > 5 min; HR quiet', (seed) => {
    const lines = run('hyperthermia', seed);
    const temp = samples(lines, 'temp');
    expect(longestRunMs(temp, (v) => v >= 38.0)).toBeGreaterThanOrEqual(30 * MIN);
    expect(longestRunMs(temp, (v) => v >= 39.0)).toBeGreaterThanOrEqual(15 * MIN);
    expect(maxOf(temp)).toBeLessThan(40);
    expect(maxOf(temp)).toBeGreaterThan(39.2);
    // once below 38.7 on the way down, never back to 39; once below 37.8 for good
    const firstBelow = temp.find((s) => s.t > at(165) && s.value < 38.7)?.t ?? Infinity;
    expect(maxOf(temp.filter((s) => s.t >= firstBelow))).toBeLessThan(39);
    expect(maxOf(temp.filter((s) => s.t > at(194)))).toBeLessThan(37.8);
    expect(maxOf(temp.filter((s) => s.t < at(115)))).toBeLessThan(37.8);
    const hr = samples(lines, 'hr');
    expect(maxOf(hr)).toBeLessThan(preDoseMedian(lines, 'hr') + 25);
  });
});

describe('hypertensive', () => {
  it.each(SEEDS)('seed %i: two SBP ≥ 160 in a row, one ≥ 180/110, then < 170/100 and < 150; HR quiet', (seed) => {
    const lines = run('hypertensive', seed);
    const sbp = samples(lines, 'sbp');
    const dbp = samples(lines, 'dbp');
    const readings = sbp.map((s, i) => ({ min: (s.t - START) / MIN, sbp: s.value, dbp: (dbp[i] as Sample).value }));
    const spike = readings.filter((r) => r.min >= 105 && r.min <= 135);
    expect(spike).toEqual([
      { min: 105, sbp: 164, dbp: 96 },
      { min: 110, sbp: 171, dbp: 99 },
      { min: 115, sbp: 186, dbp: 112 },
      { min: 120, sbp: 176, dbp: 104 },
      { min: 125, sbp: 162, dbp: 96 },
      { min: 130, sbp: 154, dbp: 92 },
      { min: 135, sbp: 144, dbp: 88 },
    ]);
    const others = readings.filter((r) => r.min < 105 || r.min > 135);
    expect(Math.max(...others.map((r) => r.sbp))).toBeLessThan(150);
    // the random readings around the spike keep their 5–15 min spacing
    const before = others.filter((r) => r.min < 105).at(-1)?.min ?? 0;
    const after = others.find((r) => r.min > 135)?.min ?? Infinity;
    expect(105 - before).toBeGreaterThanOrEqual(5);
    expect(105 - before).toBeLessThanOrEqual(15);
    expect(after - 135).toBeGreaterThanOrEqual(5);
    expect(after - 135).toBeLessThanOrEqual(15);
    const hr = samples(lines, 'hr');
    expect(maxOf(hr)).toBeLessThan(preDoseMedian(lines, 'hr') + 25);
  });
});

describe('sensor-dropout', () => {
  it.each(SEEDS)('seed %i: HR silent 2 min, HR strap disconnected 1 min, temperature silent 8 min — nothing else', (seed) => {
    const lines = run('sensor-dropout', seed);
    const gapsOver = (xs: readonly Sample[], ms: number): [number, number][] =>
      xs.slice(1).flatMap((s, i): [number, number][] => {
        const prev = (xs[i] as Sample).t;
        return s.t - prev > ms ? [[(prev - START) / 1000, (s.t - START) / 1000]] : [];
      });
    expect(gapsOver(samples(lines, 'hr'), 1000)).toEqual([
      [3599, 3720], // 59:59 → 62:00
      [11999, 12061], // 199:59 → 201:01
    ]);
    expect(gapsOver(samples(lines, 'spo2'), 1000)).toEqual([]);
    expect(gapsOver(samples(lines, 'temp'), 60_000)).toEqual([[17970, 18510]]); // 299:30 → 308:30
    const states = lines.filter((l): l is DeviceUpdate => l.type === 'device' && l.state !== undefined && l.t > START);
    expect(states.map((d) => [(d.t - START) / 1000, d.device, d.state])).toEqual([
      [12000, 'hrm-1', 'disconnected'],
      [12060, 'hrm-1', 'connected'],
    ]);
    // no battery report from a device while it is out
    const quiet = lines.filter((l: RecordingLine) => l.type === 'device' && l.device === 'temp-1' && l.t > at(300) && l.t < at(308));
    expect(quiet).toEqual([]);
  });
});

describe('artifacts', () => {
  it.each(SEEDS)('seed %i: the documented number of isolated impossible values, otherwise the typical data', (seed) => {
    const lines = run('artifacts', seed);
    const typical = run('typical', seed);
    const impossible = (s: Sample): boolean =>
      ({ hr: s.value < 20 || s.value > 300, spo2: s.value < 50 || s.value > 100, temp: s.value < 25 || s.value > 45, sbp: s.value > 300 })[
        s.vital as 'hr' | 'spo2' | 'temp' | 'sbp'
      ] ?? false;
    const bad = lines.filter((l): l is Sample => l.type === 'sample' && impossible(l));
    const count: Record<string, number> = {};
    for (const s of bad) count[s.vital] = (count[s.vital] ?? 0) + 1;
    expect(count).toEqual(getScenario('artifacts').expectedArtifacts);
    expect(new Set(bad.map((s) => s.value))).toEqual(new Set([0, 350, 127, 20, 400]));
    // isolated: the neighbours of each bad HR/SpO2 sample are valid
    for (const vital of ['hr', 'spo2'] as const) {
      const xs = samples(lines, vital);
      xs.forEach((s, i) => {
        if (impossible(s)) expect([xs[i - 1], xs[i + 1]].every((n) => n === undefined || !impossible(n))).toBe(true);
      });
      // everything else is exactly the typical session's
      const same = samples(typical, vital);
      expect(xs.length).toBe(same.length);
      expect(xs.filter((s, i) => s.value !== (same[i] as Sample).value).length).toBe(count[vital]);
    }
    // every SBP 400 is followed by the cuff's retry a minute later
    const sbp = samples(lines, 'sbp');
    sbp.forEach((s, i) => {
      if (s.value === 400) expect((sbp[i + 1] as Sample).t - s.t).toBe(MIN);
    });
  });
});
