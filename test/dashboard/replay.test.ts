// The replay view: an engineer opens a local vigil-recording file, plays it, and sees its alarm transitions
// appear as the virtual clock reaches them, with the same vital and alarm elements as the bedside view
// (docs/screenshots/replay.png). The recording is written here: half an hour with a tachycardia episode and a
// spot temperature of 40.3 °C, plus the alarm lines the project's core decides for it (as a journal has them).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { loadProfile } from '../../services/core/profile.js';
import type { AlarmTransition, RecordingHeader, RecordingLine } from '../../services/core/types.js';
import { replayFile } from '../../services/replay/replay.js';
import { Api, exactly, launchBrowser, screenshot, signInPage, startVigil, type Vigil } from './harness.js';

const T0 = Date.UTC(2026, 1, 3, 9, 0, 0);
const SECONDS = 1800;
const dir = mkdtempSync(join(tmpdir(), 'vigil-replay-'));
const file = join(dir, 'P-404-short.ndjson');

let vigil: Vigil;
let browser: Browser;
let expected: AlarmTransition[] = [];

/** The inputs: HR every second (140 /min from 2:00 to 3:00), a spot temperature of 40.3 at 5:00 and 37.1 at 7:00. */
function inputs(): RecordingLine[] {
  const header: RecordingHeader = { type: 'header', format: 'vigil-recording', version: 1, session: { id: 's-replay-404', patient: 'P-404' } };
  const lines: RecordingLine[] = [
    header,
    { type: 'event', t: T0, event: 'session-start' },
    { type: 'device', t: T0, device: 'hrm-1', state: 'connected', vitals: ['hr'], battery: 90 },
    { type: 'device', t: T0, device: 'temp-1', state: 'connected', vitals: ['temp'], battery: 80 },
  ];
  for (let s = 1; s < SECONDS; s++) {
    const t = T0 + s * 1000;
    lines.push({ type: 'sample', t, vital: 'hr', value: s >= 120 && s < 180 ? 140 : 72, unit: '/min', device: 'hrm-1', mode: 'continuous' });
    if (s === 300) lines.push({ type: 'sample', t, vital: 'temp', value: 40.3, unit: 'Cel', device: 'temp-1', mode: 'spot' });
    if (s === 420) lines.push({ type: 'sample', t, vital: 'temp', value: 37.1, unit: 'Cel', device: 'temp-1', mode: 'spot' });
  }
  lines.push({ type: 'event', t: T0 + SECONDS * 1000, event: 'session-end' });
  return lines;
}

beforeAll(async () => {
  // What the core says about these inputs, interleaved by time as a journal would have it.
  const input = inputs();
  const inputsOnly = join(dir, 'inputs.ndjson');
  writeFileSync(inputsOnly, input.map((l) => JSON.stringify(l)).join('\n') + '\n');
  const outputs: RecordingLine[] = [];
  const result = await replayFile(inputsOnly, { profile: loadProfile(), onOutput: (o) => outputs.push(o) });
  expected = result.alarms;
  const [header, ...rest] = input;
  const merged = [...rest.map((l, i) => ({ l, k: i * 2 })), ...outputs.map((l, i) => ({ l, k: i * 2 + 1 }))].sort(
    (x, y) => ('t' in x.l ? x.l.t : 0) - ('t' in y.l ? y.l.t : 0) || Number(x.l.type === 'alarm') - Number(y.l.type === 'alarm') || x.k - y.k,
  );
  writeFileSync(file, [header, ...merged.map((m) => m.l)].map((l) => JSON.stringify(l)).join('\n') + '\n');

  [vigil, browser] = await Promise.all([
    startVigil({
      users: [
        ['e.erik', ['engineer']],
        ['t.anna', ['therapist']],
      ],
    }),
    launchBrowser(),
  ]);
}, 30_000);

