// The streaming core of one session: normalise → reject artifacts → session state and baseline → rules →
// alarm state machine. Deterministic: time comes only with the inputs (sample times and clock ticks), never
// from the wall clock, so the same inputs always yield the same outputs, live or replayed.
import { AlarmBoard, type OpenAlarm } from './alarm-board.js';
import type { DeviceStatus, DisabledRule, DoseRecord, SessionSnapshot, VitalSnapshot } from './snapshot.js';
import { BaselineWindow } from './baseline.js';
import { ProfileError, withRuleChange, type CompiledRule, type Profile } from './profile.js';
import { UNSTATED_POLICY } from './escalation-policy.js';
import type { EscalationPolicy } from './escalation-types.js';
import { EscalationChain } from './escalation.js';
import { DeliveryRule } from './rules/delivery.js';
import { BatteryRule, ConditionRule, DisconnectedRule } from './rules/device.js';
import type { RuleContext, RuleRuntime } from './rules/rule.js';
import { StaleRule } from './rules/stale.js';
import { ThresholdRule } from './rules/threshold.js';
import {
  ACTION_KINDS,
  EVENT_KINDS,
  SENSOR_CONDITIONS,
  VITALS,
  type Action,
  type CoreInput,
  type CoreOutput,
  type DeliveryReport,
  type DeviceUpdate,
  type Rejection,
  type RejectReason,
  type Sample,
  type SessionEvent,
  type Vital,
} from './types.js';
import { DEFAULT_MODE, toCanonical } from './units.js';
import { VitalState, vitalIndex } from './vital-state.js';

const EVENTS = new Set<string>(EVENT_KINDS);
const ACTIONS = new Set<string>(ACTION_KINDS);
const DEVICE_STATES = new Set(['connected', 'disconnected', 'removed']);
const CONDITIONS = new Set<string>(SENSOR_CONDITIONS);

function reject(reason: RejectReason, message: string): Rejection {
  return { reason, message };
}

function isFiniteNumber(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value);
}

export type { DeviceStatus, DisabledRule, DoseRecord, SessionSnapshot, VitalSnapshot } from './snapshot.js';

export type CoreSink = (output: CoreOutput) => void;

export class SessionCore {
  /** virtual time: the latest input or tick; -Infinity before the first */
  now = -Infinity;
  readonly state = new VitalState();
  readonly board: AlarmBoard;
  /** accepted samples and artifacts per vital (index = VITALS order) */
  readonly samples = new Float64Array(VITALS.length);
  readonly artifacts = new Float64Array(VITALS.length);

  private readonly rules: RuleRuntime[] = [];
  private readonly thresholdByVital: ThresholdRule[][] = VITALS.map(() => []);
  private readonly staleByVital: StaleRule[][] = VITALS.map(() => []);
  private readonly disconnectedRules: DisconnectedRule[] = [];
  private readonly batteryRules: BatteryRule[] = [];
  private readonly conditionRules: ConditionRule[] = [];
  private readonly deliveryRules: DeliveryRule[] = [];
  /** who hears about alarms nobody at the bedside acknowledged (docs/notifications.md) */
  readonly escalation: EscalationChain;
  private readonly disabled = new Map<string, DisabledRule>();
  private readonly lowRange: Float64Array;
  private readonly highRange: Float64Array;
  /** earliest time any timer may be due; timers may be later (then it is recomputed) but never earlier */
  private nextDue = Infinity;
  private window: BaselineWindow | undefined;
  private readonly baselineSource: Array<'auto' | 'manual' | null> = VITALS.map(() => null);
  private audioPausedUntil = Number.NaN;
  private startedAt: number | null = null;
  private endedAt: number | null = null;
  private doseAt: number | null = null;
  private readonly doses: DoseRecord[] = [];
  private fluidMl = 0;
  private readonly devices = new Map<string, DeviceStatus>();
  private readonly timers: Array<{ deadline(): number; fire(at: number): void }>;

  private currentProfile: Profile;
  private readonly ruleContext: RuleContext;

