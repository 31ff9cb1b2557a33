// Escalation on screen, against the real service (docs/notifications.md): an unacknowledged high alarm reaches the
// medical monitor's overview as a notification (delivered and read receipts by themselves), Accept makes the
// journal and the bedside say who took it, Decline passes it on to the backup physician, a bedside with nobody
// to tell says so and shows delivery-failed, and an alarm-system failure shows on every view with the high tone
// (docs/screenshots/escalation.png). New sessions escalate high alarms after 2 s (VIGIL_PROFILE); the site's
// policy has a backup physician (the harness's site configuration).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { DeliveryReport, NotificationEnd, RecordingLine } from '../../services/core/types.js';
import { Api, backgroundOf, COLOURS, frames, launchBrowser, screenshot, signInPage, startVigil, tonesOf, until, type Vigil } from './harness.js';

const profileDir = mkdtempSync(join(tmpdir(), 'vigil-profile-'));
const profilePath = join(profileDir, 'fast-escalation.json');
writeFileSync(profilePath, JSON.stringify({ name: 'fast-escalation', extends: 'mdma-session', escalation: { high: '2s', medium: '4s' } }));

const SITE = {
  escalation: {
    contacts: [
      { id: 'medical-monitor', label: 'Medical monitor', notify: [{ channel: 'monitor-view', to: 'monitors' }], acceptWithin: '2m' },
      { id: 'backup-physician', label: 'Backup physician', notify: [{ channel: 'monitor-view', to: 'user:m.bob' }], acceptWithin: '2m' },
    ],
    repeatEvery: '10m',
    groupWithin: '15s',
  },
};

let vigil: Vigil;
let browser: Browser;
let anna: Api;
let maya: Page;
let bob: Page;

beforeAll(async () => {
  [vigil, browser] = await Promise.all([
    startVigil({
      users: [
        ['m.maya', ['monitor']],
        ['m.bob', ['monitor']],
        ['m.carl', ['monitor']],
        ['t.anna', ['therapist']],
        ['e.erik', ['engineer']],
      ],
      env: { VIGIL_PROFILE: profilePath },
      site: SITE,
    }),
    launchBrowser(),
  ]);
  anna = await Api.signIn(vigil.base, 't.anna');
  // The backup physician is browsing a recording: a notification must reach them there too.
  [maya, bob] = await Promise.all([signInPage(browser, vigil, 'm.maya', '#/').then((p) => p.page), signInPage(browser, vigil, 'm.bob', '#/replay').then((p) => p.page)]);
}, 30_000);

afterAll(async () => {
  await browser?.close();
  await vigil?.close();
  rmSync(profileDir, { recursive: true, force: true });
});

const tile = (page: Page, id: string) => page.locator(`[data-testid=session-tile][data-session="${id}"]`);
const panel = (page: Page, id: string) => tile(page, id).locator('[data-testid=escalation]');

/** A started session with a cuff, and a reading of 185/100: bp-crisis (high) at once, nothing else. */
async function crisisSession(patient: string, monitors: string[]): Promise<{ id: string; texts: Map<string, string> }> {
  const id = await anna.session({ patient, therapists: ['t.anna'], monitors });
  const cuff = await anna.gateway(id, 'cuff-1', ['sbp', 'dbp', 'map']);
  await cuff.send(frames.bloodPressure(185, 100));
  const rules = (await anna.call<{ rules: Array<{ id: string; text: string }> }>('GET', `/api/sessions/${id}`)).rules;
  return { id, texts: new Map(rules.map((r) => [r.id, r.text])) };
}

function deliveries(lines: RecordingLine[]): DeliveryReport[] {
  return lines.filter((l): l is DeliveryReport => l.type === 'delivery');
}
function ends(lines: RecordingLine[]): NotificationEnd[] {
  return lines.filter((l): l is NotificationEnd => l.type === 'notify-end');
}

