// A policy may only name channels the site defines, each at most once per contact (a delivery, its key and
// its reports are per notification and channel). Checked when the service starts and when a session is created.
import { compilePolicy, mergePolicies, PolicyError } from '../core/escalation-policy.js';
import type { EscalationPolicy, EscalationPolicySpec } from '../core/escalation-types.js';

/** Problems with the policy's routes, as `contacts.<i>.notify.<j>.channel: …`. */
export function routeProblems(policy: Pick<EscalationPolicy, 'contacts'>, known: ReadonlySet<string>): string[] {
  const problems: string[] = [];
  policy.contacts.forEach((contact, i) => {
    const seen = new Set<string>();
    contact.notify.forEach((route, j) => {
      const field = `contacts.${i}.notify.${j}.channel`;
      if (!known.has(route.channel)) problems.push(`${field}: no channel "${route.channel}" is defined (known: ${[...known].sort().join(', ')})`);
      else if (seen.has(route.channel)) problems.push(`${field}: "${route.channel}" is listed twice for contact ${contact.id} (one delivery per channel)`);
      seen.add(route.channel);
    });
  });
  return problems;
}

/**
 * The policy a session runs under: `override` (a session's own, as the request gave it) merged over the
 * site's, validated and compiled. Throws PolicyError naming every bad field.
 */
export function resolvePolicy(site: EscalationPolicySpec | undefined, override: unknown, known: ReadonlySet<string> | undefined, source = 'escalation'): EscalationPolicy {
  const policy = compilePolicy(mergePolicies(site ?? {}, override ?? {}), source);
  const problems = known === undefined ? [] : routeProblems(policy, known);
  if (problems.length > 0) throw new PolicyError(source, problems);
  return policy;
}
