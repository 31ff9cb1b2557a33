// simulateSession as a recording: format, order, determinism, cadence, options and errors.
import { describe, expect, it } from 'vitest';
import type { DeviceUpdate, RecordingLine, SessionEvent } from '../../../services/core/types.js';
import { SCENARIOS, SCENARIO_NAMES, getScenario } from '../../../devices/sim/scenarios.js';
import { DEFAULT_START, simulateSession } from '../../../devices/sim/session.js';
import { DOSE_T, MIN, START, run, samples } from './helpers.js';
import { DEFAULT_POLICY_SPEC } from '../../../services/core/escalation-policy.js';

const text = (lines: Iterable<RecordingLine>): string => [...lines].map((l) => JSON.stringify(l)).join('\n');
const gaps = (ts: readonly number[]): number[] => ts.slice(1).map((t, i) => t - (ts[i] as number));

describe('simulateSession', () => {
  it('is deterministic: same options → byte-identical recording; another seed → another recording', () => {
    const a = text(simulateSession({ scenario: 'tachycardia', seed: 5, durationMs: 3 * 3_600_000 }));
    const b = text(simulateSession({ scenario: 'tachycardia', seed: 5, durationMs: 3 * 3_600_000 }));
    const c = text(simulateSession({ scenario: 'tachycardia', seed: 6, durationMs: 3 * 3_600_000 }));
    expect(a.length).toBeGreaterThan(1_000_000);
    expect(a === b).toBe(true);
    expect(a === c).toBe(false);
  });

  it('starts with the header, then lines in non-decreasing t, session-start first and session-end last', () => {
    const lines = run('sensor-dropout');
    expect(lines[0]).toEqual({
      type: 'header',
      format: 'vigil-recording',
      version: 1,
      session: { id: 'sim-sensor-dropout-1', patient: 'P-001', escalation: DEFAULT_POLICY_SPEC },
    });
    expect(lines[1]).toEqual({ type: 'event', t: START, event: 'session-start' });
    const timed = lines.slice(1) as Exclude<RecordingLine, { type: 'header' }>[];
    for (let i = 1; i < timed.length; i++) expect((timed[i] as { t: number }).t).toBeGreaterThanOrEqual((timed[i - 1] as { t: number }).t);
    expect(lines.at(-1)).toEqual({ type: 'event', t: START + 8 * 60 * MIN, event: 'session-end' });
    expect(lines.filter((l) => l.type === 'header')).toHaveLength(1);
    expect(lines.filter((l) => l.type === 'event' && (l.event === 'session-start' || l.event === 'session-end'))).toHaveLength(2);
  });

  it('an 8-hour session is about 58,000 lines (DESIGN §9)', () => {
    const n = run('typical').length;
    expect(n).toBeGreaterThan(57_500);
    expect(n).toBeLessThan(59_000);
  });

  it('samples HR and SpO2 at 1 Hz, temperature every 60 s (continuous), the cuff every 5–15 min', () => {
    for (const seed of [1, 2, 3]) {
      const lines = run('typical', seed);
      const hr = samples(lines, 'hr');
      const spo2 = samples(lines, 'spo2');
      expect(new Set(gaps(hr.map((s) => s.t)))).toEqual(new Set([1000]));
      expect(new Set(gaps(spo2.map((s) => s.t)))).toEqual(new Set([1000]));
      expect(hr.length).toBe(8 * 3600 - 1);
      const temp = samples(lines, 'temp');
      expect(new Set(gaps(temp.map((s) => s.t)))).toEqual(new Set([60_000]));
      expect(temp.every((s) => s.mode === 'continuous' && s.device === 'temp-1' && s.unit === 'Cel')).toBe(true);
      const sbp = samples(lines, 'sbp');
      const cuffGaps = gaps(sbp.map((s) => s.t));
      expect(Math.min(...cuffGaps)).toBeGreaterThanOrEqual(5 * MIN);
      expect(Math.max(...cuffGaps)).toBeLessThanOrEqual(15 * MIN);
      expect(sbp.length).toBeGreaterThanOrEqual(32);
      expect(sbp.length).toBeLessThanOrEqual(96);
    }
  });

  it('writes values in canonical units and precision; one cuff reading = SBP, DBP, MAP at one t', () => {
    const lines = run('typical');
    const hr = samples(lines, 'hr');
    expect(hr.every((s) => Number.isInteger(s.value) && s.unit === '/min' && s.device === 'hrm-1' && s.mode === undefined)).toBe(true);
    expect(samples(lines, 'spo2').every((s) => Number.isInteger(s.value) && s.unit === '%' && s.device === 'ox-1')).toBe(true);
    expect(samples(lines, 'temp').every((s) => Math.round(s.value * 100) / 100 === s.value)).toBe(true);
    const sbp = samples(lines, 'sbp');
    const dbp = samples(lines, 'dbp');
    const map = samples(lines, 'map');
    expect(dbp.map((s) => s.t)).toEqual(sbp.map((s) => s.t));
    expect(map.map((s) => s.t)).toEqual(sbp.map((s) => s.t));
    sbp.forEach((s, i) => {
      const d = (dbp[i] as { value: number }).value;
      expect((map[i] as { value: number }).value).toBe(Math.round(d + (s.value - d) / 3));
      expect(Number.isInteger(s.value) && Number.isInteger(d)).toBe(true);
      expect(s.unit).toBe('mm[Hg]');
      expect(s.device).toBe('cuff-1');
      expect(s.mode).toBeUndefined(); // BP defaults to spot
    });
    // the three samples of a reading are adjacent lines
    const idx = lines.findIndex((l) => l.type === 'sample' && l.vital === 'sbp');
    expect([lines[idx + 1], lines[idx + 2]].map((l) => (l?.type === 'sample' ? l.vital : l?.type))).toEqual(['dbp', 'map']);
  });

  it('connects every device at start with its vitals and battery, then reports battery only', () => {
    const lines = run('typical');
    const devices = lines.filter((l): l is DeviceUpdate => l.type === 'device');
    const atStart = devices.filter((d) => d.t === START);
    expect(atStart.map((d) => [d.device, d.state, d.vitals])).toEqual([
      ['hrm-1', 'connected', ['hr']],
      ['ox-1', 'connected', ['spo2']],
      ['cuff-1', 'connected', ['sbp', 'dbp', 'map']],
      ['temp-1', 'connected', ['temp']],
    ]);
    const later = devices.filter((d) => d.t > START);
    expect(later.length).toBeGreaterThanOrEqual(4 * 15);
    expect(later.every((d) => d.state === undefined && d.vitals === undefined && typeof d.battery === 'number')).toBe(true);
    expect(Math.min(...devices.map((d) => d.battery ?? 0))).toBeGreaterThan(20);
    // batteries drain, they do not recharge
    const hrm = devices.filter((d) => d.device === 'hrm-1').map((d) => d.battery ?? 0);
    expect(gaps(hrm).every((g) => g <= 0)).toBe(true);
    expect((hrm[0] as number) - (hrm.at(-1) as number)).toBeGreaterThanOrEqual(15);
  });

  it('has the dosing timeline: dose at +15 min, optional half supplemental 1.75–2.5 h later, fluids', () => {
    let supplementals = 0;
    for (const seed of [1, 2, 3, 4, 5, 6]) {
      const events = run('typical', seed).filter((l): l is SessionEvent => l.type === 'event');
      const dose = events.filter((e) => e.event === 'dose');
      expect(dose).toHaveLength(1);
      expect(dose[0]?.t).toBe(DOSE_T);
      const mg = dose[0]?.mg ?? 0;
      expect(mg).toBeGreaterThanOrEqual(80);
      expect(mg).toBeLessThanOrEqual(120);
      const sup = events.filter((e) => e.event === 'supplemental-dose');
      expect(sup.length).toBeLessThanOrEqual(1);
      for (const s of sup) {
        supplementals++;
        expect(s.mg).toBe(mg / 2);
        expect(s.t - DOSE_T).toBeGreaterThanOrEqual(105 * MIN);
        expect(s.t - DOSE_T).toBeLessThanOrEqual(150 * MIN);
      }
      const fluids = events.filter((e) => e.event === 'fluid');
      expect(fluids.length).toBeGreaterThanOrEqual(3);
      expect(fluids.every((f) => (f.ml ?? 0) >= 100 && (f.ml ?? 0) <= 250)).toBe(true);
    }
    expect(supplementals).toBeGreaterThan(0);
  });

  it('honours start, duration, session id and patient label', () => {
    const start = Date.UTC(2026, 5, 1, 8);
    const lines = [...simulateSession({ scenario: 'typical', seed: 3, durationMs: 20 * MIN, start, sessionId: 's-x', patient: 'P-042' })];
    expect(lines[0]).toMatchObject({ session: { id: 's-x', patient: 'P-042' } });
    expect(lines[1]).toEqual({ type: 'event', t: start, event: 'session-start' });
    expect(lines.at(-1)).toEqual({ type: 'event', t: start + 20 * MIN, event: 'session-end' });
    expect(lines.some((l) => l.type === 'event' && l.event === 'dose')).toBe(true);
    expect(DEFAULT_START).toBe(1767225600000);
    expect([...simulateSession({ scenario: 'typical', seed: 42, durationMs: MIN })][0]).toMatchObject({ session: { patient: 'P-042' } });
  });

  it('a duration shorter than the scenario just stops, with session-end at the end', () => {
    for (const name of SCENARIO_NAMES) {
      const end = START + 121 * MIN; // mid-way through the tachycardia and the hypertensive spike
      const lines = [...simulateSession({ scenario: name, durationMs: 121 * MIN })];
      const timed = lines.slice(1) as { t: number }[];
      expect(timed.slice(0, -1).every((l) => l.t < end)).toBe(true);
      expect(lines.at(-1)).toEqual({ type: 'event', t: end, event: 'session-end' });
      // the first 121 minutes equal the full session's
      const full = run(name).slice(0, lines.length - 1);
      expect(text(full)).toBe(text(lines.slice(0, -1)));
    }
    const tiny = [...simulateSession({ scenario: 'tachycardia', durationMs: 5 * MIN })];
    expect(tiny.some((l) => l.type === 'event' && l.event === 'dose')).toBe(false);
    expect(tiny.at(-1)).toMatchObject({ event: 'session-end', t: START + 5 * MIN });
  });

  it('rejects an unknown scenario, listing the known ones; rejects bad numbers', () => {
    expect(() => simulateSession({ scenario: 'nope' })).toThrow(
      'unknown scenario "nope"; known scenarios: typical, tachycardia, hyperthermia, hypertensive, sensor-dropout, artifacts',
    );
    expect(() => simulateSession({ scenario: 'typical', durationMs: 0 })).toThrow(/duration/);
    expect(() => simulateSession({ scenario: 'typical', durationMs: Number.NaN })).toThrow(/duration/);
    expect(() => simulateSession({ scenario: 'typical', seed: 1.5 })).toThrow(/seed/);
  });

  it('lists the scenarios with one-line descriptions', () => {
    expect(SCENARIOS.map((s) => s.name)).toEqual(['typical', 'tachycardia', 'hyperthermia', 'hypertensive', 'sensor-dropout', 'artifacts']);
    for (const s of SCENARIOS) {
      expect(s.description.length).toBeGreaterThan(10);
      expect(s.description).not.toMatch(/\n/);
      expect(getScenario(s.name).description).toBe(s.description);
    }
  });
});
