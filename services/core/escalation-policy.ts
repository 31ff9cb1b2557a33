// The escalation policy (config/schemas/escalation.schema.json): who hears about an alarm nobody at the bedside
// acknowledged, in what order, on which channels. It is part of what the core decides deterministically (hop
// times, accept timeouts, repeats), so a session's journal header carries the policy it ran under.
import { describeProblems, schemaErrors } from '../schema-errors.js';
import { parseDuration } from './duration.js';
import type { EscalationPolicy, EscalationPolicySpec } from './escalation-types.js';

export type { Contact, ContactRoute, ContactSpec, EscalationPolicy, EscalationPolicySpec } from './escalation-types.js';

/** The built-in channel of the monitor view (dashboards over WebSocket). */
export const MONITOR_VIEW_CHANNEL = 'monitor-view';

/** DESIGN §3: escalation goes to the medical monitor, over the monitor view. */
export const DEFAULT_POLICY_SPEC: EscalationPolicySpec = {
  contacts: [{ id: 'medical-monitor', label: 'Medical monitor', notify: [{ channel: MONITOR_VIEW_CHANNEL, to: 'monitors' }], acceptWithin: '2m' }],
  repeatEvery: '10m',
  groupWithin: '15s',
};

export class PolicyError extends Error {
  constructor(
    readonly source: string,
    readonly problems: string[],
  ) {
    super(`${source}: invalid escalation policy:\n  ${problems.join('\n  ')}`);
    this.name = 'PolicyError';
  }
}


function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** An override over a base policy: keys replace (so `contacts` replaces the whole list). */
export function mergePolicies(base: EscalationPolicySpec, override: unknown): unknown {
  if (!isPlainObject(override)) return override;
  return { ...base, ...override };
}

/** Validates and compiles a policy (merged over the default); throws PolicyError naming every bad field. */
export function compilePolicy(raw: unknown = {}, source = 'escalation'): EscalationPolicy {
  const merged = mergePolicies(DEFAULT_POLICY_SPEC, raw);
  const problems = describeProblems(schemaErrors('escalation.schema.json', merged), '(policy)');
  if (problems.length > 0) throw new PolicyError(source, problems);
  const spec = merged as EscalationPolicySpec;
  const contacts = (spec.contacts ?? []).map((contact) => ({
    id: contact.id,
    label: contact.label ?? contact.id,
    notify: contact.notify.map((route) => ({ ...route })),
    acceptMs: contact.acceptWithin === null ? Infinity : parseDuration(contact.acceptWithin ?? '2m'),
  }));
  const ids = new Set<string>();
  contacts.forEach((contact, i) => {
    if (ids.has(contact.id)) problems.push(`contacts.${i}.id: "${contact.id}" is listed twice`);
    ids.add(contact.id);
    if (contact.acceptMs <= 0) problems.push(`contacts.${i}.acceptWithin: must be longer than 0`);
  });
  const groupMs = parseDuration(spec.groupWithin ?? '15s');
  const repeatMs = spec.repeatEvery === null || spec.repeatEvery === undefined ? Infinity : parseDuration(spec.repeatEvery);
  if (repeatMs <= 0) problems.push('repeatEvery: must be longer than 0 (or null for never)');
  if (problems.length > 0) throw new PolicyError(source, problems);
  return { spec, contacts, repeatMs, groupMs };
}

export const DEFAULT_POLICY: EscalationPolicy = compilePolicy();

/**
 * The policy of a recording whose header names none (recordings from before policies, hand-written files):
 * DESIGN §3 as it stands — the medical monitor is notified once, and the chain waits for them.
 */
export const UNSTATED_POLICY: EscalationPolicy = compilePolicy(
  { contacts: [{ id: 'medical-monitor', label: 'Medical monitor', notify: [{ channel: MONITOR_VIEW_CHANNEL, to: 'monitors' }], acceptWithin: null }], repeatEvery: null },
  'unstated policy',
);

/** The policy a journal or recording header says its session ran under. */
export function policyOfHeader(header: { session: { escalation?: EscalationPolicySpec } } | undefined): EscalationPolicy {
  const spec = header?.session.escalation;
  return spec === undefined ? UNSTATED_POLICY : compilePolicy(spec, 'header session.escalation');
}
