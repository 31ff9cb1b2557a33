// The local copy of one session's state: a snapshot (from the WebSocket, or the full `state` in the answer to
// an action) and then every live line applied to it, exactly as the core would change its own state. The
// bedside view feeds it from the WebSocket, the replay view from a recording on a virtual clock: same code.
import { applyEscalationLine, settleEscalation, type EscalationOptions } from './escalation.js';
import { PRIORITY_RANK } from './format.js';
import { TrendStore } from './trend.js';
import type { AlarmTransition, DeviceUpdate, SessionEvent } from '../../services/core/types.js';
import type { DeviceStatus, OpenAlarm, RuleInfo, SessionLine, SessionSnapshot, Vital, VitalSnapshot } from './types.js';
import { VITAL_LIST } from './types.js';

/** Values outside these are artifacts: the core counts and records them, never shows or evaluates them (DESIGN §4). */
const ARTIFACT_RANGES: Readonly<Record<Vital, readonly [number, number]>> = {
  hr: [20, 300],
  spo2: [50, 100],
  sbp: [40, 300],
  dbp: [20, 200],
  map: [20, 250],
  temp: [25, 45],
};

/** A continuous vital with no sample for this long shows no number (a stale number must never look live). */
export const STALE_MS = 15_000;
/** A continuous temperature probe reports about once a minute: stale after this many missed intervals. */
const PROBE_MISSES = 2.5;

/** An alarm `cleared` with one of these reasons was closed (rule off, session end, new limits): it is gone. */
const OPEN_REASONS = new Set(['unbound']);

function emptyVital(): VitalSnapshot {
  return { value: null, t: null, baseline: null, baselineSource: null, samples: 0, artifacts: 0 };
}

export function emptyState(): SessionSnapshot {
  const vitals = {} as Record<Vital, VitalSnapshot>;
  for (const vital of VITAL_LIST) vitals[vital] = emptyVital();
  return {
    now: null,
    startedAt: null,
    endedAt: null,
    doseAt: null,
    doses: [],
    fluidMl: 0,
    vitals,
    alarms: [],
    audioPausedUntil: null,
    disabledRules: [],
    devices: [],
    escalation: null,
  };
}

/** Canonical units, as the core converts them (kPa → mmHg, °F → °C). */
function canonical(value: number, unit: string): number {
  if (unit === 'kPa') return value * (760 / 101.325);
  if (unit === '[degF]') return ((value - 32) * 5) / 9;
  return value;
}

export function sortAlarms(alarms: OpenAlarm[]): OpenAlarm[] {
  return alarms.sort((a, b) => PRIORITY_RANK[b.priority] - PRIORITY_RANK[a.priority] || a.raisedAt - b.raisedAt);
}

export interface VitalReading {
  /** the number to show, or null: none yet, stale, or offline */
  value: number | null;
  /** when the last accepted sample was taken */
  t: number | null;
  /** a continuous vital whose last sample is too old */
  stale: boolean;
  continuous: boolean;
}

export class SessionModel {
  state: SessionSnapshot = emptyState();
  readonly trend = new TrendStore();
  /** every alarm transition applied, in order */
  readonly transitions: AlarmTransition[] = [];
  /** timeline events seen (doses, fluids, notes …), in order */
  readonly events: SessionEvent[] = [];
  /** bumped on every change */
  version = 0;
  /** what is known of the session's escalation policy (for the repeat time between snapshots) */
  escalationOptions: EscalationOptions = {};
  /** the snapshot given by an action's answer includes every line up to this time */
  private floor = -Infinity;
  private rules = new Map<string, RuleInfo>();
  /** the mode of the latest temperature sample, and the interval between the last two */
  private tempMode: 'continuous' | 'spot' | undefined;
  private tempInterval: number | undefined;

  constructor(rules: readonly RuleInfo[] = []) {
    this.setRules(rules);
  }

  setRules(rules: readonly RuleInfo[]): void {
    this.rules = new Map(rules.map((rule) => [rule.id, rule]));
    this.version++;
  }

  rule(id: string): RuleInfo | undefined {
    return this.rules.get(id);
  }

  allRules(): RuleInfo[] {
    return [...this.rules.values()];
  }

  /** Back to nothing (a replay seeking backwards starts again from the top). */
  reset(): void {
    this.state = emptyState();
    this.trend.clear();
    this.transitions.length = 0;
    this.events.length = 0;
    this.floor = -Infinity;
    this.tempMode = undefined;
    this.tempInterval = undefined;
    this.version++;
  }