  constructor(
    profile: Profile,
    private readonly emit: CoreSink = () => {},
    policy: EscalationPolicy = UNSTATED_POLICY,
  ) {
    this.currentProfile = profile;
    const schedule = (deadline: number): void => {
      if (deadline < this.nextDue) this.nextDue = deadline;
    };
    this.board = new AlarmBoard(
      emit,
      profile.escalationMs,
      schedule,
      (alarm, t) => this.onRaised(alarm, t),
      (vital) => this.state.latest[vitalIndex(vital) as number] as number,
    );
    const ctx: RuleContext = {
      state: this.state,
      board: this.board,
      schedule,
      disconnectAlarmed: (device) => this.disconnectedRules.some((rule) => rule.alarmed(device)),
    };
    this.ruleContext = ctx;
    for (const def of profile.rules) this.rules.push(this.createRule(def, ctx));
    this.escalation = new EscalationChain(policy, {
      board: this.board,
      emit,
      schedule,
      failing: (t, failing) => {
        for (const rule of this.deliveryRules) rule.set(t, failing);
      },
    });
    this.board.listener = this.escalation;
    this.lowRange = Float64Array.from(VITALS, (v) => profile.artifactRanges[v][0]);
    this.highRange = Float64Array.from(VITALS, (v) => profile.artifactRanges[v][1]);
    this.window = new BaselineWindow(profile.baselineWindowMs, profile.baselineMinContinuous, profile.baselineMinSpot);
    const audio = {
      deadline: (): number => (Number.isNaN(this.audioPausedUntil) ? Infinity : this.audioPausedUntil),
      fire: (at: number): void => this.resumeAudio(at),
    };
    // Order matters only for timers due at the same instant: rule transitions first, then escalations.
    this.timers = [...this.rules, this.board, this.escalation, audio];
    for (const rule of this.rules) if (!rule.def.enabled) this.disabled.set(rule.def.id, { rule: rule.def.id, t: -Infinity, by: undefined, reason: 'off in profile' });
    this.route();
  }

  /** Dispatches any input by its type. */
  input(input: CoreInput): Rejection | undefined {
    switch (input.type) {
      case 'sample':
        return this.sample(input);
      case 'event':
        return this.event(input);
      case 'device':
        return this.device(input);
      case 'action':
        return this.action(input);
      case 'tick':
        return this.tick(input.t);
      case 'delivery':
        return this.delivery(input);
      default:
        return reject('bad-event', `unknown input type "${String((input as { type: unknown }).type)}"`);
    }
  }

  sample(sample: Sample): Rejection | undefined {
    const t = sample.t;
    const timeProblem = this.checkTime(t);
    if (timeProblem !== undefined) return timeProblem;
    const vi = vitalIndex(sample.vital);
    if (vi === undefined) return reject('unknown-vital', `unknown vital "${String(sample.vital)}"`);
    const raw = sample.value;
    if (!isFiniteNumber(raw)) return reject('bad-value', `${sample.vital}: value must be a finite number`);
    const value = toCanonical(sample.vital, raw, sample.unit);
    if (Number.isNaN(value)) return reject('bad-unit', `${sample.vital}: unit "${String(sample.unit)}" does not fit`);
    const mode = sample.mode ?? DEFAULT_MODE[sample.vital];
    if (mode !== 'continuous' && mode !== 'spot') return reject('bad-value', `${sample.vital}: unknown mode "${String(mode)}"`);

    this.advance(t);
    if (value < (this.lowRange[vi] as number) || value > (this.highRange[vi] as number)) {
      this.artifacts[vi]++;
      const artifact: CoreOutput = { type: 'artifact', t, vital: sample.vital, value };
      if (sample.device !== undefined) artifact.device = sample.device;
      this.emit(artifact);
      return undefined;
    }
    this.samples[vi]++;
    this.state.latest[vi] = value;
    this.state.latestT[vi] = t;
    const device = sample.device ?? '';
    if (sample.device !== undefined) this.touchDevice(sample.device, t);
    if (this.window !== undefined) this.window.push(vi, t, value, mode === 'continuous');
    for (const rule of this.staleByVital[vi] as StaleRule[]) if (rule.accepts(mode)) rule.onSample(t, device);
    const spot = mode === 'spot';
    for (const rule of this.thresholdByVital[vi] as ThresholdRule[]) rule.onSample(t, spot);
    return undefined;
  }

