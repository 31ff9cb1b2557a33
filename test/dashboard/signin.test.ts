// Sign-in through the page's form, what an engineer may not do, and a lost connection: the offline banner shows
// exactly while the WebSocket is down and the numbers turn to `—` instead of going stale as if live.
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { Api, exactly, frames, launchBrowser, newUserContext, PASSWORD, signInPage, signInThroughForm, startVigil, until, vitalValue, type Vigil } from './harness.js';

let vigil: Vigil;
let browser: Browser;
let api: Api;

beforeAll(async () => {
  [vigil, browser] = await Promise.all([
    startVigil({ users: [['t.anna', ['therapist']], ['e.erik', ['engineer']]] }),
    launchBrowser(),
  ]);
  api = await Api.signIn(vigil.base, 't.anna');
}, 30_000);

afterAll(async () => {
  await browser?.close();
  await vigil?.close();
});

describe('dashboard: sign-in, roles, connection', () => {
  test('sign in through the form; a wrong password shows why and signs nobody in', async () => {
    const context = await newUserContext(browser);
    const page = await context.newPage();
    await page.goto(`${vigil.base}/`);
    // Not signed in: the form instead of the view.
    await signInThroughForm(page, 't.anna', 'not the password');
    const error = page.locator('[data-testid=signin-error]');
    await error.filter({ hasText: /\S/ }).waitFor();
    expect(await error.isVisible()).toBe(true);
    expect((await error.innerText()).trim().length).toBeGreaterThan(3);
    expect(await page.locator('[data-testid=signed-in-as]').filter({ hasText: 't.anna' }).count()).toBe(0);
    expect(await page.locator('form[data-testid=signin]').isVisible()).toBe(true);

    await signInThroughForm(page, 't.anna', PASSWORD);
    await page.locator('[data-testid=signed-in-as]').filter({ hasText: 't.anna' }).waitFor();
    await page.locator('form[data-testid=signin]').waitFor({ state: 'hidden' });
    // The sign-in is a cookie: a reload stays signed in.
    await page.reload();
    await page.locator('[data-testid=signed-in-as]').filter({ hasText: 't.anna' }).waitFor();
    expect(await page.locator('form[data-testid=signin]').isVisible()).toBe(false);
    await context.close();
  });

  test('an engineer sees the alarms of a session but no acknowledge button; the therapist does', async () => {
    const id = await api.session({ patient: 'P-301', therapists: ['t.anna'] });
    const thermometer = await api.gateway(id, 'therm-1', ['temp']);
    await thermometer.send(frames.temperature(40.5)); // temp-severe: high at the first reading
    await until('temp-severe raised', () => api.state(id), (s) => s.state.alarms.some((a) => a.rule === 'temp-severe'));

    const therapist = await signInPage(browser, vigil, 't.anna', `#/session/${id}`);
    const engineer = await signInPage(browser, vigil, 'e.erik', `#/session/${id}`);
    const alarmOf = (page: typeof therapist.page) => page.locator('[data-testid=alarm-banner] [data-testid=alarm][data-rule=temp-severe]');
    await alarmOf(therapist.page).waitFor();
    await alarmOf(engineer.page).waitFor();
    await therapist.page.locator('button[data-testid=ack-all]').waitFor();
    expect(await alarmOf(therapist.page).locator('button[data-testid=ack]').count()).toBe(1);

    expect(await alarmOf(engineer.page).getAttribute('data-acknowledged')).toBe('false');
    expect(await engineer.page.locator('button[data-testid=ack]').count()).toBe(0);
    expect(await engineer.page.locator('button[data-testid=ack-all]').count()).toBe(0);
    await therapist.context.close();
    await engineer.context.close();
  });

  test('losing the connection shows the offline banner and `—` for every number; it goes when the service is back', async () => {
    const id = await api.session({ patient: 'P-302', therapists: ['t.anna'] });
    const strap = await api.gateway(id, 'strap-1', ['hr']);
    await strap.send(frames.heartRate(83));
    const { context, page } = await signInPage(browser, vigil, 't.anna', `#/session/${id}`);
    const offline = page.locator('[data-testid=offline]');
    await page.locator('[data-testid=vital-hr] [data-testid=value]').filter({ hasText: exactly('83') }).waitFor();
    expect(await offline.isVisible()).toBe(false);

    await vigil.kill();
    await offline.waitFor({ state: 'visible', timeout: 10_000 });
    for (const vital of ['hr', 'spo2', 'bp', 'temp'] as const) {
      await page.locator(`[data-testid=vital-${vital}] [data-testid=value]`).filter({ hasText: exactly('—') }).waitFor({ timeout: 3000 });
    }
    expect(await vitalValue(page, 'hr')).toBe('—');

    // Back (same port, same data directory: the session comes back from its journal); the page reconnects.
    await vigil.restart();
    await offline.waitFor({ state: 'hidden', timeout: 20_000 });
    const again = await (await Api.signIn(vigil.base, 't.anna')).gateway(id, 'strap-1', ['hr']);
    await again.send(frames.heartRate(91));
    await page.locator('[data-testid=vital-hr] [data-testid=value]').filter({ hasText: exactly('91') }).waitFor();
    await context.close();
  }, 45_000);
});
