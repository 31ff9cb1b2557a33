import { describe, expect, test } from 'vitest';
import type { AudioChange, RuleSwitched } from '../../../services/core/types.js';
import { harness, MIN, profileWith, sample, SEC, T0 } from './helpers.js';

const ack = (t: number, rule?: string, by = 'therapist-a') =>
  rule === undefined ? { type: 'action' as const, t, action: 'acknowledge' as const, by } : { type: 'action' as const, t, action: 'acknowledge' as const, rule, by };

/** HR ≥ 130 from 0 s to `until` s, then 80: hr-high raised at 10 s, cleared 10 s after `until`. */
function tachy(h: ReturnType<typeof harness>, until: number, end = until + 100): void {
  h.stream('hr', T0, T0 + until * SEC, () => 135);
  h.stream('hr', T0 + until * SEC, T0 + end * SEC, () => 80);
}

describe('latching and acknowledgement', () => {
  test('a high physiological alarm cleared before anyone acknowledged it stays as resolved-unacknowledged', () => {
    const h = harness();
    tachy(h, 30, 45);
    expect(h.trail()).toEqual(['hr-high raised@10', 'hr-high cleared@40']);
    const [alarm] = h.core.snapshot().alarms;
    expect(alarm).toMatchObject({ rule: 'hr-high', active: false, acknowledged: false, clearedAt: T0 + 40 * SEC });
    h.core.action(ack(T0 + 50 * SEC, 'hr-high'));
    expect(h.trail()).toEqual(['hr-high raised@10', 'hr-high cleared@40', 'hr-high acknowledged@50']);
    expect(h.core.snapshot().alarms).toEqual([]);
    expect(h.alarms()[2]?.by).toBe('therapist-a');
  });

  test('acknowledged while active: stays on screen until cleared, then is gone; no escalation', () => {
    const h = harness();
    h.stream('hr', T0, T0 + 20 * SEC, () => 135);
    h.core.action(ack(T0 + 20 * SEC));
    expect(h.core.snapshot().alarms[0]).toMatchObject({ active: true, acknowledged: true });
    h.stream('hr', T0 + 20 * SEC, T0 + 5 * MIN, (t) => (t < T0 + 100 * SEC ? 135 : 80));
    expect(h.trail()).toEqual(['hr-high raised@10', 'hr-high acknowledged@20', 'hr-high cleared@110']);
    expect(h.core.snapshot().alarms).toEqual([]);
  });

  test('a medium alarm does not latch: cleared means gone', () => {
    const h = harness();
    h.stream('hr', T0, T0 + 15 * MIN, () => 70);
    h.core.event({ type: 'event', t: T0 + 15 * MIN, event: 'dose', mg: 100 });
    h.stream('hr', T0 + 15 * MIN, T0 + 17 * MIN, () => 105);
    h.stream('hr', T0 + 17 * MIN, T0 + 18 * MIN, () => 80);
    expect(h.trail()).toEqual(['hr-rise raised@960', 'hr-rise cleared@1050']);
    expect(h.core.snapshot().alarms).toEqual([]);
  });

  test('the condition returning while a latched alarm awaits acknowledgement re-raises the same alarm', () => {
    const h = harness();
    tachy(h, 15, 30); // raised 10, cleared 25
    h.stream('hr', T0 + 30 * SEC, T0 + 45 * SEC, () => 140); // raised again at 40
    const states = h.alarms().map((a) => `${a.id} ${a.state}`);
    expect(states).toEqual(['hr-high#1 raised', 'hr-high#1 cleared', 'hr-high#1 raised']);
    expect(h.core.snapshot().alarms).toHaveLength(1);
  });

  test('acknowledge without a rule acknowledges every open alarm; again is a no-op', () => {
    const h = harness();
    h.core.sample(sample(T0, 'sbp', 190));
    h.core.sample(sample(T0, 'dbp', 95));
    h.core.sample(sample(T0 + SEC, 'temp', 40.2));
    h.core.action(ack(T0 + 2 * SEC));
    h.core.action(ack(T0 + 3 * SEC));
    expect(h.alarms().filter((a) => a.state === 'acknowledged').map((a) => a.rule).sort()).toEqual(['bp-crisis', 'temp-hyperthermia', 'temp-severe']);
  });

  test('acknowledging an unknown rule is refused', () => {
    const h = harness();
    expect(h.core.action(ack(T0, 'no-such-rule'))?.reason).toBe('unknown-rule');
  });
});

