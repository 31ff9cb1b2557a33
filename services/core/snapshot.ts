// What the core shows of a session's state (SessionCore.snapshot()): plain data, no Node-only imports, so the
// dashboard shares these very types for what arrives over the wire.
import type { AlarmKind, Priority, SensorCondition, Vital } from './types.js';

export interface OpenAlarm {
  id: string;
  rule: string;
  vital: Vital | 'device';
  priority: Priority;
  kind: AlarmKind;
  latching: boolean;
  /** the condition holds now */
  active: boolean;
  acknowledged: boolean;
  acknowledgedBy: string | undefined;
  raisedAt: number;
  clearedAt: number | undefined;
  value: number | undefined;
  device: string | undefined;
  /** escalation hops so far */
  escalations: number;
  /** when the next escalation is due; Infinity = none */
  escalateAt: number;
}

export interface DoseRecord {
  t: number;
  event: 'dose' | 'supplemental-dose';
  mg: number | undefined;
}

export interface DeviceStatus {
  device: string;
  state: 'connected' | 'disconnected' | 'removed' | 'unknown';
  battery: number | undefined;
  lastSampleAt: number | undefined;
  /** sensor conditions the device reports now */
  conditions: SensorCondition[];
}

export interface VitalSnapshot {
  value: number | null;
  t: number | null;
  baseline: number | null;
  baselineSource: 'auto' | 'manual' | null;
  samples: number;
  artifacts: number;
}

export interface DisabledRule {
  rule: string;
  t: number;
  by: string | undefined;
  reason: string;
}

export interface SessionSnapshot {
  now: number | null;
  startedAt: number | null;
  endedAt: number | null;
  /** the first dose: time since dose is counted from here */
  doseAt: number | null;
  doses: DoseRecord[];
  fluidMl: number;
  vitals: Record<Vital, VitalSnapshot>;
  alarms: OpenAlarm[];
  audioPausedUntil: number | null;
  disabledRules: DisabledRule[];
  devices: DeviceStatus[];
}
