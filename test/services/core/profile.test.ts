import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { compileProfile, loadProfile, ProfileError, type CompiledThresholdRule } from '../../../services/core/profile.js';
import { harness, MIN, sample, SEC, T0 } from './helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'vigil-profile-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function file(name: string, content: unknown): string {
  const path = join(dir, name);
  writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content));
  return path;
}

function problemsOf(load: () => unknown): string[] {
  try {
    load();
  } catch (error) {
    if (error instanceof ProfileError) return error.problems;
    throw error;
  }
  throw new Error('expected the profile to be refused');
}

describe('the default profile (mdma-session) holds every row of DESIGN §4', () => {
  const profile = loadProfile();
  const rule = (id: string) => profile.rules.find((r) => r.id === id);
  const threshold = (id: string) => rule(id) as CompiledThresholdRule;

  test('all fifteen rules of DESIGN §4, plus the sensor-condition and delivery-failed rules, with their priorities', () => {
    expect(Object.fromEntries(profile.rules.map((r) => [r.id, r.priority]))).toEqual({
      'hr-rise': 'medium',
      'hr-high': 'high',
      'hr-low': 'high',
      'spo2-low': 'high',
      'sbp-high': 'medium',
      'bp-crisis': 'high',
      'sbp-low': 'high',
      'temp-elevated': 'medium',
      'temp-hyperthermia': 'high',
      'temp-severe': 'high',
      'hr-stale': 'medium',
      'temp-stale': 'low',
      'bp-overdue': 'low',
      'device-disconnected': 'medium',
      'delivery-failed': 'medium',
      'sensor-off': 'medium',
      'sensor-fault': 'medium',
      'signal-quality': 'low',
      'cuff-measurement': 'low',
      'low-battery': 'low',
    });
  });

  test('limits, delays and clear margins', () => {
    expect(threshold('hr-rise').raise).toEqual({ when: { type: 'compare', compare: { vital: 'hr', op: '>=', value: 30, overBaseline: true } }, heldForMs: 60_000, readings: 1 });
    expect(threshold('hr-rise').clear.heldForMs).toBe(30_000);
    expect(threshold('hr-high').clear).toEqual({ when: { type: 'compare', compare: { vital: 'hr', op: '<', value: 125, overBaseline: false } }, heldForMs: 10_000, readings: 1 });
    expect(threshold('sbp-high').raise.readings).toBe(2);
    expect(threshold('temp-elevated').raise).toMatchObject({ heldForMs: 300_000, readings: 2 });
    expect(threshold('bp-crisis').inputs.sort()).toEqual(['dbp', 'sbp']);
    expect(rule('hr-stale')).toMatchObject({ kind: 'stale', afterMs: 15_000 });
    expect(rule('temp-stale')).toMatchObject({ kind: 'stale', mode: 'continuous', afterMs: 300_000 });
    expect(rule('bp-overdue')).toMatchObject({ kind: 'stale', vital: 'sbp', afterMs: 1_200_000 });
    expect(rule('low-battery')).toMatchObject({ raiseAtOrBelow: 15, clearAbove: 20 });
  });

  test('high-priority physiological alarms latch, the others do not', () => {
    expect(profile.rules.filter((r) => r.kind === 'threshold' && r.latching).map((r) => r.id)).toEqual([
      'hr-high',
      'hr-low',
      'spo2-low',
      'bp-crisis',
      'sbp-low',
      'temp-hyperthermia',
      'temp-severe',
    ]);
  });

  test('artifact ranges, escalation and audio pause', () => {
    expect(profile.artifactRanges).toMatchObject({ hr: [20, 300], spo2: [50, 100], sbp: [40, 300], dbp: [20, 200], temp: [25, 45] });
    expect(profile.escalationMs).toEqual({ high: 60_000, medium: 180_000, low: Infinity });
    expect(profile.audioPauseMs).toBe(120_000);
  });
});

