// The escalation chain of one session (docs/notifications.md): which contact hears about the alarms nobody at
// the bedside acknowledged, when the chain moves on, and whether anyone could be reached. Part of the core and
// as deterministic: it acts on alarm due times, delivery reports (inputs) and its own timers, never the wall
// clock, so a replay reproduces every hop at the same virtual time.
import { PRIORITY_RANK, type AlarmBoard, type EscalationListener } from './alarm-board.js';
import type { Contact, EscalationPolicy } from './escalation-types.js';
import { gotThrough, notificationStatus } from './delivery-status.js';
import type { ChannelDelivery, EscalationSnapshot, NotificationStatus, OpenAlarm } from './snapshot.js';
import {
  DELIVERY_STATES,
  type CoreOutput,
  type DeliveryReport,
  type NotifyOutcome,
  type NotifyReason,
} from './types.js';

const STATES: ReadonlySet<string> = new Set(DELIVERY_STATES);

interface Episode {
  state: EscalationSnapshot['state'];
  /** index into the policy's contacts */
  contact: number;
  /** alarm instance ids this escalation is about, in the order they joined */
  alarms: string[];
  startedAt: number;
  acceptBy: number;
  acceptedBy: string | undefined;
  repeatAt: number;
  /** when the last notification went out (grouping counts from here) */
  lastSentAt: number;
  /** the notification to the current contact */
  current: NotificationStatus | undefined;
  notifications: NotificationStatus[];
  /** every contact was tried and none accepted: failing until someone accepts or it ends */
  exhausted: boolean;
}

export interface ChainHost {
  board: AlarmBoard;
  emit(output: CoreOutput): void;
  schedule(deadline: number): void;
  /** the chain's verdict on whether anyone can be reached (the delivery-failed rule) */
  failing(t: number, failing: boolean): void;
}

export type DeliveryProblem = { reason: 'bad-delivery' | 'unknown-notification'; message: string };

export class EscalationChain implements EscalationListener {
  private episode: Episode | undefined;
  /** alarms whose escalation came but which wait for the grouping window */
  private readonly held = new Map<string, OpenAlarm>();
  private holdUntil = Infinity;
  private sequence = 0;
  /** every notification id issued, so a late receipt for an ended one is known (and changes nothing) */
  private readonly issued = new Set<string>();
  private failingNow = false;
  private failingSince = -Infinity;
  private lastPositiveAt = -Infinity;

  constructor(
    private readonly policy: EscalationPolicy,
    private readonly host: ChainHost,
  ) {}

  // --- what the board tells the chain ---

  due(alarm: OpenAlarm, at: number): void {
    if (this.policy.contacts.length === 0) return;
    this.held.set(alarm.id, alarm);
    const episode = this.episode;
    // Grouping holds back updates only: the first notification of an escalation never waits, and a high alarm
    // never waits at all.
    const holdUntil = episode === undefined || episode.state === 'exhausted' ? at : episode.lastSentAt + this.policy.groupMs;
    if (alarm.priority === 'high' || holdUntil <= at) this.flush(at);
    else if (holdUntil < this.holdUntil) {
      this.holdUntil = holdUntil;
      this.host.schedule(holdUntil);
    }
  }

  settled(alarm: OpenAlarm, t: number): void {
    this.held.delete(alarm.id);
    if (this.held.size === 0) this.holdUntil = Infinity;
    const episode = this.episode;
    if (episode === undefined || !episode.alarms.includes(alarm.id)) return;
    if (episode.alarms.some((id) => this.stillOpen(id))) return;
    this.finish(t, 'resolved');
  }

  // --- timers ---

  deadline(): number {
    const episode = this.episode;
    let next = this.holdUntil;
    if (episode !== undefined) {
      if (episode.state === 'notifying' && episode.acceptBy < next) next = episode.acceptBy;
      if (episode.state !== 'notifying' && episode.repeatAt < next) next = episode.repeatAt;
    }
    return next;
  }

  fire(at: number): void {
    if (this.holdUntil <= at) this.flush(at);
    const episode = this.episode;
    if (episode === undefined) return;
    if (episode.state === 'notifying' && episode.acceptBy <= at) this.moveOn(at, 'timeout');
    else if (episode.state === 'accepted' && episode.repeatAt <= at) {
      // A reminder to whoever accepted: the alarms are still open and unacknowledged at the bedside.
      this.notifyContact(at, episode.contact, 'repeat', episode.alarms);
    } else if (episode.state === 'exhausted' && episode.repeatAt <= at) {
      this.notifyContact(at, 0, 'repeat', episode.alarms);
    }
  }

  // --- delivery reports (inputs) ---

