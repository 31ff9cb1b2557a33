// Validation of one `vigil-recording` line (DESIGN §8). This runs once per line of every replay, so the
// happy path is a switch on `type` plus direct typeof checks and Set lookups: the parsed object is checked
// in place and returned as is (unknown extra fields stay on it, unread), never copied.
import { ACTION_KINDS, DELIVERY_STATES, EVENT_KINDS, SENSOR_CONDITIONS, VITALS } from '../core/types.js';
import type {
  Action,
  AlarmTransition,
  ArtifactSeen,
  AudioChange,
  BaselineSet,
  DeliveryReport,
  DeviceUpdate,
  Notification,
  NotificationEnd,
  RawFrame,
  RecordingHeader,
  RecordingLine,
  RuleSwitched,
  Sample,
  SessionEvent,
  Tick,
} from '../core/types.js';

export type ParseResult = { ok: true; line: RecordingLine } | { ok: false; error: string } | { ok: true; line: null };

/** Loosely typed view of a parsed JSON object, before validation. */
type Fields = Record<string, unknown>;

// Sets typed over `unknown` so a lookup needs no cast and also answers "no" for non-strings.
const VITAL: ReadonlySet<unknown> = new Set<unknown>(VITALS);
const ALARM_VITAL: ReadonlySet<unknown> = new Set<unknown>([...VITALS, 'device']);
const UNIT: ReadonlySet<unknown> = new Set<unknown>(['/min', '%', 'mm[Hg]', 'Cel', 'kPa', '[degF]']);
const MODE: ReadonlySet<unknown> = new Set<unknown>(['continuous', 'spot']);
const EVENT: ReadonlySet<unknown> = new Set<unknown>(EVENT_KINDS);
const ACTION: ReadonlySet<unknown> = new Set<unknown>(ACTION_KINDS);
const CONDITION: ReadonlySet<unknown> = new Set<unknown>(SENSOR_CONDITIONS);
const DEVICE_STATE: ReadonlySet<unknown> = new Set<unknown>(['connected', 'disconnected', 'removed']);
const PRIORITY: ReadonlySet<unknown> = new Set<unknown>(['high', 'medium', 'low']);
const ALARM_KIND: ReadonlySet<unknown> = new Set<unknown>(['physiological', 'technical']);
const ALARM_STATE: ReadonlySet<unknown> = new Set<unknown>(['raised', 'cleared', 'acknowledged', 'escalated']);
const AUDIO_STATE: ReadonlySet<unknown> = new Set<unknown>(['paused', 'resumed']);
const BASELINE_SOURCE: ReadonlySet<unknown> = new Set<unknown>(['auto', 'manual']);
const DELIVERY_STATE: ReadonlySet<unknown> = new Set<unknown>(DELIVERY_STATES);
const NOTIFY_REASON: ReadonlySet<unknown> = new Set<unknown>(['escalation', 'next-contact', 'update', 'repeat']);
const NOTIFY_OUTCOME: ReadonlySet<unknown> = new Set<unknown>(['accepted', 'declined', 'timeout', 'superseded', 'resolved', 'session-end']);
const HEX = /^(?:[0-9a-fA-F]{2})*$/;
const BLANK = /^\s*$/;

const IGNORED: ParseResult = Object.freeze({ ok: true, line: null });

/**
 * Parses and validates one line of text. Blank lines and lines of unknown `type` give `{ok: true, line: null}`
 * (the format lets later versions add line types); anything malformed gives a one-line error message.
 */
export function parseRecordingLine(text: string): ParseResult {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    // Checked only on failure: JSON.parse already rejects blank text, so the happy path pays nothing.
    if (BLANK.test(text)) return IGNORED;
    return { ok: false, error: jsonError(err) };
  }
  const checked = checkRecordingValue(value);
  if (checked === null) return IGNORED;
  if (typeof checked === 'string') return { ok: false, error: checked };
  return { ok: true, line: checked };
}

/** The message for a JSON.parse failure, as the reader reports it. */
export function jsonError(err: unknown): string {
  return `invalid JSON: ${err instanceof Error ? err.message : String(err)}`;
}

/**
 * Validates an already parsed value without allocating: the same object typed as a line when valid,
 * null for an unknown line type (ignored), or the error message. The reader calls this directly.
 */
