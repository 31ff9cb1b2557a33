// Alarm profiles: load a file (or a built-in name), merge it over what it extends, validate the merged whole
// against config/schemas/profile.schema.json, and compile it into the millisecond-based form the core runs.
import { readFileSync, existsSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { describeProblems, schemaErrors } from '../schema-errors.js';
import { CONFIG_DIR } from '../paths.js';
import { parseDuration } from './duration.js';
import type { Comparison, ComparisonOp, Condition, ProfileSpec, RuleSpec } from './profile-types.js';
import type { Priority, SampleMode, SensorCondition, Vital } from './types.js';
import { VITALS } from './types.js';

export const DEFAULT_PROFILE = 'mdma-session';

/** A profile that failed to load or validate; `problems` name the bad fields. */
export class ProfileError extends Error {
  constructor(
    readonly source: string,
    readonly problems: string[],
  ) {
    super(`invalid profile ${source}:\n  ${problems.join('\n  ')}`);
    this.name = 'ProfileError';
  }
}

export interface CompiledComparison {
  vital: Vital;
  op: ComparisonOp;
  value: number;
  overBaseline: boolean;
}

export type CompiledCondition =
  | { type: 'compare'; compare: CompiledComparison }
  | { type: 'any' | 'all'; of: CompiledCondition[] };

export interface CompiledPhase {
  when: CompiledCondition;
  heldForMs: number;
  readings: number;
}

interface CompiledRuleCommon {
  id: string;
  priority: Priority;
  text: string;
  enabled: boolean;
}

export interface CompiledThresholdRule extends CompiledRuleCommon {
  kind: 'threshold';
  vital: Vital;
  latching: boolean;
  raise: CompiledPhase;
  clear: CompiledPhase;
  /** every vital either condition reads: a sample of any of them re-evaluates the rule */
  inputs: Vital[];
}

export interface CompiledStaleRule extends CompiledRuleCommon {
  kind: 'stale';
  vital: Vital;
  mode: SampleMode | undefined;
  afterMs: number;
}

export interface CompiledDisconnectedRule extends CompiledRuleCommon {
  kind: 'disconnected';
}

export interface CompiledBatteryRule extends CompiledRuleCommon {
  kind: 'battery';
  raiseAtOrBelow: number;
  clearAbove: number;
}

export interface CompiledConditionRule extends CompiledRuleCommon {
  kind: 'condition';
  conditions: ReadonlySet<SensorCondition>;
  heldForMs: number;
}

export interface CompiledDeliveryRule extends CompiledRuleCommon {
  kind: 'delivery';
}

export type CompiledRule =
  | CompiledThresholdRule
  | CompiledStaleRule
  | CompiledDisconnectedRule
  | CompiledBatteryRule
  | CompiledConditionRule
  | CompiledDeliveryRule;

export interface Profile {
  name: string;
  /** the merged, validated profile as written (for display, comparison and export) */
  spec: ProfileSpec;
  artifactRanges: Record<Vital, readonly [number, number]>;
  baselineWindowMs: number;
  baselineMinContinuous: number;
  baselineMinSpot: number;
  audioPauseMs: number;
  /** Infinity = this priority never escalates */
  escalationMs: Record<Priority, number>;
  rules: CompiledRule[];
}


function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Objects merge key by key; arrays and scalars in the override replace the base. */
export function mergeProfiles(base: unknown, override: unknown): unknown {
  if (!isPlainObject(base) || !isPlainObject(override)) return override;
  const merged: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(override)) {
    merged[key] = key in base ? mergeProfiles(base[key], value) : value;
  }
  return merged;
}

/** Resolves a built-in profile name or a path to a file. */
export function resolveProfilePath(nameOrPath: string, relativeTo = process.cwd()): string {
  const builtin = join(CONFIG_DIR, 'profiles', `${nameOrPath}.json`);
  if (/^[a-z0-9-]+$/.test(nameOrPath) && existsSync(builtin)) return builtin;
  return isAbsolute(nameOrPath) ? nameOrPath : resolve(relativeTo, nameOrPath);
}

function readProfileFile(path: string, seen: string[]): unknown {
  if (seen.includes(path)) throw new ProfileError(path, [`extends: circular (${[...seen, path].join(' → ')})`]);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new ProfileError(path, [`cannot read: ${(error as Error).message}`]);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw new ProfileError(path, [`not valid JSON: ${(error as Error).message}`]);
  }
  if (!isPlainObject(raw)) throw new ProfileError(path, ['(profile): must be a JSON object']);
  const parentName = raw['extends'];
  if (parentName === undefined) return raw;
  if (typeof parentName !== 'string') throw new ProfileError(path, ['extends: must be a profile name or path']);
  const parent = readProfileFile(resolveProfilePath(parentName, dirname(path)), [...seen, path]);
  const { extends: _ignored, ...own } = raw;
  return mergeProfiles(parent, own);
}