  /** Checks a report's fields without changing anything; undefined = well formed. */
  check(report: DeliveryReport): DeliveryProblem | undefined {
    const bad = (message: string): DeliveryProblem => ({ reason: 'bad-delivery', message: `delivery: ${message}` });
    if (typeof report.notification !== 'string' || report.notification === '') return bad('needs the notification id');
    if (typeof report.channel !== 'string' || report.channel === '') return bad('needs the channel');
    if (!STATES.has(report.state)) return bad(`unknown state "${String(report.state)}" (one of ${DELIVERY_STATES.join(', ')})`);
    if (report.attempt !== undefined && !(Number.isSafeInteger(report.attempt) && report.attempt >= 1)) return bad('attempt must be a positive integer');
    if (report.by !== undefined && typeof report.by !== 'string') return bad('by must be a string');
    if (report.reason !== undefined && typeof report.reason !== 'string') return bad('reason must be a string');
    if (report.retryAt !== undefined && !(typeof report.retryAt === 'number' && Number.isFinite(report.retryAt))) return bad('retryAt must be a time');
    return undefined;
  }

  /** Is this notification one the chain sent (by now: the caller has fired the timers due up to the report)? */
  known(report: DeliveryReport): DeliveryProblem | undefined {
    if (!this.issued.has(report.notification)) {
      return { reason: 'unknown-notification', message: `delivery: no notification "${report.notification}" in this session` };
    }
    return undefined;
  }

  delivery(report: DeliveryReport): void {
    const t = report.t;
    const episode = this.episode;
    const notification = episode?.notifications.find((n) => n.id === report.notification);
    if (episode === undefined || notification === undefined) return; // ended with its escalation: nothing to change
    const channel: ChannelDelivery = { state: report.state, t, attempt: report.attempt, by: report.by, reason: report.reason, retryAt: report.retryAt };
    notification.channels[report.channel] = channel;
    notification.status = notificationStatus(notification.channels);
    if (gotThrough(report.state)) this.lastPositiveAt = t;
    if (report.state === 'accepted') this.accept(t, episode, notification, report.by);
    else if (report.state === 'declined' && notification === episode.current && episode.state === 'notifying') this.moveOn(t, 'declined');
    this.evaluate(t);
  }

  /** The session ended: every open notification ends with it. */
  end(t: number): void {
    this.held.clear();
    this.holdUntil = Infinity;
    if (this.episode !== undefined) this.finish(t, 'session-end');
  }

  snapshot(): EscalationSnapshot | null {
    const episode = this.episode;
    if (episode === undefined) return null;
    return {
      state: episode.state,
      level: episode.contact + 1,
      contact: (this.policy.contacts[episode.contact] as Contact).id,
      alarms: [...episode.alarms],
      startedAt: episode.startedAt,
      acceptBy: episode.state === 'notifying' && Number.isFinite(episode.acceptBy) ? episode.acceptBy : null,
      acceptedBy: episode.acceptedBy,
      repeatAt: episode.state !== 'notifying' && Number.isFinite(episode.repeatAt) ? episode.repeatAt : null,
      notifications: episode.notifications.map((n) => ({
        ...n,
        alarms: [...n.alarms],
        channels: Object.fromEntries(Object.entries(n.channels).map(([id, c]) => [id, { ...c }])),
      })),
    };
  }

  // --- the chain ---

  private stillOpen(id: string): boolean {
    const alarm = this.host.board.byId(id);
    return alarm !== undefined && !alarm.acknowledged;
  }

  /** Sends what is held: a new escalation, an update to the current contact, or a fresh round. */
  private flush(at: number): void {
    this.holdUntil = Infinity;
    const fresh = [...this.held.values()].filter((alarm) => this.stillOpen(alarm.id)).map((alarm) => alarm.id);
    this.held.clear();
    if (fresh.length === 0) return;
    const episode = this.episode;
    if (episode === undefined) {
      this.episode = {
        state: 'notifying',
        contact: 0,
        alarms: fresh,
        startedAt: at,
        acceptBy: Infinity,
        acceptedBy: undefined,
        repeatAt: Infinity,
        lastSentAt: at,
        current: undefined,
        notifications: [],
        exhausted: false,
      };
      this.notifyContact(at, 0, 'escalation', fresh);
      return;
    }
    episode.alarms.push(...fresh.filter((id) => !episode.alarms.includes(id)));
    // Nobody accepted the last round: new alarms start the chain over at once rather than wait for the repeat.
    if (episode.state === 'exhausted') this.notifyContact(at, 0, 'escalation', episode.alarms);
    else this.notifyContact(at, episode.contact, 'update', fresh);
  }

