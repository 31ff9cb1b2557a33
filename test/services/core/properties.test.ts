// Property-based tests: for any input stream, the core is deterministic, timers do not depend on when the
// clock is ticked, a rule never has two alarms open at once, and every cleared follows a raised.
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { SessionCore } from '../../../services/core/session-core.js';
import { SENSOR_CONDITIONS, type AlarmTransition, type CoreInput, type CoreOutput } from '../../../services/core/types.js';
import { defaultProfile, T0 } from './helpers.js';

const RULE_IDS = defaultProfile.rules.map((r) => r.id);

type Step = (t: number) => CoreInput[];

const hrValue = fc.oneof(fc.integer({ min: 35, max: 50 }), fc.integer({ min: 60, max: 110 }), fc.integer({ min: 120, max: 150 }), fc.constant(0));
const step: fc.Arbitrary<Step> = fc.oneof(
  { weight: 20, arbitrary: hrValue.map((v): Step => (t) => [{ type: 'sample', t, vital: 'hr', value: v, unit: '/min', device: 'ox-1' }]) },
  { weight: 5, arbitrary: fc.integer({ min: 85, max: 100 }).map((v): Step => (t) => [{ type: 'sample', t, vital: 'spo2', value: v, unit: '%', device: 'ox-1' }]) },
  {
    weight: 3,
    arbitrary: fc.tuple(fc.integer({ min: 80, max: 200 }), fc.integer({ min: 50, max: 120 })).map(
      ([s, d]): Step =>
        (t) => [
          { type: 'sample', t, vital: 'sbp', value: s, unit: 'mm[Hg]', device: 'cuff-1' },
          { type: 'sample', t, vital: 'dbp', value: d, unit: 'mm[Hg]', device: 'cuff-1' },
        ],
    ),
  },
  {
    weight: 4,
    arbitrary: fc.tuple(fc.double({ min: 36.5, max: 40.5, noNaN: true }), fc.boolean()).map(
      ([v, continuous]): Step => (t) => [{ type: 'sample', t, vital: 'temp', value: Math.round(v * 10) / 10, unit: 'Cel', mode: continuous ? 'continuous' : 'spot' }],
    ),
  },
  { weight: 1, arbitrary: fc.constant<Step>((t) => [{ type: 'event', t, event: 'dose', mg: 120 }]) },
  {
    weight: 2,
    arbitrary: fc.tuple(fc.constantFrom('ox-1', 'cuff-1'), fc.constantFrom('connected', 'disconnected', 'removed') as fc.Arbitrary<'connected' | 'disconnected' | 'removed'>).map(
      ([device, state]): Step => (t) => [{ type: 'device', t, device, state, vitals: device === 'ox-1' ? ['hr', 'spo2'] : ['sbp'] }],
    ),
  },
  { weight: 1, arbitrary: fc.integer({ min: 5, max: 40 }).map((battery): Step => (t) => [{ type: 'device', t, device: 'ox-1', battery }]) },
  {
    weight: 2,
    arbitrary: fc.tuple(fc.constantFrom('ox-1', 'cuff-1'), fc.subarray([...SENSOR_CONDITIONS]), fc.option(fc.boolean(), { nil: undefined })).map(
      ([device, conditions, lowBattery]): Step =>
        (t) => [lowBattery === undefined ? { type: 'device', t, device, conditions } : { type: 'device', t, device, conditions, lowBattery }],
    ),
  },
  {
    weight: 3,
    arbitrary: fc.option(fc.constantFrom(...RULE_IDS), { nil: undefined }).map(
      (rule): Step => (t) => [rule === undefined ? { type: 'action', t, action: 'acknowledge', by: 'a' } : { type: 'action', t, action: 'acknowledge', rule, by: 'a' }],
    ),
  },
  { weight: 1, arbitrary: fc.constant<Step>((t) => [{ type: 'action', t, action: 'audio-pause' }]) },
  {
    weight: 1,
    arbitrary: fc.tuple(fc.constantFrom(...RULE_IDS), fc.boolean()).map(
      ([rule, off]): Step => (t) => [off ? { type: 'action', t, action: 'alarm-off', rule, reason: 'test' } : { type: 'action', t, action: 'alarm-on', rule }],
    ),
  },
);

