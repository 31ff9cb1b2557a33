// The webhook channel on its own, with synthetic notifications and a real local HTTP receiver: what it posts,
// how it reports, how it retries, times out, stops and says "closed".
import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Notification } from '../../../services/core/types.js';
import type { ChannelReport, DeliveryJob } from '../../../services/notify/channel.js';
import { parseBackoff } from '../../../services/notify/backoff.js';
import { notificationMessage } from '../../../services/notify/payload.js';
import { WebhookChannel } from '../../../services/notify/webhook-channel.js';
import { Receiver, SECRET, waitFor } from './harness.js';

const NOTIFY: Notification = {
  type: 'notify',
  t: 1_767_230_000_000,
  id: 'n-3',
  contact: 'medical-monitor',
  level: 1,
  priority: 'high',
  alarms: ['temp-high#1'],
  reason: 'escalation',
  acceptBy: 1_767_230_120_000,
};

function makeJob(previous?: DeliveryJob['previous']): { job: DeliveryJob; reports: ChannelReport[] } {
  const reports: ChannelReport[] = [];
  const job: DeliveryJob = {
    key: 's-9/n-3/pager',
    channel: 'pager',
    session: { id: 's-9', patient: 'P-009', monitors: [], simulated: true },
    notification: NOTIFY,
    to: 'pager-17',
    message: notificationMessage(NOTIFY, [{ id: 'temp-high#1', rule: 'temp-high', text: 'Temperature high', priority: 'high', kind: 'physiological', vital: 'temp', value: 39.2, raisedAt: NOTIFY.t - 60_000 }]),
    previous,
    now: () => 5_000,
    report: (report) => reports.push(report),
  };
  return { job, reports };
}

function channel(url: string, timeout = 2_000): WebhookChannel {
  return new WebhookChannel(
    'pager',
    { url, secret: SECRET, timeoutMs: timeout, retry: parseBackoff({ first: '40ms', max: '80ms', factor: 2 }) },
    { log: pino({ level: 'silent' }), receiptUrl: () => 'https://vigil.clinic/api/notify/receipts' },
  );
}

let receiver: Receiver;
beforeAll(async () => {
  receiver = await Receiver.start();
});
afterAll(async () => receiver.stop());

describe('webhook channel', () => {
  test('posts the notification signed, reports sent then delivered, and "closed" when it ends', async () => {
    const { job, reports } = makeJob();
    const handle = channel(receiver.url).deliver(job);
    await waitFor('delivered', () => reports.find((r) => r.state === 'delivered'));
    expect(reports).toEqual([
      { state: 'sent', attempt: 1 },
      { state: 'delivered', attempt: 1 },
    ]);
    const [posted] = receiver.notifications('s-9/n-3/pager');
    expect(posted?.signatureOk).toBe(true);
    expect(posted?.body).toEqual({
      type: 'vigil.notification',
      version: 1,
      key: 's-9/n-3/pager',
      notification: 'n-3',
      session: { id: 's-9', patient: 'P-009', simulated: true },
      contact: 'medical-monitor',
      to: 'pager-17',
      level: 1,
      priority: 'high',
      reason: 'escalation',
      t: NOTIFY.t,
      acceptBy: NOTIFY.acceptBy,
      attempt: 1,
      alarms: [{ id: 'temp-high#1', rule: 'temp-high', text: 'Temperature high', priority: 'high', kind: 'physiological', vital: 'temp', value: 39.2, raisedAt: NOTIFY.t - 60_000 }],
      receipt: { url: 'https://vigil.clinic/api/notify/receipts', states: ['delivered', 'read', 'accepted', 'declined'] },
    });

    handle.end('resolved', undefined);
    const closed = await waitFor('closed', () => receiver.closed('s-9/n-3/pager')[0]);
    expect(closed.signatureOk).toBe(true);
    expect(closed.body).toEqual({ type: 'vigil.notification.closed', version: 1, key: 's-9/n-3/pager', notification: 'n-3', session: { id: 's-9' }, outcome: 'resolved', t: 5_000 });
    expect(reports).toHaveLength(2); // the closed notice is not a delivery report
  });

  test('a receipt (confirmed) stops the retries; cancel stops without a closed notice', async () => {
    receiver.requests.length = 0;
    receiver.status = 500;
    const { job, reports } = makeJob();
    const handle = channel(receiver.url).deliver(job);
    await waitFor('two failures', () => (reports.filter((r) => r.state === 'failed').length >= 2 ? true : undefined));
    expect(reports.filter((r) => r.state === 'failed').map((r) => [r.attempt, r.reason, (r.retryAt as number) - 5_000])).toEqual([
      [1, 'HTTP 500', 40],
      [2, 'HTTP 500', 80],
    ]);
    handle.confirmed();
    const seen = receiver.notifications().length;
    await new Promise((resolve) => setTimeout(resolve, 250));
    expect(receiver.notifications()).toHaveLength(seen);
    handle.cancel();
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(receiver.closed()).toEqual([]);
    receiver.status = 200;
  });

  test('a restart continues the attempt count and does not report sent again', async () => {
    receiver.requests.length = 0;
    const { job, reports } = makeJob({ state: 'failed', t: 1, attempt: 4, by: undefined, reason: 'HTTP 503', retryAt: 2 });
    channel(receiver.url).deliver(job);
    await waitFor('delivered', () => reports.find((r) => r.state === 'delivered'));
    expect(reports).toEqual([{ state: 'delivered', attempt: 5 }]);
    expect(receiver.notifications()[0]?.body['attempt']).toBe(5);
  });

  test('a receiver that does not answer in time is a timeout; a redirect is not a delivery', async () => {
    const silent: Server = createServer(() => {}); // takes the request, never answers
    silent.listen(0, '127.0.0.1');
    await once(silent, 'listening');
    const redirect: Server = createServer((_request, response) => response.writeHead(302, { location: 'http://example.invalid/' }).end());
    redirect.listen(0, '127.0.0.1');
    await once(redirect, 'listening');
    try {
      const slow = makeJob();
      const slowHandle = channel(`http://127.0.0.1:${(silent.address() as AddressInfo).port}/`, 150).deliver(slow.job);
      const timedOut = await waitFor('a timeout', () => slow.reports.find((r) => r.state === 'failed'));
      expect(timedOut).toMatchObject({ attempt: 1, reason: 'timeout after 0.15 s' });
      slowHandle.cancel();

      const moved = makeJob();
      const movedHandle = channel(`http://127.0.0.1:${(redirect.address() as AddressInfo).port}/`).deliver(moved.job);
      expect(await waitFor('a failure', () => moved.reports.find((r) => r.state === 'failed'))).toMatchObject({ reason: 'HTTP 302' });
      movedHandle.cancel();
    } finally {
      silent.closeAllConnections();
      silent.close();
      redirect.close();
    }
  });
});