  /**
   * One notification to one contact. `escalate` are the alarms that get an `escalated` transition: all of the
   * escalation on a new hop, only the new ones on an update.
   */
  private notifyContact(at: number, index: number, reason: NotifyReason, escalate: readonly string[]): void {
    const episode = this.episode as Episode;
    const contact = this.policy.contacts[index] as Contact;
    const previous = episode.current;
    const id = `n-${++this.sequence}`;
    this.issued.add(id);
    const alarms = this.ordered(episode.alarms);
    const keepDeadline = reason === 'update' && episode.state === 'notifying';
    episode.state = 'notifying';
    episode.contact = index;
    episode.lastSentAt = at;
    episode.repeatAt = Infinity;
    if (!keepDeadline) episode.acceptBy = at + contact.acceptMs;
    // A notification still open to this contact is replaced by this one (its channels stop retrying).
    const replaces = previous !== undefined && previous.outcome === undefined ? previous : undefined;
    if (replaces !== undefined) this.close(replaces, at, 'superseded');
    const notification: NotificationStatus = {
      id,
      t: at,
      contact: contact.id,
      level: index + 1,
      // ordered highest priority first
      priority: this.host.board.byId(alarms[0] ?? '')?.priority ?? 'low',
      alarms,
      reason,
      acceptBy: Number.isFinite(episode.acceptBy) ? episode.acceptBy : null,
      channels: {},
      status: 'pending',
      outcome: undefined,
      endedAt: undefined,
    };
    episode.current = notification;
    episode.notifications.push(notification);
    this.host.schedule(episode.acceptBy);
    const line: CoreOutput = {
      type: 'notify',
      t: at,
      id,
      contact: contact.id,
      level: index + 1,
      priority: notification.priority,
      alarms: [...alarms],
      reason,
    };
    if (Number.isFinite(episode.acceptBy)) line.acceptBy = episode.acceptBy;
    if (replaces !== undefined) line.replaces = replaces.id;
    this.host.emit(line);
    for (const alarmId of escalate) {
      const alarm = this.host.board.byId(alarmId);
      if (alarm !== undefined && !alarm.acknowledged) this.host.board.escalated(alarm, at, index + 1, contact.id, id);
    }
    this.evaluate(at);
  }

  /** The current contact declined or let the time run out: the next one, or the round is over. */
  private moveOn(at: number, outcome: 'declined' | 'timeout'): void {
    const episode = this.episode as Episode;
    if (episode.current !== undefined && episode.current.outcome === undefined) this.close(episode.current, at, outcome);
    episode.current = undefined;
    const next = episode.contact + 1;
    if (next < this.policy.contacts.length) {
      this.notifyContact(at, next, 'next-contact', episode.alarms);
      return;
    }
    episode.state = 'exhausted';
    episode.exhausted = true;
    episode.acceptBy = Infinity;
    episode.repeatAt = at + this.policy.repeatMs;
    this.host.schedule(episode.repeatAt);
    this.evaluate(at);
  }

  private accept(t: number, episode: Episode, notification: NotificationStatus, by: string | undefined): void {
    const index = this.policy.contacts.findIndex((c) => c.id === notification.contact);
    episode.state = 'accepted';
    episode.contact = index < 0 ? episode.contact : index;
    episode.acceptedBy = by ?? notification.contact;
    episode.acceptBy = Infinity;
    episode.exhausted = false;
    episode.repeatAt = t + this.policy.repeatMs;
    this.host.schedule(episode.repeatAt);
    for (const open of episode.notifications) if (open.outcome === undefined) this.close(open, t, 'accepted', by);
    episode.current = undefined;
  }

  /** Every alarm of the escalation is acknowledged or gone (or the session ended): it is over. */
  private finish(t: number, outcome: 'resolved' | 'session-end'): void {
    const episode = this.episode as Episode;
    for (const open of episode.notifications) if (open.outcome === undefined) this.close(open, t, outcome);
    this.episode = undefined;
    this.evaluate(t);
  }

  private close(notification: NotificationStatus, t: number, outcome: NotifyOutcome, by?: string): void {
    notification.outcome = outcome;
    notification.endedAt = t;
    const line: CoreOutput = { type: 'notify-end', t, id: notification.id, outcome };
    if (by !== undefined) line.by = by;
    this.host.emit(line);
  }

  /**
   * delivery-failed holds while an open notification failed on every channel of its contact, or while no
   * contact accepted a whole round. Once raised it clears only on evidence that a message got through (or when
   * the escalation is over), so an update that has not been tried yet does not make it flicker.
   */
  private evaluate(t: number): void {
    const episode = this.episode;
    let failing = false;
    if (episode !== undefined) {
      failing = episode.exhausted || episode.notifications.some((n) => n.outcome === undefined && this.failedEverywhere(n));
      if (!failing && this.failingNow && this.lastPositiveAt < this.failingSince) failing = true;
    }
    if (failing === this.failingNow) return;
    this.failingNow = failing;
    if (failing) this.failingSince = t;
    this.host.failing(t, failing);
  }

  private failedEverywhere(notification: NotificationStatus): boolean {
    const contact = this.policy.contacts.find((c) => c.id === notification.contact);
    if (contact === undefined) return false;
    return contact.notify.every((route) => notification.channels[route.channel]?.state === 'failed');
  }

  private ordered(ids: readonly string[]): string[] {
    const alarms = ids.map((id) => this.host.board.byId(id)).filter((a): a is OpenAlarm => a !== undefined && !a.acknowledged);
    return alarms
      .sort((a, b) => PRIORITY_RANK[b.priority] - PRIORITY_RANK[a.priority] || a.raisedAt - b.raisedAt)
      .map((alarm) => alarm.id);
  }
}
