// The monitor view over a real WebSocket: the medical monitor's client gets the notification and confirms it;
// an unconfirmed one is sent again and then counts as failed; nobody connected is a failure at once and the
// notification follows the monitor when they connect; receipts from anyone else are refused.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { LiveSession } from '../../../services/live/live-session.js';
import { linesOf, raiseHrHigh, startNotifyService, waitFor, type Client, type NotifyService, type WsClient, type WsMessage } from './harness.js';

let service: NotifyService;
let therapist: Client;
let monitor: Client;
let otherMonitor: Client;
const open: WsClient[] = [];

beforeAll(async () => {
  service = await startNotifyService({
    users: [
      ['t.anna', ['therapist']],
      ['m.lee', ['monitor']],
      ['m.other', ['monitor']],
    ],
    channels: { 'monitor-view': { type: 'monitor-view', confirmWithin: '300ms', retry: { first: '200ms', max: '400ms', factor: 2 } } },
  });
  therapist = await service.signIn('t.anna');
  monitor = await service.signIn('m.lee');
  otherMonitor = await service.signIn('m.other');
});
afterAll(async () => {
  for (const client of open) await client.close();
  await service.close();
});

async function connect(client: Client, session: string): Promise<WsClient> {
  const ws = await service.connect(client, session);
  open.push(ws);
  return ws;
}

function escalate(session: LiveSession): void {
  raiseHrHigh(service, session);
  service.advance(60_000);
}

const notificationsOf = (client: WsClient, id = 'n-1'): WsMessage[] =>
  client.of('notification').filter((m) => (m['notification'] as { id: string }).id === id);

const viewDeliveries = async (session: LiveSession): Promise<Array<{ state: string; attempt?: number; by?: string; reason?: string; t: number; retryAt?: number }>> =>
  linesOf(await service.journal(session), 'delivery').filter((l) => l.channel === 'monitor-view');

