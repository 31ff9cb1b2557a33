// What the core shows of a session's state (SessionCore.snapshot()): plain data, no Node-only imports, so the
// dashboard shares these very types for what arrives over the wire.
import type { AlarmKind, DeliveryState, NotifyOutcome, NotifyReason, Priority, SensorCondition, Vital } from './types.js';

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

/** The latest a channel reported about one notification. */
export interface ChannelDelivery {
  state: DeliveryState;
  t: number;
  attempt: number | undefined;
  by: string | undefined;
  reason: string | undefined;
  retryAt: number | undefined;
}

/**
 * One notification and how far it got. `status` is the furthest state any of its channels reached
 * (sent < delivered < read < accepted/declined), or `failed` while every channel's latest report is a failure.
 */
export interface NotificationStatus {
  id: string;
  t: number;
  contact: string;
  level: number;
  priority: Priority;
  alarms: string[];
  reason: NotifyReason;
  /** null: the chain waits for this contact */
  acceptBy: number | null;
  /** channel id → the latest it reported; a channel that reported nothing yet is absent */
  channels: Record<string, ChannelDelivery>;
  status: 'pending' | DeliveryState;
  /** still to be delivered (undefined) or how it ended */
  outcome: NotifyOutcome | undefined;
  endedAt: number | undefined;
}

/**
 * The session's escalation: the alarms it is about, which contact the chain is at, and the notifications of
 * this escalation (open ones and those that ended, newest last). Null when nothing is escalated.
 */
export interface EscalationSnapshot {
  /** notifying: waiting for the contact at `level` to accept; accepted: someone took it; exhausted: every
   * contact was tried and none accepted (the chain starts over after the repeat interval) */
  state: 'notifying' | 'accepted' | 'exhausted';
  level: number;
  contact: string;
  alarms: string[];
  startedAt: number;
  /** notifying: when the chain moves on to the next contact */
  acceptBy: number | null;
  acceptedBy: string | undefined;
  /** when a reminder or the next round goes out; null = none */
  repeatAt: number | null;
  notifications: NotificationStatus[];
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
  escalation: EscalationSnapshot | null;
}
