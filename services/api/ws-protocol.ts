// The WebSocket protocol of the hub (`GET /ws`), typed in both directions. docs/websocket.md is the
// reader's version; this block is the contract the code keeps.
//
// Connect: GET /ws?session=<id>|*&since=<seq>&epoch=<epoch>&points=<n>
//   Authenticated at the upgrade (cookie or gateway token): 401 unauthenticated, 403 not allowed,
//   404 unknown session, 400 bad query — all before the WebSocket exists.
//   session=*   every session the user may read, now and later (the monitor's overview); `since` is then
//               a list `<id>:<seq>,<id>:<seq>` (ids URL-encoded), sessions without an entry get a snapshot.
//   since       the last seq the client holds; with `epoch` (from `hello`) the hub knows it is its own.
//   points      trend points per vital in a snapshot (0 = no trend).
//
// Server → client, in this order on connect:
//   hello                 { type, protocol, epoch, user, sessions, heartbeatMs, confirmTimeoutMs, maxMessageBytes }
//   per session, one of:  snapshot (reason 'connect' without since, 'gap' when since is older than the
//                         buffer, 'reset' when since is not from this hub), then every buffered alarm after
//                         `since` on a gap — or, when since is in the buffer, exactly the messages after it;
//                         then any alarm this user was sent earlier and has not confirmed (re-sent).
//   live, per session:    { type: 'sample'|'alarm'|'event'|'device'|'audio'|'baseline'|'rule'|'notify'|'notify-end'|'delivery',
//                           seq, session, line }
//                         `line` is the journal line; `seq` increases by one per message of the session.
//   also:                 snapshot reason 'added' (a new session under session=*), removed, pong, error.
//   notification          { type, session, notification } — to the addressees of an escalation notification
//                         only (docs/notifications.md), not numbered; re-sent until a receipt confirms it.
//   system                { type, state: 'failed'|'ok', problems } — the alarm system itself (a journal that cannot
//                         be written, a core that threw or stopped making progress, a stalled event loop): to every
//                         connection, right after hello while failing and on every change. Not numbered.
//
// Delivery rules:
//   - alarm messages are never dropped or merged; the client answers each with { type: 'confirm', seq }
//     (and `session` under session=*). Unconfirmed ones are re-sent after confirmTimeoutMs, and again on
//     the next connection of the same user. A client de-duplicates by (session, seq).
//   - samples to a client whose socket is backed up are conflated: only the latest per vital goes out once
//     it drains, so a sample may arrive after messages with higher seq and seqs of superseded samples are
//     never seen. Track the highest seq seen per session, not the count.
//   - everything else goes out in seq order.
//
// Client → server: { type: 'confirm', seq, session? } | { type: 'ping', id? } (answered by pong)
//   | { type: 'receipt', session, notification, state: delivered|read|accepted|declined } (addressees only).
// Bad JSON, an unknown type, wrong fields, a binary frame or a message over maxMessageBytes gets an `error`;
// the connection stays up. Only a frame over maxFrameBytes closes it (1009): ws must buffer a frame whole.
//
// Liveness: the server pings every heartbeatMs and terminates a connection that missed the previous pong.
// Close codes: see CLOSE below.
import type {
  AlarmKind,
  AlarmTransition,
  AudioChange,
  BaselineSet,
  DeliveryReport,
  DeliveryState,
  DeviceUpdate,
  Notification,
  NotificationEnd,
  NotifyReason,
  Priority,
  RecordingLine,
  RuleSwitched,
  Sample,
  SessionEvent,
  Vital,
} from '../core/types.js';
import type { SystemProblem, SystemState } from '../live/system-problem.js';

export type { SystemProblem, SystemState };

export const PROTOCOL_VERSION = 1;

/**
 * Journal lines the hub forwards. Raw frames, ticks, actions (their effects arrive as lines) and artifacts stay in
 * the journal. The escalation's lines (notify, notify-end, delivery) go to every client: every screen shows who was told.
 */
export type HubLine =
  | Sample
  | AlarmTransition
  | SessionEvent
  | DeviceUpdate
  | AudioChange
  | BaselineSet
  | RuleSwitched
  | Notification
  | NotificationEnd
  | DeliveryReport;
export type HubLineType = HubLine['type'];

export const HUB_LINE_TYPES: ReadonlySet<string> = new Set<HubLineType>([
  'sample',
  'alarm',
  'event',
  'device',
  'audio',
  'baseline',
  'rule',
  'notify',
  'notify-end',
  'delivery',
]);

export function isHubLine(line: RecordingLine): line is HubLine {
  return HUB_LINE_TYPES.has(line.type);
}

/** Distributes over the union, so a message's `type` narrows its `line`. */
type Numbered<L> = L extends HubLine ? { type: L['type']; seq: number; session: string; line: L } : never;

/** One journal line of one session, numbered. */
export type LineMessage = Numbered<HubLine>;

export interface HelloMessage {
  type: 'hello';
  protocol: typeof PROTOCOL_VERSION;
  /** changes whenever the hub restarts: send it back with `since` */
  epoch: string;
  user: string;
  sessions: string[];
  heartbeatMs: number;
  confirmTimeoutMs: number;
  maxMessageBytes: number;
}

export type SnapshotReason = 'connect' | 'gap' | 'reset' | 'added';

export interface SnapshotMessage {
  type: 'snapshot';
  session: string;
  /** the last seq the state includes: live messages continue after it */
  seq: number;
  epoch: string;
  reason: SnapshotReason;
  state: unknown;
  trend: Record<string, Array<[number, number]>>;
}