describe('monitor-view channel', () => {
  test("the assigned monitor's client gets the notification, confirms it, accepts it; others get nothing and cannot answer", async () => {
    const session = await service.sessions.create({ patient: 'P-040', therapists: ['t.anna'], monitors: ['m.lee'] });
    const lee = await connect(monitor, session.id);
    const other = await connect(otherMonitor, session.id);
    const bedside = await connect(therapist, session.id);
    escalate(session);

    const [message] = await waitFor('the notification at the monitor', () => (notificationsOf(lee).length > 0 ? notificationsOf(lee) : undefined));
    expect(message).toMatchObject({
      type: 'notification',
      session: session.id,
      notification: { id: 'n-1', contact: 'medical-monitor', level: 1, priority: 'high', reason: 'escalation' },
    });
    expect(message?.['seq']).toBeUndefined(); // targeted, not numbered
    expect((message?.['notification'] as { alarms: unknown[] }).alarms).toEqual([
      expect.objectContaining({ id: 'hr-high#1', rule: 'hr-high', text: 'Heart rate high', priority: 'high', kind: 'physiological', vital: 'hr', value: 150 }),
    ]);
    expect((await viewDeliveries(session)).map((d) => [d.state, d.attempt])).toEqual([['sent', 1]]);

    // someone who is not an addressee: not sent, and their receipt is refused
    expect(notificationsOf(other)).toEqual([]);
    other.send({ type: 'receipt', session: session.id, notification: 'n-1', state: 'accepted' });
    const refused = await waitFor('the refusal', () => other.of('error')[0]);
    expect(refused).toMatchObject({ code: 'refused' });
    expect(other.socket.readyState).toBe(other.socket.OPEN);

    lee.send({ type: 'receipt', session: session.id, notification: 'n-1', state: 'delivered' });
    await waitFor('delivered', async () => (await viewDeliveries(session)).find((d) => d.state === 'delivered'));
    lee.send({ type: 'receipt', session: session.id, notification: 'n-1', state: 'read' });
    lee.send({ type: 'receipt', session: session.id, notification: 'n-1', state: 'delivered' }); // a repeat
    lee.send({ type: 'receipt', session: session.id, notification: 'n-1', state: 'accepted' });
    await waitFor('accepted', async () => linesOf(await service.journal(session), 'notify-end').find((e) => e.outcome === 'accepted'));
    expect((await viewDeliveries(session)).map((d) => [d.state, d.by])).toEqual([
      ['sent', undefined],
      ['delivered', 'm.lee'],
      ['read', 'm.lee'],
      ['accepted', 'm.lee'],
    ]);
    expect(session.snapshot().escalation).toMatchObject({ state: 'accepted', acceptedBy: 'm.lee' });
    expect(lee.of('error')).toEqual([]);

    // the escalation's journal lines reach the bedside like every other line, numbered
    const forwarded = await waitFor('notify, delivery and notify-end at the bedside', () => {
      const types = new Set(bedside.messages.filter((m) => typeof m['seq'] === 'number').map((m) => m.type));
      return types.has('notify') && types.has('delivery') && types.has('notify-end') ? bedside.messages : undefined;
    });
    expect(forwarded.find((m) => m.type === 'notify')?.['line']).toMatchObject({ id: 'n-1', contact: 'medical-monitor' });
    expect(notificationsOf(bedside)).toEqual([]); // the therapist is not the addressee
  });

  test('an unconfirmed notification is sent again, then counts as failed (delivery-failed) and is retried until confirmed', async () => {
    const session = await service.sessions.create({ patient: 'P-041', therapists: ['t.anna'], monitors: ['m.lee'] });
    const lee = await connect(monitor, session.id);
    escalate(session);

    await waitFor('a second send', () => (notificationsOf(lee).length >= 2 ? true : undefined));
    const failed = await waitFor('a failed attempt', async () => (await viewDeliveries(session)).find((d) => d.state === 'failed'));
    expect(failed).toMatchObject({ attempt: 1, reason: 'not confirmed' });
    expect((failed.retryAt as number) - failed.t).toBe(200);
    expect(session.snapshot().escalation?.notifications[0]?.status).toBe('failed');
    expect(session.snapshot().alarms.find((a) => a.rule === 'delivery-failed')).toMatchObject({ active: true });
    // the next attempt after the backoff
    await waitFor('a third send', () => (notificationsOf(lee).length >= 3 ? true : undefined));

    lee.send({ type: 'receipt', session: session.id, notification: 'n-1', state: 'delivered' });
    await waitFor('delivered', async () => (await viewDeliveries(session)).find((d) => d.state === 'delivered'));
    await waitFor('delivery-failed cleared', () => (session.snapshot().alarms.some((a) => a.rule === 'delivery-failed' && a.active) ? undefined : true));
    const sends = notificationsOf(lee).length;
    await new Promise((resolve) => setTimeout(resolve, 800)); // past the confirmation window and the backoff
    expect(notificationsOf(lee)).toHaveLength(sends); // confirmed: not sent again
    expect((await viewDeliveries(session)).filter((d) => d.state === 'sent')).toHaveLength(1);
  });

  test('no monitor connected is a failure at once; the monitor who connects gets it and confirms it', async () => {
    // no monitors assigned: every user with the monitor role is an addressee
    const session = await service.sessions.create({ patient: 'P-042', therapists: ['t.anna'] });
    escalate(session);
    const failed = await waitFor('the failure', async () => (await viewDeliveries(session))[0]);
    expect(failed).toMatchObject({ state: 'failed', attempt: 1, reason: 'no monitor connected' });
    await waitFor('delivery-failed', () => session.snapshot().alarms.find((a) => a.rule === 'delivery-failed' && a.active));

    const other = await connect(otherMonitor, session.id);
    const [pushed] = await waitFor('the notification on connect', () => (notificationsOf(other).length > 0 ? notificationsOf(other) : undefined));
    expect(pushed).toMatchObject({ session: session.id, notification: { id: 'n-1' } });
    other.send({ type: 'receipt', session: session.id, notification: 'n-1', state: 'delivered' });
    await waitFor('delivered', async () => (await viewDeliveries(session)).find((d) => d.state === 'delivered' && d.by === 'm.other'));
    await waitFor('delivery-failed cleared', () => (session.snapshot().alarms.some((a) => a.rule === 'delivery-failed' && a.active) ? undefined : true));
  });

  test('bad receipts get an error and the connection stays up', async () => {
    const session = await service.sessions.create({ patient: 'P-043', therapists: ['t.anna'], monitors: ['m.lee'] });
    const lee = await connect(monitor, session.id);
    const bad: Array<[unknown, string]> = [
      [{ type: 'receipt', session: session.id, notification: 'n-1' }, 'bad-message'],
      [{ type: 'receipt', session: session.id, notification: 'n-1', state: 'failed' }, 'bad-message'],
      [{ type: 'receipt', session: session.id, notification: '../n-1', state: 'read' }, 'bad-message'],
      [{ type: 'receipt', session: session.id, notification: 'n-1', state: 'read', by: 'someone-else' }, 'bad-message'],
      [{ type: 'receipt', notification: 'n-1', state: 'read' }, 'bad-message'],
      [{ type: 'receipt', session: session.id, notification: 'n-7', state: 'read' }, 'refused'],
      [{ type: 'receipt', session: 's-elsewhere', notification: 'n-1', state: 'read' }, 'refused'],
    ];
    for (const [message, code] of bad) {
      const before = lee.of('error').length;
      lee.send(message);
      const error = await waitFor(`an error for ${JSON.stringify(message)}`, () => lee.of('error')[before]);
      expect(error['code'], JSON.stringify(message)).toBe(code);
    }
    expect(lee.socket.readyState).toBe(lee.socket.OPEN);
    expect(await viewDeliveries(session)).toEqual([]);
  });
});
