// The notifier: carries the core's escalation notifications out over the channels and their receipts back.
// It follows every live session's journal lines; on `notify` it hands the notification to each of the
// contact's channels, on `notify-end` it stops them; every channel outcome and receipt goes back into the
// session as a `delivery` input, so the core (and a replay) knows how far each notification got.
import type { User } from '../auth/types.js';
import type { ReceiptMessage, ReceiptState } from '../api/ws-protocol.js';
import { DELIVERY_PROGRESS, gotThrough } from '../core/delivery-status.js';
import { policyOfHeader, UNSTATED_POLICY } from '../core/escalation-policy.js';
import type { EscalationPolicy } from '../core/escalation-types.js';
import type { ChannelDelivery } from '../core/snapshot.js';
import type { DeliveryReport, DeliveryState, Notification, NotificationEnd } from '../core/types.js';
import type { LiveSession } from '../live/live-session.js';
import { sessionInfo } from '../live/session-manager.js';
import { deliveryKey, type Channel, type ChannelReport, type DeliveryHandle, type DeliveryJob, type NotifyLog, type SessionRef } from './channel.js';
import type { HubLink } from './hub-link.js';
import { describeAlarms, notificationMessage } from './payload.js';

export interface NotifierOptions {
  /** channel id → channel (createChannels) */
  channels: ReadonlyMap<string, Channel>;
  hub: HubLink;
  log: NotifyLog;
}

export interface ReceiptInput {
  session: string;
  notification: string;
  channel: string;
  state: ReceiptState;
  by?: string;
}

export type ReceiptResult = { ok: true } | { ok: false; message: string };


interface Tracked {
  session: LiveSession;
  policy: EscalationPolicy;
  ref: SessionRef;
  unsubscribe: () => void;
  /** deliveries under way: notification id → channel id → handle */
  open: Map<string, Map<string, DeliveryHandle>>;
  /** every notification of the session the notifier knows of → its contact (receipts may come late) */
  known: Map<string, string>;
  /** `<notification>/<channel>` → the furthest DELIVERY_PROGRESS reported (a receipt no further is a repeat) */
  reached: Map<string, number>;
  /** `<notification>/<channel>/<state>/<by>` of every answer (accepted, declined) reported */
  answers: Set<string>;
}

export class Notifier {
  private readonly tracked = new Map<string, Tracked>();
  private started = false;
  private readonly channels: ReadonlyMap<string, Channel>;
  private readonly log: NotifyLog;
  /** the WebSocket hub's end of the monitor view (buildServer hands it to the hub) */
  readonly hub: HubLink;

  constructor(options: NotifierOptions) {
    this.channels = options.channels;
    this.log = options.log;
    this.hub = options.hub;
    options.hub.onReceipt((user, receipt) => this.hubReceipt(user, receipt));
  }

  /** Follows a session (SessionManager's onSession): new ones, and restored ones with their journal read back. */
  attach(session: LiveSession): void {
    try {
      const existing = this.tracked.get(session.id);
      if (existing?.session === session) return;
      if (existing !== undefined) this.detach(existing);
      const tracked: Tracked = {
        session,
        policy: this.policyOf(session),
        ref: refOf(session),
        unsubscribe: () => {},
        open: new Map(),
        known: new Map(),
        reached: new Map(),
        answers: new Set(),
      };
      // The listener runs inside the session's journal path: it only queues. Handling later also lets the core
      // finish the input (its escalated transitions, its state) before the notifier reads the snapshot.
      tracked.unsubscribe = session.subscribe((line) => {
        if (line.type !== 'notify' && line.type !== 'notify-end') return;
        queueMicrotask(() => this.safely(session.id, () => this.onLine(tracked, line)));
      });
      this.tracked.set(session.id, tracked);
      this.learn(tracked);
      if (this.started) this.resume(tracked);
    } catch (error) {
      this.log.error({ err: error, session: session.id }, 'notifier: attaching to a session failed');
    }
  }

  /**
   * Starts delivering: every open notification not yet delivered on a channel goes out again, with the same
   * idempotency key. `vigil serve` calls it once restored sessions are settled.
   */
  start(): void {
    if (this.started) return;
    this.started = true;
    for (const tracked of this.tracked.values()) this.safely(tracked.session.id, () => this.resume(tracked));
  }

  /** Stops every delivery (the service stops; the journals keep what a restart resumes). */
  close(): void {
    this.started = false;
    for (const tracked of this.tracked.values()) this.detach(tracked);
    this.tracked.clear();
  }

