// The session's escalation as the snapshot describes it (services/core/snapshot.ts, EscalationSnapshot), kept
// up to date between snapshots from the journal lines `notify`, `notify-end` and `delivery`
// (docs/notifications.md). Pure functions over plain data: the bedside, the overview and the replay all use them.
import type { ChannelDelivery, DeliveryReport, DeliveryState, EscalationLine, EscalationSnapshot, Notification, NotificationEnd, NotificationStatus, OpenAlarm } from './types.js';

/** How far a delivery got: sent < delivered < read < accepted / declined (a failure is not progress). */
const PROGRESS: Readonly<Record<DeliveryState, number>> = { sent: 1, delivered: 2, read: 3, accepted: 4, declined: 4, failed: 0 };

/** Outcomes after which the escalation is over for this notification's alarms (nobody needs telling any more). */
const OVER = new Set(['resolved', 'session-end']);

/**
 * A notification's overall status: `failed` while every channel's latest report is a failure, else the
 * furthest state any channel reached (never going back: a late `sent` does not undo `read`).
 */
export function notificationStatus(channels: Readonly<Record<string, ChannelDelivery>>, previous: NotificationStatus['status']): NotificationStatus['status'] {
  const latest = Object.values(channels);
  if (latest.length === 0) return 'pending';
  if (latest.every((c) => c.state === 'failed')) return 'failed';
  let best: NotificationStatus['status'] = previous === 'failed' ? 'pending' : previous;
  for (const channel of latest) {
    if (channel.state === 'failed') continue;
    if (best === 'pending' || PROGRESS[channel.state] > PROGRESS[best]) best = channel.state;
  }
  return best;
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

function newNotification(line: Notification): NotificationStatus {
  return {
    id: line.id,
    t: line.t,
    contact: line.contact,
    level: line.level,
    priority: line.priority,
    alarms: [...line.alarms],
    reason: line.reason,
    acceptBy: line.acceptBy,
    channels: {},
    status: 'pending',
  };
}

function notify(escalation: EscalationSnapshot | null, line: Notification): EscalationSnapshot {
  const fresh = newNotification(line);
  if (escalation === null) {
    return {
      state: 'notifying',
      level: line.level,
      contact: line.contact,
      alarms: [...line.alarms],
      startedAt: line.t,
      acceptBy: line.acceptBy,
      repeatAt: null,
      notifications: [fresh],
    };
  }
  // A copy of a line already applied (a snapshot taken after it, then the line again) changes nothing.
  if (escalation.notifications.some((n) => n.id === line.id)) return escalation;
  const alarms = [...line.alarms, ...escalation.alarms.filter((id) => !line.alarms.includes(id))];
  const next: EscalationSnapshot = { ...escalation, state: 'notifying', level: line.level, contact: line.contact, alarms, acceptBy: line.acceptBy, repeatAt: null, notifications: [...escalation.notifications, fresh] };
  delete next.acceptedBy;
  return next;
}

function end(escalation: EscalationSnapshot | null, line: NotificationEnd): EscalationSnapshot | null {
  if (escalation === null) return null;
  const index = escalation.notifications.findIndex((n) => n.id === line.id);
  const ended = escalation.notifications[index];
  if (ended === undefined || !isOpen(ended)) return escalation;
  const notifications = [...escalation.notifications];
  notifications[index] = { ...ended, outcome: line.outcome, endedAt: line.t };
  const next: EscalationSnapshot = { ...escalation, notifications };
  const stillOpen = notifications.some(isOpen);
  switch (line.outcome) {
    case 'accepted':
      next.state = 'accepted';
      next.acceptBy = null;
      if (line.by !== undefined) next.acceptedBy = line.by;
      return next;
    case 'declined':
    case 'timeout':
      // The chain moves on: the next contact's `notify` follows. With nobody left, the chain is exhausted.
      if (!stillOpen) {
        next.state = 'exhausted';
        next.acceptBy = null;
      }
      return next;
    case 'superseded':
      return next;
    default:
      return OVER.has(line.outcome) && !stillOpen ? null : next;
  }
}

function delivery(escalation: EscalationSnapshot | null, line: DeliveryReport): EscalationSnapshot | null {
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
  notifications[index] = { ...target, channels, status: notificationStatus(channels, target.status) };
  return { ...escalation, notifications };
}

/** One escalation line applied to the session's escalation (a new object when anything changed). */
export function applyEscalationLine(escalation: EscalationSnapshot | null, line: EscalationLine): EscalationSnapshot | null {
  switch (line.type) {
    case 'notify':
      return notify(escalation, line);
    case 'notify-end':
      return end(escalation, line);
    case 'delivery':
      return delivery(escalation, line);
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
