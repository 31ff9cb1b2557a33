// What a notification says to the people and systems it reaches: the alarms with their rule text and values
// (from the session's state and profile), in the shape of the WebSocket `notification` message and the
// webhook body (docs/notifications.md).
import type { NotificationAlarm, NotificationMessage, ReceiptState } from '../api/ws-protocol.js';
import { RECEIPT_STATES } from '../api/ws-protocol.js';
import type { CompiledRule } from '../core/profile.js';
import type { OpenAlarm } from '../core/snapshot.js';
import type { AlarmKind, Notification, NotifyOutcome } from '../core/types.js';
import type { DeliveryJob, SessionRef } from './channel.js';

export const WEBHOOK_VERSION = 1;

/** POST body of a notification (type `vigil.notification`). */
export interface WebhookNotificationBody {
  type: 'vigil.notification';
  version: typeof WEBHOOK_VERSION;
  key: string;
  notification: string;
  session: { id: string; patient: string; room?: string; simulated?: true };
  contact: string;
  to?: string;
  level: number;
  priority: Notification['priority'];
  reason: Notification['reason'];
  t: number;
  acceptBy?: number;
  attempt: number;
  alarms: NotificationAlarm[];
  receipt: { url: string; states: readonly ReceiptState[] };
}

/** POST body when a notification needs no more delivering (type `vigil.notification.closed`). */
export interface WebhookClosedBody {
  type: 'vigil.notification.closed';
  version: typeof WEBHOOK_VERSION;
  key: string;
  notification: string;
  session: { id: string };
  outcome: NotifyOutcome;
  by?: string;
  t: number;
}

/** The rule instance behind an alarm id (`hr-high#2` → `hr-high`). */
export function ruleOf(alarmId: string): string {
  const hash = alarmId.lastIndexOf('#');
  return hash < 0 ? alarmId : alarmId.slice(0, hash);
}

/**
 * The alarms a notification carries, described from the session's open alarms and its profile's rules. An
 * alarm no longer open (acknowledged meanwhile) is still described from its rule, so nothing is dropped.
 */
export function describeAlarms(ids: readonly string[], open: readonly OpenAlarm[], rules: readonly CompiledRule[], t: number): NotificationAlarm[] {
  return ids.map((id) => {
    const alarm = open.find((a) => a.id === id);
    const rule = rules.find((r) => r.id === (alarm?.rule ?? ruleOf(id)));
    const ruleVital = rule !== undefined && 'vital' in rule ? rule.vital : undefined;
    const described: NotificationAlarm = {
      id,
      rule: alarm?.rule ?? ruleOf(id),
      text: rule?.text ?? ruleOf(id),
      priority: alarm?.priority ?? rule?.priority ?? 'medium',
      kind: alarm?.kind ?? kindOf(rule),
      vital: alarm?.vital ?? ruleVital ?? 'device',
      raisedAt: alarm?.raisedAt ?? t,
    };
    if (alarm?.value !== undefined) described.value = alarm.value;
    return described;
  });
}

function kindOf(rule: CompiledRule | undefined): AlarmKind {
  return rule?.kind === 'threshold' ? 'physiological' : 'technical';
}

export function notificationMessage(notification: Notification, alarms: NotificationAlarm[]): NotificationMessage['notification'] {
  return {
    id: notification.id,
    contact: notification.contact,
    level: notification.level,
    priority: notification.priority,
    reason: notification.reason,
    t: notification.t,
    ...(notification.acceptBy === undefined ? {} : { acceptBy: notification.acceptBy }),
    alarms,
  };
}

function sessionPart(session: SessionRef): WebhookNotificationBody['session'] {
  return {
    id: session.id,
    patient: session.patient,
    ...(session.room === undefined ? {} : { room: session.room }),
    ...(session.simulated === true ? { simulated: true as const } : {}),
  };
}

export function webhookBody(job: DeliveryJob, attempt: number, receiptUrl: string): WebhookNotificationBody {
  const n = job.message;
  return {
    type: 'vigil.notification',
    version: WEBHOOK_VERSION,
    key: job.key,
    notification: n.id,
    session: sessionPart(job.session),
    contact: n.contact,
    ...(job.to === undefined ? {} : { to: job.to }),
    level: n.level,
    priority: n.priority,
    reason: n.reason,
    t: n.t,
    ...(n.acceptBy === undefined ? {} : { acceptBy: n.acceptBy }),
    attempt,
    alarms: n.alarms,
    receipt: { url: receiptUrl, states: RECEIPT_STATES },
  };
}

export function closedBody(job: DeliveryJob, outcome: NotifyOutcome, by: string | undefined, t: number): WebhookClosedBody {
  return {
    type: 'vigil.notification.closed',
    version: WEBHOOK_VERSION,
    key: job.key,
    notification: job.notification.id,
    session: { id: job.session.id },
    outcome,
    ...(by === undefined ? {} : { by }),
    t,
  };
}