describe('site and patient profiles', () => {
  test('a file that extends the default overrides any value and adds rules', () => {
    const path = file('site.json', {
      name: 'site-a',
      extends: 'mdma-session',
      rules: {
        'hr-high': { raise: { when: { value: 140 } } },
        'hr-rise': { enabled: false },
        'map-low': {
          kind: 'threshold',
          vital: 'map',
          priority: 'medium',
          text: 'Mean arterial pressure low',
          raise: { when: { op: '<', value: 65 }, readings: 2 },
          clear: { when: { op: '>=', value: 70 } },
        },
      },
    });
    const profile = loadProfile(path);
    expect(profile.name).toBe('site-a');
    const h = harness(profile);
    h.stream('hr', T0, T0 + MIN, () => 135);
    expect(h.alarms()).toEqual([]);
    h.stream('hr', T0 + MIN, T0 + 2 * MIN, () => 141);
    h.core.sample(sample(T0 + 2 * MIN, 'map', 60));
    h.core.sample(sample(T0 + 12 * MIN, 'map', 62));
    expect(h.trail().filter((a) => !a.includes('escalated') && !a.startsWith('hr-stale'))).toEqual(['hr-high raised@70', 'map-low raised@720']);
  });

  test('a patient profile can extend a site profile by path, relative to itself', () => {
    file('site2.json', { name: 'site-b', extends: 'mdma-session', rules: { 'hr-high': { raise: { when: { value: 140 } } } } });
    const patient = loadProfile(file('patient.json', { name: 'P-017', extends: './site2.json', rules: { 'hr-high': { raise: { heldFor: '20s' } } } }));
    const hrHigh = patient.rules.find((r) => r.id === 'hr-high') as CompiledThresholdRule;
    expect(hrHigh.raise.heldForMs).toBe(20_000);
    expect(hrHigh.raise.when).toMatchObject({ compare: { value: 140 } });
    const h = harness(patient);
    h.stream('hr', T0, T0 + 30 * SEC, () => 145);
    expect(h.trail()).toEqual(['hr-high raised@20']);
  });
});

describe('a bad profile is refused with a message naming the field', () => {
  test.each([
    [{ rules: { 'hr-high': { raise: { heldFor: 'ten seconds' } } } }, 'rules.hr-high.raise.heldFor: must be a duration such as 250ms, 10s, 5m or 1h'],
    [{ rules: { 'hr-high': { raise: { when: { op: '=>' } } } } }, 'rules.hr-high.raise.when.op: must be one of ">=", ">", "<=", "<"'],
    [{ rules: { 'hr-high': { priority: 'urgent' } } }, 'rules.hr-high.priority: must be one of "high", "medium", "low"'],
    [{ rules: { 'hr-high': { raise: { when: { value: '130' } } } } }, 'rules.hr-high.raise.when.value: must be number'],
    [{ rules: { 'hr-high': { raise: { readings: 0 } } } }, 'rules.hr-high.raise.readings: must be >= 1'],
    [{ rules: { 'hr-hihg': { raise: { when: { value: 140 } } } } }, 'rules.hr-hihg.kind: is required'],
    [{ rules: { 'hr-high': { raise: { whenn: {} } } } }, 'rules.hr-high.raise.whenn: is not a known field'],
    [{ alarmPause: '2m' }, 'alarmPause: is not a known field'],
    [{ escalation: { high: 'soon' } }, 'escalation.high: must be a duration such as 250ms, 10s, 5m or 1h'],
    [{ artifactRanges: { hr: [20] } }, 'artifactRanges.hr: must NOT have fewer than 2 items'],
    [{ rules: { 'low-battery': { clearAbove: 10 } } }, 'rules.low-battery: clearAbove must be at least raiseAtOrBelow (the clear margin cannot be negative)'],
    [{ rules: { 'bp-crisis': { raise: { when: { any: [{ vital: 'sbp', op: '>=', value: 'high' }] } } } } }, 'rules.bp-crisis.raise.when.any.0.value: must be number'],
  ])('%j', (override, message) => {
    const path = file('bad.json', { name: 'bad', extends: 'mdma-session', ...override });
    expect(problemsOf(() => loadProfile(path))).toContain(message);
  });

  test('the error names the file and lists every problem', () => {
    const path = file('two-bad.json', { name: 'bad', extends: 'mdma-session', rules: { 'hr-high': { priority: 'x', raise: { heldFor: 'y' } } } });
    expect(() => loadProfile(path)).toThrow(new RegExp(`invalid profile ${path}:\\n  rules\\.hr-high`));
    expect(problemsOf(() => loadProfile(path))).toHaveLength(2);
  });

  test('unreadable, non-JSON, circular and non-object profiles', () => {
    expect(problemsOf(() => loadProfile(join(dir, 'missing.json')))[0]).toMatch(/^cannot read: ENOENT/);
    expect(problemsOf(() => loadProfile(file('broken.json', '{"name": ')))[0]).toMatch(/^not valid JSON/);
    file('loop-a.json', { name: 'a', extends: './loop-b.json', rules: {} });
    file('loop-b.json', { name: 'b', extends: './loop-a.json', rules: {} });
    expect(problemsOf(() => loadProfile(join(dir, 'loop-a.json')))[0]).toMatch(/^extends: circular/);
    expect(problemsOf(() => compileProfile([1, 2, 3]))).toEqual(['(profile): must be object']);
    expect(problemsOf(() => compileProfile({ name: 'x' }))).toEqual(['rules: is required']);
  });
});
