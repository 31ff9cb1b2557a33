// After a restart the notifier picks up where the journal says delivery stood: an open notification not yet
// delivered goes out again with the same idempotency key, its attempts counting on; one already delivered
// is left alone.
import { afterAll, expect, test } from 'vitest';
import type { LiveSession } from '../../../services/live/live-session.js';
import { linesOf, raiseHrHigh, Receiver, SECRET, startNotifyService, waitFor, type NotifyService } from './harness.js';

const running: NotifyService[] = [];
let receiver: Receiver;
afterAll(async () => {
  for (const service of running) await service.close(false);
  if (running[0] !== undefined) await running[0].close(true).catch(() => {});
  await receiver.stop();
});

test('an undelivered notification is resumed after a restart with the same key and is delivered once', async () => {
  receiver = await Receiver.start();
  receiver.status = 503;
  const options = {
    users: [['t.anna', ['therapist']]] as Array<[string, ['therapist']]>,
    escalation: { contacts: [{ id: 'medical-monitor', notify: [{ channel: 'pager', to: 'pager-17' }], acceptWithin: '2m' }] },
    channels: { pager: { type: 'webhook', url: receiver.url, secret: SECRET, retry: { first: '50ms', max: '100ms', factor: 2 } } },
  };
  const first = await startNotifyService(options);
  const session = await first.sessions.create({ patient: 'P-020', therapists: ['t.anna'] });
  raiseHrHigh(first, session);
  first.advance(60_000);
  const key = `${session.id}/n-1/pager`;
  await waitFor('two failed attempts', async () => (linesOf(await first.journal(session), 'delivery').filter((l) => l.state === 'failed').length >= 2 ? true : undefined));
  await first.close(false);
  const attemptsBefore = receiver.notifications(key).length;
  const lastBefore = Math.max(...linesOf(await first.journal(session), 'delivery').map((l) => l.attempt ?? 0));

  receiver.status = 200;
  const second = await startNotifyService({ ...options, dataDir: first.dataDir, now: first.now() });
  running.push(second);
  const restored = second.sessions.get(session.id) as LiveSession;
  expect(restored).toBeDefined();
  await waitFor('delivered after the restart', async () => linesOf(await second.journal(restored), 'delivery').find((l) => l.state === 'delivered'));

  const after = receiver.notifications(key).slice(attemptsBefore);
  expect(after).toHaveLength(1);
  expect(after[0]?.headers['idempotency-key']).toBe(key);
  expect(after[0]?.signatureOk).toBe(true);
  expect(after[0]?.body['attempt']).toBe(lastBefore + 1);
  const deliveries = linesOf(await second.journal(restored), 'delivery');
  expect(deliveries.filter((l) => l.state === 'sent')).toHaveLength(1); // sent once, before the restart
  expect(deliveries.at(-1)).toMatchObject({ state: 'delivered', attempt: lastBefore + 1 });
  // the restored session carries on with the notification it had, it does not start another
  expect(linesOf(await second.journal(restored), 'notify').map((n) => n.id)).toEqual(['n-1']);

  // Restarting again: delivered already, nothing goes out.
  await second.close(false);
  running.pop();
  const third = await startNotifyService({ ...options, dataDir: first.dataDir, now: second.now() });
  running.push(third);
  await new Promise((resolve) => setTimeout(resolve, 300));
  expect(receiver.notifications(key).slice(attemptsBefore)).toHaveLength(1);
});
