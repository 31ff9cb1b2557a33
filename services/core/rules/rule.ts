// What every runtime rule offers the session core: a deadline for its timer and a reset.
import type { AlarmBoard } from '../alarm-board.js';
import type { CompiledRule } from '../profile.js';
import type { VitalState } from '../vital-state.js';

export interface RuleContext {
  readonly state: VitalState;
  readonly board: AlarmBoard;
  /** tells the core a timer of this rule is due at `deadline` */
  schedule(deadline: number): void;
  /** a raised device-disconnected alarm covers this device: the silence it causes is not a second alarm */
  disconnectAlarmed(device: string): boolean;
}

export interface RuleRuntime {
  readonly def: CompiledRule;
  /** when this rule's timer is due; Infinity = no timer */
  deadline(): number;
  /** the timer is due: act as of virtual time `at` */
  fire(at: number): void;
  /** the rule was switched off: stop tracking (the core closes its alarm) */
  disable(t: number): void;
  /** the rule was switched back on at `t`: start watching afresh */
  enable(t: number): void;
}
