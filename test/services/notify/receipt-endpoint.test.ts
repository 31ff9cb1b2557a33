// POST /api/notify/receipts: signed with the channel's secret over the raw body; anything unsigned, stale,
// unknown or malformed is refused with the right status and changes nothing; a repeat is harmless.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { LiveSession } from '../../../services/live/live-session.js';
import { sign } from '../../../services/notify/signature.js';
import { linesOf, postReceipt, raiseHrHigh, Receiver, SECRET, startNotifyService, waitFor, type NotifyService } from './harness.js';

let receiver: Receiver;
let service: NotifyService;
let session: LiveSession;
let key: string;

beforeAll(async () => {
  receiver = await Receiver.start();
  service = await startNotifyService({
    users: [['t.anna', ['therapist']]],
    escalation: { contacts: [{ id: 'medical-monitor', notify: [{ channel: 'pager', to: 'pager-17' }, { channel: 'monitor-view' }], acceptWithin: '2m' }] },
    channels: { pager: { type: 'webhook', url: receiver.url, secretEnv: 'PAGER_SECRET' } },
    env: { PAGER_SECRET: SECRET },
  });
  session = await service.sessions.create({ patient: 'P-030', therapists: ['t.anna'] });
  raiseHrHigh(service, session);
  service.advance(60_000);
  key = `${session.id}/n-1/pager`;
  await waitFor('n-1 delivered to the pager', async () => linesOf(await service.journal(session), 'delivery').find((l) => l.channel === 'pager' && l.state === 'delivered'));
});
afterAll(async () => {
  await service.close();
  await receiver.stop();
});

async function receipts(): Promise<Array<{ state: string; by?: string }>> {
  return linesOf(await service.journal(session), 'delivery').filter((l) => l.channel === 'pager' && l.state !== 'sent' && l.state !== 'delivered');
}

describe('signature', () => {
  test('missing, wrong, tampered or stale signatures are 401 and change nothing', async () => {
    const body = { key, state: 'read', by: 'dr-m' };
    const raw = JSON.stringify(body);
    const cases: Array<[string, Promise<Response>]> = [
      ['missing', postReceipt(service.base, body, { signature: null })],
      ['wrong secret', postReceipt(service.base, body, { secret: 'another-secret-0123456789' })],
      ['tampered', postReceipt(service.base, body, { signature: sign(SECRET, raw.replace('read', 'accepted')) })],
      ['stale', postReceipt(service.base, body, { t: Date.now() - 6 * 60_000 })],
      ['from the future', postReceipt(service.base, body, { t: Date.now() + 6 * 60_000 })],
      ['garbage', postReceipt(service.base, body, { signature: 't=abc,v1=zz' })],
    ];
    for (const [what, pending] of cases) {
      const response = await pending;
      expect(response.status, what).toBe(401);
      expect(((await response.json()) as { error: string }).error, what).toBe('bad-signature');
    }
    expect(await receipts()).toEqual([]);
  });

  test('a signature within 5 minutes is accepted', async () => {
    const response = await postReceipt(service.base, { key, state: 'read', by: 'dr-m' }, { t: Date.now() - 4 * 60_000 });
    expect(response.status).toBe(200);
    expect((await receipts()).map((r) => r.state)).toEqual(['read']);
  });
});

describe('keys and bodies', () => {
  test('an unknown channel, session or notification is 404; a channel without signed receipts too', async () => {
    for (const unknown of [`${session.id}/n-1/fax`, `s-nobody/n-1/pager`, `${session.id}/n-99/pager`, `${session.id}/n-1/monitor-view`]) {
      const response = await postReceipt(service.base, { key: unknown, state: 'accepted' });
      expect(response.status, unknown).toBe(404);
    }
  });

  test('bad bodies are 400 (signed or not, nothing changes)', async () => {
    const bodies: unknown[] = [
      { key, state: 'maybe' },
      { key, state: 'failed' },
      { key },
      { key, state: 'accepted', extra: 1 },
      { key, state: 'accepted', by: '' },
      { key: 'not-a-key', state: 'accepted' },
      { state: 'accepted' },
      [key],
      '{"key":',
    ];
    for (const body of bodies) {
      const response = await postReceipt(service.base, body);
      expect(response.status, JSON.stringify(body)).toBe(400);
    }
    expect((await receipts()).map((r) => r.state)).toEqual(['read']);
    const health = await service.request(undefined, 'GET', '/api/health');
    expect(health.status).toBe(200);
  });

  test('repeating a receipt is harmless: one delivery line, 200 each time', async () => {
    for (let i = 0; i < 3; i++) {
      const response = await postReceipt(service.base, { key, state: 'accepted', by: 'dr-m' });
      expect(response.status).toBe(200);
      expect(await response.json()).toEqual({ ok: true });
    }
    // an older state after a newer one is a repeat too
    expect((await postReceipt(service.base, { key, state: 'delivered', by: 'dr-m' })).status).toBe(200);
    const states = (await receipts()).map((r) => [r.state, r.by]);
    expect(states).toEqual([
      ['read', 'dr-m'],
      ['accepted', 'dr-m'],
    ]);
    expect(linesOf(await service.journal(session), 'notify-end')).toEqual([expect.objectContaining({ id: 'n-1', outcome: 'accepted' })]);
  });

  test('the endpoint is listed in the OpenAPI document', async () => {
    const response = await service.request(undefined, 'GET', '/docs/json');
    const document = (await response.json()) as { paths: Record<string, { post?: { tags?: string[] } }> };
    expect(document.paths['/api/notify/receipts']?.post?.tags).toEqual(['notifications']);
  });
});