  /** A WebSocket snapshot: the state now and the trend so far. Lines after it continue from here. */
  loadSnapshot(state: SessionSnapshot, trend?: Record<string, Array<[number, number]>>): void {
    this.state = structuredClone(state);
    sortAlarms(this.state.alarms);
    this.floor = -Infinity;
    if (trend !== undefined && Object.keys(trend).length > 0) {
      this.trend.load(trend);
      this.inferTempMode(trend['temp']);
    }
    this.inferTempRate();
    this.version++;
  }

  /**
   * The full state in an action's answer. It already includes every line up to its `now`, so lines up to then
   * that arrive afterwards over the WebSocket must not be applied twice (a fluid counted twice).
   */
  loadState(state: SessionSnapshot): void {
    this.state = structuredClone(state);
    sortAlarms(this.state.alarms);
    if (state.now !== null) this.floor = Math.max(this.floor, state.now);
    this.inferTempRate();
    this.version++;
  }

  apply(line: SessionLine): void {
    if (line.type === 'sample') {
      this.sample(line.vital, line.t, line.value, line.unit, line.device, line.mode);
      return;
    }
    if (line.type === 'alarm') this.transitions.push(line);
    if (line.type === 'event' && !this.events.some((e) => e.t === line.t && e.event === line.event)) this.events.push(line);
    if (line.t <= this.floor) return;
    const state = this.state;
    switch (line.type) {
      case 'alarm':
        this.alarm(line);
        if (line.state === 'acknowledged' || line.state === 'cleared') state.escalation = settleEscalation(state.escalation, state.alarms);
        break;
      case 'notify':
      case 'notify-end':
      case 'delivery':
        state.escalation = applyEscalationLine(state.escalation, line, this.escalationOptions);
        break;
      case 'event':
        this.event(line);
        break;
      case 'device':
        this.device(line);
        break;
      case 'audio':
        state.audioPausedUntil = line.state === 'paused' ? (line.until ?? null) : null;
        break;
      case 'baseline': {
        const vital = state.vitals[line.vital];
        if (vital !== undefined) {
          vital.baseline = line.value;
          vital.baselineSource = line.source;
        }
        break;
      }
      case 'rule':
        if (line.enabled) state.disabledRules = state.disabledRules.filter((r) => r.rule !== line.rule);
        else {
          if (!state.disabledRules.some((r) => r.rule === line.rule)) state.disabledRules.push({ rule: line.rule, t: line.t, by: line.by, reason: line.reason ?? '' });
          // Switching a rule off closes its alarm, latched or not (a resolved one silently).
          state.alarms = state.alarms.filter((a) => a.rule !== line.rule);
          state.escalation = settleEscalation(state.escalation, state.alarms);
        }
        break;
    }
    if (state.now === null || line.t > state.now) state.now = line.t;
    this.version++;
  }

  /** What to show for a vital at time `now`. */
  reading(vital: Vital, now: number): VitalReading {
    const snap = this.state.vitals[vital];
    const continuous = vital === 'hr' || vital === 'spo2' || (vital === 'temp' && this.tempMode === 'continuous');
    if (snap === undefined || snap.value === null || snap.t === null) return { value: null, t: null, stale: false, continuous };
    const limit = vital === 'temp' ? Math.max(STALE_MS, PROBE_MISSES * (this.tempInterval ?? 60_000)) : STALE_MS;
    const stale = continuous && now - snap.t > limit;
    // After the session's end nothing is live any more.
    const ended = this.state.endedAt !== null;
    return { value: stale || ended ? null : snap.value, t: snap.t, stale, continuous };
  }

  private sample(vital: Vital, t: number, raw: number, unit: string, device: string | undefined, mode: string | undefined): void {
    const state = this.state;
    const snap = state.vitals[vital];
    if (snap === undefined || state.endedAt !== null) return;
    const value = canonical(raw, unit);
    const [low, high] = ARTIFACT_RANGES[vital];
    if (!Number.isFinite(value) || value < low || value > high) {
      snap.artifacts++;
      this.version++;
      return;
    }
    if (vital === 'temp') {
      if (mode === 'continuous' || mode === 'spot') this.tempMode = mode;
      if (snap.t !== null && t > snap.t) this.tempInterval = t - snap.t;
    }
    this.trend.add(vital, t, value);
    if (snap.t === null || t >= snap.t) {
      snap.value = value;
      snap.t = t;
      snap.samples++;
    }
    if (device !== undefined) {
      const status = this.deviceStatus(device);
      if (status.lastSampleAt === undefined || t > status.lastSampleAt) status.lastSampleAt = t;
    }
    if (state.now === null || t > state.now) state.now = t;
    this.version++;
  }

