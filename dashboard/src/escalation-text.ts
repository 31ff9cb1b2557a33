// How an escalation reads on screen: who was told, how far the message got, who accepted, what failed. Pure
// text from the session's EscalationSnapshot (no DOM), shared by the bedside line and the overview tile.
import { currentNotification, isOpen } from './escalation.js';
import { fmtAge } from './format.js';
import type { ChannelDelivery, EscalationSnapshot, NotificationStatus, PolicyView } from './types.js';

/** Contact id → what screens call it (the policy's `label`); unknown ids are made readable. */
export type ContactLabels = ReadonlyMap<string, string>;

/** The labels a policy gives its contacts (none known: an empty map). */
export function labelsOf(policy: PolicyView | undefined): ContactLabels {
  return new Map((policy?.contacts ?? []).filter((c) => typeof c.label === 'string').map((c) => [c.id, c.label as string]));
}

/** `medical-monitor` → `Medical monitor` (the default policy's label reads exactly so). */
export function contactLabel(id: string, labels: ContactLabels = new Map()): string {
  const label = labels.get(id);
  if (label !== undefined && label !== '') return label;
  const words = id.split('-').filter((w) => w !== '');
  if (words.length === 0) return id;
  const text = words.join(' ');
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** A label inside a sentence: "the medical monitor" (a label that starts with an acronym stays as it is). */
function inSentence(label: string): string {
  const first = label.split(' ')[0] ?? '';
  return first.slice(1) === first.slice(1).toLowerCase() ? label.charAt(0).toLowerCase() + label.slice(1) : label;
}

/** "1:05": minutes and seconds left, never negative. */
export function fmtCountdown(ms: number): string {
  const s = Math.max(0, Math.ceil(ms / 1000));
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
}

/** Who answered a notification, from its channels' reports. */
function answeredBy(notification: NotificationStatus, state: 'accepted' | 'declined'): string | undefined {
  for (const channel of Object.values(notification.channels)) if (channel.state === state && channel.by !== undefined) return channel.by;
  return undefined;
}

/** A notification's status in words: sending, sent, delivered, read, accepted by X, declined, not delivered. */
export function statusWord(notification: NotificationStatus): string {
  switch (notification.status) {
    case 'pending':
      return 'sending';
    case 'accepted': {
      const by = answeredBy(notification, 'accepted');
      return by === undefined ? 'accepted' : `accepted by ${by}`;
    }
    case 'declined': {
      const by = answeredBy(notification, 'declined');
      return by === undefined ? 'declined' : `declined by ${by}`;
    }
    case 'failed':
      return 'not delivered';
    default:
      return notification.status;
  }
}

/** One channel's latest report in words: "pager: failed — HTTP 503 (attempt 2, retrying in 8 s)". */
export function channelText(channel: string, report: ChannelDelivery, now: number): string {
  let text = `${channel}: ${report.state}`;
  if (report.by !== undefined) text += ` by ${report.by}`;
  if (report.state === 'failed') {
    if (report.reason !== undefined) text += ` — ${report.reason}`;
    const bits: string[] = [];
    if (report.attempt !== undefined) bits.push(`attempt ${report.attempt}`);
    if (report.retryAt !== undefined) bits.push(report.retryAt > now ? `retrying in ${fmtCountdown(report.retryAt - now)}` : 'retrying');
    if (bits.length > 0) text += ` (${bits.join(', ')})`;
  }
  return text;
}

/** The reasons the channels of a notification failed, joined: "monitor-view: no monitor connected; pager: HTTP 503". */
export function failureReasons(notification: NotificationStatus): string {
  return Object.entries(notification.channels)
    .filter(([, report]) => report.state === 'failed')
    .map(([channel, report]) => `${channel}: ${report.reason ?? 'failed'}`)
    .join('; ');
}

/** The contact before the current one and why the chain left it ("declined", "did not accept in time"). */
function movedOnFrom(escalation: EscalationSnapshot, current: NotificationStatus): { contact: string; why: string } | undefined {
  if (current.reason !== 'next-contact') return undefined;
  const list = escalation.notifications;
  for (let i = list.indexOf(current) - 1; i >= 0; i--) {
    const previous = list[i] as NotificationStatus;
    if (previous.outcome === 'declined') return { contact: previous.contact, why: 'declined' };
    if (previous.outcome === 'timeout') return { contact: previous.contact, why: 'did not accept in time' };
  }
  return undefined;
}

export interface EscalationLine {
  /** what happened, without running times (announced to screen readers when it changes) */
  text: string;
  /** "1 min ago" (since the notification), "trying again in 4:10": changes as time passes, shown but not announced */
  timing: string;
  /** while waiting for the contact to accept: the time left ("1:32"), else null */
  acceptLeft: string | null;
  /** for styling: ok (someone accepted), waiting, failing (nobody reached, nobody accepted) */
  tone: 'ok' | 'waiting' | 'failing';
}

/**
 * The one-line escalation status the bedside shows (and the overview's headline): "Medical monitor notified ·
 * delivered", "Backup physician notified — medical monitor declined", "Could not reach the medical monitor —
 * retrying (monitor-view: no monitor connected)", "Medical monitor notified · accepted by dr-m".
 */
export function escalationLine(escalation: EscalationSnapshot, now: number, labels: ContactLabels = new Map()): EscalationLine {
  const current = currentNotification(escalation);
  const label = contactLabel(escalation.contact, labels);
  if (current === undefined) return { text: `${label} to be notified`, timing: '', acceptLeft: null, tone: 'waiting' };
  const ago = fmtAge(now - current.t);
  if (escalation.state === 'accepted') {
    const accepted = [...escalation.notifications].reverse().find((n) => n.outcome === 'accepted') ?? current;
    const by = escalation.acceptedBy ?? answeredBy(accepted, 'accepted');
    return { text: `${contactLabel(accepted.contact, labels)} notified · accepted${by === undefined ? '' : ` by ${by}`}`, timing: fmtAge(now - accepted.t), acceptLeft: null, tone: 'ok' };
  }
  if (escalation.state === 'exhausted') {
    const tried = [...new Set(escalation.notifications.map((n) => contactLabel(n.contact, labels)))];
    const repeat = escalation.repeatAt === null ? '' : escalation.repeatAt > now ? `trying again in ${fmtCountdown(escalation.repeatAt - now)}` : 'trying again';
    return { text: `Nobody accepted — ${tried.map(inSentence).join(', ')} ${tried.length === 1 ? 'was' : 'were'} notified`, timing: repeat, acceptLeft: null, tone: 'failing' };
  }
  const acceptLeft = escalation.acceptBy !== null && isOpen(current) ? fmtCountdown(escalation.acceptBy - now) : null;
  const timing = ago;
  if (current.status === 'failed') {
    const reasons = failureReasons(current);
    return { text: `Could not reach the ${inSentence(label)} — retrying${reasons === '' ? '' : ` (${reasons})`}`, timing, acceptLeft, tone: 'failing' };
  }
  const moved = movedOnFrom(escalation, current);
  const head = moved === undefined ? `${label} notified` : `${label} notified — ${inSentence(contactLabel(moved.contact, labels))} ${moved.why}`;
  return { text: `${head} · ${statusWord(current)}`, timing, acceptLeft, tone: 'waiting' };
}
