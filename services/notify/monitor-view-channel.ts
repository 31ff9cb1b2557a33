// The built-in `monitor-view` channel: the dashboards over WebSocket. A notification is pushed to every
// connection of its addressees that follows the session; their client confirms it with a receipt. Nobody
// confirming within `confirmWithin` gets it once more; still nobody → a failed attempt, retried with backoff.
// An addressee who connects later gets it at once.
import type { User } from '../auth/types.js';
import type { NotificationMessage } from '../api/ws-protocol.js';
import { DURATION_PATTERN, parseDuration } from '../core/duration.js';
import type { NotifyOutcome } from '../core/types.js';
import { BACKOFF_SCHEMA, backoffDelay, backoffProblems, parseBackoff, type Backoff, type BackoffSpec } from './backoff.js';
import type { Channel, ChannelContext, ChannelType, DeliveryHandle, DeliveryJob, NotifyLog, SessionRef } from './channel.js';
import type { HubLink } from './hub-link.js';

export interface MonitorViewDefinition {
  type: 'monitor-view';
  /** how long a client has to confirm before the message goes out again (default 10s) */
  confirmWithin?: string;
  /** after a failed attempt (default first 10s, ×2, max 60s) */
  retry?: BackoffSpec;
}

export const MONITOR_VIEW_DEFAULT_BACKOFF: Backoff = { firstMs: 10_000, maxMs: 60_000, factor: 2 };

const schema = {
  type: 'object',
  additionalProperties: false,
  required: ['type'],
  properties: {
    type: { const: 'monitor-view' },
    confirmWithin: { type: 'string', pattern: DURATION_PATTERN, description: 'a client must confirm within this long (default 10s)' },
    retry: BACKOFF_SCHEMA,
  },
} as const;

export const monitorViewType: ChannelType = {
  schema,
  check(raw) {
    const definition = raw as unknown as MonitorViewDefinition;
    const problems: string[] = [];
    if (definition.confirmWithin !== undefined && parseDuration(definition.confirmWithin) <= 0) problems.push('confirmWithin: must be longer than 0');
    const retry = parseBackoff(definition.retry, MONITOR_VIEW_DEFAULT_BACKOFF);
    problems.push(...backoffProblems(retry));
    return problems;
  },
  create(id, raw, context) {
    const definition = raw as unknown as MonitorViewDefinition;
    return new MonitorViewChannel(
      id,
      { confirmMs: parseDuration(definition.confirmWithin ?? '10s'), retry: parseBackoff(definition.retry, MONITOR_VIEW_DEFAULT_BACKOFF) },
      context,
    );
  },
};

/**
 * Who `to` addresses: `monitors` (the default) is the session's assigned monitors, or every user with the
 * monitor role when none is assigned; `role:<role>`; `user:<username>`. Anything else addresses nobody.
 */
export function addresses(to: string | undefined, session: Pick<SessionRef, 'monitors'>): ((user: User) => boolean) | undefined {
  const address = to ?? 'monitors';
  if (address === 'monitors') {
    const assigned = new Set(session.monitors);
    return assigned.size > 0 ? (user) => assigned.has(user.username) : (user) => user.roles.includes('monitor');
  }
  if (address.startsWith('role:')) {
    const role = address.slice(5);
    return (user) => (user.roles as readonly string[]).includes(role);
  }
  if (address.startsWith('user:')) {
    const username = address.slice(5);
    return (user) => user.username === username;
  }
  return undefined;
}

export interface MonitorViewOptions {
  confirmMs: number;
  retry: Backoff;
}

export class MonitorViewChannel implements Channel {
  readonly type = 'monitor-view';
  private readonly deliveries = new Set<MonitorViewDelivery>();

  constructor(
    readonly id: string,
    readonly options: MonitorViewOptions,
    private readonly context: Pick<ChannelContext, 'hub' | 'log'>,
  ) {
    context.hub.onFollow((user, session) => {
      for (const delivery of this.deliveries) {
        try {
          delivery.followed(user, session);
        } catch (error) {
          context.log.error({ err: error, channel: id }, 'monitor-view: push on connect failed');
        }
      }
    });
  }

