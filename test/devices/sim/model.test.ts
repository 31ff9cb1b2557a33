// The model's building blocks: the dose-response curve, the patient draw, the noise bounds and excursions.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { steer, type Keyframe } from '../../../devices/sim/excursion.js';
import {
  HR_NOISE_BOUND,
  drawPatient,
  drugEffect,
  meanVitals,
  type Patient,
} from '../../../devices/sim/physiology.js';
import { Random } from '../../../devices/sim/random.js';
import { BoundedAr1, RespiratoryArrhythmia } from '../../../devices/sim/variability.js';

/** A patient with the given timing (other fields from seed 1). */
function withTiming(t: { onsetMin: number; peakMin: number; declineMin: number; gain: number; supAfter: number | undefined }): Patient {
  const p = drawPatient(new Random(1));
  return {
    ...p,
    onsetMin: t.onsetMin,
    peakMin: t.peakMin,
    declineMin: t.declineMin,
    supplementalGain: t.gain,
    supplemental: t.supAfter === undefined ? undefined : { afterMin: t.supAfter, mg: 50 },
  };
}

// every combination drawPatient can produce (ranges as in physiology.ts)
const timing = fc.record({
  onsetMin: fc.double({ min: 30, max: 60, noNaN: true }),
  peakMin: fc.double({ min: 95, max: 108, noNaN: true }),
  declineMin: fc.double({ min: 70, max: 100, noNaN: true }),
  gain: fc.double({ min: 0.2, max: 0.3, noNaN: true }),
  supAfter: fc.option(fc.integer({ min: 105, max: 150 }), { nil: undefined }),
});

describe('drug effect curve', () => {
  it('is 0 before onset, 1 at the first peak, and never higher anywhere (the supplemental bump is smaller)', () => {
    fc.assert(
      fc.property(timing, (t) => {
        const p = withTiming(t);
        expect(drugEffect(p, -10)).toBe(0);
        expect(drugEffect(p, t.onsetMin - 0.01)).toBe(0);
        expect(drugEffect(p, t.peakMin)).toBeCloseTo(1, 9);
        for (let x = 0; x <= 480; x += 1) {
          const f = drugEffect(p, x);
          expect(f).toBeGreaterThanOrEqual(0);
          expect(f).toBeLessThanOrEqual(1 + 1e-9);
          // well away from the peak the effect is clearly lower: the data's peak stays at the first peak
          if (x >= t.peakMin + 30) expect(f).toBeLessThan(0.95);
        }
      }),
      { numRuns: 150 },
    );
  });

  it('rises monotonically from onset to peak, is down to half at peak + declineMin, near baseline by 8 h', () => {
    fc.assert(
      fc.property(timing, (t) => {
        const p = withTiming({ ...t, supAfter: undefined });
        let prev = 0;
        for (let x = t.onsetMin; x <= t.peakMin; x += 1) {
          const f = drugEffect(p, x);
          expect(f).toBeGreaterThanOrEqual(prev);
          prev = f;
        }
        expect(drugEffect(p, t.peakMin + t.declineMin)).toBeCloseTo(0.5, 9);
        expect(drugEffect(p, 465)).toBeLessThan(0.1);
      }),
    );
  });

  it('supplemental dose adds a visible bump after its onset', () => {
    const t = { onsetMin: 45, peakMin: 100, declineMin: 85, gain: 0.25, supAfter: 120 };
    const x = t.supAfter + t.peakMin; // the bump's own peak
    expect(drugEffect(withTiming(t), x) - drugEffect(withTiming({ ...t, supAfter: undefined }), x)).toBeCloseTo(0.25, 6);
  });
});

describe('drawPatient', () => {
  it('draws plausible healthy baselines and effects, deterministic per seed', () => {
    expect(drawPatient(new Random(9))).toEqual(drawPatient(new Random(9)));
    for (let seed = 1; seed <= 300; seed++) {
      const p = drawPatient(new Random(seed));
      expect(p.baseline.hr).toBeGreaterThanOrEqual(60);
      expect(p.baseline.hr).toBeLessThanOrEqual(80);
      expect(p.baseline.sbp).toBeGreaterThanOrEqual(110);
      expect(p.baseline.sbp).toBeLessThanOrEqual(125);
      expect(p.baseline.dbp).toBeGreaterThanOrEqual(70);
      expect(p.baseline.dbp).toBeLessThanOrEqual(80);
      expect(p.baseline.temp).toBeGreaterThanOrEqual(36.6);
      expect(p.baseline.temp).toBeLessThanOrEqual(37.0);
      expect(p.baseline.spo2).toBeGreaterThanOrEqual(97);
      expect(p.baseline.spo2).toBeLessThanOrEqual(99);
      expect([80, 90, 100, 110, 120]).toContain(p.doseMg);
      expect(p.effect.hr).toBeGreaterThanOrEqual(15);
      expect(p.effect.hr).toBeLessThanOrEqual(18);
      expect(p.effect.sbp).toBeGreaterThanOrEqual(19);
      expect(p.effect.sbp).toBeLessThanOrEqual(30);
      expect(p.baseline.sbp + p.effect.sbp).toBeLessThanOrEqual(144);
      expect(p.effect.temp).toBeGreaterThanOrEqual(0.3);
      expect(p.effect.temp).toBeLessThanOrEqual(0.5);
      expect(p.onsetMin).toBeGreaterThanOrEqual(30);
      expect(p.onsetMin).toBeLessThanOrEqual(60);
      expect(p.peakMin - p.onsetMin).toBeGreaterThanOrEqual(30);
      expect(p.peakMin - p.onsetMin).toBeLessThanOrEqual(90);
      expect(p.peakMin).toBeGreaterThanOrEqual(90);
      expect(p.peakMin).toBeLessThanOrEqual(120);
      if (p.supplemental !== undefined) {
        expect(p.supplemental.mg).toBe(p.doseMg / 2);
        expect(p.supplemental.afterMin).toBeGreaterThanOrEqual(90);
        expect(p.supplemental.afterMin).toBeLessThanOrEqual(150);
      }
    }
  });

  it('gives the supplemental dose in most but not all sessions', () => {
    const given = Array.from({ length: 200 }, (_, i) => drawPatient(new Random(i + 1)).supplemental !== undefined).filter(Boolean);
    expect(given.length).toBeGreaterThan(120);
    expect(given.length).toBeLessThan(190);
  });

  it('means equal the baseline before the dose and add the effect at the peak', () => {
    const p = drawPatient(new Random(4));
    expect(meanVitals(p, -5)).toEqual(p.baseline);
    const peak = meanVitals(p, p.peakMin);
    expect(peak.hr).toBeCloseTo(p.baseline.hr + p.effect.hr, 9);
    expect(peak.sbp).toBeCloseTo(p.baseline.sbp + p.effect.sbp, 9);
    // core temperature lags the drug effect by 20 min
    expect(meanVitals(p, p.peakMin + 20).temp).toBeCloseTo(p.baseline.temp + p.effect.temp, 9);
  });
});

