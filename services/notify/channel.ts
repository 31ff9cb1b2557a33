// What a channel is to the notifier: it takes one notification for one route (`deliver`), reports how far
// it got, and stops when told. Each channel type is one module implementing this; channel-registry.ts maps
// a site's channel definitions (data) to them.
import type { Logger } from 'pino';
import type { User } from '../auth/types.js';
import type { NotificationMessage } from '../api/ws-protocol.js';
import type { ChannelDelivery } from '../core/snapshot.js';
import type { DeliveryState, Notification, NotifyOutcome } from '../core/types.js';
import type { HubLink } from './hub-link.js';

export type NotifyLog = Pick<Logger, 'debug' | 'info' | 'warn' | 'error'>;

/** The session a notification is about, as channels need it (a pseudonymous label, never a name). */
export interface SessionRef {
  id: string;
  patient: string;
  room?: string;
  /** fed by the simulator: receivers may route it away from real pagers */
  simulated?: boolean;
  /** the session's assigned medical monitors (usernames) */
  monitors: readonly string[];
}

/** What a channel tells the notifier; it becomes a `delivery` input with the session's time. */
export interface ChannelReport {
  state: DeliveryState;
  attempt?: number;
  by?: string;
  reason?: string;
  /** failed: when the channel tries again (the session's clock, ms since the epoch) */
  retryAt?: number;
}

/** One notification to deliver on one channel. */
export interface DeliveryJob {
  /** `<session>/<notification>/<channel>`: the idempotency key, the same on every attempt and after a restart */
  key: string;
  channel: string;
  session: SessionRef;
  notification: Notification;
  /** the route's address on this channel (`monitors`, `role:monitor`, `user:dr-m`, a pager id, …) */
  to: string | undefined;
  /** the message as screens and receivers get it */
  message: NotificationMessage['notification'];
  /** what this channel reported about the notification before a restart (undefined: never tried) */
  previous: ChannelDelivery | undefined;
  /** the session's clock (virtual in tests and replays), for `retryAt` */
  now(): number;
  report(report: ChannelReport): void;
}

/** A delivery under way. */
export interface DeliveryHandle {
  /** the notification ended: stop delivering (a channel may tell the receiver it is closed) */
  end(outcome: NotifyOutcome, by: string | undefined): void;
  /** a receipt arrived for it through this channel: the receiver has it, stop re-sending */
  confirmed(): void;
  /** the service stops: stop at once, say nothing (the notification is not over; a restart resumes it) */
  cancel(): void;
}

export interface Channel {
  readonly id: string;
  readonly type: string;
  deliver(job: DeliveryJob): DeliveryHandle;
  /** receipts over HTTP (POST /api/notify/receipts) are signed with this; channels without one take none */
  readonly receiptSecret?: string;
  /** receipts over the WebSocket: is `user` an addressee of `to` on this channel (absent: no WebSocket receipts) */
  addressee?(user: User, to: string | undefined, session: SessionRef): boolean;
}

/** What a channel module gets besides its definition. */
export interface ChannelContext {
  hub: HubLink;
  log: NotifyLog;
  /** where receivers send receipts: `<publicUrl>/api/notify/receipts` */
  receiptUrl(): string;
  env: NodeJS.ProcessEnv;
}

/** One channel type: the schema of its definition and how to make a channel from one. */
export interface ChannelType {
  /** JSON schema of a definition of this type (properties besides `type`); errors name the field */
  readonly schema: Record<string, unknown>;
  /** problems the schema cannot see (an environment variable that is not set), as `field: message` */
  check?(definition: Record<string, unknown>, env: NodeJS.ProcessEnv): string[];
  /** `definition` has passed `schema` and `check` */
  create(id: string, definition: Record<string, unknown>, context: ChannelContext): Channel;
}

/** The idempotency key of a notification on a channel, and how a receipt names it. */
export function deliveryKey(session: string, notification: string, channel: string): string {
  return `${session}/${notification}/${channel}`;
}

export function parseDeliveryKey(key: string): { session: string; notification: string; channel: string } | undefined {
  const parts = key.split('/');
  if (parts.length !== 3 || parts.some((part) => part === '')) return undefined;
  const [session, notification, channel] = parts as [string, string, string];
  return { session, notification, channel };
}
