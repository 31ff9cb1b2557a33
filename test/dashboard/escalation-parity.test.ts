// The dashboard's escalation between snapshots is the core's: the same sessions run through the core
// (services/core/escalation.ts) and, line by line as the hub forwards them, through the dashboard's SessionModel;
// after every input the model's `escalation` equals the core's snapshot of it (as JSON delivers it).
import { describe, expect, test } from 'vitest';
import { escalationOptions } from '../../dashboard/src/escalation.js';
import { SessionModel } from '../../dashboard/src/state.js';
import type { EscalationSnapshot, SessionLine } from '../../dashboard/src/types.js';
import { isHubLine } from '../../services/api/ws-protocol.js';
import { compilePolicy } from '../../services/core/escalation-policy.js';
import type { EscalationPolicySpec } from '../../services/core/escalation-types.js';
import { SessionCore } from '../../services/core/session-core.js';
import type { CoreInput, CoreOutput, DeliveryReport } from '../../services/core/types.js';
import { profileWith, sample, SEC, T0 } from '../services/core/helpers.js';

const POLICY: EscalationPolicySpec = {
  contacts: [
    { id: 'medical-monitor', label: 'Medical monitor', notify: [{ channel: 'monitor-view', to: 'monitors' }, { channel: 'pager', to: 'p-17' }], acceptWithin: '2m' },
    { id: 'backup-physician', notify: [{ channel: 'phone', to: 'ext-4411' }], acceptWithin: '2m' },
  ],
  repeatEvery: '10m',
  groupWithin: '15s',
};
const PROFILE = profileWith({ rules: { 'hr-stale': { enabled: false } } });
const s = (seconds: number): number => T0 + seconds * SEC;

/** The escalation as the wire carries it, alarms in a fixed order (the core keeps them in the order they came due). */
function wire(escalation: EscalationSnapshot | null | undefined): unknown {
  if (escalation === null || escalation === undefined) return escalation ?? null;
  const copy = JSON.parse(JSON.stringify(escalation)) as EscalationSnapshot;
  copy.alarms.sort();
  return copy;
}

function pair() {
  const pending: CoreOutput[] = [];
  const core = new SessionCore(PROFILE, (o) => pending.push(o), compilePolicy(POLICY));
  const model = new SessionModel();
  model.escalationOptions = escalationOptions(POLICY);
  const checks: number[] = [];
  const feed = (input: CoreInput): void => {
    const rejection = core.input(input);
    if (rejection !== undefined) throw new Error(`${input.type} refused: ${rejection.message}`);
    // journal first: the input, then what the core said about it
    for (const line of [input, ...pending.splice(0)]) if (isHubLine(line)) model.apply(line as SessionLine);
    expect(wire(model.state.escalation), `after ${input.type} at ${(input.t - T0) / SEC} s`).toEqual(wire(core.snapshot().escalation));
    checks.push(input.t);
  };
  return {
    core,
    model,
    checks,
    feed,
    tick: (seconds: number) => feed({ type: 'tick', t: s(seconds) }),
    hr: (from: number, to: number, value: number) => {
      for (let t = from; t < to; t++) feed(sample(s(t), 'hr', value));
    },
    deliver: (seconds: number, notification: string, channel: string, state: DeliveryReport['state'], extra: Partial<DeliveryReport> = {}) =>
      feed({ type: 'delivery', t: s(seconds), notification, channel, state, ...extra }),
    acknowledge: (seconds: number, rule?: string) => feed({ type: 'action', t: s(seconds), action: 'acknowledge', ...(rule === undefined ? {} : { rule }), by: 't.anna' }),
  };
}

describe('the dashboard follows the core’s escalation line by line', () => {
  test('failures, delivery, a decline, the backup timing out, exhaustion, the next round, acceptance, a repeat, acknowledgement', () => {
    const p = pair();
    p.hr(0, 20, 140); // hr-high raised at 10 s, due at 70 s
    p.tick(70);
    expect(p.model.state.escalation?.state).toBe('notifying');
    p.deliver(71, 'n-1', 'pager', 'failed', { attempt: 1, reason: 'HTTP 503', retryAt: s(72) });
    p.deliver(71, 'n-1', 'monitor-view', 'failed', { reason: 'no monitor connected' });
    p.deliver(72, 'n-1', 'pager', 'sent', { attempt: 2 });
    p.deliver(73, 'n-1', 'monitor-view', 'delivered');
    p.deliver(74, 'n-1', 'monitor-view', 'read', { by: 'm.maya' });
    p.deliver(80, 'n-1', 'monitor-view', 'declined', { by: 'm.maya' });
    expect(p.model.state.escalation).toMatchObject({ level: 2, contact: 'backup-physician' });
    p.tick(200); // the backup did not accept: every contact tried
    expect(p.model.state.escalation?.state).toBe('exhausted');
    p.tick(800); // the next round, from the first contact
    p.deliver(805, 'n-3', 'pager', 'accepted', { by: 'dr-m' });
    expect(p.model.state.escalation).toMatchObject({ state: 'accepted', acceptedBy: 'dr-m' });
    p.tick(1405); // a reminder to whoever accepted
    p.deliver(1406, 'n-4', 'monitor-view', 'delivered');
    p.acknowledge(1410);
    expect(p.model.state.escalation).toBeNull();
    expect(p.checks.length).toBeGreaterThan(25);
  });

  test('grouping: a later alarm goes out as an update that supersedes the first notification; a late acceptance of an ended one stops the chain', () => {
    const p = pair();
    for (let t = 0; t < 80; t++) {
      p.feed(sample(s(t), 'hr', 140)); // hr-high raised at 10 s, due at 70 s
      p.feed(sample(s(t), 'spo2', t < 60 ? 97 : 89)); // spo2-low raised at 75 s, due at 135 s
    }
    p.tick(135); // a high alarm is never held: an update at once
    expect(p.model.state.escalation?.notifications.map((n) => [n.reason, n.outcome ?? 'open'])).toEqual([
      ['escalation', 'superseded'],
      ['update', 'open'],
    ]);
    p.tick(190); // the update keeps the first deadline: on to the backup
    p.deliver(195, 'n-1', 'pager', 'accepted', { by: 'dr-m' }); // the medical monitor answers the old page after all
    expect(p.model.state.escalation).toMatchObject({ state: 'accepted', contact: 'medical-monitor', level: 1 });
    p.acknowledge(200, 'hr-high');
    p.acknowledge(201, 'spo2-low');
    expect(p.model.state.escalation).toBeNull();
  });

  test('the session ending ends the escalation', () => {
    const p = pair();
    p.hr(0, 20, 140);
    p.tick(70);
    p.feed({ type: 'event', t: s(90), event: 'session-end' });
    expect(p.model.state.escalation).toBeNull();
  });
});
