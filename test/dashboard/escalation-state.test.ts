// The dashboard's escalation state (dashboard/src/escalation.ts through SessionModel): the journal lines
// `notify`, `notify-end` and `delivery` applied between snapshots give the escalation the snapshot describes
// (services/core/snapshot.ts), and the words the screens make of it (dashboard/src/escalation-text.ts).
import { describe, expect, test } from 'vitest';
import { notificationStatus } from '../../services/core/delivery-status.js';
import { channelText, contactLabel, escalationLine, fmtCountdown } from '../../dashboard/src/escalation-text.js';
import { SessionModel } from '../../dashboard/src/state.js';
import type { AlarmTransition, DeliveryReport, Notification, NotificationEnd } from '../../services/core/types.js';

const T0 = Date.UTC(2026, 0, 1, 10);
const S = 1000;

function raised(t: number, rule: string, n = 1, priority: 'high' | 'medium' = 'high'): AlarmTransition {
  return { type: 'alarm', t, rule, id: `${rule}#${n}`, vital: 'hr', priority, kind: 'physiological', state: 'raised', value: 142 };
}
function alarmLine(t: number, rule: string, state: AlarmTransition['state'], extra: Partial<AlarmTransition> = {}): AlarmTransition {
  return { type: 'alarm', t, rule, id: `${rule}#1`, vital: 'hr', priority: 'high', kind: 'physiological', state, ...extra };
}
function notify(t: number, id: string, extra: Partial<Notification> = {}): Notification {
  return { type: 'notify', t, id, contact: 'medical-monitor', level: 1, priority: 'high', alarms: ['hr-high#1'], reason: 'escalation', acceptBy: t + 120 * S, ...extra };
}
function delivery(t: number, notification: string, channel: string, state: DeliveryReport['state'], extra: Partial<DeliveryReport> = {}): DeliveryReport {
  return { type: 'delivery', t, notification, channel, state, ...extra };
}
function ended(t: number, id: string, outcome: NotificationEnd['outcome'], by?: string): NotificationEnd {
  return { type: 'notify-end', t, id, outcome, ...(by === undefined ? {} : { by }) };
}

/** A session with hr-high raised at T0 and escalated to the medical monitor 60 s later. */
function escalatedSession(): SessionModel {
  const model = new SessionModel([{ id: 'hr-high', kind: 'threshold', priority: 'high', text: 'Heart rate high', vital: 'hr' }]);
  model.apply(raised(T0, 'hr-high'));
  model.apply(notify(T0 + 60 * S, 'n-1'));
  model.apply(alarmLine(T0 + 60 * S, 'hr-high', 'escalated', { level: 1, contact: 'medical-monitor', notification: 'n-1' }));
  return model;
}