export function checkRecordingValue(value: unknown): RecordingLine | string | null {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return 'line is not a JSON object';
  const o = value as Fields;
  const type = o.type;
  switch (type) {
    case 'sample':
      return checkSample(o);
    case 'event':
      return checkEvent(o);
    case 'device':
      return checkDevice(o);
    case 'action':
      return checkAction(o);
    case 'tick':
      return Number.isFinite(o.t) ? (o as unknown as Tick) : mustBe('tick', 't', o.t, 'a finite number');
    case 'alarm':
      return checkAlarm(o);
    case 'audio':
      return checkAudio(o);
    case 'baseline':
      return checkBaseline(o);
    case 'artifact':
      return checkArtifact(o);
    case 'rule':
      return checkRule(o);
    case 'raw':
      return checkRaw(o);
    case 'delivery':
      return checkDelivery(o);
    case 'notify':
      return checkNotify(o);
    case 'notify-end':
      return checkNotifyEnd(o);
    case 'header':
      return checkHeader(o);
    default:
      if (type === undefined) return 'line has no "type"';
      if (typeof type !== 'string') return `"type" must be a string, got ${show(type)}`;
      return null;
  }
}

// Each checker returns the object itself once every known field has been checked; the cast is sound
// because exactly the fields of the target type were verified just above it.

function checkSample(o: Fields): Sample | string {
  if (!Number.isFinite(o.t)) return mustBe('sample', 't', o.t, 'a finite number');
  if (!VITAL.has(o.vital)) return unknown('sample', 'vital', o.vital);
  if (!Number.isFinite(o.value)) return mustBe('sample', 'value', o.value, 'a finite number');
  if (!UNIT.has(o.unit)) return unknown('sample', 'unit', o.unit);
  if (o.device !== undefined && typeof o.device !== 'string') return mustBe('sample', 'device', o.device, 'a string');
  if (o.mode !== undefined && !MODE.has(o.mode)) return unknown('sample', 'mode', o.mode);
  return o as unknown as Sample;
}

function checkEvent(o: Fields): SessionEvent | string {
  if (!Number.isFinite(o.t)) return mustBe('event', 't', o.t, 'a finite number');
  if (!EVENT.has(o.event)) return unknown('event', 'event', o.event);
  if (o.mg !== undefined && !Number.isFinite(o.mg)) return mustBe('event', 'mg', o.mg, 'a finite number');
  if (o.ml !== undefined && !Number.isFinite(o.ml)) return mustBe('event', 'ml', o.ml, 'a finite number');
  if (o.text !== undefined && typeof o.text !== 'string') return mustBe('event', 'text', o.text, 'a string');
  if (o.by !== undefined && typeof o.by !== 'string') return mustBe('event', 'by', o.by, 'a string');
  return o as unknown as SessionEvent;
}

function checkDevice(o: Fields): DeviceUpdate | string {
  if (!Number.isFinite(o.t)) return mustBe('device', 't', o.t, 'a finite number');
  if (typeof o.device !== 'string') return mustBe('device', 'device', o.device, 'a string');
  if (o.state !== undefined && !DEVICE_STATE.has(o.state)) return unknown('device', 'state', o.state);
  const vitals = o.vitals;
  if (vitals !== undefined) {
    if (!Array.isArray(vitals)) return mustBe('device', 'vitals', vitals, 'an array of vitals');
    for (const v of vitals as unknown[]) if (!VITAL.has(v)) return unknown('device', 'vital', v);
  }
  if (o.battery !== undefined && !Number.isFinite(o.battery)) {
    return mustBe('device', 'battery', o.battery, 'a finite number');
  }
  if (o.lowBattery !== undefined && typeof o.lowBattery !== 'boolean') {
    return mustBe('device', 'lowBattery', o.lowBattery, 'true or false');
  }
  const conditions = o.conditions;
  if (conditions !== undefined) {
    if (!Array.isArray(conditions)) return mustBe('device', 'conditions', conditions, 'an array of sensor conditions');
    for (const c of conditions as unknown[]) if (!CONDITION.has(c)) return unknown('device', 'condition', c);
  }
  return o as unknown as DeviceUpdate;
}

function checkAction(o: Fields): Action | string {
  if (!Number.isFinite(o.t)) return mustBe('action', 't', o.t, 'a finite number');
  if (!ACTION.has(o.action)) return unknown('action', 'action', o.action);
  if (o.by !== undefined && typeof o.by !== 'string') return mustBe('action', 'by', o.by, 'a string');
  if (o.rule !== undefined && typeof o.rule !== 'string') return mustBe('action', 'rule', o.rule, 'a string');
  if (o.vital !== undefined && !VITAL.has(o.vital)) return unknown('action', 'vital', o.vital);
  if (o.value !== undefined && !Number.isFinite(o.value)) return mustBe('action', 'value', o.value, 'a finite number');
  if (o.reason !== undefined && typeof o.reason !== 'string') return mustBe('action', 'reason', o.reason, 'a string');
  return o as unknown as Action;
}

