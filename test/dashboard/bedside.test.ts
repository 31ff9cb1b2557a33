// The bedside view against the real service: live numbers from a sensor relayed by a gateway, alarms from
// breaches in the banner with their IEC colours and tones, audio pause with its countdown and the sound back
// after it, an acknowledgement by one therapist seen by the other within a second, and the 8-hour view
// (docs/screenshots/bedside.png). New sessions use a profile whose audio pause is 5 s (VIGIL_PROFILE).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import {
  Api,
  backgroundOf,
  COLOURS,
  exactly,
  Feed,
  frames,
  launchBrowser,
  screenshot,
  signInPage,
  startVigil,
  tonesOf,
  until,
  vitalValue,
  writeOpenJournal,
  type Gateway,
  type SignedInPage,
  type Vigil,
} from './harness.js';

const LONG_SESSION = 's-8h-hyperthermia';
const profileDir = mkdtempSync(join(tmpdir(), 'vigil-profile-'));
const profilePath = join(profileDir, 'short-pause.json');
writeFileSync(profilePath, JSON.stringify({ name: 'short-pause', extends: 'mdma-session', audioPause: '5s' }));

let vigil: Vigil;
let browser: Browser;
let anna: Api;
let session: string;
let cuff: Gateway;
let thermometer: Gateway;
let hr = 72;
const feeds: Feed[] = [];
const contexts: SignedInPage[] = [];
let a: Page;

beforeAll(async () => {
  [vigil, browser] = await Promise.all([
    startVigil({
      users: [
        ['t.anna', ['therapist']],
        ['t.ben', ['therapist']],
      ],
      env: { VIGIL_PROFILE: profilePath },
      prepare: (dataDir) => writeOpenJournal(dataDir, { id: LONG_SESSION, patient: 'P-017', therapists: ['t.anna', 't.ben'], scenario: 'hyperthermia', hours: 8 }),
    }),
    launchBrowser(),
  ]);
  anna = await Api.signIn(vigil.base, 't.anna');
  session = await anna.session({ patient: 'P-101', room: '2', therapists: ['t.anna', 't.ben'] });
  const strap = await anna.gateway(session, 'strap-1', ['hr']);
  cuff = await anna.gateway(session, 'cuff-1', ['sbp', 'dbp', 'map']);
  thermometer = await anna.gateway(session, 'therm-1', ['temp']);
  feeds.push(new Feed([{ gateway: strap, frame: () => frames.heartRate(hr) }]));
  const first = await signInPage(browser, vigil, 't.anna', `#/session/${session}`);
  contexts.push(first);
  a = first.page;
}, 30_000);

afterAll(async () => {
  for (const feed of feeds) feed.stop();
  await browser?.close();
  await vigil?.close();
  rmSync(profileDir, { recursive: true, force: true });
  for (const feed of feeds) if (feed.error !== undefined) throw feed.error;
});

const alarm = (page: Page, rule: string) => page.locator(`[data-testid=alarm-banner] [data-testid=alarm][data-rule=${rule}]`);
const audio = (page: Page) => page.locator('[data-testid=audio]');