describe('escalation state from journal lines', () => {
  test('a notify line starts the escalation the way the snapshot describes it; escalated transitions still count', () => {
    const model = escalatedSession();
    expect(model.state.escalation).toEqual({
      state: 'notifying',
      level: 1,
      contact: 'medical-monitor',
      alarms: ['hr-high#1'],
      startedAt: T0 + 60 * S,
      acceptBy: T0 + 180 * S,
      repeatAt: null,
      notifications: [
        { id: 'n-1', t: T0 + 60 * S, contact: 'medical-monitor', level: 1, priority: 'high', alarms: ['hr-high#1'], reason: 'escalation', acceptBy: T0 + 180 * S, channels: {}, status: 'pending' },
      ],
    });
    expect(model.state.alarms[0]?.escalations).toBe(1);
  });

  test('deliveries: each channel keeps its latest report; the status is the furthest any channel got, or failed when all fail', () => {
    const model = escalatedSession();
    const status = (): string | undefined => model.state.escalation?.notifications[0]?.status;
    model.apply(delivery(T0 + 60 * S, 'n-1', 'pager', 'failed', { attempt: 1, reason: 'HTTP 503', retryAt: T0 + 61 * S }));
    model.apply(delivery(T0 + 60 * S, 'n-1', 'monitor-view', 'failed', { reason: 'no monitor connected' }));
    expect(status()).toBe('failed');
    model.apply(delivery(T0 + 61 * S, 'n-1', 'pager', 'sent', { attempt: 2 }));
    expect(status()).toBe('sent');
    model.apply(delivery(T0 + 62 * S, 'n-1', 'monitor-view', 'delivered'));
    model.apply(delivery(T0 + 63 * S, 'n-1', 'monitor-view', 'read', { by: 'm.maya' }));
    expect(status()).toBe('read');
    // a late report of less progress on another channel does not undo it
    model.apply(delivery(T0 + 64 * S, 'n-1', 'pager', 'failed', { attempt: 2, reason: 'timeout' }));
    expect(status()).toBe('read');
    expect(model.state.escalation?.notifications[0]?.channels).toEqual({
      pager: { state: 'failed', t: T0 + 64 * S, attempt: 2, reason: 'timeout' },
      'monitor-view': { state: 'read', t: T0 + 63 * S, by: 'm.maya' },
    });
    // a delivery about a notification this session never sent changes nothing
    const before = structuredClone(model.state.escalation);
    model.apply(delivery(T0 + 65 * S, 'n-9', 'pager', 'accepted', { by: 'x' }));
    expect(model.state.escalation).toEqual(before);
  });

  test('accepted: the chain stops and says who; the escalation stays until the alarms are acknowledged', () => {
    const model = escalatedSession();
    model.escalationOptions = { repeatMs: 600 * S };
    model.apply(delivery(T0 + 70 * S, 'n-1', 'monitor-view', 'accepted', { by: 'm.maya' }));
    model.apply(ended(T0 + 70 * S, 'n-1', 'accepted', 'm.maya'));
    const escalation = model.state.escalation;
    expect(escalation?.state).toBe('accepted');
    expect(escalation?.acceptedBy).toBe('m.maya');
    expect(escalation?.acceptBy).toBeNull();
    expect(escalation?.repeatAt).toBe(T0 + 670 * S);
    expect(escalation?.notifications[0]).toMatchObject({ status: 'accepted', outcome: 'accepted', endedAt: T0 + 70 * S });
    model.apply(alarmLine(T0 + 90 * S, 'hr-high', 'acknowledged', { by: 't.anna' }));
    expect(model.state.escalation).toBeNull();
  });

  test('declined moves on to the next contact; timeout with nobody left exhausts the chain; a new round notifies again', () => {
    const model = escalatedSession();
    model.apply(delivery(T0 + 70 * S, 'n-1', 'monitor-view', 'declined', { by: 'm.maya' }));
    model.apply(ended(T0 + 70 * S, 'n-1', 'declined'));
    model.apply(notify(T0 + 70 * S, 'n-2', { contact: 'backup-physician', level: 2, reason: 'next-contact', acceptBy: T0 + 190 * S }));
    let escalation = model.state.escalation;
    expect(escalation).toMatchObject({ state: 'notifying', level: 2, contact: 'backup-physician', acceptBy: T0 + 190 * S, startedAt: T0 + 60 * S });
    expect(escalation?.notifications.map((n) => [n.id, n.outcome])).toEqual([
      ['n-1', 'declined'],
      ['n-2', undefined],
    ]);
    model.apply(ended(T0 + 190 * S, 'n-2', 'timeout'));
    escalation = model.state.escalation;
    expect(escalation?.state).toBe('exhausted');
    expect(escalation?.acceptBy).toBeNull();
    model.apply(notify(T0 + 790 * S, 'n-3', { reason: 'escalation', acceptBy: T0 + 910 * S }));
    expect(model.state.escalation).toMatchObject({ state: 'notifying', level: 1, contact: 'medical-monitor', acceptBy: T0 + 910 * S });
  });

  test('an update supersedes the previous notification and adds its alarms; resolved with nothing open ends the escalation', () => {
    const model = escalatedSession();
    model.apply(raised(T0 + 65 * S, 'spo2-low'));
    model.apply(notify(T0 + 80 * S, 'n-2', { reason: 'update', alarms: ['spo2-low#1', 'hr-high#1'], replaces: 'n-1', acceptBy: T0 + 180 * S }));
    model.apply(ended(T0 + 80 * S, 'n-1', 'superseded'));
    expect(model.state.escalation).toMatchObject({ state: 'notifying', alarms: ['hr-high#1', 'spo2-low#1'] }); // in the order they joined
    expect(model.state.escalation?.notifications.map((n) => n.outcome)).toEqual(['superseded', undefined]);
    model.apply(ended(T0 + 100 * S, 'n-2', 'resolved'));
    expect(model.state.escalation).toBeNull();
  });

  test('the escalation is over once every alarm it carries is acknowledged or closed, and at the session end', () => {
    const model = escalatedSession();
    model.apply(raised(T0 + 65 * S, 'spo2-low'));
    model.apply(notify(T0 + 80 * S, 'n-2', { reason: 'update', alarms: ['spo2-low#1', 'hr-high#1'], replaces: 'n-1' }));
    model.apply(alarmLine(T0 + 90 * S, 'hr-high', 'acknowledged', { by: 't.anna' }));
    expect(model.state.escalation).not.toBeNull(); // spo2-low still waits
    model.apply({ ...alarmLine(T0 + 95 * S, 'spo2-low', 'cleared'), id: 'spo2-low#1', reason: 'alarm-off' });
    expect(model.state.escalation).toBeNull();

    const other = escalatedSession();
    other.apply({ type: 'event', t: T0 + 100 * S, event: 'session-end' });
    expect(other.state.escalation).toBeNull();
  });

  test('a line already in a snapshot is not applied twice; lines before an action answer are skipped', () => {
    const model = escalatedSession();
    const snapshot = structuredClone(model.state);
    model.loadSnapshot(snapshot);
    model.apply(notify(T0 + 60 * S, 'n-1'));
    expect(model.state.escalation?.notifications).toHaveLength(1);
    model.loadState({ ...structuredClone(snapshot), now: T0 + 200 * S });
    model.apply(ended(T0 + 100 * S, 'n-1', 'accepted', 'm.maya'));
    expect(model.state.escalation?.state).toBe('notifying');
  });

  test('notificationStatus: pending with no report; an acceptance outranks a decline on another channel', () => {
    expect(notificationStatus({})).toBe('pending');
    expect(notificationStatus({ a: { state: 'declined', t: 1 }, b: { state: 'read', t: 1 } })).toBe('declined');
    expect(notificationStatus({ a: { state: 'declined', t: 1 }, b: { state: 'accepted', t: 2 } })).toBe('accepted');
  });
});