afterAll(async () => {
  await browser?.close();
  await vigil?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('dashboard: replay', () => {
  test('the recording is what the test expects of the core', () => {
    const seen = expected.map((a) => `${a.rule}:${a.state}`);
    expect(seen).toEqual(expect.arrayContaining(['hr-high:raised', 'hr-high:cleared', 'temp-severe:raised', 'temp-severe:cleared']));
    const hrHighRaised = expected.find((a) => a.rule === 'hr-high' && a.state === 'raised');
    expect(hrHighRaised?.t).toBe(T0 + 130_000);
  });

  test('an engineer plays a local recording: alarms appear as the clock reaches them, latched ones stay', async () => {
    const live = await (await Api.signIn(vigil.base, 't.anna')).session({ patient: 'P-405', therapists: ['t.anna'] });
    const { page } = await signInPage(browser, vigil, 'e.erik', '#/replay');
    // Past and live sessions are offered too.
    const offered = await page.locator('select[data-testid=replay-session] option').evaluateAll((els) =>
      els.map((e) => {
        const option = e as unknown as { value: string; textContent: string | null };
        return `${option.value} ${option.textContent ?? ''}`;
      }),
    );
    expect(offered.some((o) => o.includes(live) || o.includes('P-405'))).toBe(true);

    await page.locator('input[data-testid=replay-file]').setInputFiles(file);
    const view = page.locator('[data-testid=replay-view]');
    expect(await page.locator('[data-testid=replay-alarm]').count()).toBe(0);
    const clock = page.locator('[data-testid=replay-clock]');
    const clockBefore = await clock.innerText();
    await page.locator('select[data-testid=replay-speed]').selectOption('60'); // a minute a second
    await page.locator('button[data-testid=replay-play]').click();

    // hr-high is raised at 2:10 (≈ 2.2 s in); the temperature alarms only at 5:00 (≈ 5 s in).
    // A transition names its rule by id or by the rule's text (the contract leaves it open).
    const texts = loadProfile().spec.rules as Record<string, { text?: string }>;
    const escape = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    const mentions = (rule: string) =>
      page.locator('[data-testid=replay-alarm]').filter({ hasText: new RegExp(`${escape(rule)}|${escape(texts[rule]?.text ?? rule)}`) });
    await mentions('hr-high').first().waitFor({ timeout: 10_000 });
    expect(await mentions('temp-severe').count()).toBe(0);
    expect(await clock.innerText()).not.toBe(clockBefore);
    await view.locator('[data-testid=vital-hr] [data-testid=value]').filter({ hasText: /^\s*(72|140)\s*$/ }).waitFor();

    // Faster for the rest, until the temperature alarm has come and gone (at 7:00); then pause there.
    await page.locator('select[data-testid=replay-speed]').selectOption('600');
    await mentions('temp-severe').first().waitFor({ timeout: 15_000 });
    const severe = view.locator('[data-testid=alarm-banner] [data-testid=alarm][data-rule=temp-severe]');
    await severe.and(view.locator('[data-state=resolved]')).waitFor({ timeout: 10_000 });
    await page.locator('button[data-testid=replay-pause]').click();
    await page.waitForTimeout(150); // a frame already on its way may still land
    const pausedAt = await clock.innerText();
    await page.waitForTimeout(500);
    expect(await clock.innerText()).toBe(pausedAt); // then paused means paused

    // High-priority alarms latch: cleared but never acknowledged, they stay as resolved.
    expect(await severe.getAttribute('data-acknowledged')).toBe('false');
    expect(await severe.getAttribute('data-priority')).toBe('high');
    await view.locator('[data-testid=alarm-banner] [data-testid=alarm][data-rule=hr-high][data-state=resolved]').waitFor();
    await view.locator('[data-testid=vital-hr] [data-testid=value]').filter({ hasText: exactly('72') }).waitFor();
    await view.locator('[data-testid=vital-temp] [data-testid=value]').filter({ hasText: /37\.1/ }).waitFor();
    // Read-only: nobody acknowledges a recording.
    expect(await view.locator('button[data-testid=ack]').count()).toBe(0);
    await screenshot(page, 'replay');

    // Played to the end, every transition of the recording has shown up.
    await page.locator('button[data-testid=replay-play]').click();
    await page.waitForFunction(
      (n) => (globalThis as unknown as { document: { querySelectorAll(s: string): { length: number } } }).document.querySelectorAll('[data-testid=replay-alarm]').length >= n,
      expected.length,
      { timeout: 15_000 },
    );
    for (const rule of new Set(expected.map((a) => a.rule))) expect(await mentions(rule).count()).toBeGreaterThan(0);
  }, 45_000);
});