describe('dashboard: bedside', () => {
  test('live values follow the chest strap the gateway relays', async () => {
    await a.locator('[data-testid=vital-hr] [data-testid=value]').filter({ hasText: exactly('72') }).waitFor();
    expect(await a.locator('[data-testid=vital-hr]').getAttribute('data-alarm')).toBe('none');
    hr = 96;
    await a.locator('[data-testid=vital-hr] [data-testid=value]').filter({ hasText: exactly('96') }).waitFor();
    hr = 88;
    await a.locator('[data-testid=vital-hr] [data-testid=value]').filter({ hasText: exactly('88') }).waitFor();
    expect((await anna.state(session)).state.vitals.hr.value).toBe(88);
    // Nothing measured yet for the others: `—`, never a made-up number.
    expect(await vitalValue(a, 'temp')).toBe('—');
  });

  test('breaches raise alarms: banner text, IEC colours, highest first, and a tone is started', async () => {
    const tonesBefore = (await tonesOf(a)).length;
    await thermometer.send(frames.temperature(40.5)); // temp-severe (and temp-hyperthermia): high, first reading
    await cuff.send(frames.bloodPressure(165, 95)); // sbp-high: medium, after 2 readings
    await cuff.send(frames.bloodPressure(165, 95));
    await cuff.send(frames.battery(10)); // low-battery: low, at once
    const rules = (await anna.call<{ rules: Array<{ id: string; text: string }> }>('GET', `/api/sessions/${session}`)).rules;
    const text = (id: string): string => rules.find((r) => r.id === id)?.text ?? id;

    const severe = alarm(a, 'temp-severe');
    const sbp = alarm(a, 'sbp-high');
    const battery = alarm(a, 'low-battery');
    await Promise.all([severe.waitFor(), sbp.waitFor(), battery.waitFor()]);
    expect(await severe.getAttribute('data-priority')).toBe('high');
    expect(await severe.getAttribute('data-state')).toBe('active');
    expect(await severe.getAttribute('data-acknowledged')).toBe('false');
    expect(await severe.evaluate(backgroundOf)).toBe(COLOURS.high);
    expect(await severe.innerText()).toContain(text('temp-severe'));
    expect(await severe.innerText()).toContain('40.5');
    expect(await sbp.getAttribute('data-priority')).toBe('medium');
    expect(await sbp.evaluate(backgroundOf)).toBe(COLOURS.medium);
    const sbpText = await sbp.innerText();
    expect(sbpText).toContain(text('sbp-high'));
    expect(sbpText).toContain('165'); // the value
    expect(await battery.getAttribute('data-priority')).toBe('low');
    expect(await battery.evaluate(backgroundOf)).toBe(COLOURS.low);

    // Highest priority first.
    const rank = { high: 3, medium: 2, low: 1 } as Record<string, number>;
    const order = await a.locator('[data-testid=alarm-banner] [data-testid=alarm]').evaluateAll((els) =>
      els.map((e) => (e as unknown as { getAttribute(n: string): string | null }).getAttribute('data-priority') ?? ''),
    );
    expect(order.length).toBeGreaterThanOrEqual(3);
    expect(order.map((p) => rank[p] ?? 0)).toEqual([...order.map((p) => rank[p] ?? 0)].sort((x, y) => y - x));

    expect(await a.locator('[data-testid=vital-temp]').getAttribute('data-alarm')).toBe('high');
    expect(await a.locator('[data-testid=vital-bp]').getAttribute('data-alarm')).toBe('medium');
    await a.locator('[data-testid=vital-temp] [data-testid=value]').filter({ hasText: /40\.5/ }).waitFor();

    // The sound: a high-priority tone pattern started, and the audio element says so.
    await a.locator('[data-testid=audio][data-sounding=high]').waitFor();
    const tones = await tonesOf(a);
    expect(tones.slice(tonesBefore).some((t) => t.priority === 'high')).toBe(true);

    // The limit the value broke, as text (sbp-high: SBP ≥ 160 mmHg).
    expect(sbpText).toMatch(/160/);
  });

  test('audio pause: the countdown runs, the sound stops, and resumes when the pause is over', async () => {
    await a.locator('[data-testid=audio][data-sounding=high]').waitFor();
    await a.locator('button[data-testid=pause]').click();
    const pausedAt = Date.now();
    await a.locator('[data-testid=audio][data-paused=true]').waitFor();
    const countdown = a.locator('[data-testid=pause-countdown]');
    await countdown.waitFor();
    const seconds = async (): Promise<number> => Number(/\d+/.exec(await countdown.innerText())?.[0] ?? NaN);
    const first = await seconds();
    expect(first).toBeGreaterThanOrEqual(1);
    expect(first).toBeLessThanOrEqual(5); // the profile's audioPause
    expect(await audio(a).getAttribute('data-sounding')).toBe('none');
    const tonesWhilePaused = (await tonesOf(a)).length;
    // Still unacknowledged: pausing is not acknowledging.
    expect(await alarm(a, 'temp-severe').getAttribute('data-acknowledged')).toBe('false');

    await until('the countdown to go down', seconds, (n) => n < first, 3000);
    await a.locator('[data-testid=audio][data-paused=false][data-sounding=high]').waitFor({ timeout: 10_000 });
    expect(Date.now() - pausedAt).toBeGreaterThanOrEqual(4000);
    await until('a tone started after the pause', () => tonesOf(a), (t) => t.slice(tonesWhilePaused).some((x) => x.priority === 'high'), 3000);
    expect(await countdown.isVisible()).toBe(false);
  }, 20_000);

  test('therapist A acknowledges; therapist B sees it acknowledged within a second', async () => {
    const second = await signInPage(browser, vigil, 't.ben', `#/session/${session}`);
    contexts.push(second);
    const b = second.page;
    await alarm(b, 'temp-severe').and(b.locator('[data-acknowledged=false]')).waitFor();

    const seenByB = b.locator('[data-testid=alarm-banner] [data-testid=alarm][data-rule=temp-severe][data-acknowledged=true]').waitFor({ timeout: 5000 });
    const clicked = Date.now();
    await alarm(a, 'temp-severe').locator('button[data-testid=ack]').click();
    await seenByB;
    const latency = Date.now() - clicked;
    expect(latency).toBeLessThan(1000);
    await alarm(a, 'temp-severe').and(a.locator('[data-acknowledged=true]')).waitFor();
    const open = (await anna.state(session)).state.alarms.find((x) => x.rule === 'temp-severe');
    expect(open).toMatchObject({ acknowledged: true, acknowledgedBy: 't.anna' });
    // Only that one: the others are still waiting.
    expect(await alarm(b, 'sbp-high').getAttribute('data-acknowledged')).toBe('false');

    // B acknowledges everything; A's page follows and the sound stops.
    await b.locator('button[data-testid=ack-all]').click();
    for (const rule of ['temp-hyperthermia', 'sbp-high', 'low-battery']) {
      await alarm(a, rule).and(a.locator('[data-acknowledged=true]')).waitFor({ timeout: 3000 });
    }
    await a.locator('[data-testid=audio][data-sounding=none]').waitFor({ timeout: 3000 });
  });

  test('an 8-hour session: trends, time since dose, live numbers (docs/screenshots/bedside.png)', async () => {
    const hrm = await anna.gateway(LONG_SESSION, 'hrm-1', ['hr']);
    const oximeter = await anna.gateway(LONG_SESSION, 'ox-1', ['spo2']);
    let beat = 0;
    feeds.push(
      new Feed(
        [
          { gateway: hrm, frame: () => frames.heartRate(104 + (beat++ % 3)) },
          { gateway: oximeter, frame: () => frames.spo2(97) },
        ],
        500,
      ),
    );
    // A cuff reading above the systolic limit, twice: a medium alarm for the picture.
    const longCuff = await anna.gateway(LONG_SESSION, 'cuff-1', ['sbp', 'dbp', 'map']);
    await longCuff.send(frames.bloodPressure(168, 94));
    await longCuff.send(frames.bloodPressure(172, 97));
    const page = (await signInPage(browser, vigil, 't.ben', `#/session/${LONG_SESSION}`)).page;
    for (const vital of ['hr', 'spo2', 'bp', 'temp']) await page.locator(`[data-testid=trend-${vital}] canvas`).first().waitFor();
    await page.locator('[data-testid=vital-hr] [data-testid=value]').filter({ hasText: /^\s*10[4-6]\s*$/ }).waitFor();
    await page.locator('[data-testid=vital-spo2] [data-testid=value]').filter({ hasText: exactly('97') }).waitFor();
    const sinceDose = (await page.locator('[data-testid=since-dose]').innerText()).trim();
    expect(sinceDose).not.toMatch(/no dose/i);
    expect(sinceDose).toMatch(/7/); // the simulated dose was about 7½ hours ago
    await page.locator('[data-testid=alarm-banner] [data-testid=alarm][data-rule=sbp-high]').waitFor();
    await page.locator('[data-testid=vital-bp] [data-testid=value]').filter({ hasText: /172/ }).waitFor();
    await page.waitForTimeout(500); // let the charts settle for the picture
    await screenshot(page, 'bedside');
  });
});