  addressee(user: User, to: string | undefined, session: SessionRef): boolean {
    return addresses(to, session)?.(user) === true;
  }

  deliver(job: DeliveryJob): DeliveryHandle {
    const to = addresses(job.to, job.session);
    if (to === undefined) {
      job.report({ state: 'failed', attempt: 1, reason: `unknown address "${job.to ?? ''}" (monitors, role:<role> or user:<username>)` });
      return { end() {}, confirmed() {}, cancel() {} };
    }
    const delivery = new MonitorViewDelivery(job, to, this.options, this.context.hub, this.context.log, () => this.deliveries.delete(delivery));
    this.deliveries.add(delivery);
    delivery.start();
    return delivery;
  }
}

/**
 * One notification on the monitor view. Attempt n: push; no confirmation within confirmMs → push again; still
 * none within confirmMs → failed ("not confirmed"), next attempt after the backoff. Nobody to push to → failed
 * ("no monitor connected") at once. An addressee who starts following the session gets it at once.
 */
class MonitorViewDelivery implements DeliveryHandle {
  private attempt: number;
  private sentReported: boolean;
  private timer: NodeJS.Timeout | undefined;
  private over = false;
  private readonly message: NotificationMessage;

  constructor(
    private readonly job: DeliveryJob,
    private readonly to: (user: User) => boolean,
    private readonly options: MonitorViewOptions,
    private readonly hub: HubLink,
    private readonly log: NotifyLog,
    private readonly forget: () => void,
  ) {
    this.attempt = job.previous?.attempt ?? 0;
    // `sent` is reported once per notification and channel, as the webhook does (not again after a restart).
    this.sentReported = job.previous !== undefined;
    this.message = { type: 'notification', session: job.session.id, notification: job.message };
  }

  start(): void {
    this.tryNow();
  }

  /** An addressee's connection started following the session: they get it now, whatever the backoff says. */
  followed(user: User, session: string): void {
    if (this.over || session !== this.job.session.id || !this.to(user)) return;
    const pushed = this.hub.push(session, (u) => u.username === user.username, this.message);
    if (pushed === 0) return;
    // A fresh attempt with a fresh confirmation window.
    this.attempt++;
    if (!this.sentReported) {
      this.sentReported = true;
      this.job.report({ state: 'sent', attempt: this.attempt });
    }
    this.await(true);
  }

  confirmed(): void {
    this.finish();
  }

  end(_outcome: NotifyOutcome): void {
    // Screens learn the outcome from the notify-end line every client of the session gets.
    this.finish();
  }

  cancel(): void {
    this.finish();
  }

  private finish(): void {
    this.over = true;
    this.clearTimer();
    this.forget();
  }

  private tryNow(): void {
    if (this.over) return;
    this.attempt++;
    const pushed = this.push();
    if (pushed === 0) {
      this.fail('no monitor connected');
      return;
    }
    if (!this.sentReported) {
      this.sentReported = true;
      this.job.report({ state: 'sent', attempt: this.attempt });
    }
    this.await(true);
  }

  /** Waits for a receipt; the first window's end re-sends, the second's is a failed attempt. */
  private await(resend: boolean): void {
    this.clearTimer();
    this.timer = setTimeout(() => {
      this.timer = undefined;
      if (this.over) return;
      if (!resend) {
        this.fail('not confirmed');
        return;
      }
      if (this.push() === 0) this.fail('no monitor connected');
      else this.await(false);
    }, this.options.confirmMs);
    this.timer.unref();
  }

  private fail(reason: string): void {
    const delay = backoffDelay(this.options.retry, this.attempt);
    this.job.report({ state: 'failed', attempt: this.attempt, reason, retryAt: this.job.now() + delay });
    this.log.info({ channel: this.job.channel, key: this.job.key, attempt: this.attempt, reason }, 'monitor-view: not delivered');
    this.clearTimer();
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.tryNow();
    }, delay);
    this.timer.unref();
  }

  private push(): number {
    return this.hub.push(this.job.session.id, this.to, this.message);
  }

  private clearTimer(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
  }
}
