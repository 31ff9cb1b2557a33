// The monitor-view channel against a stand-in hub: who a route addresses, what is pushed to whom, and when.
import { pino } from 'pino';
import { describe, expect, test } from 'vitest';
import type { NotificationMessage } from '../../../services/api/ws-protocol.js';
import type { User } from '../../../services/auth/types.js';
import type { Notification } from '../../../services/core/types.js';
import { parseBackoff } from '../../../services/notify/backoff.js';
import type { ChannelReport, DeliveryJob } from '../../../services/notify/channel.js';
import { HubLink } from '../../../services/notify/hub-link.js';
import { addresses, MonitorViewChannel } from '../../../services/notify/monitor-view-channel.js';
import { notificationMessage } from '../../../services/notify/payload.js';
import { waitFor } from './harness.js';

const lee: User = { username: 'm.lee', roles: ['monitor'] };
const other: User = { username: 'm.other', roles: ['monitor'] };
const anna: User = { username: 't.anna', roles: ['therapist'] };

const NOTIFY: Notification = { type: 'notify', t: 1000, id: 'n-1', contact: 'medical-monitor', level: 1, priority: 'high', alarms: [], reason: 'escalation', acceptBy: 121_000 };

/** A hub with a fixed set of connected users (all following session s-1). */
function hubWith(connected: User[]): { link: HubLink; pushes: Array<{ to: string[]; message: NotificationMessage }> } {
  const link = new HubLink();
  const pushes: Array<{ to: string[]; message: NotificationMessage }> = [];
  link.attach({
    push(session, to, message) {
      const reached = session === 's-1' ? connected.filter(to) : [];
      if (reached.length > 0) pushes.push({ to: reached.map((u) => u.username), message });
      return reached.length;
    },
  });
  return { link, pushes };
}

function job(to: string | undefined, monitors: string[] = []): { job: DeliveryJob; reports: ChannelReport[] } {
  const reports: ChannelReport[] = [];
  return {
    reports,
    job: {
      key: 's-1/n-1/monitor-view',
      channel: 'monitor-view',
      session: { id: 's-1', patient: 'P-001', monitors },
      notification: NOTIFY,
      to,
      message: notificationMessage(NOTIFY, []),
      previous: undefined,
      now: () => 50_000,
      report: (r) => reports.push(r),
    },
  };
}

function channel(link: HubLink): MonitorViewChannel {
  return new MonitorViewChannel('monitor-view', { confirmMs: 80, retry: parseBackoff({ first: '60ms', max: '60ms', factor: 1 }) }, { hub: link, log: pino({ level: 'silent' }) });
}

describe('monitor-view addresses', () => {
  test('monitors: the assigned ones, or every monitor when none is assigned; role:<r>; user:<id>', () => {
    const assigned = addresses('monitors', { monitors: ['m.lee'] });
    expect([lee, other, anna].filter((u) => assigned?.(u) === true)).toEqual([lee]);
    const anyMonitor = addresses(undefined, { monitors: [] });
    expect([lee, other, anna].filter((u) => anyMonitor?.(u) === true)).toEqual([lee, other]);
    const therapists = addresses('role:therapist', { monitors: ['m.lee'] });
    expect([lee, other, anna].filter((u) => therapists?.(u) === true)).toEqual([anna]);
    const one = addresses('user:m.other', { monitors: ['m.lee'] });
    expect([lee, other, anna].filter((u) => one?.(u) === true)).toEqual([other]);
    expect(addresses('pager-17', { monitors: [] })).toBeUndefined();
  });
});

describe('monitor-view channel', () => {
  test('pushes to the addressees only and reports sent', () => {
    const { link, pushes } = hubWith([lee, other, anna]);
    const { job: j, reports } = job('monitors', ['m.lee']);
    const handle = channel(link).deliver(j);
    expect(pushes).toEqual([{ to: ['m.lee'], message: { type: 'notification', session: 's-1', notification: j.message } }]);
    expect(reports).toEqual([{ state: 'sent', attempt: 1 }]);
    handle.confirmed();
  });

  test('an address it cannot resolve is a failure with the reason, not silence', () => {
    const { link } = hubWith([lee]);
    const { job: j, reports } = job('pager-17');
    channel(link).deliver(j);
    expect(reports).toEqual([{ state: 'failed', attempt: 1, reason: 'unknown address "pager-17" (monitors, role:<role> or user:<username>)' }]);
  });

  test('unconfirmed: sent again after confirmWithin, then failed "not confirmed", then retried after the backoff', async () => {
    const { link, pushes } = hubWith([lee]);
    const { job: j, reports } = job('user:m.lee');
    const handle = channel(link).deliver(j);
    await waitFor('the third push', () => (pushes.length >= 3 ? true : undefined));
    expect(reports.slice(0, 2)).toEqual([
      { state: 'sent', attempt: 1 },
      { state: 'failed', attempt: 1, reason: 'not confirmed', retryAt: 50_060 },
    ]);
    handle.end('accepted', undefined);
    const count = pushes.length;
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(pushes).toHaveLength(count); // ended: nothing more
  });

  test('nobody connected: failed at once; an addressee who starts following gets it, someone else does not', () => {
    const connected: User[] = [];
    const { link, pushes } = hubWith(connected);
    const { job: j, reports } = job('monitors', ['m.lee']);
    const handle = channel(link).deliver(j);
    expect(reports).toEqual([{ state: 'failed', attempt: 1, reason: 'no monitor connected', retryAt: 50_060 }]);
    connected.push(other);
    link.followed(other, 's-1');
    expect(pushes).toEqual([]);
    connected.push(lee);
    link.followed(lee, 's-2'); // another session: not this notification's
    expect(pushes).toEqual([]);
    link.followed(lee, 's-1');
    expect(pushes.map((p) => p.to)).toEqual([['m.lee']]);
    expect(reports.at(-1)).toEqual({ state: 'sent', attempt: 2 });
    handle.cancel();
  });

  test('a hub link with no hub attached reaches nobody and refuses receipts', () => {
    const link = new HubLink();
    expect(link.push('s-1', () => true, { type: 'notification', session: 's-1', notification: notificationMessage(NOTIFY, []) })).toBe(0);
    expect(link.receipt(lee, { type: 'receipt', session: 's-1', notification: 'n-1', state: 'read' })).toBe('notifications are not enabled');
  });
});
