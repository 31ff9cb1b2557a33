import { describe, expect, test } from 'vitest';
import { harness, MIN, sample, SEC, T0 } from './helpers.js';

describe('stale sources across silent gaps', () => {
  test('hr-stale is raised 15 s after the last sample even when the next input comes an hour later', () => {
    const h = harness();
    h.stream('hr', T0, T0 + 60 * SEC, () => 72); // last sample at 59 s
    h.core.sample(sample(T0 + 3600 * SEC, 'hr', 72));
    expect(h.trail()).toEqual(['hr-stale raised@74', 'hr-stale escalated@254', 'hr-stale cleared@3600']);
  });

  test('ticks that find nothing due change nothing; the live and the replayed stream agree', () => {
    const withTicks = harness();
    const without = harness();
    for (const h of [withTicks, without]) h.stream('hr', T0, T0 + 30 * SEC, () => 72);
    for (let s = 30; s < 200; s += 0.25) withTicks.core.tick(T0 + s * SEC);
    for (const h of [withTicks, without]) h.core.sample(sample(T0 + 200 * SEC, 'hr', 72));
    expect(withTicks.outputs).toEqual(without.outputs);
    expect(without.trail()).toEqual(['hr-stale raised@44', 'hr-stale cleared@200']);
  });

  test('acknowledging or escalating a stale alarm does not report the stale value as if it were current', () => {
    const h = harness();
    h.stream('hr', T0, T0 + 10 * SEC, () => 77);
    h.core.tick(T0 + 3 * MIN);
    h.core.action({ type: 'action', t: T0 + 4 * MIN, action: 'acknowledge', rule: 'hr-stale' });
    expect(h.alarms().map((a) => [a.state, a.value])).toEqual([
      ['raised', undefined],
      ['escalated', undefined],
      ['acknowledged', undefined],
    ]);
  });

  test('a device line binding a vital starts the silence clock before any sample', () => {
    const h = harness();
    h.core.device({ type: 'device', t: T0, device: 'hrm-1', state: 'connected', vitals: ['hr'] });
    h.core.tick(T0 + MIN);
    expect(h.trail()).toEqual(['hr-stale raised@15']);
  });

  test('no source bound, no stale alarm', () => {
    const h = harness();
    h.core.tick(T0 + 8 * 3600 * SEC);
    expect(h.alarms()).toEqual([]);
  });

  test('removing the device on purpose clears and stops the stale alarm', () => {
    const h = harness();
    for (let t = T0; t < T0 + 10 * SEC; t += SEC) h.core.sample(sample(t, 'hr', 72, { device: 'hrm-1' }));
    h.core.tick(T0 + 30 * SEC);
    h.core.device({ type: 'device', t: T0 + 31 * SEC, device: 'hrm-1', state: 'removed' });
    h.core.tick(T0 + 10 * MIN);
    expect(h.trail()).toEqual(['hr-stale raised@24', 'hr-stale cleared@31']);
    expect(h.core.snapshot().devices[0]).toMatchObject({ device: 'hrm-1', state: 'removed', lastSampleAt: T0 + 9 * SEC });
    expect(h.alarms()[1]?.reason).toBe('unbound');
  });

  test('temp-stale watches only a continuous probe: spot thermometer readings never make it stale', () => {
    const h = harness();
    h.core.sample(sample(T0, 'temp', 36.8)); // spot
    h.core.tick(T0 + 30 * MIN);
    expect(h.alarms()).toEqual([]);
    h.core.sample(sample(T0 + 30 * MIN, 'temp', 36.8, { mode: 'continuous', device: 'temp-1' }));
    h.core.sample(sample(T0 + 31 * MIN, 'temp', 36.8, { mode: 'continuous', device: 'temp-1' }));
    h.core.tick(T0 + 40 * MIN);
    expect(h.trail()).toEqual(['temp-stale raised@2160']);
    expect(h.alarms()[0]?.priority).toBe('low');
  });

  test('bp-overdue: cuff interval + 5 min (20 min) after the last reading', () => {
    const h = harness();
    h.core.sample(sample(T0, 'sbp', 120));
    h.core.sample(sample(T0, 'dbp', 80));
    h.core.sample(sample(T0 + 15 * MIN, 'sbp', 121));
    h.core.tick(T0 + 34 * MIN);
    expect(h.alarms()).toEqual([]);
    h.core.tick(T0 + 35 * MIN);
    expect(h.trail()).toEqual(['bp-overdue raised@2100']);
  });

  test('artifacts do not count as samples: a sensor sending only garbage goes stale', () => {
    const h = harness();
    h.core.sample(sample(T0, 'hr', 70));
    h.stream('hr', T0 + SEC, T0 + 30 * SEC, () => 0);
    expect(h.trail()).toEqual(['hr-stale raised@15']);
  });
});

