// The session's escalation as the snapshot describes it (services/core/snapshot.ts, EscalationSnapshot), kept
// up to date between snapshots from the journal lines `notify`, `notify-end` and `delivery`
// (docs/notifications.md), changed the way the core's chain (services/core/escalation.ts) changes its own.
// Pure functions over plain data: the bedside, the overview and the replay all use them.
import { notificationStatus } from '../../services/core/delivery-status.js';
import { parseDuration } from '../../services/core/duration.js';
import type { ChannelDelivery, DeliveryReport, EscalationLine, EscalationSnapshot, Notification, NotificationEnd, NotificationStatus, OpenAlarm, PolicyView } from './types.js';

/** What the dashboard knows of the session's policy; without it, `repeatAt` stays unknown (null) until a snapshot. */
export interface EscalationOptions {
  /** the policy's `repeatEvery` in ms (Infinity = never) */
  repeatMs?: number;
}

/** The core's default `repeatEvery` (services/core/escalation-policy.ts). */
const DEFAULT_REPEAT = '10m';

/** Options from a known policy spec (merged over the default policy, as the core compiles it). */
export function escalationOptions(policy: PolicyView): EscalationOptions {
  const repeat = policy.repeatEvery === undefined ? DEFAULT_REPEAT : policy.repeatEvery;
  if (repeat === null) return { repeatMs: Infinity };
  try {
    return { repeatMs: parseDuration(repeat) };
  } catch {
    return {};
  }
}

/** Still to be delivered or answered (not ended). */
export function isOpen(notification: NotificationStatus): boolean {
  return notification.outcome === undefined;
}

/** The notification the chain is at now: the newest one still open, else the newest. */
export function currentNotification(escalation: EscalationSnapshot): NotificationStatus | undefined {
  const list = escalation.notifications;
  for (let i = list.length - 1; i >= 0; i--) if (isOpen(list[i] as NotificationStatus)) return list[i];
  return list[list.length - 1];
}

function repeatAt(t: number, options: EscalationOptions): number | null {
  return options.repeatMs === undefined || !Number.isFinite(options.repeatMs) ? null : t + options.repeatMs;
}

function newNotification(line: Notification): NotificationStatus {
  return {
    id: line.id,
    t: line.t,
    contact: line.contact,
    level: line.level,
    priority: line.priority,
    alarms: [...line.alarms],
    reason: line.reason,
    // absent: the chain waits for this contact
    acceptBy: line.acceptBy ?? null,
    channels: {},
    status: 'pending',
  };
}

function notify(escalation: EscalationSnapshot | null, line: Notification): EscalationSnapshot {
  const fresh = newNotification(line);
  if (escalation === null) {
    return { state: 'notifying', level: line.level, contact: line.contact, alarms: [...line.alarms], startedAt: line.t, acceptBy: fresh.acceptBy, repeatAt: null, notifications: [fresh] };
  }
  // A copy of a line already applied (a snapshot taken after it, then the line again) changes nothing.
  if (escalation.notifications.some((n) => n.id === line.id)) return escalation;
  // The escalation's alarms in the order they joined it; whoever accepted before is still on record.
  const alarms = [...escalation.alarms, ...line.alarms.filter((id) => !escalation.alarms.includes(id))];
  return { ...escalation, state: 'notifying', level: line.level, contact: line.contact, alarms, acceptBy: fresh.acceptBy, repeatAt: null, notifications: [...escalation.notifications, fresh] };
}

/** Closes every open notification with `outcome` at `t`. */
function closeOpen(notifications: readonly NotificationStatus[], t: number, outcome: NotificationStatus['outcome']): NotificationStatus[] {
  return notifications.map((n) => (isOpen(n) ? { ...n, outcome, endedAt: t } : n));
}

