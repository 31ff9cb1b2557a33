// Technical rules about devices themselves: transport lost, battery low. One alarm per rule covers every
// device; it clears when no device is in the condition any more.
import type { AlarmSource } from '../alarm-board.js';
import type { CompiledBatteryRule, CompiledConditionRule, CompiledDisconnectedRule } from '../profile.js';
import type { SensorCondition } from '../types.js';
import type { RuleContext, RuleRuntime } from './rule.js';

abstract class DeviceSetRule implements RuleRuntime {
  protected readonly devices = new Set<string>();
  private readonly source: AlarmSource;

  constructor(
    readonly def: CompiledDisconnectedRule | CompiledBatteryRule,
    protected readonly ctx: RuleContext,
  ) {
    this.source = { id: def.id, vital: 'device', priority: def.priority, kind: 'technical', latching: false };
  }

  /** Device state is tracked even while the rule is off, so switching it back on knows the truth. */
  private enabled = true;

  protected enter(t: number, device: string, value?: number): void {
    this.devices.add(device);
    if (this.enabled && this.ctx.board.get(this.def.id)?.active !== true) {
      this.ctx.board.raise(this.source, t, value, device);
    }
  }

  protected leave(t: number, device: string, value?: number): void {
    if (!this.devices.delete(device) || this.devices.size > 0) return;
    this.ctx.board.clear(this.def.id, t, value);
  }

  removed(t: number, device: string): void {
    this.leave(t, device);
  }

  deadline(): number {
    return Infinity;
  }

  fire(): void {}

  disable(): void {
    this.enabled = false;
  }

  enable(t: number): void {
    this.enabled = true;
    const [first] = this.devices;
    if (first !== undefined) this.ctx.board.raise(this.source, t, undefined, first);
  }
}

export class DisconnectedRule extends DeviceSetRule {
  /** This device's disconnection is what the raised alarm reports now (the rule is on and its alarm active). */
  alarmed(device: string): boolean {
    return this.devices.has(device) && this.ctx.board.get(this.def.id)?.active === true;
  }

  onState(t: number, device: string, state: 'connected' | 'disconnected'): void {
    if (state === 'disconnected') this.enter(t, device);
    else this.leave(t, device);
  }
}

export class BatteryRule extends DeviceSetRule {
  declare readonly def: CompiledBatteryRule;

  onBattery(t: number, device: string, level: number): void {
    if (level <= this.def.raiseAtOrBelow) this.enter(t, device, level);
    else if (level > this.def.clearAbove) this.leave(t, device, level);
  }

  /** A device without a percentage only says low or not. */
  onLowFlag(t: number, device: string, low: boolean): void {
    if (low) this.enter(t, device);
    else this.leave(t, device);
  }
}

/**
 * Sensor conditions a device reports (sensor off, pulse search, …): raised when one device has kept reporting
 * one of the rule's conditions for `heldForMs`; cleared when no device reports any of them.
 */
export class ConditionRule implements RuleRuntime {
  /** device → since when it has continuously reported one of the conditions */
  private readonly since = new Map<string, number>();
  private readonly source: AlarmSource;
  private enabled = true;

  constructor(
    readonly def: CompiledConditionRule,
    private readonly ctx: RuleContext,
  ) {
    this.source = { id: def.id, vital: 'device', priority: def.priority, kind: 'technical', latching: false };
  }

  onConditions(t: number, device: string, conditions: readonly SensorCondition[]): void {
    const matches = conditions.some((condition) => this.def.conditions.has(condition));
    if (matches && !this.since.has(device)) {
      this.since.set(device, t);
      if (this.def.heldForMs === 0) this.fire(t);
      else this.ctx.schedule(t + this.def.heldForMs);
    } else if (!matches) {
      this.removed(t, device);
    }
  }

  removed(t: number, device: string): void {
    if (!this.since.delete(device) || this.since.size > 0) return;
    this.ctx.board.clear(this.def.id, t, undefined);
  }

  private active(): boolean {
    return this.ctx.board.get(this.def.id)?.active === true;
  }

  deadline(): number {
    if (!this.enabled || this.active()) return Infinity;
    let next = Infinity;
    for (const since of this.since.values()) next = Math.min(next, since + this.def.heldForMs);
    return next;
  }

  fire(at: number): void {
    for (const [device, since] of this.since) {
      if (since + this.def.heldForMs <= at) {
        this.ctx.board.raise(this.source, at, undefined, device);
        return;
      }
    }
  }

  disable(): void {
    this.enabled = false;
  }

  enable(t: number): void {
    this.enabled = true;
    // A condition that has held long enough while the rule was off is raised now.
    if (this.deadline() <= t) this.fire(t);
  }
}
