// The alarm state machine (DESIGN §3). One slot per rule: a rule never has two alarms open at once.
// An alarm is open from `raised` until it is both cleared and — if it latches — acknowledged.
import type { OpenAlarm } from './snapshot.js';
import type { AlarmKind, AlarmTransition, CoreOutput, Priority, Vital } from './types.js';

export type { OpenAlarm } from './snapshot.js';

export interface AlarmSource {
  id: string;
  vital: Vital | 'device';
  priority: Priority;
  kind: AlarmKind;
  latching: boolean;
  /** false: never escalated (delivery-failed: the bedside is told, the chain it is about cannot carry it) */
  escalates?: boolean;
}

/** What the board tells the escalation chain. */
export interface EscalationListener {
  /** an unacknowledged alarm's escalation time came */
  due(alarm: OpenAlarm, at: number): void;
  /** an alarm needs no escalation any more: acknowledged, or gone from the board */
  settled(alarm: OpenAlarm, t: number): void;
}

export const PRIORITY_RANK: Readonly<Record<Priority, number>> = { high: 3, medium: 2, low: 1 };

export class AlarmBoard {
  private readonly open = new Map<string, OpenAlarm>();
  private readonly instances = new Map<string, number>();
  /** the escalation chain; set once by the core (the chain needs the board, the board tells the chain) */
  listener: EscalationListener | undefined;

  constructor(
    private readonly emit: (output: CoreOutput) => void,
    private readonly escalationMs: Readonly<Record<Priority, number>>,
    private readonly schedule: (deadline: number) => void,
    /** told when an alarm is newly raised (audio pause ends on a new high alarm) */
    private readonly onRaised: (alarm: OpenAlarm, t: number) => void,
    /** the vital's value now: acknowledgement and escalation report what the patient shows at that moment */
    private readonly currentValue: (vital: Vital) => number,
  ) {}

  get(rule: string): OpenAlarm | undefined {
    return this.open.get(rule);
  }

  /** The open alarm with this instance id, if it is still open. */
  byId(id: string): OpenAlarm | undefined {
    const alarm = this.open.get(id.slice(0, id.lastIndexOf('#')));
    return alarm?.id === id ? alarm : undefined;
  }

  /** Open alarms, highest priority first, then oldest first. */
  list(): OpenAlarm[] {
    return [...this.open.values()].sort(
      (a, b) => PRIORITY_RANK[b.priority] - PRIORITY_RANK[a.priority] || a.raisedAt - b.raisedAt,
    );
  }

  raise(source: AlarmSource, t: number, value: number | undefined, device?: string): void {
    let alarm = this.open.get(source.id);
    if (alarm?.active === true) return;
    if (alarm === undefined) {
      const n = (this.instances.get(source.id) ?? 0) + 1;
      this.instances.set(source.id, n);
      alarm = {
        id: `${source.id}#${n}`,
        rule: source.id,
        vital: source.vital,
        priority: source.priority,
        kind: source.kind,
        latching: source.latching,
        active: true,
        acknowledged: false,
        acknowledgedBy: undefined,
        raisedAt: t,
        clearedAt: undefined,
        value,
        device,
        escalations: 0,
        escalateAt: source.escalates === false ? Infinity : t + this.escalationMs[source.priority],
      };
      this.open.set(source.id, alarm);
      this.schedule(alarm.escalateAt);
    } else {
      // A latched alarm still awaiting acknowledgement whose condition returns: the same alarm is active again.
      alarm.active = true;
      alarm.clearedAt = undefined;
      alarm.value = value;
      alarm.device = device;
    }
    this.transition(alarm, t, 'raised', value);
    this.onRaised(alarm, t);
  }

  clear(rule: string, t: number, value: number | undefined, reason?: string): void {
    const alarm = this.open.get(rule);
    if (alarm === undefined || !alarm.active) return;
    alarm.active = false;
    alarm.clearedAt = t;
    this.transition(alarm, t, 'cleared', value, reason === undefined ? undefined : { reason });
    if (alarm.acknowledged || !alarm.latching) this.remove(alarm, t);
  }

  /** Acknowledges one rule's alarm, or every open unacknowledged alarm; returns how many. */
  acknowledge(t: number, by: string | undefined, rule?: string): number {
    const targets = rule === undefined ? this.list() : [this.open.get(rule)].filter((a) => a !== undefined);
    let count = 0;
    for (const alarm of targets) {
      if (alarm.acknowledged) continue;
      alarm.acknowledged = true;
      alarm.acknowledgedBy = by;
      alarm.escalateAt = Infinity;
      this.transition(alarm, t, 'acknowledged', this.valueNow(alarm), by === undefined ? undefined : { by });
      if (!alarm.active) this.open.delete(alarm.rule);
      this.listener?.settled(alarm, t);
      count++;
    }
    return count;
  }

  /** Removes a rule's alarm without ceremony (rule switched off, session ended), clearing it first if active. */
  close(rule: string, t: number, reason: string): void {
    const alarm = this.open.get(rule);
    if (alarm === undefined) return;
    if (alarm.active) {
      alarm.active = false;
      this.transition(alarm, t, 'cleared', alarm.value, { reason });
    }
    this.remove(alarm, t);
  }

  closeAll(t: number, reason: string): void {
    for (const rule of [...this.open.keys()]) this.close(rule, t, reason);
  }

  deadline(): number {
    let next = Infinity;
    for (const alarm of this.open.values()) if (alarm.escalateAt < next) next = alarm.escalateAt;
    return next;
  }

  /** Hands every alarm whose escalation time came to the chain (highest priority first): it decides who hears. */
  fire(at: number): void {
    for (const alarm of this.list()) {
      if (alarm.escalateAt > at) continue;
      alarm.escalateAt = Infinity;
      this.listener?.due(alarm, at);
    }
  }

  /** The chain notified a contact about this alarm: one `escalated` transition per hop. */
  escalated(alarm: OpenAlarm, t: number, level: number, contact: string, notification: string): void {
    alarm.escalations++;
    this.transition(alarm, t, 'escalated', this.valueNow(alarm), { level, contact, notification });
  }

  private remove(alarm: OpenAlarm, t: number): void {
    this.open.delete(alarm.rule);
    if (!alarm.acknowledged) this.listener?.settled(alarm, t);
  }

  /** Technical alarms carry no patient value (a stale sensor's last value is not "now"). */
  private valueNow(alarm: OpenAlarm): number | undefined {
    return alarm.kind === 'technical' || alarm.vital === 'device' ? alarm.value : this.currentValue(alarm.vital);
  }

  private transition(
    alarm: OpenAlarm,
    t: number,
    state: AlarmTransition['state'],
    value: number | undefined,
    extra?: Pick<AlarmTransition, 'by' | 'level' | 'reason' | 'contact' | 'notification'>,
  ): void {
    const output: AlarmTransition = {
      type: 'alarm',
      t,
      rule: alarm.rule,
      id: alarm.id,
      vital: alarm.vital,
      priority: alarm.priority,
      kind: alarm.kind,
      state,
    };
    if (value !== undefined && !Number.isNaN(value)) output.value = value;
    if (alarm.device !== undefined) output.device = alarm.device;
    if (extra !== undefined) Object.assign(output, extra);
    this.emit(output);
  }
}