describe('dashboard: escalation', () => {
  test('the medical monitor is notified on the overview, receipts go back by themselves, Accept is recorded and shown at the bedside', async () => {
    const engineer = (await signInPage(browser, vigil, 'e.erik', '#/')).page;
    const { id, texts } = await crisisSession('P-301', ['m.maya']);
    const bedside = (await signInPage(browser, vigil, 't.anna', `#/session/${id}`)).page;

    // 2 s unacknowledged: the notification reaches the addressed monitor's overview, with Accept and Decline.
    const prompt = tile(maya, id).locator('[data-testid=notification]');
    await prompt.locator('[data-testid=accept-notification]').waitFor();
    expect(await prompt.locator('[data-testid=decline-notification]').isVisible()).toBe(true);
    expect(await prompt.innerText()).toContain(texts.get('bp-crisis'));
    const notification = (await prompt.getAttribute('data-notification')) ?? '';
    expect(notification).toMatch(/^n-\d+$/);
    // heard, not only seen: the tone of its priority
    await until('the high tone on the overview', () => tonesOf(maya), (tones) => tones.some((t) => t.priority === 'high'));

    // The tile tells who was notified, at which level, how far it got, the time left and the alarms it carries.
    const escalation = panel(maya, id);
    await escalation.and(maya.locator('[data-state=notifying][data-level="1"]')).waitFor();
    expect(await escalation.getAttribute('data-contact')).toBe('medical-monitor');
    expect(await escalation.locator('[data-testid=escalation-status]').innerText()).toMatch(/^Medical monitor notified/);
    expect(await escalation.locator('[data-testid=escalation-countdown]').innerText()).toMatch(/^[0-2]:\d\d$/);
    const carried = escalation.locator('[data-testid=escalation-alarm]');
    expect(await carried.getAttribute('data-alarm')).toBe('bp-crisis#1');
    expect(await carried.innerText()).toContain(texts.get('bp-crisis'));
    expect(await carried.innerText()).toContain('185');

    // delivered at once, read because the page is visible: both recorded, by the monitor, on this notification.
    const receipts = await until(
      'delivered and read receipts in the journal',
      () => anna.journal(id).then((lines) => deliveries(lines).filter((d) => d.notification === notification && d.channel === 'monitor-view')),
      (found) => found.some((d) => d.state === 'delivered') && found.some((d) => d.state === 'read' && d.by === 'm.maya'),
    );
    expect(receipts.find((d) => d.state === 'read')?.by).toBe('m.maya');
    await escalation.and(maya.locator('[data-status=read]')).waitFor();
    await screenshot(maya, 'escalation');

    // Nobody else is asked: not the engineer, not the therapist at the bedside — but both see who was told.
    await panel(engineer, id).and(engineer.locator('[data-state=notifying]')).waitFor();
    expect(await tile(engineer, id).locator('[data-testid=accept-notification]').count()).toBe(0);
    const line = bedside.locator('[data-testid=escalation-status]');
    await line.filter({ hasText: /Medical monitor notified · read/ }).waitFor();
    expect(await bedside.locator('[data-testid=accept-notification]').count()).toBe(0);

    // One click: accepted by the monitor, in the journal and at the bedside; the buttons are gone.
    await prompt.locator('[data-testid=accept-notification]').click();
    await line.filter({ hasText: 'accepted by m.maya' }).waitFor();
    await escalation.and(maya.locator('[data-state=accepted]')).waitFor();
    expect(await escalation.locator('[data-testid=escalation-status]').innerText()).toContain('accepted by m.maya');
    expect(await tile(maya, id).locator('[data-testid=accept-notification]').count()).toBe(0);
    const journal = await until('the acceptance in the journal', () => anna.journal(id), (lines) => ends(lines).some((e) => e.outcome === 'accepted'));
    expect(ends(journal).find((e) => e.outcome === 'accepted')?.by).toBe('m.maya');
    expect(deliveries(journal).some((d) => d.notification === notification && d.state === 'accepted' && d.by === 'm.maya')).toBe(true);

    // Acknowledged at the bedside: the escalation is over everywhere.
    await bedside.locator('[data-testid=ack-all]').click();
    await bedside.locator('[data-testid=escalation]').waitFor({ state: 'hidden' });
    await escalation.waitFor({ state: 'hidden' });
    await tile(maya, id).and(maya.locator('[data-escalated=false]')).waitFor();
    await Promise.all([engineer.context().close(), bedside.context().close()]);
  });

  test('Decline moves the chain on to the backup physician, who accepts from the replay view', async () => {
    const { id } = await crisisSession('P-302', ['m.maya']);
    const mayaPrompt = tile(maya, id).locator('[data-testid=notification]');
    await mayaPrompt.locator('[data-testid=decline-notification]').click();

    // The backup physician gets it, level 2, on the view they are on; the medical monitor sees where it went and why.
    const bobPrompt = bob.locator(`[data-testid=notifications] [data-session="${id}"] [data-testid=notification]`);
    await bobPrompt.locator('[data-testid=accept-notification]').waitFor();
    expect(await bobPrompt.innerText()).toContain('Backup physician');
    await panel(maya, id).and(maya.locator('[data-level="2"][data-contact=backup-physician]')).waitFor();
    expect(await panel(maya, id).locator('[data-testid=escalation-status]').innerText()).toContain('Backup physician notified — medical monitor declined');
    expect(await tile(maya, id).locator('[data-testid=accept-notification]').count()).toBe(0);
    const declined = await until('the decline in the journal', () => anna.journal(id), (lines) => ends(lines).some((e) => e.outcome === 'declined'));
    expect(deliveries(declined).some((d) => d.state === 'declined' && d.by === 'm.maya')).toBe(true);

    await bobPrompt.locator('[data-testid=accept-notification]').click();
    await panel(maya, id).locator('[data-testid=escalation-status]').filter({ hasText: 'accepted by m.bob' }).waitFor();
    const journal = await until('the acceptance in the journal', () => anna.journal(id), (lines) => ends(lines).some((e) => e.outcome === 'accepted'));
    expect(ends(journal).find((e) => e.outcome === 'accepted')?.by).toBe('m.bob');
    await anna.call('POST', `/api/sessions/${id}/alarms/acknowledge`, {});
  });

  test('with no monitor connected, the bedside says nobody could be reached and shows delivery-failed', async () => {
    const { id, texts } = await crisisSession('P-303', ['m.carl']); // m.carl is not signed in anywhere
    const bedside = (await signInPage(browser, vigil, 't.anna', `#/session/${id}`)).page;
    const line = bedside.locator('[data-testid=escalation-status]');
    await line.filter({ hasText: 'Could not reach the medical monitor — retrying' }).waitFor();
    expect(await line.innerText()).toContain('no monitor connected');
    expect(await bedside.locator('[data-testid=escalation]').getAttribute('data-tone')).toBe('failing');

    // delivery-failed is an ordinary technical alarm: in the banner, with its rule text and its priority colour.
    const failed = bedside.locator('[data-testid=alarm-banner] [data-testid=alarm][data-rule=delivery-failed]');
    await failed.waitFor();
    const priority = (await failed.getAttribute('data-priority')) as keyof typeof COLOURS;
    expect(await failed.evaluate(backgroundOf)).toBe(COLOURS[priority]);
    expect(await failed.innerText()).toContain(texts.get('delivery-failed') ?? 'delivery-failed');
    await anna.call('POST', `/api/sessions/${id}/alarms/acknowledge`, {});
    await bedside.context().close();
  });

  test('an alarm-system failure shows on every view with the high tone, and goes away when the system is well', async () => {
    const id = await anna.session({ patient: 'P-304', therapists: ['t.anna'], monitors: ['m.maya'] });
    const bedside = (await signInPage(browser, vigil, 't.anna', `#/session/${id}`)).page;
    const replay = (await signInPage(browser, vigil, 'e.erik', '#/replay')).page;
    const views: Page[] = [maya, bedside, replay];
    for (const page of views) expect(await page.locator('[data-testid=system-failure]').isVisible()).toBe(false);
    await bedside.locator('[data-testid=alarm-banner]').waitFor();
    const tonesBefore = (await tonesOf(replay)).length;

    // The service stands still for 2 s (every timer, every alarm late): when it runs again it says so.
    await vigil.suspend(2_000);
    for (const page of views) {
      const banner = page.locator('[data-testid=system-failure]');
      await banner.waitFor();
      expect(await banner.getAttribute('role')).toBe('alert');
      expect(await banner.innerText()).toMatch(/ALARM SYSTEM FAILURE/);
      expect(await banner.locator('li').count()).toBeGreaterThan(0);
      // full width: as wide as the page's own shell
      const width = await banner.evaluate((el) => (el as unknown as { getBoundingClientRect(): { width: number } }).getBoundingClientRect().width);
      expect(width).toBeGreaterThan(1200);
    }
    // Even the replay view, which has no alarms of its own, sounds the high-priority tone.
    await until('the high tone on the replay view', () => tonesOf(replay), (tones) => tones.slice(tonesBefore).some((t) => t.priority === 'high'));

    // The service reports the stall for a quiet minute after it, then `ok`: the banner goes.
    for (const page of views) await page.locator('[data-testid=system-failure]').waitFor({ state: 'hidden', timeout: 90_000 });
    await Promise.all([bedside.context().close(), replay.context().close()]);
  }, 120_000);
});
