// The technical alarm `delivery-failed`: a notification could not be delivered on any channel, or no contact
// accepted. The escalation chain decides when that holds; this rule only turns it into an alarm at the bedside
// (and on every monitor view), so it is switched off, acknowledged and shown like every other rule.
import type { AlarmSource } from '../alarm-board.js';
import type { CompiledDeliveryRule } from '../profile.js';
import type { RuleContext, RuleRuntime } from './rule.js';

export class DeliveryRule implements RuleRuntime {
  private readonly source: AlarmSource;
  private failing = false;
  private enabled = true;

  constructor(
    readonly def: CompiledDeliveryRule,
    private readonly ctx: RuleContext,
  ) {
    // It never escalates: the chain it reports on is what would carry it.
    this.source = { id: def.id, vital: 'device', priority: def.priority, kind: 'technical', latching: false, escalates: false };
  }

  /** The chain's verdict at `t`: failing or not. */
  set(t: number, failing: boolean): void {
    if (failing === this.failing) return;
    this.failing = failing;
    if (!this.enabled) return;
    if (failing) this.ctx.board.raise(this.source, t, undefined);
    else this.ctx.board.clear(this.def.id, t, undefined);
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
    if (this.failing) this.ctx.board.raise(this.source, t, undefined);
  }
}
