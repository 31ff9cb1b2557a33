// "Pair sensor": the page's real BLE adapter (devices/ble/adapter.ts, bundled into the dashboard) on a fake
// navigator.bluetooth injected before the page loads. The fake chest strap sends spec-exact Heart Rate
// Measurement notifications; the page relays the raw frames to the service, which decodes and records them:
// the session's HR changes, in the page and in the service, and the journal holds the very bytes sent.
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { uuid128 } from '../../devices/ble/gatt/uuids.js';
import { FAKE_STRAP_NAME, fakeBluetoothScript, type FakeBle } from './fake-bluetooth.js';
import { Api, exactly, launchBrowser, newUserContext, signInThroughForm, PASSWORD, startVigil, until, type Vigil } from './harness.js';

let vigil: Vigil;
let browser: Browser;
let anna: Api;

beforeAll(async () => {
  [vigil, browser] = await Promise.all([startVigil({ users: [['t.anna', ['therapist']]] }), launchBrowser()]);
  anna = await Api.signIn(vigil.base, 't.anna');
}, 30_000);

afterAll(async () => {
  await browser?.close();
  await vigil?.close();
});

describe('dashboard: pair a sensor', () => {
  test('Web Bluetooth pairing through the real adapter: relayed frames reach the service', async () => {
    const id = await anna.session({ patient: 'P-501', therapists: ['t.anna'] });
    const context = await newUserContext(browser);
    await context.addInitScript({ content: await fakeBluetoothScript() });
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    await page.goto(`${vigil.base}/#/session/${id}`);
    await signInThroughForm(page, 't.anna', PASSWORD);
    await page.locator('[data-testid=signed-in-as]').filter({ hasText: 't.anna' }).waitFor();
    const fake = <T>(call: (ble: FakeBle) => T): Promise<T> =>
      page.evaluate(`(${call.toString()})(globalThis.__fakeBle)`) as Promise<T>;
    expect(await fake((ble) => ble.connected())).toBe(false);

    await page.locator('button[data-testid=pair-sensor]').click();
    // Paired: the status names the device, the adapter subscribed to Heart Rate Measurement (0x2a37).
    await page.locator('[data-testid=pair-status]').filter({ hasText: FAKE_STRAP_NAME }).waitFor();
    await until('the adapter to subscribe', () => fake((ble) => ble.subscribed()), (uuids) => uuids.includes(0x2a37), 5000);
    expect(await fake((ble) => ble.requestedServices())).toContain(uuid128(0x180d));

    // The strap notifies; the page relays; the service decodes.
    let sent = await fake((ble) => ble.heartRate(97));
    expect(sent.delivered).toBe(1);
    const service = await until('HR 97 at the service', () => anna.state(id), (s) => s.state.vitals.hr.value === 97, 5000);
    expect(service.state.vitals.hr.value).toBe(97);
    await page.locator('[data-testid=vital-hr] [data-testid=value]').filter({ hasText: exactly('97') }).waitFor();

    sent = await fake((ble) => ble.heartRate(121));
    await until('HR 121 at the service', () => anna.state(id), (s) => s.state.vitals.hr.value === 121, 5000);
    await page.locator('[data-testid=vital-hr] [data-testid=value]').filter({ hasText: exactly('121') }).waitFor();

    // The journal keeps the raw frame exactly as the strap sent it, with the decoder it was read with.
    const journal = await fetch(`${vigil.base}/api/sessions/${id}/recording`, { headers: { cookie: await cookieOf(context) } }).then((r) => r.text());
    const raws = journal
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { type: string; hex?: string; format?: string; device?: string })
      .filter((l) => l.type === 'raw');
    expect(raws.map((r) => r.hex)).toContain(sent.hex);
    expect(raws.find((r) => r.hex === sent.hex)?.format).toBe('heart-rate-measurement');
    // The page bound the strap as a gateway device; the frames came in under that name, and the bedside view
    // lists it as connected.
    const bound = (await anna.call<{ devices: Array<{ kind: string; device: string }> }>('GET', `/api/sessions/${id}`)).devices;
    const gateway = bound.find((d) => d.kind === 'gateway');
    expect(gateway).toBeDefined();
    expect(raws.find((r) => r.hex === sent.hex)?.device).toBe(gateway?.device);
    await page.locator(`[data-testid=device][data-device="${gateway?.device ?? ''}"][data-state=connected]`).waitFor();
    expect(errors).toEqual([]);
    await context.close();
  });
});

async function cookieOf(context: { cookies(): Promise<Array<{ name: string; value: string }>> }): Promise<string> {
  return (await context.cookies()).map((c) => `${c.name}=${c.value}`).join('; ');
}
