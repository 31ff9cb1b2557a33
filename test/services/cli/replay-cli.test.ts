import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { HAND_WRITTEN_ALARMS } from '../replay/hand-written.js';
import { ROOT, runCli } from './run-cli.js';

const T0 = Date.UTC(2026, 0, 1);
const FIXTURES = join(ROOT, 'test', 'fixtures');
const dir = mkdtempSync(join(tmpdir(), 'vigil-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('vigil replay', () => {
  test('--json prints one alarm transition per line, the hand-computed ones', async () => {
    const { code, stdout, stderr } = await runCli(['replay', join(FIXTURES, 'hand-written.ndjson'), '--json']);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    const lines = stdout.trim().split('\n').map((l) => JSON.parse(l) as { t: number; rule: string; vital: string; priority: string; state: string; value?: number });
    expect(lines.map((a) => (a.value === undefined ? [(a.t - T0) / 1000, a.rule, a.state] : [(a.t - T0) / 1000, a.rule, a.state, a.value]))).toEqual(HAND_WRITTEN_ALARMS);
    expect(Object.keys(lines[0] ?? {})).toEqual(expect.arrayContaining(['t', 'rule', 'vital', 'priority', 'state', 'value']));
  });

  test('prints a readable summary by default', async () => {
    const { code, stdout } = await runCli(['replay', join(FIXTURES, 'hand-written.ndjson')]);
    expect(code).toBe(0);
    expect(stdout).toContain('patient P-900');
    expect(stdout).toContain('alarms      9 raised');
    expect(stdout).toContain('baseline    hr 70 /min');
  });

  test('bad lines go to stderr with file and line number; the replay still succeeds', async () => {
    const file = join(FIXTURES, 'malformed.ndjson');
    const { code, stdout, stderr } = await runCli(['replay', file, '--json']);
    expect(code).toBe(0);
    expect(stderr.trim().split('\n').map((l) => Number(l.slice(file.length + 1).split(':')[0]))).toEqual([4, 5, 6, 7, 8, 11, 12, 13, 14, 16]);
    expect(stdout.trim().split('\n').map((l) => (JSON.parse(l) as { rule: string }).rule)).toEqual(['hr-high']);
  });

  test('--compare lists what appears, disappears or moves', async () => {
    const what = join(dir, 'what-if.json');
    writeFileSync(what, JSON.stringify({ name: 'what-if', extends: 'mdma-session', rules: { 'hr-high': { raise: { when: { value: 135 } } }, 'hr-rise': { raise: { heldFor: '90s' } } } }));
    const { code, stdout } = await runCli(['replay', join(FIXTURES, 'hand-written.ndjson'), '--compare', what]);
    expect(code).toBe(0);
    expect(stdout).toMatch(/moves {7}hr-rise .*\(raised \+30s, cleared ±0\)/);
    expect(stdout).toMatch(/disappears {2}hr-high {13}\+21m45s – \+23m30s/);
    expect(stdout).toContain('summary     0 appear, 1 disappear, 1 move, 7 unchanged');
    const json = await runCli(['replay', join(FIXTURES, 'hand-written.ndjson'), '--compare', what, '--json']);
    expect(json.stdout.trim().split('\n').map((l) => (JSON.parse(l) as { change: string }).change)).toEqual(['moves', 'disappears']);
  });

  test('a bad profile is refused naming the field, with exit code 1', async () => {
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, JSON.stringify({ name: 'bad', extends: 'mdma-session', rules: { 'hr-high': { raise: { heldFor: 'soon' } } } }));
    const { code, stderr } = await runCli(['replay', join(FIXTURES, 'hand-written.ndjson'), '--profile', bad]);
    expect(code).toBe(1);
    expect(stderr).toContain('rules.hr-high.raise.heldFor: must be a duration');
  });

  test('usage errors exit 2 with a hint; a missing file exits 1', async () => {
    expect(await runCli(['replay'])).toMatchObject({ code: 2, stderr: expect.stringContaining('replay needs exactly one recording file') });
    expect(await runCli(['replay', 'x.ndjson', '--speed', '0'])).toMatchObject({ code: 2, stderr: expect.stringContaining('--speed must be a positive number') });
    expect(await runCli(['replay', 'x.ndjson', '--bogus'])).toMatchObject({ code: 2, stderr: expect.stringContaining("Unknown option '--bogus'") });
    expect(await runCli(['frobnicate'])).toMatchObject({ code: 2, stderr: expect.stringContaining('unknown command "frobnicate"') });
    const missing = await runCli(['replay', join(dir, 'nope.ndjson')]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('ENOENT');
  });
});

describe('vigil replay picks the profile the recording names', () => {
  test('a header naming a site profile file is replayed under it; an unknown one falls back with a warning', async () => {
    const site = join(dir, 'site-strict.json');
    writeFileSync(site, JSON.stringify({ name: 'site-strict', extends: 'mdma-session', rules: { 'hr-high': { raise: { when: { value: 100 } } } } }));
    const rows = [
      { type: 'header', format: 'vigil-recording', version: 1, session: { id: 's', patient: 'P-3', profile: site } },
      ...Array.from({ length: 30 }, (_, s) => ({ type: 'sample', t: T0 + s * 1000, vital: 'hr', value: 110, unit: '/min' })),
    ];
    const file = join(dir, 'named.ndjson');
    writeFileSync(file, rows.map((r) => JSON.stringify(r)).join('\n') + '\n');
    const named = await runCli(['replay', file]);
    expect(named.stdout).toContain('profile     site-strict');
    expect(named.stdout).toMatch(/hr-high +high +1/);

    rows[0] = { type: 'header', format: 'vigil-recording', version: 1, session: { id: 's', patient: 'P-3', profile: 'gone-profile' } };
    writeFileSync(file, rows.map((r) => JSON.stringify(r)).join('\n') + '\n');
    const fallback = await runCli(['replay', file]);
    expect(fallback.stderr).toContain('recorded under profile "gone-profile", which is not available here');
    expect(fallback.stdout).toContain('profile     mdma-session');
    expect(fallback.stdout).toContain('alarms      none');
  });
});
