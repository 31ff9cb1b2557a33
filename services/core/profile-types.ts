// The alarm profile as written in a file (config/profiles/*.json, validated by config/schemas/profile.schema.json).
import type { Priority, SampleMode, SensorCondition, Vital } from './types.js';

export type ComparisonOp = '>=' | '>' | '<=' | '<';

export interface Comparison {
  /** defaults to the rule's vital */
  vital?: Vital;
  op: ComparisonOp;
  value: number;
  /** compare against baseline + value instead of value */
  over?: 'baseline';
}

export type Condition = Comparison | { any: Condition[] } | { all: Condition[] };

/** One side of a threshold rule: the condition and how long it must hold. */
export interface Phase {
  when: Condition;
  /** continuous samples: the condition must hold this long (default 0 = at once) */
  heldFor?: string;
  /** spot readings: this many consecutive readings must meet it (default 1) */
  readings?: number;
}

interface RuleCommon {
  priority: Priority;
  text?: string;
  /** false switches the rule off in this profile */
  enabled?: boolean;
}

export interface ThresholdRuleSpec extends RuleCommon {
  kind: 'threshold';
  vital: Vital;
  raise: Phase;
  clear: Phase;
  /** default: high-priority physiological alarms latch (DESIGN §3) */
  latching?: boolean;
}

export interface StaleRuleSpec extends RuleCommon {
  kind: 'stale';
  vital: Vital;
  /** only samples of this mode count as the source (e.g. a continuous temperature probe) */
  mode?: SampleMode;
  after: string;
}

export interface DisconnectedRuleSpec extends RuleCommon {
  kind: 'disconnected';
}

export interface BatteryRuleSpec extends RuleCommon {
  kind: 'battery';
  raiseAtOrBelow: number;
  clearAbove: number;
}

export interface ConditionRuleSpec extends RuleCommon {
  kind: 'condition';
  /** raised while any device reports any of these */
  conditions: SensorCondition[];
  /** how long a device must keep reporting one before the alarm is raised (default 0) */
  heldFor?: string;
}

/** Raised while an escalation cannot reach anyone (docs/notifications.md). */
export interface DeliveryRuleSpec extends RuleCommon {
  kind: 'delivery';
}

export type RuleSpec = ThresholdRuleSpec | StaleRuleSpec | DisconnectedRuleSpec | BatteryRuleSpec | ConditionRuleSpec | DeliveryRuleSpec;

export interface ProfileSpec {
  $schema?: string;
  name: string;
  description?: string;
  /** a built-in profile name or a path (relative to this file) to merge this one over */
  extends?: string;
  artifactRanges?: Partial<Record<Vital, [number, number]>>;
  baseline?: { window?: string; minContinuous?: number; minSpot?: number };
  audioPause?: string;
  escalation?: Partial<Record<Priority, string | null>>;
  rules: Record<string, RuleSpec>;
}