describe('escalation in words', () => {
  const NOW = T0 + 100 * S;

  test('contact labels: the policy label, else the id made readable', () => {
    expect(contactLabel('medical-monitor')).toBe('Medical monitor');
    expect(contactLabel('backup-physician', new Map([['backup-physician', 'Dr on call']]))).toBe('Dr on call');
    expect(fmtCountdown(92_400)).toBe('1:33');
    expect(fmtCountdown(-5)).toBe('0:00');
  });

  test('notifying, delivered, accepted', () => {
    const model = escalatedSession();
    const line = () => escalationLine(model.state.escalation ?? assertNever(), NOW);
    expect(line()).toEqual({ text: 'Medical monitor notified · sending', timing: '40 s ago', acceptLeft: '1:20', tone: 'waiting' });
    model.apply(delivery(T0 + 61 * S, 'n-1', 'monitor-view', 'delivered'));
    expect(line().text).toBe('Medical monitor notified · delivered');
    model.apply(delivery(T0 + 70 * S, 'n-1', 'monitor-view', 'accepted', { by: 'dr-m' }));
    model.apply(ended(T0 + 70 * S, 'n-1', 'accepted', 'dr-m'));
    expect(line()).toEqual({ text: 'Medical monitor notified · accepted by dr-m', timing: '40 s ago', acceptLeft: null, tone: 'ok' });
  });

  test('nobody reachable: the reasons; declined: the next contact and why', () => {
    const model = escalatedSession();
    model.apply(delivery(T0 + 60 * S, 'n-1', 'monitor-view', 'failed', { reason: 'no monitor connected', attempt: 1, retryAt: T0 + 130 * S }));
    expect(escalationLine(model.state.escalation ?? assertNever(), NOW)).toMatchObject({ text: 'Could not reach the medical monitor — retrying (monitor-view: no monitor connected)', tone: 'failing' });
    const report = model.state.escalation?.notifications[0]?.channels['monitor-view'];
    expect(channelText('monitor-view', report ?? assertNever(), NOW)).toBe('monitor-view: failed — no monitor connected (attempt 1, retrying in 0:30)');

    model.apply(ended(T0 + 90 * S, 'n-1', 'declined'));
    model.apply(notify(T0 + 90 * S, 'n-2', { contact: 'backup-physician', level: 2, reason: 'next-contact' }));
    expect(escalationLine(model.state.escalation ?? assertNever(), NOW).text).toBe('Backup physician notified — medical monitor declined · sending');
    model.apply(ended(T0 + 210 * S, 'n-2', 'timeout'));
    expect(escalationLine(model.state.escalation ?? assertNever(), NOW)).toMatchObject({ text: 'Nobody accepted — medical monitor, backup physician were notified', tone: 'failing' });
  });
});

function assertNever(): never {
  throw new Error('expected a value');
}
