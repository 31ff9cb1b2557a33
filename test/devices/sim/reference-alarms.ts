// A small, independent reading of the default alarm profile (DESIGN §3–§5), used only to check that the
// simulator's scenarios cause the alarm transitions they document. It is not the core: the lead verifies the
// scenarios against the real core separately. Thresholds are copied from DESIGN §4 on purpose (no import of
// the profile), so a change there shows up here as a failing expectation, not as a silent shift.
import type { AlarmState, Priority, RecordingLine, Sample, Vital } from '../../../services/core/types.js';

export interface RefTransition {
  t: number;
  rule: string;
  state: AlarmState;
  device?: string;
  reason?: 'session-end';
}

export interface RefResult {
  transitions: RefTransition[];
  artifacts: Partial<Record<Vital, number>>;
  baseline: Partial<Record<Vital, number>>;
  /** acknowledgements of nothing, time going backwards, … */
  problems: string[];
}

const ARTIFACT_RANGES: Record<Vital, readonly [number, number]> = {
  hr: [20, 300],
  spo2: [50, 100],
  sbp: [40, 300],
  dbp: [20, 200],
  map: [20, 250],
  temp: [25, 45],
};

const ESCALATION_MS: Record<Priority, number> = { high: 60_000, medium: 180_000, low: Infinity };

interface HeldSpec {
  rule: string;
  vital: 'hr' | 'spo2' | 'temp';
  priority: Priority;
  raise: (v: number, base: number | undefined) => boolean;
  raiseHeldMs: number;
  clear: (v: number, base: number | undefined) => boolean;
  clearHeldMs: number;
}

const HELD: readonly HeldSpec[] = [
  {
    rule: 'hr-rise',
    vital: 'hr',
    priority: 'medium',
    raise: (v, b) => b !== undefined && v >= b + 30,
    raiseHeldMs: 60_000,
    clear: (v, b) => b !== undefined && v < b + 25,
    clearHeldMs: 30_000,
  },
  { rule: 'hr-high', vital: 'hr', priority: 'high', raise: (v) => v >= 130, raiseHeldMs: 10_000, clear: (v) => v < 125, clearHeldMs: 10_000 },
  { rule: 'hr-low', vital: 'hr', priority: 'high', raise: (v) => v <= 40, raiseHeldMs: 10_000, clear: (v) => v > 45, clearHeldMs: 10_000 },
  { rule: 'spo2-low', vital: 'spo2', priority: 'high', raise: (v) => v <= 91, raiseHeldMs: 15_000, clear: (v) => v >= 93, clearHeldMs: 15_000 },
  { rule: 'temp-elevated', vital: 'temp', priority: 'medium', raise: (v) => v >= 38, raiseHeldMs: 300_000, clear: (v) => v < 37.8, clearHeldMs: 300_000 },
  { rule: 'temp-hyperthermia', vital: 'temp', priority: 'high', raise: (v) => v >= 39, raiseHeldMs: 30_000, clear: (v) => v < 38.7, clearHeldMs: 0 },
  { rule: 'temp-severe', vital: 'temp', priority: 'high', raise: (v) => v >= 40, raiseHeldMs: 0, clear: (v) => v < 39.5, clearHeldMs: 0 },
];

interface Reading {
  sbp?: number;
  dbp?: number;
}

interface ReadingSpec {
  rule: string;
  priority: Priority;
  raise: (r: Reading) => boolean;
  readings: number;
  clear: (r: Reading) => boolean;
}

const ge = (v: number | undefined, x: number): boolean => v !== undefined && v >= x;
const lt = (v: number | undefined, x: number): boolean => v !== undefined && v < x;

const READINGS: readonly ReadingSpec[] = [
  { rule: 'sbp-high', priority: 'medium', raise: (r) => ge(r.sbp, 160), readings: 2, clear: (r) => lt(r.sbp, 150) },
  {
    rule: 'bp-crisis',
    priority: 'high',
    raise: (r) => ge(r.sbp, 180) || ge(r.dbp, 110),
    readings: 1,
    clear: (r) => lt(r.sbp, 170) && lt(r.dbp, 100),
  },
  { rule: 'sbp-low', priority: 'high', raise: (r) => r.sbp !== undefined && r.sbp <= 90, readings: 1, clear: (r) => r.sbp !== undefined && r.sbp > 100 },
];

const STALE = [
  { rule: 'hr-stale', vital: 'hr', priority: 'medium', afterMs: 15_000 },
  { rule: 'temp-stale', vital: 'temp', priority: 'low', afterMs: 300_000 },
  { rule: 'bp-overdue', vital: 'sbp', priority: 'low', afterMs: 1_200_000 },
] as const;

