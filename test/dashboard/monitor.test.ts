// The medical monitor's overview: every session the monitor may read, sorted by severity, live — a session
// whose alarm is raised while the page is open moves above one with none — and a tile opens its bedside view
// (docs/screenshots/monitor.png).
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { Api, Feed, frames, launchBrowser, screenshot, signInPage, startVigil, until, writeOpenJournal, type Vigil } from './harness.js';

let vigil: Vigil;
let browser: Browser;
let maya: Api;
const feeds: Feed[] = [];

beforeAll(async () => {
  [vigil, browser] = await Promise.all([
    startVigil({
      users: [
        ['m.maya', ['monitor']],
        ['t.anna', ['therapist']],
      ],
      prepare: (dataDir) => writeOpenJournal(dataDir, { id: 's-8h-typical', patient: 'P-009', therapists: ['t.anna'], monitors: ['m.maya'], scenario: 'typical', hours: 8, seed: 3 }),
    }),
    launchBrowser(),
  ]);
  maya = await Api.signIn(vigil.base, 'm.maya');
}, 30_000);

afterAll(async () => {
  for (const feed of feeds) feed.stop();
  await browser?.close();
  await vigil?.close();
});

describe('dashboard: overview', () => {
  test('a session with a high alarm is ordered above one with none; a tile opens the bedside view', async () => {
    const first = await maya.session({ patient: 'P-201', room: '1', therapists: ['t.anna'], monitors: ['m.maya'] });
    const second = await maya.session({ patient: 'P-202', room: '3', therapists: ['t.anna'], monitors: ['m.maya'] });
    const strapOf = async (id: string, bpm: number) => ({ gateway: await maya.gateway(id, 'strap-1', ['hr']), frame: () => frames.heartRate(bpm) });
    feeds.push(new Feed([await strapOf(first, 76), await strapOf(second, 81)], 500));

    const { page } = await signInPage(browser, vigil, 'm.maya', '#/');
    const tiles = page.locator('[data-testid=session-tile]');
    const tileOf = (id: string) => page.locator(`[data-testid=session-tile][data-session="${id}"]`);
    await Promise.all([tileOf(first).waitFor(), tileOf(second).waitFor()]);
    const order = (): Promise<string[]> => tiles.evaluateAll((els) => els.map((e) => (e as unknown as { getAttribute(n: string): string | null }).getAttribute('data-session') ?? ''));
    expect(await tileOf(first).getAttribute('data-highest')).toBe('none');
    expect(await tileOf(second).getAttribute('data-highest')).toBe('none');

    // Raise a high alarm in whichever of the two is shown lower now: it must move above the other.
    const before = (await order()).filter((id) => id === first || id === second);
    const lower = before[1] as string;
    const upper = before[0] as string;
    const thermometer = await maya.gateway(lower, 'therm-1', ['temp']);
    await thermometer.send(frames.temperature(40.5));
    await tileOf(lower).and(page.locator('[data-highest=high]')).waitFor();
    const after = await until('the alarmed session to move up', order, (ids) => ids.indexOf(lower) < ids.indexOf(upper), 5000);
    expect(after.indexOf(lower)).toBeLessThan(after.indexOf(upper));
    expect(await tileOf(upper).getAttribute('data-highest')).toBe('none');
    expect(await tileOf(lower).getAttribute('data-escalated')).toBe('false');
    // Every tile below a tile is no more severe than it.
    const rank: Record<string, number> = { high: 3, medium: 2, low: 1, none: 0 };
    const severities = await tiles.evaluateAll((els) => els.map((e) => (e as unknown as { getAttribute(n: string): string | null }).getAttribute('data-highest') ?? ''));
    const ranks = severities.map((s) => rank[s] ?? -1);
    expect(ranks).toEqual([...ranks].sort((x, y) => y - x));

    // A medium alarm elsewhere lands between them (and makes the picture).
    const cuff = await maya.gateway(upper, 'cuff-1', ['sbp', 'dbp', 'map']);
    await cuff.send(frames.bloodPressure(168, 96));
    await cuff.send(frames.bloodPressure(171, 97));
    await tileOf(upper).and(page.locator('[data-highest=medium]')).waitFor();
    await page.waitForTimeout(300);
    await screenshot(page, 'monitor');

    await tileOf(lower).click();
    await page.waitForURL((url) => url.hash === `#/session/${lower}`);
    await page.locator('[data-testid=alarm-banner] [data-testid=alarm][data-rule=temp-severe]').waitFor();
    await page.locator('[data-testid=vital-temp] [data-testid=value]').filter({ hasText: /40\.5/ }).waitFor();
  });
});