describe('escalation timing', () => {
  test('high escalates 60 s after it was raised, medium after 180 s, low never', () => {
    const h = harness();
    h.core.device({ type: 'device', t: T0, device: 'cuff-1', state: 'connected', battery: 10 }); // low-battery (low)
    h.core.device({ type: 'device', t: T0, device: 'ox-1', state: 'disconnected' }); // device-disconnected (medium)
    h.core.sample(sample(T0, 'sbp', 185)); // bp-crisis (high)
    h.core.tick(T0 + 59_999);
    expect(h.alarms().filter((a) => a.state === 'escalated')).toEqual([]);
    h.core.tick(T0 + 60 * SEC);
    h.core.tick(T0 + 2 * 3600 * SEC);
    expect(h.alarms().filter((a) => a.state === 'escalated').map((a) => `${a.rule}@${(a.t - T0) / SEC} level ${a.level}`)).toEqual([
      'bp-crisis@60 level 1',
      'device-disconnected@180 level 1',
    ]);
  });

  test('acknowledging before the escalation time stops it; after, the alarm stays escalated once', () => {
    const h = harness();
    h.core.sample(sample(T0, 'sbp', 185));
    h.core.action(ack(T0 + 59 * SEC, 'bp-crisis'));
    h.core.sample(sample(T0 + 30 * MIN, 'temp', 40.5));
    h.core.tick(T0 + 40 * MIN);
    h.core.action(ack(T0 + 41 * MIN));
    h.core.tick(T0 + 60 * MIN);
    // bp-overdue (technical, 20 min after the reading) comes and goes in between; the physiological story:
    expect(h.alarms().filter((a) => a.kind === 'physiological').map((a) => `${a.rule} ${a.state}`)).toEqual([
      'bp-crisis raised',
      'bp-crisis acknowledged',
      'temp-hyperthermia raised',
      'temp-severe raised',
      'temp-hyperthermia escalated',
      'temp-severe escalated',
      'temp-hyperthermia acknowledged',
      'temp-severe acknowledged',
    ]);
  });

  test('escalation delays are profile values; null switches escalation off for a priority', () => {
    const h = harness(profileWith({ escalation: { high: '20s', medium: null } }));
    h.core.sample(sample(T0, 'sbp', 185));
    h.core.device({ type: 'device', t: T0, device: 'ox-1', state: 'disconnected' });
    h.core.tick(T0 + 3600 * SEC);
    expect(h.alarms().filter((a) => a.state === 'escalated').map((a) => `${a.rule}@${(a.t - T0) / SEC}`)).toEqual(['bp-crisis@20']);
  });
});

describe('audio pause', () => {
  const audio = (h: ReturnType<typeof harness>) =>
    h.outputs.filter((o): o is AudioChange => o.type === 'audio').map((o) => `${o.state}@${(o.t - T0) / SEC}`);

  test('pause lasts 120 s, then sound resumes on its own; it is not an acknowledgement', () => {
    const h = harness();
    h.core.device({ type: 'device', t: T0, device: 'ox-1', state: 'disconnected' });
    h.core.action({ type: 'action', t: T0 + 5 * SEC, action: 'audio-pause', by: 'therapist-b' });
    expect(h.core.snapshot().audioPausedUntil).toBe(T0 + 125 * SEC);
    h.core.tick(T0 + 10 * MIN);
    expect(audio(h)).toEqual(['paused@5', 'resumed@125']);
    expect(h.core.snapshot().audioPausedUntil).toBeNull();
    expect(h.core.snapshot().alarms[0]).toMatchObject({ rule: 'device-disconnected', acknowledged: false });
    expect(h.alarms().map((a) => a.state)).toEqual(['raised', 'escalated']);
  });

  test('a new high-priority alarm ends the pause at once', () => {
    const h = harness();
    h.core.action({ type: 'action', t: T0, action: 'audio-pause' });
    h.core.sample(sample(T0 + 30 * SEC, 'sbp', 182));
    expect(audio(h)).toEqual(['paused@0', 'resumed@30']);
  });

  test('the pause length is a profile value', () => {
    const h = harness(profileWith({ audioPause: '60s' }));
    h.core.action({ type: 'action', t: T0, action: 'audio-pause' });
    h.core.tick(T0 + 5 * MIN);
    expect(audio(h)).toEqual(['paused@0', 'resumed@60']);
  });
});