  event(event: SessionEvent): Rejection | undefined {
    const timeProblem = this.checkTime(event.t, event.event === 'note');
    if (timeProblem !== undefined) return timeProblem;
    if (!EVENTS.has(event.event)) return reject('unknown-event', `unknown event "${String(event.event)}"`);
    const isDose = event.event === 'dose' || event.event === 'supplemental-dose';
    if (isDose && event.mg !== undefined && !(isFiniteNumber(event.mg) && event.mg > 0)) {
      return reject('bad-event', `${event.event}: mg must be a positive number`);
    }
    if (event.event === 'fluid' && !(isFiniteNumber(event.ml) && event.ml >= 0)) {
      return reject('bad-event', 'fluid: ml must be a number of millilitres, 0 or more');
    }
    const t = event.t;
    this.advance(t);
    switch (event.event) {
      case 'session-start':
        this.startedAt ??= t;
        break;
      case 'dose':
      case 'supplemental-dose':
        this.doses.push({ t, event: event.event, mg: event.mg });
        if (event.event === 'dose' && this.doseAt === null) this.establishBaseline(t);
        break;
      case 'fluid':
        this.fluidMl += event.ml as number;
        break;
      case 'note':
        break;
      case 'session-end':
        this.endedAt = t;
        this.escalation.end(t);
        this.board.closeAll(t, 'session-end');
        this.nextDue = Infinity;
        break;
    }
    return undefined;
  }

  device(update: DeviceUpdate): Rejection | undefined {
    const timeProblem = this.checkTime(update.t);
    if (timeProblem !== undefined) return timeProblem;
    const { device, state, battery, vitals, lowBattery, conditions } = update;
    if (typeof device !== 'string' || device === '') return reject('bad-device', 'device: needs a device id');
    if (state !== undefined && !DEVICE_STATES.has(state)) return reject('bad-device', `device: unknown state "${String(state)}"`);
    if (battery !== undefined && !(isFiniteNumber(battery) && battery >= 0 && battery <= 100)) {
      return reject('bad-device', 'device: battery must be a percentage 0–100');
    }
    if (vitals !== undefined && !(Array.isArray(vitals) && vitals.every((v) => vitalIndex(v) !== undefined))) {
      return reject('bad-device', 'device: vitals must name known vitals');
    }
    if (lowBattery !== undefined && typeof lowBattery !== 'boolean') return reject('bad-device', 'device: lowBattery must be true or false');
    if (conditions !== undefined && !(Array.isArray(conditions) && conditions.every((c) => CONDITIONS.has(c)))) {
      return reject('bad-device', 'device: conditions must name known sensor conditions');
    }
    const t = update.t;
    this.advance(t);
    const status = this.touchDevice(device, undefined);
    if (state !== undefined) status.state = state;
    if (battery !== undefined) status.battery = battery;
    if (state === 'removed') {
      for (const rules of this.staleByVital) for (const rule of rules) rule.unbind(t, device);
      for (const rule of this.disconnectedRules) rule.removed(t, device);
      for (const rule of this.batteryRules) rule.removed(t, device);
      for (const rule of this.conditionRules) rule.removed(t, device);
      return undefined;
    }
    // What a device said about its sensor no longer holds once its link is gone (the disconnect alarm says it).
    if (state === 'disconnected') {
      status.conditions = [];
      for (const rule of this.conditionRules) rule.removed(t, device);
    }
    for (const vital of vitals ?? []) {
      for (const rule of this.staleByVital[vitalIndex(vital) as number] as StaleRule[]) {
        if (rule.def.mode === undefined) rule.bind(t, device);
      }
    }
    if (state === 'connected' || state === 'disconnected') {
      for (const rule of this.disconnectedRules) rule.onState(t, device, state);
    }
    if (battery !== undefined) for (const rule of this.batteryRules) rule.onBattery(t, device, battery);
    if (lowBattery !== undefined) for (const rule of this.batteryRules) rule.onLowFlag(t, device, lowBattery);
    if (conditions !== undefined) {
      status.conditions = [...conditions];
      for (const rule of this.conditionRules) rule.onConditions(t, device, conditions);
    }
    return undefined;
  }

