// The typed model shared by every part of vigil: what flows into the core and what comes out of it.
// Field names follow the `vigil-recording` format (DESIGN §8), so a recording line *is* one of these.
import type { EscalationPolicySpec } from './escalation-types.js';

/** Vitals vigil evaluates. */
export const VITALS = ['hr', 'spo2', 'sbp', 'dbp', 'map', 'temp'] as const;
export type Vital = (typeof VITALS)[number];

/** UCUM unit codes accepted on the way in; the core works in the canonical unit of each vital. */
export type CanonicalUnit = '/min' | '%' | 'mm[Hg]' | 'Cel';
export type InputUnit = CanonicalUnit | 'kPa' | '[degF]';

/** Continuous vitals use a time delay, episodic ("spot") ones count consecutive readings. */
export type SampleMode = 'continuous' | 'spot';

export type Priority = 'high' | 'medium' | 'low';
export type AlarmKind = 'physiological' | 'technical';
export type AlarmState = 'raised' | 'cleared' | 'acknowledged' | 'escalated';

/** One measured value. Samples of one reading (systolic, diastolic, mean) share one `t`. */
export interface Sample {
  type: 'sample';
  /** ms since the Unix epoch */
  t: number;
  vital: Vital;
  value: number;
  unit: InputUnit;
  device?: string;
  mode?: SampleMode;
}

export const EVENT_KINDS = ['session-start', 'dose', 'supplemental-dose', 'fluid', 'note', 'session-end'] as const;
export type EventKind = (typeof EVENT_KINDS)[number];

/** A timeline event of the session (DESIGN §5). */
export interface SessionEvent {
  type: 'event';
  t: number;
  event: EventKind;
  /** dose and supplemental-dose */
  mg?: number;
  /** fluid intake */
  ml?: number;
  /** note */
  text?: string;
  by?: string;
}

/** Signal and sensor conditions a device reports; they become technical state, never numbers. */
export const SENSOR_CONDITIONS = [
  'sensor-off', // off the patient, finger out, probe unconnected to user
  'no-sensor', // no sensor / cable connected to the device
  'sensor-fault', // defective, unrecognised, incompatible or malfunctioning sensor; equipment malfunction
  'pulse-search', // searching for a pulse
  'artifact', // a per-pulse or sustained artifact / out of track
  'low-perfusion', // low or marginal perfusion
  'poor-signal', // interference, ambient light, low signal quality, erratic or non-pulsatile signal
  'measurement-unavailable', // the device says this measurement is unavailable, invalid or questionable
  'cuff-problem', // cuff too loose, body movement, improper position during a cuff measurement
  'irregular-pulse', // irregular pulse detected during a cuff measurement
] as const;
export type SensorCondition = (typeof SENSOR_CONDITIONS)[number];

/** Transport/technical state of one device. */
export interface DeviceUpdate {
  type: 'device';
  t: number;
  device: string;
  /** connected: transport up; disconnected: transport lost; removed: unbound on purpose (no alarm). */
  state?: 'connected' | 'disconnected' | 'removed';
  /** vitals this device is a source of; binding a vital starts its stale timer */
  vitals?: Vital[];
  /** battery level in % */
  battery?: number;
  /** a low-battery flag from a device that reports no percentage */
  lowBattery?: boolean;
  /** the sensor conditions active now (replaces what the device reported before; [] = none) */
  conditions?: SensorCondition[];
}

export const ACTION_KINDS = ['acknowledge', 'audio-pause', 'alarm-off', 'alarm-on', 'set-baseline', 'set-limits'] as const;
export type ActionKind = (typeof ACTION_KINDS)[number];

/** Something a person did to the session; it is also the audit entry (who, what, when, why). */
export interface Action {
  type: 'action';
  t: number;
  action: ActionKind;
  /** pseudonymous user id of whoever acted */
  by?: string;
  /** acknowledge / alarm-off / alarm-on: the rule; acknowledge without rule = every open alarm */
  rule?: string;
  /** set-baseline */
  vital?: Vital;
  value?: number;
  /** alarm-off needs one */
  reason?: string;
  /** set-limits: a partial rule, merged over the rule as the profile has it (e.g. {"raise":{"when":{"value":140}}}) */
  limits?: Record<string, unknown>;
}

/** An explicit clock tick: time passes with no other input (fires timers). */
export interface Tick {
  type: 'tick';
  t: number;
}

/**
 * Delivery states of a notification, in the spirit of IHE Alert Communication Management: `sent` (handed to
 * the channel), `delivered` (the receiving client confirmed), `read` (shown to the person), `accepted` /
 * `declined` (the person's answer); `failed` (this attempt could not be delivered; the channel keeps trying).
 */
export const DELIVERY_STATES = ['sent', 'delivered', 'read', 'accepted', 'declined', 'failed'] as const;
export type DeliveryState = (typeof DELIVERY_STATES)[number];

/**
 * What a channel reports about one notification. An input of the core, journalled like any other, so a
 * replay reproduces the escalation chain exactly: declines and acceptances arrive at their recorded times.
 */
export interface DeliveryReport {
  type: 'delivery';
  t: number;
  /** the notification's id (`n-<k>`, from its `notify` line) */
  notification: string;
  /** the channel id the report comes through (site configuration: `monitor-view`, `pager`, …) */
  channel: string;
  state: DeliveryState;
  /** sent / failed: which attempt (1 = the first) */
  attempt?: number;
  /** read / accepted / declined: who (a vigil user id, or the receiving system's own reference) */
  by?: string;
  /** failed: why ("HTTP 503", "connection refused", "no monitor connected", "not confirmed within 10 s") */
  reason?: string;
  /** failed: when the channel tries again (ms since the epoch), if it will */
  retryAt?: number;
}