/** One open (or latched) alarm. */
interface Open {
  rule: string;
  key: string;
  priority: Priority;
  physiological: boolean;
  device?: string;
  acked: boolean;
  cleared: boolean;
  escalateAt: number;
}

function median(values: number[]): number | undefined {
  if (values.length === 0) return undefined;
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
}

export function referenceAlarms(lines: Iterable<RecordingLine>): RefResult {
  const transitions: RefTransition[] = [];
  const problems: string[] = [];
  const artifacts: Partial<Record<Vital, number>> = {};
  const baseline: Partial<Record<Vital, number>> = {};
  const history: Partial<Record<Vital, { t: number; v: number }[]>> = {};
  const open = new Map<string, Open>();
  const held = HELD.map((spec) => ({ spec, since: undefined as number | undefined }));
  const readingCount = new Map<string, number>();
  const lastSeen = new Map<string, number>(); // stale rule → time of last sample / binding
  const sources = new Map<Vital, Set<string>>(); // vital → devices that sent it
  let reading: { t: number; r: Reading } | undefined;
  let lastT = -Infinity;
  let ended = false;

  const emit = (t: number, rule: string, state: AlarmState, device?: string, reason?: 'session-end'): void => {
    const tr: RefTransition = { t, rule, state };
    if (device !== undefined) tr.device = device;
    if (reason !== undefined) tr.reason = reason;
    transitions.push(tr);
  };
  const raise = (t: number, rule: string, priority: Priority, physiological: boolean, device?: string): void => {
    const key = device === undefined ? rule : `${rule}:${device}`;
    if (open.has(key)) return;
    const alarm: Open = { rule, key, priority, physiological, acked: false, cleared: false, escalateAt: t + ESCALATION_MS[priority] };
    if (device !== undefined) alarm.device = device;
    open.set(key, alarm);
    emit(t, rule, 'raised', device);
  };
  const clear = (t: number, key: string): void => {
    const alarm = open.get(key);
    if (alarm === undefined || alarm.cleared) return;
    emit(t, alarm.rule, 'cleared', alarm.device);
    // a high physiological alarm cleared before anyone acknowledged it stays latched (DESIGN §3)
    if (alarm.priority === 'high' && alarm.physiological && !alarm.acked) alarm.cleared = true;
    else open.delete(key);
  };

  /** Fires every timer due at or before `t`, in time order. */
  const advance = (t: number): void => {
    for (;;) {
      let due = Infinity;
      let fire: (() => void) | undefined;
      for (const h of held) {
        if (h.since === undefined) continue;
        const isOpen = open.has(h.spec.rule) && open.get(h.spec.rule)?.cleared !== true;
        const at = h.since + (isOpen ? h.spec.clearHeldMs : h.spec.raiseHeldMs);
        if (at < due) {
          due = at;
          fire = () => {
            h.since = undefined;
            if (isOpen) clear(at, h.spec.rule);
            else raise(at, h.spec.rule, h.spec.priority, true);
          };
        }
      }
      for (const s of STALE) {
        const seen = lastSeen.get(s.rule);
        if (seen === undefined || open.has(s.rule)) continue;
        const at = seen + s.afterMs;
        if (at < due) {
          due = at;
          fire = () => {
            // inhibition: silence from sources whose disconnection is alarmed is that alarm's; look again later
            const devices = [...(sources.get(s.vital) ?? [])];
            const inhibited = devices.length > 0 && devices.every((d) => open.get(`device-disconnected:${d}`)?.cleared === false);
            if (inhibited) lastSeen.set(s.rule, at);
            else raise(at, s.rule, s.priority, false);
          };
        }
      }
      for (const alarm of open.values()) {
        if (alarm.acked || alarm.cleared || alarm.escalateAt >= due) continue;
        due = alarm.escalateAt;
        const at = alarm.escalateAt;
        fire = () => {
          alarm.escalateAt = Infinity;
          emit(at, alarm.rule, 'escalated', alarm.device);
        };
      }
      if (fire === undefined || due > t) return;
      fire();
    }
  };

  const onContinuous = (s: Sample): void => {
    const base = baseline[s.vital];
    for (const h of held) {
      if (h.spec.vital !== s.vital) continue;
      const alarm = open.get(h.spec.rule);
      const isOpen = alarm !== undefined && !alarm.cleared;
      const met = isOpen ? h.spec.clear(s.value, base) : h.spec.raise(s.value, base);
      if (!met) {
        h.since = undefined;
        continue;
      }
      h.since ??= s.t;
      const heldMs = isOpen ? h.spec.clearHeldMs : h.spec.raiseHeldMs;
      if (s.t - h.since >= heldMs) {
        h.since = undefined;
        if (isOpen) clear(s.t, h.spec.rule);
        else raise(s.t, h.spec.rule, h.spec.priority, true);
      }
    }
  };

  const flushReading = (): void => {
    if (reading === undefined) return;
    const { t, r } = reading;
    reading = undefined;
    for (const spec of READINGS) {
      const alarm = open.get(spec.rule);
      if (alarm !== undefined && !alarm.cleared) {
        if (spec.clear(r)) clear(t, spec.rule);
        continue;
      }
      const n = spec.raise(r) ? (readingCount.get(spec.rule) ?? 0) + 1 : 0;
      readingCount.set(spec.rule, n);
      if (n >= spec.readings) {
        readingCount.set(spec.rule, 0);
        raise(t, spec.rule, spec.priority, true);
      }
    }
  };

  for (const line of lines) {
    if (line.type === 'header' || ended) continue;
    if (line.t < lastT) problems.push(`time went backwards at ${line.t}`);
    lastT = line.t;
    if (reading !== undefined && reading.t !== line.t) flushReading();
    advance(line.t);
    switch (line.type) {
      case 'sample': {
        const [lo, hi] = ARTIFACT_RANGES[line.vital];
        if (line.value < lo || line.value > hi) {
          artifacts[line.vital] = (artifacts[line.vital] ?? 0) + 1;
          break;
        }
        (history[line.vital] ??= []).push({ t: line.t, v: line.value });
        if (line.device !== undefined) {
          const devices = sources.get(line.vital) ?? new Set<string>();
          devices.add(line.device);
          sources.set(line.vital, devices);
        }
        if (line.vital === 'sbp' || line.vital === 'dbp') {
          reading ??= { t: line.t, r: {} };
          reading.r[line.vital] = line.value;
        } else if (line.vital !== 'map') {
          onContinuous(line);
        }
        for (const s of STALE) {
          if (s.vital !== line.vital) continue;
          if (s.vital === 'temp' && line.mode !== 'continuous') continue;
          lastSeen.set(s.rule, line.t);
          clear(line.t, s.rule);
        }
        break;
      }
      case 'device': {
        if (line.state === 'disconnected') raise(line.t, 'device-disconnected', 'medium', false, line.device);
        if (line.state === 'connected') {
          clear(line.t, `device-disconnected:${line.device}`);
          for (const s of STALE) {
            // binding starts the stale timer; the temperature probe's mode is only known from its samples
            if (s.vital !== 'temp' && line.vitals?.includes(s.vital) === true && !lastSeen.has(s.rule)) lastSeen.set(s.rule, line.t);
          }
        }
        if (line.battery !== undefined && line.battery <= 15) raise(line.t, 'low-battery', 'low', false, line.device);
        if (line.battery !== undefined && line.battery > 20) clear(line.t, `low-battery:${line.device}`);
        break;
      }
      case 'event': {
        if (line.event === 'dose' && Object.keys(baseline).length === 0) {
          for (const vital of ['hr', 'spo2', 'sbp', 'dbp', 'temp'] as const) {
            const window = (history[vital] ?? []).filter((x) => x.t >= line.t - 900_000 && x.t <= line.t).map((x) => x.v);
            const min = vital === 'hr' || vital === 'spo2' || vital === 'temp' ? 3 : 1;
            const m = window.length >= min ? median(window) : undefined;
            if (m !== undefined) baseline[vital] = m;
          }
        }
        if (line.event === 'session-end') {
          for (const alarm of open.values()) if (!alarm.cleared) emit(line.t, alarm.rule, 'cleared', alarm.device, 'session-end');
          ended = true;
        }
        break;
      }
      case 'action': {
        if (line.action !== 'acknowledge') break;
        const alarm = [...open.values()].find((a) => a.rule === line.rule && !a.acked);
        if (alarm === undefined) {
          problems.push(`acknowledge ${line.rule ?? '(all)'} at ${line.t}: no unacknowledged alarm`);
          break;
        }
        alarm.acked = true;
        emit(line.t, alarm.rule, 'acknowledged', alarm.device);
        if (alarm.cleared) open.delete(alarm.key);
        break;
      }
      default:
        break;
    }
  }
  flushReading();
  return { transitions, artifacts, baseline, problems };
}