  action(action: Action): Rejection | undefined {
    const timeProblem = this.checkTime(action.t);
    if (timeProblem !== undefined) return timeProblem;
    if (!ACTIONS.has(action.action)) return reject('unknown-action', `unknown action "${String(action.action)}"`);
    const rule = action.rule === undefined ? undefined : this.rules.find((r) => r.def.id === action.rule);
    if (action.rule !== undefined && rule === undefined) return reject('unknown-rule', `unknown rule "${action.rule}"`);
    const t = action.t;
    switch (action.action) {
      case 'acknowledge':
        this.advance(t);
        this.board.acknowledge(t, action.by, action.rule);
        return undefined;
      case 'audio-pause': {
        this.advance(t);
        this.audioPausedUntil = t + this.profile.audioPauseMs;
        if (this.audioPausedUntil < this.nextDue) this.nextDue = this.audioPausedUntil;
        const paused: CoreOutput = { type: 'audio', t, state: 'paused', until: this.audioPausedUntil };
        if (action.by !== undefined) paused.by = action.by;
        this.emit(paused);
        return undefined;
      }
      case 'alarm-off':
        if (rule === undefined) return reject('bad-action', 'alarm-off: needs the rule to switch off');
        if (typeof action.reason !== 'string' || action.reason.trim() === '') {
          return reject('bad-action', 'alarm-off: needs a reason');
        }
        this.advance(t);
        if (this.disabled.has(rule.def.id)) return undefined;
        this.disabled.set(rule.def.id, { rule: rule.def.id, t, by: action.by, reason: action.reason });
        rule.disable(t);
        this.board.close(rule.def.id, t, 'alarm-off');
        this.route();
        this.emitRuleSwitch(t, rule.def.id, false, action);
        return undefined;
      case 'alarm-on':
        if (rule === undefined) return reject('bad-action', 'alarm-on: needs the rule to switch on');
        this.advance(t);
        if (!this.disabled.delete(rule.def.id)) return undefined;
        this.route();
        rule.enable(t);
        this.emitRuleSwitch(t, rule.def.id, true, action);
        return undefined;
      case 'set-limits': {
        if (rule === undefined) return reject('bad-action', 'set-limits: needs the rule to change');
        if (rule.def.kind !== 'threshold' && rule.def.kind !== 'stale') {
          return reject('bad-action', `set-limits: ${rule.def.id} is a ${rule.def.kind} rule, which has no limits`);
        }
        if (typeof action.limits !== 'object' || action.limits === null || Array.isArray(action.limits)) {
          return reject('bad-action', 'set-limits: needs the changed limits as an object');
        }
        let changed: Profile;
        try {
          changed = withRuleChange(this.currentProfile, rule.def.id, action.limits);
        } catch (error) {
          if (error instanceof ProfileError) return reject('bad-action', `set-limits: ${error.problems.join('; ')}`);
          throw error;
        }
        const def = changed.rules.find((r) => r.id === rule.def.id);
        if (def === undefined || def.kind !== rule.def.kind) return reject('bad-action', 'set-limits: the kind of a rule cannot change');
        this.advance(t);
        this.replaceRule(rule, def, t);
        this.currentProfile = changed;
        return undefined;
      }
      case 'set-baseline': {
        const vi = action.vital === undefined ? undefined : vitalIndex(action.vital);
        if (vi === undefined || !isFiniteNumber(action.value)) {
          return reject('bad-action', 'set-baseline: needs a known vital and a finite value');
        }
        this.advance(t);
        this.setBaseline(vi, action.value, t, 'manual', undefined, action.by);
        return undefined;
      }
    }
  }

