// What the WebSocket hub needs from a live session, and what it tells the rest of the service.
import type { User } from '../auth/types.js';
import type { RecordingLine } from '../core/types.js';
import type { SystemProblem } from '../live/system-problem.js';
import type { NotificationMessage, ReceiptMessage } from './ws-protocol.js';

export interface HubSession {
  readonly id: string;
  /** the session's state now, sent first to every client (JSON-serialisable) */
  snapshot(): unknown;
  /**
   * The trend so far for the snapshot, downsampled to at most `points` points per vital
   * ([t, value] pairs, oldest first).
   */
  trend(points: number): Record<string, Array<[number, number]>>;
  /** every line the session journals from now on (samples, events, device state, alarm transitions, …) */
  subscribe(listener: (line: RecordingLine) => void): () => void;
}

/** How the notifier reaches connections: a targeted push to the followers of one session. */
export interface HubPush {
  /** sends `message` to every connection following `session` whose user `to` accepts; returns how many got it */
  push(session: string, to: (user: User) => boolean, message: NotificationMessage): number;
}

/**
 * The notifier's side of the hub (the monitor-view channel, docs/notifications.md). Its callbacks run inside
 * the hub's handlers: they must not throw (the hub guards them anyway) and must not wait.
 */
export interface HubNotifications {
  /** the hub is running: what to push with */
  attach(hub: HubPush): void;
  /** a connection of `user` started following `session` (connected, or a session added under session=*) */
  followed(user: User, session: string): void;
  /** a client's receipt; returns why it is refused (not an addressee, unknown notification), or undefined */
  receipt(user: User, receipt: ReceiptMessage): string | undefined;
}

/** The alarm system's own health (services/live/system-health.ts): the hub shows it on every connection. */
export interface HubHealth {
  /** the current problems; none while the alarm system works */
  problems(): SystemProblem[];
  /** told on every change, with the problems current after it */
  subscribe(listener: (change: unknown, problems: SystemProblem[]) => void): () => void;
}