function checkAlarm(o: Fields): AlarmTransition | string {
  if (!Number.isFinite(o.t)) return mustBe('alarm', 't', o.t, 'a finite number');
  if (typeof o.rule !== 'string') return mustBe('alarm', 'rule', o.rule, 'a string');
  if (o.id !== undefined && typeof o.id !== 'string') return mustBe('alarm', 'id', o.id, 'a string');
  if (!ALARM_VITAL.has(o.vital)) return unknown('alarm', 'vital', o.vital);
  if (!PRIORITY.has(o.priority)) return unknown('alarm', 'priority', o.priority);
  if (o.kind !== undefined && !ALARM_KIND.has(o.kind)) return unknown('alarm', 'kind', o.kind);
  if (!ALARM_STATE.has(o.state)) return unknown('alarm', 'state', o.state);
  if (o.value !== undefined && !Number.isFinite(o.value)) return mustBe('alarm', 'value', o.value, 'a finite number');
  if (o.device !== undefined && typeof o.device !== 'string') return mustBe('alarm', 'device', o.device, 'a string');
  if (o.by !== undefined && typeof o.by !== 'string') return mustBe('alarm', 'by', o.by, 'a string');
  if (o.level !== undefined && !Number.isFinite(o.level)) return mustBe('alarm', 'level', o.level, 'a finite number');
  if (o.contact !== undefined && typeof o.contact !== 'string') return mustBe('alarm', 'contact', o.contact, 'a string');
  if (o.notification !== undefined && typeof o.notification !== 'string') return mustBe('alarm', 'notification', o.notification, 'a string');
  if (o.reason !== undefined && typeof o.reason !== 'string') return mustBe('alarm', 'reason', o.reason, 'a string');
  return o as unknown as AlarmTransition;
}

function checkAudio(o: Fields): AudioChange | string {
  if (!Number.isFinite(o.t)) return mustBe('audio', 't', o.t, 'a finite number');
  if (!AUDIO_STATE.has(o.state)) return unknown('audio', 'state', o.state);
  if (o.until !== undefined && !Number.isFinite(o.until)) return mustBe('audio', 'until', o.until, 'a finite number');
  if (o.by !== undefined && typeof o.by !== 'string') return mustBe('audio', 'by', o.by, 'a string');
  return o as unknown as AudioChange;
}

function checkBaseline(o: Fields): BaselineSet | string {
  if (!Number.isFinite(o.t)) return mustBe('baseline', 't', o.t, 'a finite number');
  if (!VITAL.has(o.vital)) return unknown('baseline', 'vital', o.vital);
  if (!Number.isFinite(o.value)) return mustBe('baseline', 'value', o.value, 'a finite number');
  if (!BASELINE_SOURCE.has(o.source)) return unknown('baseline', 'source', o.source);
  if (o.samples !== undefined && !Number.isFinite(o.samples)) {
    return mustBe('baseline', 'samples', o.samples, 'a finite number');
  }
  if (o.by !== undefined && typeof o.by !== 'string') return mustBe('baseline', 'by', o.by, 'a string');
  return o as unknown as BaselineSet;
}

function checkArtifact(o: Fields): ArtifactSeen | string {
  if (!Number.isFinite(o.t)) return mustBe('artifact', 't', o.t, 'a finite number');
  if (!VITAL.has(o.vital)) return unknown('artifact', 'vital', o.vital);
  if (!Number.isFinite(o.value)) return mustBe('artifact', 'value', o.value, 'a finite number');
  if (o.device !== undefined && typeof o.device !== 'string') return mustBe('artifact', 'device', o.device, 'a string');
  return o as unknown as ArtifactSeen;
}

function checkRule(o: Fields): RuleSwitched | string {
  if (!Number.isFinite(o.t)) return mustBe('rule', 't', o.t, 'a finite number');
  if (typeof o.rule !== 'string') return mustBe('rule', 'rule', o.rule, 'a string');
  if (typeof o.enabled !== 'boolean') return mustBe('rule', 'enabled', o.enabled, 'a boolean');
  if (o.by !== undefined && typeof o.by !== 'string') return mustBe('rule', 'by', o.by, 'a string');
  if (o.reason !== undefined && typeof o.reason !== 'string') return mustBe('rule', 'reason', o.reason, 'a string');
  return o as unknown as RuleSwitched;
}

function checkRaw(o: Fields): RawFrame | string {
  if (!Number.isFinite(o.t)) return mustBe('raw', 't', o.t, 'a finite number');
  if (typeof o.device !== 'string') return mustBe('raw', 'device', o.device, 'a string');
  // Checked here so a decoder fed from a recording can trust the bytes string.
  if (typeof o.hex !== 'string' || !HEX.test(o.hex)) return mustBe('raw', 'hex', o.hex, 'an even-length hex string');
  if (o.format !== undefined && typeof o.format !== 'string') return mustBe('raw', 'format', o.format, 'a string');
  if (o.error !== undefined && typeof o.error !== 'string') return mustBe('raw', 'error', o.error, 'a string');
  return o as unknown as RawFrame;
}