  /** What a channel reported about a notification: may accept, decline or show that nobody can be reached. */
  delivery(report: DeliveryReport): Rejection | undefined {
    const timeProblem = this.checkTime(report.t);
    if (timeProblem !== undefined) return timeProblem;
    const problem = this.escalation.check(report);
    if (problem !== undefined) return reject(problem.reason, problem.message);
    // Timers due by now fire first: the notification may be one a timer sends at this very time (ticks are not
    // journalled, so a restored session learns of it only here). Firing them early changes nothing: they fire
    // at their own times either way.
    this.advance(report.t);
    const unknown = this.escalation.known(report);
    if (unknown !== undefined) return reject(unknown.reason, unknown.message);
    this.escalation.delivery(report);
    return undefined;
  }

  /** The profile in force: the session's own, with any limit changes made during the session. */
  get profile(): Profile {
    return this.currentProfile;
  }

  /** Time passes with no other input: fires every timer due up to `t`. */
  tick(t: number): Rejection | undefined {
    if (!isFiniteNumber(t)) return reject('bad-time', 'tick: t must be a finite number');
    if (t > this.now) this.advance(t);
    return undefined;
  }

  /** When the next timer may be due (a live driver ticks then); Infinity = nothing pending. */
  nextDeadline(): number {
    return this.nextDue;
  }

  snapshot(): SessionSnapshot {
    const vitals = {} as Record<Vital, VitalSnapshot>;
    VITALS.forEach((vital, i) => {
      const value = this.state.latest[i] as number;
      const baseline = this.state.baseline[i] as number;
      vitals[vital] = {
        value: Number.isNaN(value) ? null : value,
        t: Number.isNaN(value) ? null : (this.state.latestT[i] as number),
        baseline: Number.isNaN(baseline) ? null : baseline,
        baselineSource: this.baselineSource[i] ?? null,
        samples: this.samples[i] as number,
        artifacts: this.artifacts[i] as number,
      };
    });
    return {
      now: Number.isFinite(this.now) ? this.now : null,
      startedAt: this.startedAt,
      endedAt: this.endedAt,
      doseAt: this.doseAt,
      doses: this.doses.map((dose) => ({ ...dose })),
      fluidMl: this.fluidMl,
      vitals,
      alarms: this.board.list().map((alarm) => ({ ...alarm })),
      audioPausedUntil: Number.isNaN(this.audioPausedUntil) ? null : this.audioPausedUntil,
      disabledRules: [...this.disabled.values()].map((entry) => ({ ...entry })),
      devices: [...this.devices.values()].map((device) => ({ ...device, conditions: [...device.conditions] })),
      escalation: this.escalation.snapshot(),
    };
  }

  /**
   * New limits for a rule: its alarm, if open, is closed (reason 'limits-changed') and the rule starts watching
   * afresh — a condition that still holds under the new limits raises again after its delay.
   */
  private replaceRule(old: RuleRuntime, def: CompiledRule, t: number): void {
    const index = this.rules.indexOf(old);
    const runtime = this.createRule(def, this.ruleContext);
    // A silent source stays watched across the change: the new stale rule inherits who is bound and since when.
    if (runtime instanceof StaleRule && old instanceof StaleRule) runtime.inherit(old);
    this.rules[index] = runtime;
    this.timers[this.timers.indexOf(old)] = runtime;
    this.board.close(def.id, t, 'limits-changed');
    if (this.disabled.has(def.id)) runtime.disable(t);
    else if (!(runtime instanceof StaleRule)) runtime.enable(t);
    this.route();
  }

  private createRule(def: CompiledRule, ctx: RuleContext): RuleRuntime {
    switch (def.kind) {
      case 'threshold':
        return new ThresholdRule(def, ctx);
      case 'stale':
        return new StaleRule(def, ctx);
      case 'disconnected': {
        const rule = new DisconnectedRule(def, ctx);
        this.disconnectedRules.push(rule);
        return rule;
      }
      case 'battery': {
        const rule = new BatteryRule(def, ctx);
        this.batteryRules.push(rule);
        return rule;
      }
      case 'condition': {
        const rule = new ConditionRule(def, ctx);
        this.conditionRules.push(rule);
        return rule;
      }
      case 'delivery': {
        const rule = new DeliveryRule(def, ctx);
        this.deliveryRules.push(rule);
        return rule;
      }
    }
  }

