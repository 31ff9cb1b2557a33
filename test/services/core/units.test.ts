import { describe, expect, test } from 'vitest';
import { MMHG_PER_KPA, toCanonical } from '../../../services/core/units.js';
import { harness, sample, T0, SEC } from './helpers.js';

describe('unit normalisation', () => {
  test('kPa becomes mm[Hg] and [degF] becomes Cel', () => {
    expect(toCanonical('sbp', 24, 'kPa')).toBeCloseTo(180.01, 2);
    expect(MMHG_PER_KPA).toBeCloseTo(7.50062, 5);
    expect(toCanonical('temp', 98.6, '[degF]')).toBeCloseTo(37, 10);
    expect(toCanonical('temp', 104, '[degF]')).toBeCloseTo(40, 10);
    expect(toCanonical('hr', 72, '/min')).toBe(72);
  });

  test('a unit that does not belong to the vital is refused and changes nothing', () => {
    const h = harness();
    expect(h.core.sample(sample(T0, 'hr', 72, { unit: 'Cel' }))?.reason).toBe('bad-unit');
    expect(h.core.sample(sample(T0, 'temp', 37, { unit: 'kPa' }))?.reason).toBe('bad-unit');
    expect(h.core.sample(sample(T0, 'spo2', 97, { unit: 'mm[Hg]' }))?.reason).toBe('bad-unit');
    expect(h.core.snapshot().vitals.hr.samples).toBe(0);
    expect(h.core.now).toBe(-Infinity);
  });

  test('converted values are evaluated in canonical units: 24 kPa systolic is a hypertensive crisis', () => {
    const h = harness();
    h.core.sample(sample(T0, 'sbp', 24, { unit: 'kPa' }));
    expect(h.trail()).toEqual(['bp-crisis raised@0']);
    expect(h.alarms()[0]?.value).toBeCloseTo(180.01, 2);
  });

  test('a spot reading of 102.5 °F is 39.17 °C: hyperthermia on one spot reading', () => {
    const h = harness();
    h.core.sample(sample(T0, 'temp', 102.5, { unit: '[degF]' }));
    expect(h.trail()).toEqual(['temp-hyperthermia raised@0']);
    expect(h.core.snapshot().vitals.temp.value).toBeCloseTo(39.1667, 3);
  });

  test('[degF] on a continuous probe: held 30 s before hyperthermia', () => {
    const h = harness();
    for (let s = 0; s <= 40; s += 10) h.core.sample(sample(T0 + s * SEC, 'temp', 102.5, { unit: '[degF]', mode: 'continuous' }));
    expect(h.trail()).toEqual(['temp-hyperthermia raised@30']);
  });
});