/** A stream of inputs with non-decreasing times: gaps from 0 (same reading) to 10 minutes. */
const stream = fc
  .array(fc.tuple(fc.oneof({ weight: 8, arbitrary: fc.integer({ min: 0, max: 3000 }) }, { weight: 1, arbitrary: fc.integer({ min: 0, max: 600_000 }) }), step), { minLength: 1, maxLength: 400, size: 'max' })
  .map((steps) => {
    let t = T0;
    return steps.flatMap(([gap, make]) => {
      t += gap;
      return make(t);
    });
  });

function run(inputs: CoreInput[]): CoreOutput[] {
  const outputs: CoreOutput[] = [];
  const core = new SessionCore(defaultProfile, (o) => outputs.push(o));
  for (const input of inputs) core.input(input);
  return outputs;
}

const PARAMS = { numRuns: 300 };

describe('core properties', () => {
  test('the same input always yields the same outputs', () => {
    fc.assert(fc.property(stream, (inputs) => {
        expect(run(inputs)).toEqual(run(inputs));
      }), PARAMS);
  });

  test('ticking the clock at any moments changes nothing: live and replay agree', () => {
    fc.assert(
      fc.property(stream, fc.array(fc.integer({ min: 0, max: 1000 }), { maxLength: 50 }), (inputs, tickAt) => {
        const ticked: CoreInput[] = [];
        const last = inputs.at(-1)?.t ?? T0;
        const ticks = tickAt.map((p) => T0 + ((last - T0) * p) / 1000).sort((a, b) => a - b);
        let k = 0;
        for (const input of inputs) {
          while (k < ticks.length && (ticks[k] as number) <= input.t) ticked.push({ type: 'tick', t: ticks[k++] as number });
          ticked.push(input);
        }
        expect(run(ticked)).toEqual(run(inputs));
      }),
      PARAMS,
    );
  });

  test('no rule ever has two alarms open at once, and every cleared follows a raised', () => {
    fc.assert(
      fc.property(stream, (inputs) => {
        const outputs: CoreOutput[] = [];
        const core = new SessionCore(defaultProfile, (o) => outputs.push(o));
        const open = new Map<string, { id: string; active: boolean; acked: boolean; latching: boolean; escalated: boolean }>();
        const latching = new Set(defaultProfile.rules.filter((r) => r.kind === 'threshold' && r.latching).map((r) => r.id));
        for (const input of inputs) {
          core.input(input);
          for (const output of outputs.splice(0)) {
            // Switching a rule off removes its alarm from the list (a latched one without a transition).
            if (output.type === 'rule' && !output.enabled) open.delete(output.rule);
            if (output.type !== 'alarm') continue;
            const a: AlarmTransition = output;
            const current = open.get(a.rule);
            switch (a.state) {
              case 'raised':
                expect(a.id, 'the core always names the alarm instance').toMatch(/^[a-z0-9-]+#\d+$/);
                if (current !== undefined) {
                  expect(current.id, `${a.rule} raised while ${current.id} is open`).toBe(a.id);
                  expect(current.active, `${a.id} raised twice`).toBe(false);
                  current.active = true;
                } else open.set(a.rule, { id: a.id ?? '(no id)', active: true, acked: false, latching: latching.has(a.rule), escalated: false });
                break;
              case 'cleared':
                expect(current?.id, `${a.id} cleared without being raised`).toBe(a.id);
                expect(current?.active).toBe(true);
                if (current === undefined) break;
                current.active = false;
                if (current.acked || !current.latching || a.reason !== undefined) open.delete(a.rule);
                break;
              case 'acknowledged':
                expect(current?.id).toBe(a.id);
                expect(current?.acked).toBe(false);
                if (current === undefined) break;
                current.acked = true;
                if (!current.active) open.delete(a.rule);
                break;
              case 'escalated':
                expect(current?.id).toBe(a.id);
                expect(current?.acked).toBe(false);
                expect(current?.escalated).toBe(false);
                if (current !== undefined) current.escalated = true;
                break;
            }
          }
          // The core's own list agrees with what its transitions say.
          expect(core.snapshot().alarms.map((a) => a.id).sort()).toEqual([...open.values()].map((o) => o.id).sort());
        }
      }),
      PARAMS,
    );
  });
});

test('the generated streams are long and eventful enough to mean something', () => {
  const samples = fc.sample(stream, { numRuns: 100, seed: 42 });
  const lengths = samples.map((s) => s.length);
  const alarmCounts = samples.map((s) => run(s).filter((o) => o.type === 'alarm').length);
  expect(lengths.reduce((a, b) => a + b, 0) / lengths.length).toBeGreaterThan(100);
  expect(alarmCounts.filter((n) => n > 5).length).toBeGreaterThan(50);
});
