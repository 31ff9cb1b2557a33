// A threshold rule: raise when its condition holds (held for a time on continuous samples, or for N
// consecutive spot readings), clear when a separate clear condition holds the same way (the hysteresis margin).
import type { AlarmSource } from '../alarm-board.js';
import { compileEvaluate, type Evaluate } from '../condition.js';
import type { CompiledPhase, CompiledThresholdRule } from '../profile.js';
import { VITAL_INDEX } from '../vital-state.js';
import type { RuleContext, RuleRuntime } from './rule.js';

interface PhaseRuntime {
  evaluate: Evaluate;
  heldForMs: number;
  readings: number;
}

function phaseRuntime(phase: CompiledPhase): PhaseRuntime {
  return { evaluate: compileEvaluate(phase.when), heldForMs: phase.heldForMs, readings: phase.readings };
}

export class ThresholdRule implements RuleRuntime {
  private readonly raisePhase: PhaseRuntime;
  private readonly clearPhase: PhaseRuntime;
  private readonly vitalIndex: number;
  private readonly source: AlarmSource;
  /** the rule's alarm condition is raised */
  private active = false;
  /** continuous: time of the first sample of the current run meeting the phase's condition; NaN = none */
  private heldSince = Number.NaN;
  /** spot: consecutive readings before the current one that met the condition */
  private readingsBefore = 0;
  private readingT = Number.NaN;
  private readingMet = false;

  constructor(
    readonly def: CompiledThresholdRule,
    private readonly ctx: RuleContext,
  ) {
    this.raisePhase = phaseRuntime(def.raise);
    this.clearPhase = phaseRuntime(def.clear);
    this.vitalIndex = VITAL_INDEX[def.vital];
    this.source = { id: def.id, vital: def.vital, priority: def.priority, kind: 'physiological', latching: def.latching };
  }

  /** A sample of one of this rule's input vitals arrived (already stored in the vital state). */
  onSample(t: number, spot: boolean): void {
    const phase = this.active ? this.clearPhase : this.raisePhase;
    const met = phase.evaluate(this.ctx.state, t, spot);
    if (spot) {
      // Components of one reading share t: a later component re-evaluates the same reading, not a new one.
      if (t !== this.readingT) {
        this.readingsBefore = this.readingMet ? this.readingsBefore + 1 : 0;
        this.readingT = t;
      }
      this.readingMet = met;
      if (met && this.readingsBefore + 1 >= phase.readings) this.transition(t);
      return;
    }
    if (!met) {
      this.heldSince = Number.NaN;
      return;
    }
    if (Number.isNaN(this.heldSince)) {
      this.heldSince = t;
      if (phase.heldForMs > 0) {
        this.ctx.schedule(t + phase.heldForMs);
        return;
      }
    }
    if (t - this.heldSince >= phase.heldForMs) this.transition(t);
  }

  deadline(): number {
    return Number.isNaN(this.heldSince) ? Infinity : this.heldSince + (this.active ? this.clearPhase : this.raisePhase).heldForMs;
  }

  fire(at: number): void {
    this.transition(at);
  }

  disable(): void {
    this.active = false;
    this.restartCounting();
  }

  /** Counting restarts: a condition must hold for its full delay after the rule is back on. */
  enable(): void {}

  private restartCounting(): void {
    this.heldSince = Number.NaN;
    this.readingsBefore = 0;
    this.readingT = Number.NaN;
    this.readingMet = false;
  }

  private transition(t: number): void {
    const value = this.ctx.state.latest[this.vitalIndex];
    this.restartCounting();
    this.active = !this.active;
    if (this.active) this.ctx.board.raise(this.source, t, value);
    else this.ctx.board.clear(this.def.id, t, value);
  }
}