  /** The secret of a channel that takes signed HTTP receipts (webhooks), if it is one. */
  receiptSecret(channel: string): string | undefined {
    return this.channels.get(channel)?.receiptSecret;
  }

  /** A receipt over HTTP (its signature already checked): reported once, repeats change nothing. */
  receipt(input: ReceiptInput): ReceiptResult {
    const tracked = this.tracked.get(input.session);
    if (tracked === undefined) return { ok: false, message: `no session ${input.session}` };
    const contactId = tracked.known.get(input.notification);
    if (contactId === undefined) return { ok: false, message: `no notification ${input.notification} in session ${input.session}` };
    const contact = tracked.policy.contacts.find((c) => c.id === contactId);
    if (contact?.notify.some((route) => route.channel === input.channel) !== true) {
      return { ok: false, message: `notification ${input.notification} was not sent on channel ${input.channel}` };
    }
    this.receive(tracked, input.notification, input.channel, input.state, input.by);
    return { ok: true };
  }

  // --- lines of the session ---

  private onLine(tracked: Tracked, line: Notification | NotificationEnd): void {
    if (line.type === 'notify') {
      tracked.known.set(line.id, line.contact);
      if (this.started) this.dispatch(tracked, line, {});
      return;
    }
    const handles = tracked.open.get(line.id);
    tracked.open.delete(line.id);
    for (const handle of handles?.values() ?? []) handle.end(line.outcome, line.by);
  }

  /** What the session's escalation already holds: notifications (for late receipts) and receipts reported. */
  private learn(tracked: Tracked): void {
    for (const notification of tracked.session.snapshot().escalation?.notifications ?? []) {
      tracked.known.set(notification.id, notification.contact);
      for (const [channel, delivery] of Object.entries(notification.channels)) this.remember(tracked, notification.id, channel, delivery);
    }
  }

  private resume(tracked: Tracked): void {
    if (tracked.session.phase === 'ended') return;
    for (const status of tracked.session.snapshot().escalation?.notifications ?? []) {
      if (status.outcome !== undefined || tracked.open.has(status.id)) continue;
      const line: Notification = {
        type: 'notify',
        t: status.t,
        id: status.id,
        contact: status.contact,
        level: status.level,
        priority: status.priority,
        alarms: status.alarms,
        reason: status.reason,
        ...(status.acceptBy === null ? {} : { acceptBy: status.acceptBy }),
      };
      this.log.info({ session: tracked.session.id, notification: status.id }, 'notifier: resuming an open notification');
      this.dispatch(tracked, line, status.channels);
    }
  }

  /** Hands the notification to each channel of its contact (once per channel) not yet done with it. */
  private dispatch(tracked: Tracked, line: Notification, before: Readonly<Record<string, ChannelDelivery>>): void {
    const { session } = tracked;
    if (tracked.open.has(line.id)) return; // already under way (resumed at start while its line was still queued)
    const contact = tracked.policy.contacts.find((c) => c.id === line.contact);
    if (contact === undefined) {
      this.log.error({ session: session.id, notification: line.id, contact: line.contact }, 'notifier: the notification names a contact the policy does not have');
      return;
    }
    const alarms = describeAlarms(line.alarms, session.snapshot().alarms, session.core.profile.rules, line.t);
    const message = notificationMessage(line, alarms);
    const handles = new Map<string, DeliveryHandle>();
    tracked.open.set(line.id, handles);
    for (const route of contact.notify) {
      if (handles.has(route.channel)) continue; // a second route on the same channel (refused at start-up)
      const previous = before[route.channel];
      if (previous !== undefined && gotThrough(previous.state)) continue;
      const report = (r: ChannelReport): void => this.report(tracked, line.id, route.channel, r);
      const channel = this.channels.get(route.channel);
      if (channel === undefined) {
        // Never dropped silently: the failure is journalled and counts towards delivery-failed.
        report({ state: 'failed', attempt: (previous?.attempt ?? 0) + 1, reason: `unknown channel ${route.channel}` });
        continue;
      }
      const job: DeliveryJob = {
        key: deliveryKey(session.id, line.id, route.channel),
        channel: route.channel,
        session: tracked.ref,
        notification: line,
        to: route.to,
        message,
        previous,
        now: () => session.clock(),
        report,
      };
      try {
        handles.set(route.channel, channel.deliver(job));
      } catch (error) {
        this.log.error({ err: error, session: session.id, notification: line.id, channel: route.channel }, 'notifier: channel failed to start a delivery');
        report({ state: 'failed', attempt: (previous?.attempt ?? 0) + 1, reason: 'channel error' });
      }
    }
  }