/** Loads, merges, validates and compiles a profile; throws ProfileError naming every bad field. */
export function loadProfile(nameOrPath: string = DEFAULT_PROFILE): Profile {
  const path = resolveProfilePath(nameOrPath);
  return compileProfile(readProfileFile(path, []), path);
}

/** The profile with one rule changed for one session (validated like any profile; errors name the field). */
export function withRuleChange(profile: Profile, ruleId: string, change: Record<string, unknown>): Profile {
  if (!Object.hasOwn(profile.spec.rules, ruleId)) throw new ProfileError('limit change', [`rules.${ruleId}: no such rule`]);
  return compileProfile(mergeProfiles(profile.spec, { rules: { [ruleId]: change } }), 'limit change');
}

/** Validates and compiles an in-memory profile (already merged). */
export function compileProfile(raw: unknown, source = '(inline)'): Profile {
  const problems = describeProblems(schemaErrors('profile.schema.json', raw), '(profile)');
  if (problems.length > 0) throw new ProfileError(source, problems);
  const spec = raw as ProfileSpec;
  const rules: CompiledRule[] = [];
  for (const [id, rule] of Object.entries(spec.rules)) {
    try {
      rules.push(compileRule(id, rule));
    } catch (error) {
      problems.push(`rules.${id}: ${(error as Error).message}`);
    }
  }
  if (problems.length > 0) throw new ProfileError(source, problems);

  const artifactRanges = {} as Record<Vital, readonly [number, number]>;
  for (const vital of VITALS) artifactRanges[vital] = spec.artifactRanges?.[vital] ?? [-Infinity, Infinity];
  const escalation = (priority: Priority): number => {
    const value = spec.escalation?.[priority];
    return value === undefined || value === null ? Infinity : parseDuration(value);
  };
  return {
    name: spec.name,
    spec,
    artifactRanges,
    baselineWindowMs: parseDuration(spec.baseline?.window ?? '15m'),
    baselineMinContinuous: spec.baseline?.minContinuous ?? 3,
    baselineMinSpot: spec.baseline?.minSpot ?? 1,
    audioPauseMs: parseDuration(spec.audioPause ?? '120s'),
    escalationMs: { high: escalation('high'), medium: escalation('medium'), low: escalation('low') },
    rules,
  };
}

function compileRule(id: string, rule: RuleSpec): CompiledRule {
  const common = { id, priority: rule.priority, text: rule.text ?? id, enabled: rule.enabled !== false };
  switch (rule.kind) {
    case 'threshold': {
      const inputs = new Set<Vital>();
      const raise = {
        when: compileCondition(rule.raise.when, rule.vital, inputs),
        heldForMs: parseDuration(rule.raise.heldFor ?? '0s'),
        readings: rule.raise.readings ?? 1,
      };
      const clear = {
        when: compileCondition(rule.clear.when, rule.vital, inputs),
        heldForMs: parseDuration(rule.clear.heldFor ?? '0s'),
        readings: rule.clear.readings ?? 1,
      };
      return {
        ...common,
        kind: 'threshold',
        vital: rule.vital,
        latching: rule.latching ?? rule.priority === 'high',
        raise,
        clear,
        inputs: [...inputs],
      };
    }
    case 'stale':
      return { ...common, kind: 'stale', vital: rule.vital, mode: rule.mode, afterMs: parseDuration(rule.after) };
    case 'disconnected':
      return { ...common, kind: 'disconnected' };
    case 'delivery':
      return { ...common, kind: 'delivery' };
    case 'condition':
      return { ...common, kind: 'condition', conditions: new Set(rule.conditions), heldForMs: parseDuration(rule.heldFor ?? '0s') };
    case 'battery':
      if (rule.clearAbove < rule.raiseAtOrBelow) {
        throw new Error('clearAbove must be at least raiseAtOrBelow (the clear margin cannot be negative)');
      }
      return { ...common, kind: 'battery', raiseAtOrBelow: rule.raiseAtOrBelow, clearAbove: rule.clearAbove };
  }
}

function compileCondition(condition: Condition, ruleVital: Vital, inputs: Set<Vital>): CompiledCondition {
  if ('any' in condition) return { type: 'any', of: condition.any.map((c) => compileCondition(c, ruleVital, inputs)) };
  if ('all' in condition) return { type: 'all', of: condition.all.map((c) => compileCondition(c, ruleVital, inputs)) };
  const comparison: Comparison = condition;
  const vital = comparison.vital ?? ruleVital;
  inputs.add(vital);
  return {
    type: 'compare',
    compare: { vital, op: comparison.op, value: comparison.value, overBaseline: comparison.over === 'baseline' },
  };
}