describe('variability', () => {
  it('AR(1) walk stays inside its hard bound, has about the configured sd and mean-reverts', () => {
    const ar = new BoundedAr1(new Random(2), { tauSteps: 40, sd: 1, limit: 2.5 });
    const xs = Array.from({ length: 200_000 }, () => ar.step());
    expect(xs.reduce((m, v) => Math.max(m, Math.abs(v)), 0)).toBeLessThanOrEqual(2.5);
    const mean = xs.reduce((s, v) => s + v, 0) / xs.length;
    const sd = Math.sqrt(xs.reduce((s, v) => s + (v - mean) ** 2, 0) / xs.length);
    expect(Math.abs(mean)).toBeLessThan(0.15);
    expect(sd).toBeGreaterThan(0.85);
    expect(sd).toBeLessThan(1.05);
    // lag-40 autocorrelation ≈ e^-1: the walk forgets within a few τ
    let num = 0;
    for (let i = 40; i < xs.length; i++) num += ((xs[i] as number) - mean) * ((xs[i - 40] as number) - mean);
    const rho = num / (xs.length - 40) / (sd * sd);
    expect(rho).toBeGreaterThan(0.25);
    expect(rho).toBeLessThan(0.5);
  });

  it('RSA oscillates at the breathing rate within its amplitude', () => {
    const rsa = new RespiratoryArrhythmia(new Random(3), { amplitude: 2, frequencyHz: 0.25 });
    // 10 Hz sampling to see the waveform: about 0.25 × 600 s = 150 cycles in 10 min
    const xs = Array.from({ length: 6000 }, () => rsa.step(0.1, 1));
    expect(Math.max(...xs.map(Math.abs))).toBeLessThanOrEqual(2);
    expect(Math.max(...xs)).toBeGreaterThan(1.9);
    let upCrossings = 0;
    for (let i = 1; i < xs.length; i++) if ((xs[i - 1] as number) < 0 && (xs[i] as number) >= 0) upCrossings++;
    expect(upCrossings).toBeGreaterThan(130);
    expect(upCrossings).toBeLessThan(170);
    expect(Math.max(...Array.from({ length: 100 }, () => Math.abs(rsa.step(1, 0.5))))).toBeLessThanOrEqual(1);
  });

  it('HR noise bound is the sum of the two terms and leaves typical HR below every HR limit', () => {
    expect(HR_NOISE_BOUND).toBe(5);
    // the worst typical patient: baseline 80, effect 18, noise at its bound, rounding up
    expect(80 + 18 + HR_NOISE_BOUND + 0.5).toBeLessThan(130);
    expect(18 + HR_NOISE_BOUND + 0.5 + HR_NOISE_BOUND + 0.5).toBeLessThan(30); // max − min over any windows
  });
});

describe('steer', () => {
  const path: Keyframe[] = [
    { atMin: 10, value: 'model' },
    { atMin: 20, value: 100 },
    { atMin: 30, value: 100 },
    { atMin: 40, value: 'model' },
  ];
  it('follows the model outside the path and the keyframes inside, linearly', () => {
    expect(steer(path, 5, 70)).toBe(70);
    expect(steer(path, 41, 70)).toBe(70);
    expect(steer(undefined, 25, 70)).toBe(70);
    expect(steer([], 25, 70)).toBe(70);
    expect(steer(path, 10, 70)).toBe(70);
    expect(steer(path, 15, 70)).toBe(85);
    expect(steer(path, 20, 70)).toBe(100);
    expect(steer(path, 25, 70)).toBe(100);
    expect(steer(path, 35, 60)).toBe(80);
    expect(steer(path, 40, 60)).toBe(60);
  });
});