describe('device alarms', () => {
  test('device-disconnected at once, cleared when every device is back', () => {
    const h = harness();
    h.core.device({ type: 'device', t: T0, device: 'ox-1', state: 'disconnected' });
    h.core.device({ type: 'device', t: T0 + SEC, device: 'cuff-1', state: 'disconnected' });
    h.core.device({ type: 'device', t: T0 + 2 * SEC, device: 'ox-1', state: 'connected' });
    expect(h.trail()).toEqual(['device-disconnected raised@0']);
    h.core.device({ type: 'device', t: T0 + 3 * SEC, device: 'cuff-1', state: 'connected' });
    expect(h.trail()).toEqual(['device-disconnected raised@0', 'device-disconnected cleared@3']);
    expect(h.alarms()[0]).toMatchObject({ device: 'ox-1', vital: 'device', kind: 'technical', priority: 'medium' });
  });

  test('low-battery at ≤ 15 %, cleared only above 20 %', () => {
    const h = harness();
    const battery = (s: number, level: number) => h.core.device({ type: 'device', t: T0 + s * SEC, device: 'hrm-1', battery: level });
    battery(0, 40);
    battery(1, 16);
    expect(h.alarms()).toEqual([]);
    battery(2, 15);
    battery(3, 18);
    battery(4, 20);
    expect(h.trail()).toEqual(['low-battery raised@2']);
    battery(5, 21);
    expect(h.trail()).toEqual(['low-battery raised@2', 'low-battery cleared@5']);
    expect(h.alarms()[0]?.value).toBe(15);
    expect(h.core.snapshot().devices).toEqual([{ device: 'hrm-1', state: 'unknown', battery: 21, lastSampleAt: undefined, conditions: [] }]);
  });

  test('a low-battery flag without a percentage raises and clears low-battery', () => {
    const h = harness();
    h.core.device({ type: 'device', t: T0, device: 'ox-1', lowBattery: false });
    h.core.device({ type: 'device', t: T0 + SEC, device: 'ox-1', lowBattery: true });
    h.core.device({ type: 'device', t: T0 + 2 * SEC, device: 'ox-1', lowBattery: false });
    expect(h.trail()).toEqual(['low-battery raised@1', 'low-battery cleared@2']);
  });

  test('bad device lines are refused', () => {
    const h = harness();
    expect(h.core.device({ type: 'device', t: T0, device: '' })?.reason).toBe('bad-device');
    expect(h.core.device({ type: 'device', t: T0, device: 'x', battery: 140 })?.reason).toBe('bad-device');
    expect(h.core.device({ type: 'device', t: T0, device: 'x', vitals: ['pulse' as 'hr'] })?.reason).toBe('bad-device');
  });
});

describe('sensor conditions a device reports', () => {
  const conditions = (h: ReturnType<typeof harness>, s: number, device: string, list: string[]) =>
    h.core.device({ type: 'device', t: T0 + s * SEC, device, conditions: list as never });

  test('sensor-off is raised when a device keeps reporting it for 10 s, cleared when it stops', () => {
    const h = harness();
    conditions(h, 0, 'ox-1', ['sensor-off']);
    conditions(h, 5, 'ox-1', ['sensor-off', 'pulse-search']);
    h.core.tick(T0 + 9_999);
    expect(h.alarms()).toEqual([]);
    h.core.tick(T0 + 10 * SEC);
    expect(h.trail()).toEqual(['sensor-off raised@10']);
    expect(h.alarms()[0]).toMatchObject({ kind: 'technical', priority: 'medium', device: 'ox-1' });
    conditions(h, 20, 'ox-1', []);
    expect(h.trail()).toEqual(['sensor-off raised@10', 'sensor-off cleared@20']);
    expect(h.core.snapshot().devices[0]?.conditions).toEqual([]);
  });

  test('a finger out briefly (under the delay) raises nothing', () => {
    const h = harness();
    conditions(h, 0, 'ox-1', ['sensor-off']);
    conditions(h, 8, 'ox-1', []);
    conditions(h, 9, 'ox-1', ['sensor-off']);
    h.core.tick(T0 + 18 * SEC);
    expect(h.alarms()).toEqual([]);
    h.core.tick(T0 + 19 * SEC);
    expect(h.trail()).toEqual(['sensor-off raised@19']);
  });

  test('poor signal is a low-priority alarm after 30 s; cuff problems show at once; a disconnect drops what the device said', () => {
    const h = harness();
    conditions(h, 0, 'ox-1', ['pulse-search']);
    conditions(h, 0, 'cuff-1', ['irregular-pulse']);
    h.core.tick(T0 + 30 * SEC);
    expect(h.trail()).toEqual(['cuff-measurement raised@0', 'signal-quality raised@30']);
    h.core.device({ type: 'device', t: T0 + 40 * SEC, device: 'ox-1', state: 'disconnected' });
    conditions(h, 50, 'cuff-1', []);
    expect(h.trail()).toEqual([
      'cuff-measurement raised@0',
      'signal-quality raised@30',
      'signal-quality cleared@40',
      'device-disconnected raised@40',
      'cuff-measurement cleared@50',
    ]);
  });

  test('unknown conditions are refused', () => {
    const h = harness();
    expect(conditions(h, 0, 'ox-1', ['gremlins'])?.reason).toBe('bad-device');
  });
});