export type CoreInput = Sample | SessionEvent | DeviceUpdate | Action | Tick | DeliveryReport;

const INPUT_TYPES: ReadonlySet<string> = new Set(['sample', 'event', 'device', 'action', 'tick', 'delivery']);

/** Is this recording line something the core takes in (rather than something it said, or raw bytes)? */
export function isCoreInput(line: { type: string }): line is CoreInput {
  return INPUT_TYPES.has(line.type);
}

/** One transition in the life of one alarm (DESIGN §3). */
export interface AlarmTransition {
  type: 'alarm';
  t: number;
  rule: string;
  /** alarm instance id, unique within the session: `${rule}#${n}` (the core always sets it; DESIGN §8 lines may omit it) */
  id?: string;
  vital: Vital | 'device';
  priority: Priority;
  /** the core always sets it; DESIGN §8 lines may omit it */
  kind?: AlarmKind;
  state: AlarmState;
  /** the value that raised/cleared it (canonical unit); for device alarms the battery level, if any */
  value?: number;
  /** the device concerned, for technical alarms */
  device?: string;
  /** acknowledged: who */
  by?: string;
  /** escalated: the contact's place in the escalation chain, 1 = the first contact (the medical monitor) */
  level?: number;
  /** escalated: the contact notified (escalation policy id) */
  contact?: string;
  /** escalated: the notification that carries it */
  notification?: string;
  /** cleared: why, when not by its clear condition (e.g. 'session-end', 'alarm-off') */
  reason?: string;
}

/** The audio signal state of a session changed. */
export interface AudioChange {
  type: 'audio';
  t: number;
  state: 'paused' | 'resumed';
  /** paused: when sound resumes on its own */
  until?: number;
  by?: string;
}

/** A baseline was established (automatically at the first dose, or by hand). */
export interface BaselineSet {
  type: 'baseline';
  t: number;
  vital: Vital;
  value: number;
  source: 'auto' | 'manual';
  /** how many samples the median was taken over (auto) */
  samples?: number;
  by?: string;
}

/** A value outside the physiological range: counted and recorded, never evaluated. */
export interface ArtifactSeen {
  type: 'artifact';
  t: number;
  vital: Vital;
  value: number;
  device?: string;
}

/** A rule was switched off or back on for this session (always visible, audited). */
export interface RuleSwitched {
  type: 'rule';
  t: number;
  rule: string;
  enabled: boolean;
  by?: string;
  reason?: string;
}

/** Why a notification went out. */
export type NotifyReason = 'escalation' | 'next-contact' | 'update' | 'repeat';

/**
 * A notification the core decided to send to one contact about one session: the notifier delivers it on
 * each of the contact's channels and reports back with `delivery` inputs. Alarms of one session travel in
 * one notification (grouping); `update` re-sends to the same contact with alarms added.
 */
export interface Notification {
  type: 'notify';
  t: number;
  /** `n-<k>`, unique within the session; `${session}/${id}/${channel}` is each delivery's idempotency key */
  id: string;
  /** escalation policy contact id */
  contact: string;
  /** the contact's place in the chain, 1 = first */
  level: number;
  /** the highest priority among its alarms */
  priority: Priority;
  /** alarm instance ids it covers, highest priority first, then oldest */
  alarms: string[];
  reason: NotifyReason;
  /** when the chain moves on to the next contact unless this one accepts (ms since the epoch); absent = it waits */
  acceptBy?: number;
  /** the earlier notification to the same contact this one supersedes (its channels stop retrying) */
  replaces?: string;
}

/** How a notification ended. */
export type NotifyOutcome = 'accepted' | 'declined' | 'timeout' | 'superseded' | 'resolved' | 'session-end';

/**
 * A notification needs no more delivering: someone accepted, the contact declined or did not accept in time
 * (the chain moved on), a newer notification superseded it, or its alarms were acknowledged or ended.
 */
export interface NotificationEnd {
  type: 'notify-end';
  t: number;
  id: string;
  outcome: NotifyOutcome;
  /** accepted: who */
  by?: string;
}

export type CoreOutput = AlarmTransition | AudioChange | BaselineSet | ArtifactSeen | RuleSwitched | Notification | NotificationEnd;

/** Why the core refused an input. Refused inputs change nothing. */
export type RejectReason =
  | 'time-backwards'
  | 'bad-time'
  | 'unknown-vital'
  | 'bad-value'
  | 'bad-unit'
  | 'unknown-event'
  | 'bad-event'
  | 'unknown-action'
  | 'bad-action'
  | 'unknown-rule'
  | 'bad-device'
  | 'bad-delivery'
  | 'unknown-notification'
  | 'session-ended'
  /** not a refusal: the core threw on the input (a bug). The live session reports it as an alarm-system failure. */
  | 'core-fault';

export interface Rejection {
  reason: RejectReason;
  message: string;
}

/** Header line of a recording. */
export interface RecordingHeader {
  type: 'header';
  format: 'vigil-recording';
  version: 1;
  session: {
    id: string;
    /** pseudonymous label, never a name */
    patient: string;
    room?: string;
    profile?: string;
    /** the escalation policy the session runs under (the default policy when absent) */
    escalation?: EscalationPolicySpec;
  };
}

/** Raw device bytes, recorded for later decoding. */
export interface RawFrame {
  type: 'raw';
  t: number;
  device: string;
  hex: string;
  /** the decoder it was read with (`vigil decode` name): lets an engineer re-decode after a decoder fix */
  format?: string;
  /** why the decoder refused it, if it did */
  error?: string;
}

/** Every line type a recording may hold. */
export type RecordingLine = RecordingHeader | CoreInput | CoreOutput | RawFrame;