  /** Rebuilds which enabled rules each vital's samples reach (rules switched off get nothing). */
  private route(): void {
    for (const list of this.thresholdByVital) list.length = 0;
    for (const list of this.staleByVital) list.length = 0;
    for (const rule of this.rules) {
      if (this.disabled.has(rule.def.id)) continue;
      if (rule instanceof ThresholdRule) {
        for (const vital of rule.def.inputs) (this.thresholdByVital[vitalIndex(vital) as number] as ThresholdRule[]).push(rule);
      } else if (rule instanceof StaleRule) {
        (this.staleByVital[vitalIndex(rule.def.vital) as number] as StaleRule[]).push(rule);
      }
    }
  }

  private checkTime(t: number, allowAfterEnd = false): Rejection | undefined {
    if (!isFiniteNumber(t)) return reject('bad-time', 't must be a finite number of ms since the epoch');
    if (t < this.now) return reject('time-backwards', `t ${t} is ${this.now - t} ms before the session's time ${this.now}`);
    if (this.endedAt !== null && !allowAfterEnd) return reject('session-ended', 'the session has ended');
    return undefined;
  }

  /** Fires every timer due up to `t`, each at its own due time, in time order; then time is `t`. */
  private advance(t: number): void {
    if (this.nextDue <= t) {
      for (;;) {
        let due = Infinity;
        let timer: { fire(at: number): void } | undefined;
        for (const candidate of this.timers) {
          const deadline = candidate.deadline();
          if (deadline < due) {
            due = deadline;
            timer = candidate;
          }
        }
        if (timer === undefined || due > t) {
          this.nextDue = due;
          break;
        }
        if (due > this.now) this.now = due;
        timer.fire(due);
      }
    }
    this.now = t;
  }

  private establishBaseline(t: number): void {
    this.doseAt = t;
    const window = this.window;
    this.window = undefined;
    if (window === undefined) return;
    for (const result of window.medians(t)) {
      if (this.baselineSource[result.vitalIndex] === 'manual') continue;
      this.setBaseline(result.vitalIndex, result.value, t, 'auto', result.samples);
    }
  }

  private setBaseline(vi: number, value: number, t: number, source: 'auto' | 'manual', samples?: number, by?: string): void {
    this.state.baseline[vi] = value;
    this.baselineSource[vi] = source;
    const output: CoreOutput = { type: 'baseline', t, vital: VITALS[vi] as Vital, value, source };
    if (samples !== undefined) output.samples = samples;
    if (by !== undefined) output.by = by;
    this.emit(output);
  }

  private touchDevice(device: string, sampleAt: number | undefined): DeviceStatus {
    let status = this.devices.get(device);
    if (status === undefined) {
      status = { device, state: 'unknown', battery: undefined, lastSampleAt: undefined, conditions: [] };
      this.devices.set(device, status);
    }
    if (sampleAt !== undefined) status.lastSampleAt = sampleAt;
    return status;
  }

  private onRaised(alarm: OpenAlarm, t: number): void {
    // A new high-priority alarm must be heard: it ends an audio pause.
    if (alarm.priority === 'high' && !Number.isNaN(this.audioPausedUntil)) this.resumeAudio(t);
  }

  private resumeAudio(at: number): void {
    this.audioPausedUntil = Number.NaN;
    this.emit({ type: 'audio', t: at, state: 'resumed' });
  }

  private emitRuleSwitch(t: number, rule: string, enabled: boolean, action: Action): void {
    const output: CoreOutput = { type: 'rule', t, rule, enabled };
    if (action.by !== undefined) output.by = action.by;
    if (action.reason !== undefined) output.reason = action.reason;
    this.emit(output);
  }
}