describe('artifacts and bad input', () => {
  test('values outside the physiological range are counted and reported, never evaluated', () => {
    const h = harness();
    h.stream('hr', T0, T0 + MIN, () => 350);
    h.core.sample(sample(T0 + MIN, 'spo2', 127));
    h.core.sample(sample(T0 + MIN, 'temp', 20));
    h.core.sample(sample(T0 + MIN, 'sbp', 400));
    const artifacts = h.outputs.filter((o) => o.type === 'artifact');
    expect(artifacts).toHaveLength(63);
    expect(h.alarms().filter((a) => a.kind === 'physiological')).toEqual([]);
    const { vitals } = h.core.snapshot();
    expect([vitals.hr.artifacts, vitals.hr.samples, vitals.spo2.artifacts, vitals.temp.artifacts, vitals.sbp.artifacts]).toEqual([60, 0, 1, 1, 1]);
    expect(vitals.hr.value).toBeNull();
  });

  test('the range limits themselves are physiological (inclusive)', () => {
    const h = harness();
    h.core.sample(sample(T0, 'hr', 20));
    h.core.sample(sample(T0, 'hr', 300));
    expect(h.core.snapshot().vitals.hr).toMatchObject({ samples: 2, artifacts: 0 });
  });

  test('NaN, non-numbers, unknown vitals and time going backwards are refused and change nothing', () => {
    const h = harness();
    h.core.sample(sample(T0 + 10 * SEC, 'hr', 70));
    const before = h.core.snapshot();
    expect(h.core.sample(sample(T0 + 11 * SEC, 'hr', Number.NaN))?.reason).toBe('bad-value');
    expect(h.core.sample({ ...sample(T0 + 11 * SEC, 'hr', 70), value: '70' as unknown as number })?.reason).toBe('bad-value');
    expect(h.core.sample({ ...sample(T0 + 11 * SEC, 'hr', 70), vital: 'pulse' as 'hr' })?.reason).toBe('unknown-vital');
    expect(h.core.sample(sample(T0 + 9 * SEC, 'hr', 200))?.reason).toBe('time-backwards');
    expect(h.core.sample(sample(Number.NaN, 'hr', 70))?.reason).toBe('bad-time');
    expect(h.core.sample({ ...sample(T0 + 11 * SEC, 'hr', 70), mode: 'sometimes' as 'spot' })?.reason).toBe('bad-value');
    expect(h.core.event({ type: 'event', t: T0 + 11 * SEC, event: 'party' as 'note' })?.reason).toBe('unknown-event');
    expect(h.core.event({ type: 'event', t: T0 + 11 * SEC, event: 'fluid' })?.reason).toBe('bad-event');
    expect(h.core.event({ type: 'event', t: T0 + 11 * SEC, event: 'dose', mg: -5 })?.reason).toBe('bad-event');
    expect(h.core.action({ type: 'action', t: T0 + 11 * SEC, action: 'dance' as 'acknowledge' })?.reason).toBe('unknown-action');
    expect(h.core.snapshot()).toEqual(before);
    expect(h.core.now).toBe(T0 + 10 * SEC);
  });

  test('samples sharing a timestamp are not time going backwards', () => {
    const h = harness();
    expect(h.core.sample(sample(T0, 'sbp', 120))).toBeUndefined();
    expect(h.core.sample(sample(T0, 'dbp', 80))).toBeUndefined();
  });

  test('fluid events keep a running total', () => {
    const h = harness();
    h.core.event({ type: 'event', t: T0, event: 'fluid', ml: 250 });
    h.core.event({ type: 'event', t: T0 + MIN, event: 'fluid', ml: 200 });
    expect(h.core.snapshot().fluidMl).toBe(450);
  });
});