function checkDelivery(o: Fields): DeliveryReport | string {
  if (!Number.isFinite(o.t)) return mustBe('delivery', 't', o.t, 'a finite number');
  if (typeof o.notification !== 'string') return mustBe('delivery', 'notification', o.notification, 'a string');
  if (typeof o.channel !== 'string') return mustBe('delivery', 'channel', o.channel, 'a string');
  if (!DELIVERY_STATE.has(o.state)) return unknown('delivery', 'state', o.state);
  if (o.attempt !== undefined && !Number.isFinite(o.attempt)) return mustBe('delivery', 'attempt', o.attempt, 'a finite number');
  if (o.by !== undefined && typeof o.by !== 'string') return mustBe('delivery', 'by', o.by, 'a string');
  if (o.reason !== undefined && typeof o.reason !== 'string') return mustBe('delivery', 'reason', o.reason, 'a string');
  if (o.retryAt !== undefined && !Number.isFinite(o.retryAt)) return mustBe('delivery', 'retryAt', o.retryAt, 'a finite number');
  return o as unknown as DeliveryReport;
}

function checkNotify(o: Fields): Notification | string {
  if (!Number.isFinite(o.t)) return mustBe('notify', 't', o.t, 'a finite number');
  if (typeof o.id !== 'string') return mustBe('notify', 'id', o.id, 'a string');
  if (typeof o.contact !== 'string') return mustBe('notify', 'contact', o.contact, 'a string');
  if (!Number.isFinite(o.level)) return mustBe('notify', 'level', o.level, 'a finite number');
  if (!PRIORITY.has(o.priority)) return unknown('notify', 'priority', o.priority);
  if (!Array.isArray(o.alarms) || !(o.alarms as unknown[]).every((a) => typeof a === 'string')) {
    return mustBe('notify', 'alarms', o.alarms, 'an array of alarm ids');
  }
  if (!NOTIFY_REASON.has(o.reason)) return unknown('notify', 'reason', o.reason);
  if (o.acceptBy !== undefined && !Number.isFinite(o.acceptBy)) return mustBe('notify', 'acceptBy', o.acceptBy, 'a finite number');
  if (o.replaces !== undefined && typeof o.replaces !== 'string') return mustBe('notify', 'replaces', o.replaces, 'a string');
  return o as unknown as Notification;
}

function checkNotifyEnd(o: Fields): NotificationEnd | string {
  if (!Number.isFinite(o.t)) return mustBe('notify-end', 't', o.t, 'a finite number');
  if (typeof o.id !== 'string') return mustBe('notify-end', 'id', o.id, 'a string');
  if (!NOTIFY_OUTCOME.has(o.outcome)) return unknown('notify-end', 'outcome', o.outcome);
  if (o.by !== undefined && typeof o.by !== 'string') return mustBe('notify-end', 'by', o.by, 'a string');
  return o as unknown as NotificationEnd;
}

function checkHeader(o: Fields): RecordingHeader | string {
  if (o.format !== 'vigil-recording') return mustBe('header', 'format', o.format, '"vigil-recording"');
  if (o.version !== 1) {
    return o.version === undefined ? 'header: missing "version"' : `header: unsupported version ${show(o.version)}`;
  }
  const s = o.session;
  if (typeof s !== 'object' || s === null || Array.isArray(s)) return mustBe('header', 'session', s, 'an object');
  const session = s as Fields;
  if (typeof session.id !== 'string') return mustBe('header', 'session.id', session.id, 'a string');
  if (typeof session.patient !== 'string') return mustBe('header', 'session.patient', session.patient, 'a string');
  if (session.room !== undefined && typeof session.room !== 'string') {
    return mustBe('header', 'session.room', session.room, 'a string');
  }
  if (session.profile !== undefined && typeof session.profile !== 'string') {
    return mustBe('header', 'session.profile', session.profile, 'a string');
  }
  return o as unknown as RecordingHeader;
}

// Message builders: only reached on the error path.

function mustBe(type: string, field: string, value: unknown, what: string): string {
  if (value === undefined) return `${type}: missing "${field}"`;
  return `${type}: "${field}" must be ${what}, got ${show(value)}`;
}

function unknown(type: string, field: string, value: unknown): string {
  if (value === undefined) return `${type}: missing "${field}"`;
  return `${type}: unknown ${field} ${show(value)}`;
}

/** A short JSON rendering of an offending value, so one bad field cannot blow up the message. */
function show(value: unknown): string {
  // Numbers via String(): JSON.stringify would print Infinity (from e.g. 1e999) as null.
  const text = typeof value === 'number' ? String(value) : (JSON.stringify(value) ?? String(value));
  return text.length > 40 ? `${text.slice(0, 40)}…` : text;
}
