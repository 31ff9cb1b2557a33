// The notifications addressed to the signed-in user (docs/notifications.md, monitor-view channel): every copy of a
// `notification` message is answered `delivered` (the hub re-sends until one gets through), the person sees each
// notification once (de-duplicated by session and notification id), `read` goes out once it was shown on a
// visible page, and Accept / Decline send the person's answer. A notification that ended (accepted, moved on,
// superseded, resolved) needs no answer any more. No DOM here: the views decide what "shown" and "visible" mean.
import { isOpen } from './escalation.js';
import type { EscalationSnapshot, NotificationMessage, Priority, ReceiptState, SessionLine } from './types.js';

const RANK: Readonly<Record<Priority, number>> = { high: 3, medium: 2, low: 1 };

export type Answer = 'accepted' | 'declined';

export interface InboxItem {
  session: string;
  notification: NotificationMessage['notification'];
  /** `read` was sent */
  read: boolean;
  /** the person's answer, once sent */
  answer: Answer | undefined;
  /** the notification ended: nothing to answer */
  closed: boolean;
}

/** Sends one receipt; false when it could not be sent (the link is down). */
export type ReceiptSender = (session: string, notification: string, state: ReceiptState) => boolean;

/** Items kept per session once closed (the newest), so late copies are still recognised. */
const CLOSED_KEPT = 20;

/** Ends remembered for notifications not (yet) received: a bound, oldest forgotten first. */
const ENDED_KEPT = 200;

const key = (session: string, id: string): string => `${session}\u0000${id}`;

export class NotificationInbox {
  private readonly items = new Map<string, InboxItem>();
  /** notifications whose notify-end came before (or without) the message itself */
  private readonly ended = new Set<string>();
  /** bumped on every change the screen shows */
  version = 0;

  constructor(private readonly send: ReceiptSender) {}

  /** One copy of a `notification` message. Returns true for a notification not seen before. */
  receive(message: NotificationMessage): boolean {
    const { session, notification } = message;
    this.send(session, notification.id, 'delivered');
    const known = this.items.get(key(session, notification.id));
    if (known !== undefined) {
      // The hub sent it again, so it may have missed what we said: repeating a receipt is harmless.
      if (known.read) this.send(session, notification.id, 'read');
      if (known.answer !== undefined) this.send(session, notification.id, known.answer);
      return false;
    }
    // The hub's line and the notifier's push travel separately: the end may have overtaken the message.
    const closed = this.ended.delete(key(session, notification.id));
    this.items.set(key(session, notification.id), { session, notification, read: false, answer: undefined, closed });
    this.prune(session);
    this.version++;
    return true;
  }

  /** Open notifications of a session (not ended), newest first. */
  open(session: string): InboxItem[] {
    const found: InboxItem[] = [];
    for (const item of this.items.values()) if (item.session === session && !item.closed) found.push(item);
    return found.sort((a, b) => b.notification.t - a.notification.t);
  }

  /** Sessions with open notifications. */
  sessions(): string[] {
    const found = new Set<string>();
    for (const item of this.items.values()) if (!item.closed) found.add(item.session);
    return [...found];
  }

  /** Open notifications that still wait for this person's answer. */
  unanswered(session: string): InboxItem[] {
    return this.open(session).filter((item) => item.answer === undefined);
  }

  /** The highest priority among notifications still waiting for this person's answer, in any session. */
  loudest(): Priority | 'none' {
    let best: Priority | 'none' = 'none';
    for (const item of this.items.values()) {
      if (item.closed || item.answer !== undefined) continue;
      if (best === 'none' || RANK[item.notification.priority] > RANK[best]) best = item.notification.priority;
    }
    return best;
  }

  /** The session's open notifications were shown; `visible`: the page is (document.visibilityState). */
  shown(session: string, visible: boolean): void {
    if (!visible) return;
    for (const item of this.open(session)) {
      if (item.read) continue;
      if (this.send(session, item.notification.id, 'read')) {
        item.read = true;
        this.version++;
      }
    }
  }

  /** The person's answer. False when it could not be sent (the buttons stay). */
  answer(session: string, id: string, answer: Answer): boolean {
    const item = this.items.get(key(session, id));
    if (item === undefined || item.closed || item.answer !== undefined) return false;
    if (!this.send(session, id, answer)) return false;
    item.answer = answer;
    this.version++;
    return true;
  }

  /** A journal line of the session: a `notify-end` closes its notification. */
  line(session: string, line: SessionLine): void {
    if (line.type === 'notify-end') this.close(session, line.id);
  }

  /**
   * A snapshot of the session: a notification it already knows of (notified at or before its `now`) that is not
   * open in it has ended.
   */
  snapshot(session: string, escalation: EscalationSnapshot | null, now: number | null): void {
    for (const item of this.open(session)) {
      const status = escalation?.notifications.find((n) => n.id === item.notification.id);
      const known = status !== undefined || (now !== null && item.notification.t <= now);
      if (known && (status === undefined || !isOpen(status))) this.close(session, item.notification.id);
    }
  }

  /** The session is gone. */
  forget(session: string): void {
    for (const [k, item] of this.items) if (item.session === session) this.items.delete(k);
    for (const k of this.ended) if (k.startsWith(`${session}\u0000`)) this.ended.delete(k);
    this.version++;
  }

  private close(session: string, id: string): void {
    const item = this.items.get(key(session, id));
    if (item === undefined) {
      this.ended.add(key(session, id));
      if (this.ended.size > ENDED_KEPT) this.ended.delete(this.ended.values().next().value as string);
      return;
    }
    if (item.closed) return;
    item.closed = true;
    this.version++;
  }

  private prune(session: string): void {
    const closed = [...this.items.values()].filter((item) => item.session === session && item.closed).sort((a, b) => a.notification.t - b.notification.t);
    for (const item of closed.slice(0, Math.max(0, closed.length - CLOSED_KEPT))) this.items.delete(key(item.session, item.notification.id));
  }
}