/** A session under session=* is gone (closed and unloaded): nothing more comes for it. */
export interface RemovedMessage {
  type: 'removed';
  session: string;
}

export interface PongMessage {
  type: 'pong';
  id?: string | number;
  /** server time, ms since the epoch */
  t: number;
}

/** refused: a well-formed message this user may not send (a receipt from someone not addressed) */
export type ErrorCode = 'bad-json' | 'bad-message' | 'unknown-type' | 'too-large' | 'unknown-seq' | 'unavailable' | 'refused';

export interface ErrorMessage {
  type: 'error';
  code: ErrorCode;
  message: string;
}

/** One alarm a notification carries, as the notifier describes it (also the webhook body's `alarms`). */
export interface NotificationAlarm {
  id: string;
  rule: string;
  /** the rule's text, e.g. "Heart rate high" */
  text: string;
  priority: Priority;
  kind: AlarmKind;
  vital: Vital | 'device';
  value?: number;
  raisedAt: number;
}

/** An escalation notification, to its addressees only (docs/notifications.md); answered with `receipt`. */
export interface NotificationMessage {
  type: 'notification';
  session: string;
  notification: {
    id: string;
    contact: string;
    level: number;
    priority: Priority;
    reason: NotifyReason;
    t: number;
    /** when the chain moves on unless this contact accepts; absent: it waits for them */
    acceptBy?: number;
    alarms: NotificationAlarm[];
  };
}

/**
 * The alarm system's own health (services/live/system-health.ts), to every connection: right after `hello` while
 * anything is failing, and on every change. `problems` are all current ones (empty with `ok`).
 */
export interface SystemMessage {
  type: 'system';
  state: SystemState;
  problems: SystemProblem[];
}

export type ServerMessage = HelloMessage | SnapshotMessage | LineMessage | RemovedMessage | PongMessage | ErrorMessage | NotificationMessage | SystemMessage;

export interface ConfirmMessage {
  type: 'confirm';
  seq: number;
  /** required when the connection follows more than one session */
  session?: string;
}

export interface PingMessage {
  type: 'ping';
  id?: string | number;
}

/** What a person's client may report about a notification (the delivery states a receiver confirms). */
export const RECEIPT_STATES = ['delivered', 'read', 'accepted', 'declined'] as const satisfies readonly DeliveryState[];
export type ReceiptState = (typeof RECEIPT_STATES)[number];

export interface ReceiptMessage {
  type: 'receipt';
  session: string;
  notification: string;
  state: ReceiptState;
}

export type ClientMessage = ConfirmMessage | PingMessage | ReceiptMessage;

/** Close codes the hub uses (4000–4999 are the application's). */
export const CLOSE = {
  /** the service is shutting down */
  goingAway: 1001,
  /** a frame above the hard frame limit (ws refuses to buffer it) */
  tooBig: 1009,
  /** the only session of this connection is gone */
  sessionRemoved: 4004,
  /** too far behind: backed up past the hard limit for the grace period, or too many alarms overdue for confirmation */
  tooFarBehind: 4008,
} as const;

export type ParsedClientMessage = { ok: true; message: ClientMessage } | { ok: false; error: ErrorMessage };

function refuse(code: ErrorCode, message: string): ParsedClientMessage {
  return { ok: false, error: { type: 'error', code, message } };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isPingId(value: unknown): value is string | number {
  return (typeof value === 'string' && value.length <= 64) || (typeof value === 'number' && Number.isFinite(value));
}

function isReceiptState(value: unknown): value is ReceiptState {
  return typeof value === 'string' && (RECEIPT_STATES as readonly string[]).includes(value);
}

/** Parses one text message from a client. Never throws: anything wrong becomes an error message to send back. */
export function parseClientMessage(text: string): ParsedClientMessage {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return refuse('bad-json', 'a message must be one JSON object');
  }
  if (!isRecord(value)) return refuse('bad-json', 'a message must be one JSON object');
  switch (value.type) {
    case 'confirm': {
      const { seq, session } = value;
      if (typeof seq !== 'number' || !Number.isSafeInteger(seq) || seq < 1) return refuse('bad-message', 'confirm needs seq, a positive integer');
      if (session !== undefined && (typeof session !== 'string' || session.length === 0 || session.length > 200)) {
        return refuse('bad-message', 'confirm: session must be a session id');
      }
      return { ok: true, message: session === undefined ? { type: 'confirm', seq } : { type: 'confirm', seq, session } };
    }
    case 'ping': {
      const { id } = value;
      if (id !== undefined && !isPingId(id)) return refuse('bad-message', 'ping: id must be a short string or a number');
      return { ok: true, message: id === undefined ? { type: 'ping' } : { type: 'ping', id } };
    }
    case 'receipt': {
      const { session, notification, state } = value;
      if (Object.keys(value).some((k) => k !== 'type' && k !== 'session' && k !== 'notification' && k !== 'state')) {
        return refuse('bad-message', 'receipt: only type, session, notification and state');
      }
      if (typeof session !== 'string' || session.length === 0 || session.length > 200) return refuse('bad-message', 'receipt needs session, a session id');
      if (typeof notification !== 'string' || !/^[A-Za-z0-9._-]{1,64}$/.test(notification)) {
        return refuse('bad-message', 'receipt needs notification, a notification id such as n-1');
      }
      if (!isReceiptState(state)) return refuse('bad-message', `receipt: state must be one of ${RECEIPT_STATES.join(', ')}`);
      return { ok: true, message: { type: 'receipt', session, notification, state } };
    }
    default:
      return refuse('unknown-type', `unknown message type ${JSON.stringify(String(value.type)).slice(0, 80)}; expected confirm, ping or receipt`);
  }
}
