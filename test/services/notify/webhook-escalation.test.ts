// The "done when", over real HTTP: a high alarm nobody acknowledges reaches a paging system (a real
// local HTTP server) 60 s later, signed; its receipts stop the chain or move it on; while it is down, retries
// follow the backoff and delivery-failed shows at the bedside; when it is back the notification arrives
// exactly once and delivery-failed clears.
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import type { LiveSession } from '../../../services/live/live-session.js';
import type { ChannelDefinitions } from '../../../services/notify/channel-registry.js';
import type { EscalationPolicySpec } from '../../../services/core/escalation-types.js';
import {
  linesOf,
  postReceipt,
  raiseHrHigh,
  Receiver,
  SECRET,
  startNotifyService,
  waitFor,
  type Client,
  type NotifyService,
} from './harness.js';

const POLICY: EscalationPolicySpec = {
  contacts: [
    { id: 'medical-monitor', label: 'Medical monitor', notify: [{ channel: 'pager', to: 'pager-17' }], acceptWithin: '2m' },
    { id: 'backup-physician', label: 'Backup physician', notify: [{ channel: 'pager', to: 'pager-99' }], acceptWithin: '2m' },
  ],
  repeatEvery: '10m',
  groupWithin: '15s',
};

function pagerChannel(url: string): ChannelDefinitions {
  return { pager: { type: 'webhook', url, secretEnv: 'PAGER_SECRET', timeout: '2s', retry: { first: '60ms', max: '240ms', factor: 2 } } };
}

let receiver: Receiver;
let service: NotifyService;
let therapist: Client;

beforeAll(async () => {
  receiver = await Receiver.start();
  service = await startNotifyService({
    users: [['t.anna', ['therapist']], ['m.lee', ['monitor']]],
    escalation: POLICY,
    channels: pagerChannel(receiver.url),
    env: { PAGER_SECRET: SECRET },
  });
  therapist = await service.signIn('t.anna');
});
afterEach(() => {
  receiver.status = 200;
});
afterAll(async () => {
  await service.close();
  await receiver.stop();
});

async function newSession(): Promise<LiveSession> {
  const response = await service.request(therapist, 'POST', '/api/sessions', { patient: 'P-017', room: '2', therapists: ['t.anna'], monitors: ['m.lee'] });
  expect(response.status).toBe(201);
  const { id } = (await response.json()) as { id: string };
  return service.sessions.get(id) as LiveSession;
}

/** Raises hr-high and lets the 60 s escalation delay pass (virtual time). */
function escalate(session: LiveSession): void {
  raiseHrHigh(service, session);
  service.advance(60_000);
}