  // --- receipts ---

  private hubReceipt(user: User, receipt: ReceiptMessage): string | undefined {
    const tracked = this.tracked.get(receipt.session);
    if (tracked === undefined) return `no session ${receipt.session}`;
    const contactId = tracked.known.get(receipt.notification);
    if (contactId === undefined) return `no notification ${receipt.notification} in session ${receipt.session}`;
    const routes = tracked.policy.contacts.find((c) => c.id === contactId)?.notify ?? [];
    const channels = new Set(routes.filter((route) => this.channels.get(route.channel)?.addressee?.(user, route.to, tracked.ref) === true).map((route) => route.channel));
    if (channels.size === 0) return `notification ${receipt.notification} is not addressed to ${user.username}`;
    for (const channel of channels) this.receive(tracked, receipt.notification, channel, receipt.state, user.username);
    return undefined;
  }

  private receive(tracked: Tracked, notification: string, channel: string, state: ReceiptState, by: string | undefined): void {
    const slot = `${notification}/${channel}`;
    if (state === 'delivered' || state === 'read') {
      if ((tracked.reached.get(slot) ?? -1) >= DELIVERY_PROGRESS[state]) return;
    } else if (tracked.answers.has(`${slot}/${state}/${by ?? ''}`)) {
      return;
    }
    tracked.open.get(notification)?.get(channel)?.confirmed();
    this.report(tracked, notification, channel, by === undefined ? { state } : { state, by });
  }

  private remember(tracked: Tracked, notification: string, channel: string, report: { state: DeliveryState; by?: string | undefined }): void {
    // a channel that got through has done its part: a restart does not deliver again
    if (!gotThrough(report.state)) return;
    const slot = `${notification}/${channel}`;
    tracked.reached.set(slot, Math.max(tracked.reached.get(slot) ?? -1, DELIVERY_PROGRESS[report.state]));
    if (report.state === 'accepted' || report.state === 'declined') tracked.answers.add(`${slot}/${report.state}/${report.by ?? ''}`);
  }

  /** A channel outcome or receipt becomes a `delivery` input of the session, journalled and committed. */
  private report(tracked: Tracked, notification: string, channel: string, report: ChannelReport): void {
    const { session } = tracked;
    this.remember(tracked, notification, channel, report);
    const input: DeliveryReport = { type: 'delivery', t: session.clock(), notification, channel, state: report.state };
    if (report.attempt !== undefined) input.attempt = report.attempt;
    if (report.by !== undefined) input.by = report.by;
    if (report.reason !== undefined) input.reason = report.reason;
    if (report.retryAt !== undefined) input.retryAt = report.retryAt;
    this.safely(session.id, () => {
      session.act(input).then(
        (rejection) => {
          if (rejection !== undefined && rejection.reason !== 'session-ended') {
            this.log.warn({ session: session.id, notification, channel, state: report.state, rejection: rejection.message }, 'notifier: delivery report refused by the core');
          }
        },
        (error: unknown) => this.log.error({ err: error, session: session.id, notification, channel }, 'notifier: journalling a delivery report failed'),
      );
    });
  }

  // --- helpers ---

  private policyOf(session: LiveSession): EscalationPolicy {
    try {
      // The policy the core runs: the header's, or the one a header without any means.
      return policyOfHeader(session.header);
    } catch (error) {
      this.log.error({ err: error, session: session.id }, 'notifier: the session header has a bad escalation policy; following the unstated one');
      return UNSTATED_POLICY;
    }
  }

  private detach(tracked: Tracked): void {
    tracked.unsubscribe();
    for (const handles of tracked.open.values()) for (const handle of handles.values()) this.safely(tracked.session.id, () => handle.cancel());
    tracked.open.clear();
  }

  private safely(session: string, run: () => void): void {
    try {
      run();
    } catch (error) {
      this.log.error({ err: error, session }, 'notifier: failed');
    }
  }
}

function refOf(session: LiveSession): SessionRef {
  const info = sessionInfo(session);
  return {
    id: info.id,
    patient: info.patient,
    ...(info.room === undefined ? {} : { room: info.room }),
    ...(info.simulated === true ? { simulated: true } : {}),
    monitors: info.monitors ?? [],
  };
}
