import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { compileProfile, loadProfile, mergeProfiles } from '../../../services/core/profile.js';
import { SessionCore } from '../../../services/core/session-core.js';
import type { AlarmTransition, AudioChange, CoreOutput, RecordingLine } from '../../../services/core/types.js';
import { compareAlarms } from '../../../services/replay/compare.js';
import { replayFile } from '../../../services/replay/replay.js';
import { formatSummary } from '../../../services/replay/summary.js';
import { HAND_WRITTEN_ALARMS } from './hand-written.js';

const T0 = Date.UTC(2026, 0, 1);
const FIXTURES = join(import.meta.dirname, '..', '..', 'fixtures');
const profile = loadProfile();
const dir = mkdtempSync(join(tmpdir(), 'vigil-replay-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const asRows = (alarms: AlarmTransition[]) => alarms.map((a) => (a.value === undefined ? [(a.t - T0) / 1000, a.rule, a.state] : [(a.t - T0) / 1000, a.rule, a.state, a.value]));

describe('a hand-written recording', () => {
  test('replays to the alarms a person computes from DESIGN §4', async () => {
    const result = await replayFile(join(FIXTURES, 'hand-written.ndjson'), { profile });
    expect(result.issues).toEqual([]);
    expect(asRows(result.alarms)).toEqual(HAND_WRITTEN_ALARMS);
  });

  test('baseline, artifacts, audio and the summary', async () => {
    const outputs: CoreOutput[] = [];
    const result = await replayFile(join(FIXTURES, 'hand-written.ndjson'), { profile, onOutput: (o) => outputs.push(o) });
    expect(result.baselines.map((b) => [b.vital, b.value])).toEqual([
      ['hr', 70],
      ['spo2', 98],
      ['sbp', 119],
      ['dbp', 77],
      ['map', 91],
      ['temp', 36.8],
    ]);
    expect(outputs.filter((o): o is AudioChange => o.type === 'audio').map((o) => [(o.t - T0) / 1000, o.state])).toEqual([
      [2405, 'paused'],
      [2515, 'resumed'], // spo2-low is high priority: a new high alarm ends the pause
    ]);
    const summary = formatSummary(result, 'hand-written.ndjson');
    expect(summary).toContain('session     hand-1 · patient P-900 · room 2');
    expect(summary).toContain('duration    59m50s');
    expect(summary).toContain('doses       dose +15m 120 mg');
    expect(summary).toContain('fluids      250 ml');
    expect(summary).toContain('artifacts   hr 1');
    expect(summary).toContain('baseline    hr 70 /min · spo2 98 % · sbp 119 mm[Hg] · dbp 77 mm[Hg] · map 91 mm[Hg] · temp 36.8 Cel');
    expect(summary).toMatch(/alarms {6}9 raised/);
    expect(summary).toMatch(/ {2}hr-high {13}high {6}1 {7}1 {8}1 {4}1 {10}\+21m45s \(131\)/);
  });
});

describe('bad input', () => {
  test('malformed lines are reported with their line numbers, skipped, and the good lines still replay', async () => {
    const result = await replayFile(join(FIXTURES, 'malformed.ndjson'), { profile });
    expect(result.issues.map((i) => i.lineNo)).toEqual([4, 5, 6, 7, 8, 11, 12, 13, 14, 16]);
    const byLine = Object.fromEntries(result.issues.map((i) => [i.lineNo, i.message]));
    expect(byLine[4]).toMatch(/^invalid JSON/);
    expect(byLine[5]).toBe('sample: unknown vital "pulse"');
    expect(byLine[6]).toBe('sample: missing "value"');
    expect(byLine[8]).toMatch(/^time-backwards: /);
    expect(byLine[11]).toMatch(/^sample: "value" must be a finite number/);
    expect(byLine[12]).toMatch(/^bad-unit: /);
    expect(byLine[14]).toBe('sample: missing "t"');
    expect(result.core.samples[0]).toBe(18); // lines 3, 9 and the 16 samples from line 17 on
    expect(asRows(result.alarms)).toEqual([[20, 'hr-high', 'raised', 140]]);
  });

  test('a recording that is not a recording at all: every line reported, nothing crashes', async () => {
    const path = join(dir, 'garbage.ndjson');
    writeFileSync(path, 'a,b,c\n1,2,3\n\u0000\u0001binary\n');
    const result = await replayFile(path, { profile });
    expect(result.issues.map((i) => i.lineNo)).toEqual([1, 2, 3]);
    expect(result.inputs).toBe(0);
    expect(formatSummary(result, path)).toContain('bad lines   3, skipped');
  });
});

describe('replay reproduces what the live core decided', () => {
  test('a journal holding the core outputs is reproduced exactly, and a tampered one is caught', async () => {
    const lines: RecordingLine[] = [{ type: 'header', format: 'vigil-recording', version: 1, session: { id: 'j', patient: 'P-1' } }];
    const core = new SessionCore(profile, (o) => lines.push(o));
    for (let s = 0; s < 140; s++) {
      const input: RecordingLine = { type: 'sample', t: T0 + s * 1000, vital: 'hr', value: s < 60 ? 80 : 140, unit: '/min' };
      lines.push(input);
      core.input(input);
    }
    const path = join(dir, 'journal.ndjson');
    writeFileSync(path, lines.map((l) => JSON.stringify(l)).join('\n') + '\n');
    const result = await replayFile(path, { profile });
    expect(result.recordedAlarms).toHaveLength(2);
    expect(formatSummary(result, path)).toContain("the recording's 2 alarm transitions are reproduced exactly");

    const tampered = lines.map((l) => (l.type === 'alarm' && l.state === 'escalated' ? { ...l, t: l.t + 1 } : l));
    writeFileSync(path, tampered.map((l) => JSON.stringify(l)).join('\n') + '\n');
    expect(formatSummary(await replayFile(path, { profile }), path)).toContain('differs from the recording');
  });
});

describe('paced playback', () => {
  test('a timer in a silent gap fires at its own wall time, not when the next line arrives', async () => {
    const path = join(dir, 'gap.ndjson');
    const rows: RecordingLine[] = [{ type: 'header', format: 'vigil-recording', version: 1, session: { id: 'g', patient: 'P-2' } }];
    for (let s = 0; s < 5; s++) rows.push({ type: 'sample', t: T0 + s * 1000, vital: 'hr', value: 70, unit: '/min' });
    rows.push({ type: 'sample', t: T0 + 60_000, vital: 'hr', value: 70, unit: '/min' });
    writeFileSync(path, rows.map((l) => JSON.stringify(l)).join('\n') + '\n');
    const started = performance.now();
    let staleAt = Number.NaN;
    await replayFile(path, {
      profile,
      speed: 30, // 60 virtual s in 2 wall s; hr-stale is due at 19 virtual s, about 0.63 wall s in
      onOutput: (o) => {
        if (o.type === 'alarm' && o.state === 'raised') staleAt = performance.now() - started;
      },
    });
    const total = performance.now() - started;
    expect(total).toBeGreaterThan(1900);
    expect(staleAt).toBeGreaterThan(500);
    expect(staleAt).toBeLessThan(total - 1000);
  });
});

describe('comparing profiles', () => {
  test('alarms that disappear and move under other limits', async () => {
    const file = join(FIXTURES, 'hand-written.ndjson');
    const stricter = compileProfile(
      mergeProfiles(profile.spec, { name: 'what-if', rules: { 'hr-high': { raise: { when: { value: 135 } } }, 'hr-rise': { raise: { heldFor: '90s' } } } }),
    );
    const a = await replayFile(file, { profile });
    const b = await replayFile(file, { profile: stricter });
    const changes = compareAlarms(a.alarms, b.alarms).filter((c) => c.change !== 'same');
    expect(changes.map((c) => [c.change, c.rule])).toEqual([
      ['moves', 'hr-rise'],
      ['disappears', 'hr-high'],
    ]);
    expect(changes[0]).toMatchObject({ raisedShiftMs: 30_000, clearedShiftMs: 0 });
    expect(compareAlarms(a.alarms, a.alarms).every((c) => c.change === 'same')).toBe(true);
  });
});