describe('webhook channel, end to end', () => {
  test('an unacknowledged high alarm reaches the webhook after 60 s, signed; the accepted receipt stops the chain', async () => {
    const session = await newSession();
    const key = `${session.id}/n-1/pager`;
    raiseHrHigh(service, session);
    const raised = linesOf(await service.journal(session), 'alarm').find((a) => a.rule === 'hr-high' && a.state === 'raised');
    expect(raised).toBeDefined();
    service.advance((raised?.t as number) + 59_000 - service.now());
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(receiver.notifications(key)).toHaveLength(0); // not yet: 60 s after the alarm was raised
    service.advance(1_000);

    const [request] = await waitFor('the notification at the receiver', () => (receiver.notifications(key).length > 0 ? receiver.notifications(key) : undefined));
    expect(request?.signatureOk).toBe(true);
    expect(request?.headers['idempotency-key']).toBe(key);
    expect(request?.headers['content-type']).toMatch(/^application\/json/);
    expect(request?.body).toMatchObject({
      type: 'vigil.notification',
      version: 1,
      key,
      notification: 'n-1',
      session: { id: session.id, patient: 'P-017', room: '2' },
      contact: 'medical-monitor',
      to: 'pager-17',
      level: 1,
      priority: 'high',
      reason: 'escalation',
      attempt: 1,
      receipt: { url: `${service.base}/api/notify/receipts`, states: ['delivered', 'read', 'accepted', 'declined'] },
    });
    const alarms = request?.body['alarms'] as Array<Record<string, unknown>>;
    expect(alarms).toHaveLength(1);
    expect(alarms[0]).toMatchObject({ rule: 'hr-high', text: 'Heart rate high', priority: 'high', kind: 'physiological', vital: 'hr', value: 150 });
    expect(typeof alarms[0]?.['raisedAt']).toBe('number');

    // The channel's own outcomes are in the journal: sent, then delivered (a 2xx).
    const delivered = await waitFor('delivered in the journal', async () => {
      const lines = linesOf(await service.journal(session), 'delivery');
      return lines.some((l) => l.state === 'delivered') ? lines : undefined;
    });
    expect(delivered.map((l) => [l.notification, l.channel, l.state, l.attempt])).toEqual([
      ['n-1', 'pager', 'sent', 1],
      ['n-1', 'pager', 'delivered', 1],
    ]);

    const answer = await postReceipt(service.base, { key, state: 'accepted', by: 'dr-m' });
    expect(answer.status).toBe(200);
    expect(await answer.json()).toEqual({ ok: true });
    const lines = await service.journal(session);
    expect(linesOf(lines, 'delivery').at(-1)).toMatchObject({ notification: 'n-1', channel: 'pager', state: 'accepted', by: 'dr-m' });
    expect(linesOf(lines, 'notify-end')).toEqual([expect.objectContaining({ id: 'n-1', outcome: 'accepted', by: 'dr-m' })]);
    expect(session.snapshot().escalation).toMatchObject({ state: 'accepted', acceptedBy: 'dr-m' });

    // Accepted: the backup is not notified when the accept time would have run out.
    service.advance(3 * 60_000);
    expect(linesOf(await service.journal(session), 'notify').filter((n) => n.contact !== 'medical-monitor' || n.reason === 'next-contact')).toEqual([]);
    // The paging system hears that the notification is closed, signed the same way.
    const closed = await waitFor('the closed notice', () => receiver.closed(key)[0]);
    expect(closed.signatureOk).toBe(true);
    expect(closed.body).toMatchObject({ type: 'vigil.notification.closed', key, outcome: 'accepted', by: 'dr-m' });
    expect(closed.headers['idempotency-key']).toBe(`${key}/closed`);
  });

  test('a declined receipt moves the chain to the backup contact at once', async () => {
    const session = await newSession();
    escalate(session);
    const key1 = `${session.id}/n-1/pager`;
    await waitFor('n-1 at the receiver', () => receiver.notifications(key1)[0]);
    const declinedAt = service.now();
    expect((await postReceipt(service.base, { key: key1, state: 'declined', by: 'dr-m' })).status).toBe(200);

    const lines = await service.journal(session);
    expect(linesOf(lines, 'notify-end')).toEqual([expect.objectContaining({ id: 'n-1', outcome: 'declined' })]);
    const next = linesOf(lines, 'notify').find((n) => n.id === 'n-2');
    expect(next).toMatchObject({ contact: 'backup-physician', level: 2, reason: 'next-contact', t: declinedAt });
    const escalated = linesOf(lines, 'alarm').filter((a) => a.state === 'escalated');
    expect(escalated.map((a) => [a.level, a.contact, a.notification])).toEqual([
      [1, 'medical-monitor', 'n-1'],
      [2, 'backup-physician', 'n-2'],
    ]);
    const backup = await waitFor('n-2 at the receiver', () => receiver.notifications(`${session.id}/n-2/pager`)[0]);
    expect(backup.body).toMatchObject({ contact: 'backup-physician', to: 'pager-99', level: 2, reason: 'next-contact' });
    expect(backup.signatureOk).toBe(true);
  });

  test('receiver answering 503: retries follow the backoff, delivery-failed shows at the bedside, then exactly one delivery clears it', async () => {
    const session = await newSession();
    const bedside = await service.connect(therapist, session.id);
    receiver.status = 503;
    escalate(session);
    const key = `${session.id}/n-1/pager`;

    const failed = await waitFor('five failed attempts', async () => {
      const lines = linesOf(await service.journal(session), 'delivery').filter((l) => l.state === 'failed');
      return lines.length >= 5 ? lines : undefined;
    });
    expect(failed.slice(0, 5).map((l) => [l.attempt, l.reason])).toEqual([1, 2, 3, 4, 5].map((n) => [n, 'HTTP 503']));
    // first 60 ms, ×2, at most 240 ms: told in retryAt (session time), kept in real time at the receiver
    expect(failed.slice(0, 5).map((l) => (l.retryAt as number) - l.t)).toEqual([60, 120, 240, 240, 240]);
    const attempts = receiver.notifications(key).slice(0, 5);
    expect(attempts.map((r) => r.body['attempt'])).toEqual([1, 2, 3, 4, 5]);
    expect(new Set(attempts.map((r) => r.headers['idempotency-key']))).toEqual(new Set([key]));
    [60, 120, 240, 240].forEach((delay, i) => expect((attempts[i + 1]?.at as number) - (attempts[i]?.at as number)).toBeGreaterThanOrEqual(delay - 5));

    // delivery-failed is raised and reaches the bedside client like any alarm
    const raised = await waitFor('delivery-failed at the bedside', () =>
      bedside.of('alarm').find((m) => (m['line'] as { rule: string; state: string }).rule === 'delivery-failed' && (m['line'] as { state: string }).state === 'raised'),
    );
    expect(raised['line']).toMatchObject({ rule: 'delivery-failed', kind: 'technical', priority: 'medium' });

    receiver.status = 200;
    await waitFor('delivered', async () => linesOf(await service.journal(session), 'delivery').find((l) => l.state === 'delivered'));
    const cleared = await waitFor('delivery-failed cleared at the bedside', () =>
      bedside.of('alarm').find((m) => (m['line'] as { rule: string; state: string }).rule === 'delivery-failed' && (m['line'] as { state: string }).state === 'cleared'),
    );
    expect(cleared).toBeDefined();
    await new Promise((resolve) => setTimeout(resolve, 600)); // longer than the longest retry delay: nothing more comes
    expect(receiver.notifications(key).filter((r) => r.status === 200)).toHaveLength(1);
    expect(linesOf(await service.journal(session), 'delivery').filter((l) => l.state === 'delivered')).toHaveLength(1);
    await bedside.close();
  });

  test('receiver down (port closed): connection refused, retried, delivered exactly once when it is back', async () => {
    const session = await newSession();
    await receiver.stop();
    escalate(session);
    const key = `${session.id}/n-1/pager`;
    const failed = await waitFor('three refused attempts', async () => {
      const lines = linesOf(await service.journal(session), 'delivery').filter((l) => l.state === 'failed');
      return lines.length >= 3 ? lines : undefined;
    });
    expect(failed.slice(0, 3).map((l) => [l.attempt, l.reason, (l.retryAt as number) - l.t])).toEqual([
      [1, 'connection refused', 60],
      [2, 'connection refused', 120],
      [3, 'connection refused', 240],
    ]);
    expect(session.snapshot().alarms.some((a) => a.rule === 'delivery-failed')).toBe(true);

    await receiver.listen();
    await waitFor('delivered', async () => linesOf(await service.journal(session), 'delivery').find((l) => l.state === 'delivered'));
    await new Promise((resolve) => setTimeout(resolve, 600));
    const received = receiver.notifications(key);
    expect(received).toHaveLength(1); // the first attempt that got through is the only one it saw
    expect(received[0]?.signatureOk).toBe(true);
    expect(received[0]?.body['attempt']).toBeGreaterThan(3);
    await waitFor('delivery-failed cleared', () => (session.snapshot().alarms.some((a) => a.rule === 'delivery-failed' && a.active) ? undefined : true));
  });
});
