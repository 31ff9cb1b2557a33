// Alarm limits of a rule, when the rules list carries them (`raise.when`: a compiled condition from the
// service, or one as a profile file writes it). Without them there is nothing to draw or quote, and nothing is
// made up.
import { fmtValue, VITAL_UNIT } from './format.js';
import type { LimitComparison, LimitCondition, Priority, RuleInfo, Vital } from './types.js';

export interface Limit {
  rule: string;
  priority: Priority;
  vital: Vital;
  op: LimitComparison['op'];
  value: number;
  overBaseline: boolean;
}

function comparisons(condition: LimitCondition | undefined, out: LimitComparison[]): void {
  if (condition === undefined || typeof condition !== 'object') return;
  if ('type' in condition) {
    if (condition.type === 'compare' && 'compare' in condition) out.push(condition.compare);
    else if ('of' in condition) for (const inner of condition.of) comparisons(inner, out);
    return;
  }
  if ('any' in condition) for (const inner of condition.any) comparisons(inner, out);
  else if ('all' in condition) for (const inner of condition.all) comparisons(inner, out);
  else if ('op' in condition && typeof condition.value === 'number') out.push(condition);
}

/** The raise limits of a rule (a crisis rule has one per vital), or none when the answer has no limits. */
export function ruleLimits(rule: RuleInfo): Limit[] {
  if (rule.enabled === false || rule.raise === undefined) return [];
  const found: LimitComparison[] = [];
  comparisons(rule.raise.when, found);
  const limits: Limit[] = [];
  for (const c of found) {
    const vital = c.vital ?? rule.vital;
    if (vital === undefined) continue;
    limits.push({ rule: rule.id, priority: rule.priority, vital, op: c.op, value: c.value, overBaseline: c.overBaseline === true || c.over === 'baseline' });
  }
  return limits;
}

/** The limit as a number in the vital's unit, or null (a baseline-relative limit before a baseline exists). */
export function limitLevel(limit: Limit, baseline: number | null): number | null {
  if (!limit.overBaseline) return limit.value;
  return baseline === null ? null : baseline + limit.value;
}

export const OP_TEXT: Readonly<Record<Limit['op'], string>> = { '>=': '≥', '>': '>', '<=': '≤', '<': '<' };

/** "limit ≥ 130 /min", "limit ≥ baseline + 30 (102) /min", or '' when the rule's limits are not known. */
export function limitText(rule: RuleInfo | undefined, baselineOf: (vital: Vital) => number | null): string {
  if (rule === undefined) return '';
  const parts = ruleLimits(rule).map((limit) => {
    const unit = VITAL_UNIT[limit.vital];
    const name = limit.vital === 'sbp' ? 'SBP ' : limit.vital === 'dbp' ? 'DBP ' : '';
    if (!limit.overBaseline) return `${name}${OP_TEXT[limit.op]} ${fmtValue(limit.vital, limit.value)} ${unit}`;
    const level = limitLevel(limit, baselineOf(limit.vital));
    const sign = limit.value >= 0 ? '+' : '-';
    return `${name}${OP_TEXT[limit.op]} baseline ${sign} ${fmtValue(limit.vital, Math.abs(limit.value))}${level === null ? '' : ` (${fmtValue(limit.vital, level)})`} ${unit}`;
  });
  return parts.length === 0 ? '' : `limit ${parts.join(' or ')}`;
}
