// The typical scenario: physiologically plausible, and inside every limit of the default profile (DESIGN §4).
import { describe, expect, it } from 'vitest';
import type { DeviceUpdate, Sample } from '../../../services/core/types.js';
import { getScenario } from '../../../devices/sim/scenarios.js';
import { referenceAlarms } from './reference-alarms.js';
import { DOSE_T, MIN, preDoseMedian, run, samples, smooth } from './helpers.js';

const SEEDS = [1, 2, 3, 4, 5, 6, 7, 8];
const maxOf = (xs: readonly Sample[]): number => xs.reduce((m, s) => Math.max(m, s.value), -Infinity);
const minOf = (xs: readonly Sample[]): number => xs.reduce((m, s) => Math.min(m, s.value), Infinity);
const maxGap = (xs: readonly Sample[]): number => xs.slice(1).reduce((m, s, i) => Math.max(m, s.t - (xs[i] as Sample).t), 0);

describe.each(SEEDS)('typical, seed %i', (seed) => {
  const lines = (): ReturnType<typeof run> => run('typical', seed);

  it('HR peaks 15–25 /min above the pre-dose median, 1.5–2 h after the dose', () => {
    const hr = samples(lines(), 'hr');
    const base = preDoseMedian(lines(), 'hr');
    expect(base).toBeGreaterThanOrEqual(58);
    expect(base).toBeLessThanOrEqual(82);
    const rise = maxOf(hr) - base;
    expect(rise).toBeGreaterThanOrEqual(15);
    expect(rise).toBeLessThan(25); // never HR ≥ baseline + 25, far from hr-rise (+30)
    const trend = smooth(hr, 20 * MIN);
    const peak = trend.reduce((best, x) => (x.v > best.v ? x : best));
    expect(peak.t - DOSE_T).toBeGreaterThanOrEqual(90 * MIN);
    expect(peak.t - DOSE_T).toBeLessThanOrEqual(120 * MIN);
    // and it has come most of the way back by the end of the session
    expect((trend.at(-1)?.v ?? Infinity) - base).toBeLessThan(5);
    // nothing happens before onset (30 min after the dose)
    const early = trend.filter((x) => x.t > DOSE_T + 10 * MIN && x.t < DOSE_T + 25 * MIN);
    expect(Math.max(...early.map((x) => x.v)) - base).toBeLessThan(3);
  });

  it('temperature rises 0.2–0.8 °C, SBP 15–40 mmHg, SpO2 stays 96–100 %', () => {
    const temp = samples(lines(), 'temp');
    const tRise = Math.max(...smooth(temp, 20 * MIN).map((x) => x.v)) - preDoseMedian(lines(), 'temp');
    expect(tRise).toBeGreaterThanOrEqual(0.2);
    expect(tRise).toBeLessThanOrEqual(0.8);
    const sbp = samples(lines(), 'sbp');
    const sRise = maxOf(sbp) - preDoseMedian(lines(), 'sbp');
    expect(sRise).toBeGreaterThanOrEqual(15);
    expect(sRise).toBeLessThanOrEqual(40);
    const spo2 = samples(lines(), 'spo2');
    expect(minOf(spo2)).toBeGreaterThanOrEqual(96);
    expect(maxOf(spo2)).toBeLessThanOrEqual(100);
    // beat-to-beat variability is present but small: a few /min around the trend
    const hr = samples(lines(), 'hr');
    const trend = smooth(hr, 2 * MIN);
    const dev = hr.map((s, i) => Math.abs(s.value - (trend[i]?.v ?? s.value)));
    expect(Math.max(...dev)).toBeGreaterThan(1.5);
    expect(Math.max(...dev)).toBeLessThan(8);
  });

  it('stays inside every absolute limit and clear margin of the default profile', () => {
    const hr = samples(lines(), 'hr');
    expect(maxOf(hr)).toBeLessThan(125);
    expect(minOf(hr)).toBeGreaterThan(45);
    expect(minOf(samples(lines(), 'spo2'))).toBeGreaterThan(93);
    const sbp = samples(lines(), 'sbp');
    expect(maxOf(sbp)).toBeLessThan(150);
    expect(minOf(sbp)).toBeGreaterThan(100);
    expect(maxOf(samples(lines(), 'dbp'))).toBeLessThan(100);
    const temp = samples(lines(), 'temp');
    expect(maxOf(temp)).toBeLessThan(37.8);
    expect(minOf(temp)).toBeGreaterThan(36.4);
  });

  it('has no technical trouble: no gaps, cuff on time, batteries fine, no artifacts', () => {
    const ls = lines();
    expect(maxGap(samples(ls, 'hr'))).toBeLessThan(15_000);
    expect(maxGap(samples(ls, 'temp'))).toBeLessThan(5 * MIN);
    const sbp = samples(ls, 'sbp');
    expect(maxGap(sbp)).toBeLessThan(20 * MIN);
    expect((sbp[0] as Sample).t - (ls[1] as { t: number }).t).toBeLessThan(15 * MIN); // a baseline reading exists
    const devices = ls.filter((l): l is DeviceUpdate => l.type === 'device');
    expect(devices.every((d) => d.state !== 'disconnected' && (d.battery ?? 100) > 20)).toBe(true);
    const ref = referenceAlarms(ls);
    expect(ref.artifacts).toEqual({});
    expect(ref.problems).toEqual([]);
  });

  it('raises no alarm at all (reference reading of DESIGN §4)', () => {
    const ref = referenceAlarms(lines());
    expect(ref.baseline.hr).toBeDefined();
    expect(ref.transitions).toEqual([]);
    expect(getScenario('typical').expectedAlarms).toEqual([]);
  });
});
