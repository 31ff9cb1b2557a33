// What the dashboard receives from vigil: the API answers and the WebSocket messages. The line types come from
// the core's own model (services/core/types.ts) and the hub protocol (services/api/ws-protocol.ts). The session
// snapshot mirrors services/core/session-core.ts (SessionSnapshot), which cannot be imported here: that module
// pulls in Node-only code (profile loading).
import type { LineMessage, HubLine } from '../../services/api/ws-protocol.js';
import type { AlarmKind, Priority, SensorCondition, Vital } from '../../services/core/types.js';

export type { HubLine, LineMessage };
export type { AlarmKind, Priority, SensorCondition, Vital };

export const VITAL_LIST: readonly Vital[] = ['hr', 'spo2', 'sbp', 'dbp', 'map', 'temp'];

/** One open alarm (services/core/alarm-board.ts OpenAlarm; `undefined` fields are simply absent in JSON). */
export interface OpenAlarm {
  id: string;
  rule: string;
  vital: Vital | 'device';
  priority: Priority;
  kind: AlarmKind;
  latching: boolean;
  active: boolean;
  acknowledged: boolean;
  acknowledgedBy?: string | undefined;
  raisedAt: number;
  clearedAt?: number | undefined;
  value?: number | undefined;
  device?: string | undefined;
  escalations: number;
  escalateAt?: number | null | undefined;
}

export interface VitalSnapshot {
  value: number | null;
  t: number | null;
  baseline: number | null;
  baselineSource: 'auto' | 'manual' | null;
  samples: number;
  artifacts: number;
}

export interface DoseRecord {
  t: number;
  event: 'dose' | 'supplemental-dose';
  mg?: number | undefined;
}

export interface DeviceStatus {
  device: string;
  state: 'connected' | 'disconnected' | 'removed' | 'unknown';
  battery?: number | undefined;
  lastSampleAt?: number | undefined;
  conditions: SensorCondition[];
}

export interface DisabledRule {
  rule: string;
  t: number | null;
  by?: string | undefined;
  reason: string;
}

export interface SessionSnapshot {
  now: number | null;
  startedAt: number | null;
  endedAt: number | null;
  doseAt: number | null;
  doses: DoseRecord[];
  fluidMl: number;
  vitals: Record<Vital, VitalSnapshot>;
  alarms: OpenAlarm[];
  audioPausedUntil: number | null;
  disabledRules: DisabledRule[];
  devices: DeviceStatus[];
}

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

/** GET /api/sessions/:id */
export interface SessionDetail extends SessionSummary {
  profile: string;
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
  outputs: HubLine[];
  truncated: boolean;
}

/** The first line of a recording, as far as the replay needs it. */
export interface RecordingHeaderLike {
  type: 'header';
  session?: { id?: string; patient?: string; room?: string; profile?: string };
}