  private alarm(line: AlarmTransition): void {
    const alarms = this.state.alarms;
    const index = alarms.findIndex((a) => a.rule === line.rule);
    const open = alarms[index];
    switch (line.state) {
      case 'raised': {
        if (open !== undefined && (line.id === undefined || open.id === line.id)) {
          // A latched alarm whose condition returns before anyone acknowledged it: the same alarm, active again.
          open.active = true;
          open.clearedAt = undefined;
          open.value = line.value;
          open.device = line.device;
          break;
        }
        const kind = line.kind ?? (line.vital === 'device' ? 'technical' : 'physiological');
        const rule = this.rules.get(line.rule);
        const fresh: OpenAlarm = {
          id: line.id ?? `${line.rule}@${line.t}`,
          rule: line.rule,
          vital: line.vital,
          priority: line.priority,
          kind,
          // DESIGN §3: high-priority physiological alarms latch unless the profile says otherwise
          latching: rule?.latching ?? (line.priority === 'high' && kind === 'physiological'),
          active: true,
          acknowledged: false,
          acknowledgedBy: undefined,
          raisedAt: line.t,
          clearedAt: undefined,
          value: line.value,
          device: line.device,
          escalations: 0,
        };
        if (open !== undefined) alarms.splice(index, 1, fresh);
        else alarms.push(fresh);
        sortAlarms(alarms);
        break;
      }
      case 'cleared':
        if (open === undefined) break;
        open.active = false;
        open.clearedAt = line.t;
        if ((line.reason !== undefined && !OPEN_REASONS.has(line.reason)) || open.acknowledged || !open.latching) alarms.splice(index, 1);
        break;
      case 'acknowledged':
        if (open === undefined) break;
        open.acknowledged = true;
        open.acknowledgedBy = line.by;
        if (!open.active) alarms.splice(index, 1);
        break;
      case 'escalated':
        if (open === undefined) break;
        open.escalations = Math.max(open.escalations + (line.level === undefined ? 1 : 0), line.level ?? 0);
        break;
    }
  }

  private event(line: SessionEvent): void {
    const state = this.state;
    switch (line.event) {
      case 'session-start':
        state.startedAt ??= line.t;
        break;
      case 'dose':
      case 'supplemental-dose':
        state.doses.push({ t: line.t, event: line.event, mg: line.mg });
        if (line.event === 'dose' && state.doseAt === null) state.doseAt = line.t;
        break;
      case 'fluid':
        state.fluidMl += line.ml ?? 0;
        break;
      case 'session-end':
        state.endedAt = line.t;
        state.alarms = [];
        state.escalation = null;
        break;
      case 'note':
        break;
    }
  }

  private device(line: DeviceUpdate): void {
    const status = this.deviceStatus(line.device);
    if (line.state !== undefined) status.state = line.state;
    if (line.battery !== undefined) status.battery = line.battery;
    if (line.state === 'disconnected') status.conditions = [];
    if (line.conditions !== undefined) status.conditions = [...line.conditions];
  }

  private deviceStatus(device: string): DeviceStatus {
    let status = this.state.devices.find((d) => d.device === device);
    if (status === undefined) {
      status = { device, state: 'unknown', battery: undefined, lastSampleAt: undefined, conditions: [] };
      this.state.devices.push(status);
    }
    return status;
  }

  /**
   * Without a trend (the overview asks for none): many temperature samples over the session mean a
   * continuous probe (about one a minute), a few mean spot readings.
   */
  private inferTempRate(): void {
    if (this.tempMode !== undefined) return;
    const { startedAt, now, vitals } = this.state;
    const samples = vitals.temp.samples;
    if (startedAt === null || now === null || samples < 4) return;
    const interval = (now - startedAt) / samples;
    if (interval <= 180_000) {
      this.tempMode = 'continuous';
      this.tempInterval = Math.max(interval, 1000);
    }
  }

  /** From a snapshot's trend alone: temperature points a minute or so apart come from a continuous probe. */
  private inferTempMode(points: Array<[number, number]> | undefined): void {
    if (this.tempMode !== undefined || points === undefined || points.length < 4) return;
    const recent = points.slice(-4);
    const gaps = recent.slice(1).map((p, i) => p[0] - (recent[i] as [number, number])[0]);
    if (gaps.every((gap) => gap <= 180_000)) {
      this.tempMode = 'continuous';
      this.tempInterval = Math.max(...gaps);
    }
  }
}
