// A stale-source rule: while a source of the vital is bound, no sample for `afterMs` raises a technical alarm;
// the next sample clears it. Artifacts do not count as samples: a probe sending only garbage is silent. A source
// whose disconnection is alarmed does not also raise a stale alarm (inhibition).
import type { AlarmSource } from '../alarm-board.js';
import type { CompiledStaleRule } from '../profile.js';
import type { SampleMode } from '../types.js';
import type { RuleContext, RuleRuntime } from './rule.js';

export class StaleRule implements RuleRuntime {
  private readonly source: AlarmSource;
  /** devices currently bound as sources of this vital */
  private readonly sources = new Set<string>();
  /** last sample or binding time */
  private last = Number.NaN;
  private active = false;

  constructor(
    readonly def: CompiledStaleRule,
    private readonly ctx: RuleContext,
  ) {
    this.source = { id: def.id, vital: def.vital, priority: def.priority, kind: 'technical', latching: false };
  }

  /** Only samples of the rule's mode (if it names one) come from the kind of source it watches. */
  accepts(mode: SampleMode): boolean {
    return this.def.mode === undefined || this.def.mode === mode;
  }

  onSample(t: number, device: string): void {
    if (!this.sources.has(device)) this.sources.add(device);
    this.last = t;
    if (this.active) {
      this.active = false;
      this.ctx.board.clear(this.def.id, t, undefined);
    }
    this.ctx.schedule(t + this.def.afterMs);
  }

  /** A device declared itself a source: the silence clock starts now. */
  bind(t: number, device: string): void {
    if (this.sources.has(device)) return;
    this.sources.add(device);
    if (this.sources.size === 1 && !this.active) {
      this.last = t;
      this.ctx.schedule(t + this.def.afterMs);
    }
  }

  /** A device was removed on purpose: with no source left, silence is expected. */
  unbind(t: number, device: string): void {
    if (!this.sources.delete(device) || this.sources.size > 0) return;
    this.last = Number.NaN;
    if (this.active) {
      this.active = false;
      this.ctx.board.clear(this.def.id, t, undefined, 'unbound');
    }
  }

  /** Takes over another instance's bindings and silence clock (the rule's limits changed mid-session). */
  inherit(previous: StaleRule): void {
    for (const source of previous.sources) this.sources.add(source);
    this.last = previous.last;
    if (!Number.isNaN(this.last)) this.ctx.schedule(this.last + this.def.afterMs);
  }

  deadline(): number {
    return this.active || Number.isNaN(this.last) ? Infinity : this.last + this.def.afterMs;
  }

  fire(at: number): void {
    // Inhibition: silence from sources whose disconnection is already alarmed is that alarm's, not another
    // one. Look again after another silent interval, so a source still silent once the disconnect alarm is
    // gone (reconnected, or switched off) is reported then.
    if (this.sources.size > 0 && [...this.sources].every((device) => this.ctx.disconnectAlarmed(device))) {
      this.last = at;
      this.ctx.schedule(at + this.def.afterMs);
      return;
    }
    this.active = true;
    this.ctx.board.raise(this.source, at, undefined);
  }

  disable(): void {
    this.active = false;
    this.last = Number.NaN;
  }

  /** Bindings survive the switch: watching resumes for the same sources, silence counted from now. */
  enable(t: number): void {
    if (this.sources.size === 0) return;
    this.last = t;
    this.ctx.schedule(t + this.def.afterMs);
  }
}
