// What the dashboard receives from vigil: the API answers and the WebSocket messages. The line types come from
// the core's own model (services/core/types.ts), the session snapshot from services/core/snapshot.ts (as JSON
// delivers it), and the hub protocol from services/api/ws-protocol.ts.
import type {
  HubLine,
  LineMessage,
  NotificationAlarm,
  NotificationMessage,
  ReceiptMessage,
  ReceiptState,
  SystemMessage,
  SystemProblem,
} from '../../services/api/ws-protocol.js';
import type * as Core from '../../services/core/snapshot.js';
import type { AlarmKind, DeliveryReport, DeliveryState, Notification, NotificationEnd, NotifyOutcome, NotifyReason, Priority, SensorCondition, Vital } from '../../services/core/types.js';

export type { HubLine, LineMessage, NotificationAlarm, NotificationMessage, ReceiptMessage, ReceiptState, SystemMessage, SystemProblem };
export type { AlarmKind, DeliveryReport, DeliveryState, Notification, NotificationEnd, NotifyOutcome, NotifyReason, Priority, SensorCondition, Vital };

/** The escalation's journal lines (docs/notifications.md): what the core decided and what the channels reported. */
export type EscalationLine = Notification | NotificationEnd | DeliveryReport;
/** Every journal line the dashboard applies to a session (the hub forwards the escalation lines with the rest). */
export type SessionLine = HubLine;

export const VITAL_LIST: readonly Vital[] = ['hr', 'spo2', 'sbp', 'dbp', 'map', 'temp'];

/**
 * What JSON makes of a core type: a field that may be undefined is simply absent. (Infinity, which JSON turns
 * into null, is handled field by field below.)
 */
type UndefinedKeys<T> = { [K in keyof T]-?: undefined extends T[K] ? K : never }[keyof T];
type Wire<T> = { [K in Exclude<keyof T, UndefinedKeys<T>>]: T[K] } & { [K in UndefinedKeys<T>]?: T[K] };

/** One open alarm; `escalateAt` is null when none is due (Infinity on the server). */
export type OpenAlarm = Omit<Wire<Core.OpenAlarm>, 'escalateAt'> & { escalateAt?: number | null | undefined };
export type VitalSnapshot = Core.VitalSnapshot;
export type DoseRecord = Wire<Core.DoseRecord>;
export type DeviceStatus = Wire<Core.DeviceStatus>;
/** `t` is null for a rule switched off in the profile itself (-Infinity on the server). */
export type DisabledRule = Omit<Wire<Core.DisabledRule>, 't'> & { t: number | null };
export type ChannelDelivery = Wire<Core.ChannelDelivery>;
export type NotificationStatus = Omit<Wire<Core.NotificationStatus>, 'channels'> & { channels: Record<string, ChannelDelivery> };
export type EscalationSnapshot = Omit<Wire<Core.EscalationSnapshot>, 'notifications'> & { notifications: NotificationStatus[] };
export type SessionSnapshot = Omit<Core.SessionSnapshot, 'alarms' | 'doses' | 'devices' | 'disabledRules' | 'escalation'> & {
  doses: DoseRecord[];
  alarms: OpenAlarm[];
  disabledRules: DisabledRule[];
  devices: DeviceStatus[];
  escalation: EscalationSnapshot | null;
};


/** A compiled comparison (services/core/profile.ts) or one as a profile file writes it. */
export interface LimitComparison {
  vital?: Vital;
  op: '>=' | '>' | '<=' | '<';
  value: number;
  over?: 'baseline';
  overBaseline?: boolean;
}

export type LimitCondition =
  | LimitComparison
  | { type: 'compare'; compare: LimitComparison }
  | { type: 'any' | 'all'; of: LimitCondition[] }
  | { any: LimitCondition[] }
  | { all: LimitCondition[] };

/** A rule as the session answer lists it; limits (`raise`, `clear`) only when the answer carries them. */
export interface RuleInfo {
  id: string;
  kind: string;
  priority: Priority;
  text: string;
  vital?: Vital;
  enabled?: boolean;
  latching?: boolean;
  raise?: { when: LimitCondition };
  clear?: { when: LimitCondition };
}

export interface DeviceBinding {
  kind: string;
  device: string;
  vitals: Vital[];
  path?: string;
  protocol?: string;
}

/** GET /api/sessions: one row per session the user may read. */
export interface SessionSummary {
  id: string;
  patient: string;
  room: string | null;
  phase: 'created' | 'live' | 'ended';
  simulated: boolean;
  therapists: string[];
  monitors: string[];
  now: number | null;
  doseAt: number | null;
  vitals: Partial<Record<Vital, number | null>>;
  highestAlarm: { rule: string; priority: Priority; active: boolean; acknowledged: boolean } | null;
}

/** The escalation policy as far as screens need it (services/core/escalation-types.ts, EscalationPolicySpec). */
export interface PolicyView {
  contacts?: Array<{ id: string; label?: string }>;
  repeatEvery?: string | null;
}

/** GET /api/sessions/:id */
export interface SessionDetail extends SessionSummary {
  profile: string;
  /** the session's escalation policy, when the answer carries it (for the contacts' labels) */
  escalation?: PolicyView;
  rules: RuleInfo[];
  devices: DeviceBinding[];
  state: SessionSnapshot;
}

/** The answer to every action (event, acknowledge, pause …): the session's state right after it. */
export interface ActionAnswer {
  ok: true;
  t: number;
  state: SessionSnapshot;
}

export type Role = 'therapist' | 'monitor' | 'engineer' | 'admin';

/** POST /api/login, GET /api/me */
export interface Me {
  username: string;
  roles: Role[];
  csrfToken: string;
}

/** POST /api/sessions/:id/devices {kind: 'gateway'} */
export interface GatewayBinding {
  kind: 'gateway';
  device: string;
  vitals: Vital[];
  token: string;
}

/** POST /api/replay (services/api/replay-routes.ts) */
export interface ServerReplay {
  header: { session: { id: string; patient: string; room?: string } } | null;
  profile: string;
  rules: RuleInfo[];
  firstT: number | null;
  lastT: number | null;
  inputs: number;
  issueCount: number;
  issues: Array<{ lineNo: number; message: string }>;
  recordedAlarms: number;
  outputs: SessionLine[];
  truncated: boolean;
}

/** The first line of a recording, as far as the replay needs it. */
export interface RecordingHeaderLike {
  type: 'header';
  session?: { id?: string; patient?: string; room?: string; profile?: string; escalation?: PolicyView };
}
