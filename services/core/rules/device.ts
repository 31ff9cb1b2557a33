// Technical rules about devices themselves: transport lost, battery low. One alarm per rule covers every
// device; it clears when no device is in the condition any more.
import type { AlarmSource } from '../alarm-board.js';
import type { CompiledBatteryRule, CompiledDisconnectedRule } from '../profile.js';
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
}