/** Someone took it on (any notification of this escalation, even one the chain had left): the chain stops there. */
function accept(escalation: EscalationSnapshot, notification: NotificationStatus, t: number, by: string | undefined, options: EscalationOptions): EscalationSnapshot {
  return {
    ...escalation,
    state: 'accepted',
    level: notification.level,
    contact: notification.contact,
    acceptBy: null,
    acceptedBy: by ?? notification.contact,
    repeatAt: repeatAt(t, options),
    notifications: closeOpen(escalation.notifications, t, 'accepted'),
  };
}

function end(escalation: EscalationSnapshot | null, line: NotificationEnd, options: EscalationOptions): EscalationSnapshot | null {
  if (escalation === null) return null;
  const index = escalation.notifications.findIndex((n) => n.id === line.id);
  const ended = escalation.notifications[index];
  if (ended === undefined || !isOpen(ended)) return escalation;
  if (line.outcome === 'accepted') return accept(escalation, ended, line.t, line.by, options);
  const notifications = [...escalation.notifications];
  notifications[index] = { ...ended, outcome: line.outcome, endedAt: line.t };
  const next: EscalationSnapshot = { ...escalation, notifications };
  const stillOpen = notifications.some(isOpen);
  switch (line.outcome) {
    case 'declined':
    case 'timeout':
      // The chain moves on: the next contact's `notify` follows at once. With nobody left, the round is over.
      if (!stillOpen) return { ...next, state: 'exhausted', acceptBy: null, repeatAt: repeatAt(line.t, options) };
      return next;
    case 'superseded':
      return next;
    case 'resolved':
    case 'session-end':
      return stillOpen ? next : null;
  }
}

function delivery(escalation: EscalationSnapshot | null, line: DeliveryReport, options: EscalationOptions): EscalationSnapshot | null {
  if (escalation === null) return null;
  const index = escalation.notifications.findIndex((n) => n.id === line.notification);
  const target = escalation.notifications[index];
  if (target === undefined) return escalation;
  const report: ChannelDelivery = { state: line.state, t: line.t };
  if (line.attempt !== undefined) report.attempt = line.attempt;
  if (line.by !== undefined) report.by = line.by;
  if (line.reason !== undefined) report.reason = line.reason;
  if (line.retryAt !== undefined) report.retryAt = line.retryAt;
  const channels = { ...target.channels, [line.channel]: report };
  const notifications = [...escalation.notifications];
  const updated: NotificationStatus = { ...target, channels, status: notificationStatus(channels) };
  notifications[index] = updated;
  const next = { ...escalation, notifications };
  // An acceptance stops the chain at once (the notify-end lines that follow find nothing left open). A decline
  // moves it on: that arrives as the notify-end and the next notify.
  return line.state === 'accepted' ? accept(next, updated, line.t, line.by, options) : next;
}

/** One escalation line applied to the session's escalation (a new object when anything changed). */
export function applyEscalationLine(escalation: EscalationSnapshot | null, line: EscalationLine, options: EscalationOptions = {}): EscalationSnapshot | null {
  switch (line.type) {
    case 'notify':
      return notify(escalation, line);
    case 'notify-end':
      return end(escalation, line, options);
    case 'delivery':
      return delivery(escalation, line, options);
  }
}

/**
 * After alarms were acknowledged or closed: once none of the escalation's alarms is still open and
 * unacknowledged, the escalation is over (DESIGN §3) — even with no notification left open to end `resolved`.
 */
export function settleEscalation(escalation: EscalationSnapshot | null, alarms: readonly OpenAlarm[]): EscalationSnapshot | null {
  if (escalation === null) return null;
  const waiting = escalation.alarms.some((id) => alarms.some((a) => a.id === id && !a.acknowledged));
  return waiting ? escalation : null;
}

/** The rule of an alarm instance id (`hr-high#1` → `hr-high`). */
export function ruleOfAlarmId(id: string): string {
  const hash = id.lastIndexOf('#');
  return hash > 0 ? id.slice(0, hash) : id;
}