describe('alarm off for a rule', () => {
  const switches = (h: ReturnType<typeof harness>) => h.outputs.filter((o): o is RuleSwitched => o.type === 'rule');

  test('needs a reason; closes the open alarm; is visible in the state; suppresses the rule until switched on', () => {
    const h = harness();
    expect(h.core.action({ type: 'action', t: T0, action: 'alarm-off', rule: 'hr-high', by: 'dr-m' })?.reason).toBe('bad-action');
    h.stream('hr', T0, T0 + 20 * SEC, () => 140);
    h.core.action({ type: 'action', t: T0 + 20 * SEC, action: 'alarm-off', rule: 'hr-high', by: 'dr-m', reason: 'known athlete, ECG reviewed' });
    h.stream('hr', T0 + 20 * SEC, T0 + 2 * MIN, () => 140);
    expect(h.trail()).toEqual(['hr-high raised@10', 'hr-high cleared@20']);
    expect(h.alarms()[1]?.reason).toBe('alarm-off');
    expect(h.core.snapshot().alarms).toEqual([]);
    expect(h.core.snapshot().disabledRules).toEqual([{ rule: 'hr-high', t: T0 + 20 * SEC, by: 'dr-m', reason: 'known athlete, ECG reviewed' }]);
    h.core.action({ type: 'action', t: T0 + 2 * MIN, action: 'alarm-on', rule: 'hr-high', by: 'dr-m' });
    h.stream('hr', T0 + 2 * MIN, T0 + 3 * MIN, () => 140);
    expect(h.trail()).toEqual(['hr-high raised@10', 'hr-high cleared@20', 'hr-high raised@130']);
    expect(switches(h).map((s) => [s.rule, s.enabled, s.by])).toEqual([
      ['hr-high', false, 'dr-m'],
      ['hr-high', true, 'dr-m'],
    ]);
  });

  test('a device alarm switched back on while the device is still disconnected raises again', () => {
    const h = harness();
    h.core.device({ type: 'device', t: T0, device: 'ox-1', state: 'disconnected' });
    h.core.action({ type: 'action', t: T0 + SEC, action: 'alarm-off', rule: 'device-disconnected', reason: 'swapping the probe' });
    h.core.action({ type: 'action', t: T0 + 30 * SEC, action: 'alarm-on', rule: 'device-disconnected' });
    expect(h.trail()).toEqual(['device-disconnected raised@0', 'device-disconnected cleared@1', 'device-disconnected raised@30']);
  });

  test('a rule switched off in the profile never fires and is listed as off', () => {
    const h = harness(profileWith({ rules: { 'hr-high': { enabled: false } } }));
    h.stream('hr', T0, T0 + MIN, () => 150);
    expect(h.alarms()).toEqual([]);
    expect(h.core.snapshot().disabledRules.map((d) => d.rule)).toEqual(['hr-high']);
  });
});

test('session end clears what is active and closes everything; later samples are refused', () => {
  const h = harness();
  h.core.sample(sample(T0, 'sbp', 185));
  h.core.event({ type: 'event', t: T0 + 30 * SEC, event: 'session-end' });
  expect(h.trail()).toEqual(['bp-crisis raised@0', 'bp-crisis cleared@30']);
  expect(h.alarms()[1]?.reason).toBe('session-end');
  expect(h.core.snapshot().alarms).toEqual([]);
  expect(h.core.sample(sample(T0 + MIN, 'hr', 70))?.reason).toBe('session-ended');
  expect(h.core.event({ type: 'event', t: T0 + MIN, event: 'note', text: 'patient asleep' })).toBeUndefined();
});

describe('limit changes for one session', () => {
  const setLimits = (t: number, rule: string, limits: Record<string, unknown>) => ({ type: 'action' as const, t, action: 'set-limits' as const, rule, limits, by: 'dr-m' });

  test('a raised limit closes the open alarm and the rule watches afresh under the new limit', () => {
    const h = harness();
    h.stream('hr', T0, T0 + 20 * SEC, () => 135);
    expect(h.core.action(setLimits(T0 + 20 * SEC, 'hr-high', { raise: { when: { value: 140 } }, clear: { when: { value: 135 } } }))).toBeUndefined();
    h.stream('hr', T0 + 20 * SEC, T0 + 60 * SEC, () => 135);
    h.stream('hr', T0 + 60 * SEC, T0 + 80 * SEC, () => 142);
    expect(h.trail()).toEqual(['hr-high raised@10', 'hr-high cleared@20', 'hr-high raised@70']);
    expect(h.alarms()[1]?.reason).toBe('limits-changed');
    expect(h.core.profile.spec.rules['hr-high']).toMatchObject({ raise: { when: { value: 140 } } });
  });

  test('a bad change is refused naming the field, and changes nothing', () => {
    const h = harness();
    expect(h.core.action(setLimits(T0, 'hr-high', { raise: { heldFor: 'soon' } }))?.message).toContain('rules.hr-high.raise.heldFor: must be a duration');
    expect(h.core.action(setLimits(T0, 'device-disconnected', { priority: 'low' }))?.reason).toBe('bad-action');
    expect(h.core.action(setLimits(T0, 'hr-high', { kind: 'stale', after: '5s' }))?.reason).toBe('bad-action');
    h.stream('hr', T0, T0 + 15 * SEC, () => 131);
    expect(h.trail()).toEqual(['hr-high raised@10']);
  });

  test('a stale rule keeps watching a silent source across a change of its delay', () => {
    const h = harness();
    h.core.sample(sample(T0, 'hr', 70));
    h.core.action(setLimits(T0 + 5 * SEC, 'hr-stale', { after: '30s' }));
    h.core.tick(T0 + 60 * SEC);
    expect(h.trail()).toEqual(['hr-stale raised@30']);
  });
});
