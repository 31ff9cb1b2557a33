// Physiological model of one MDMA dosing session for one (simulated, healthy) patient: per-patient baselines
// and drug response drawn from a seed, and the mean value of each vital at any minute after the dose.
// Sources for the ranges: DESIGN §2 (onset 30–60 min, peak 1–2 h, supplemental half dose 1.5–2.5 h later,
// HR +~30, SBP +20–40, temperature +0.2–0.8 °C). The typical patient is deliberately kept on the quiet side
// of those figures (HR +15–18, SBP +20–30 capped at 144) so that the `typical` scenario provably raises no
// alarm of the default profile; scenarios push individual vitals across thresholds on purpose.
import type { Random } from './random.js';
import type { RsaOptions } from './variability.js';

/** The dose event is 15 min after session start: the 15-minute pre-dose baseline window (DESIGN §5). */
export const DOSE_AT_MIN = 15;

/**
 * HR variability at 1 Hz, and its hard bound. RSA ≤ 2.5 /min plus an AR(1) walk (sd 1 /min, τ 40 s) clamped
 * to ±2.5 /min: the noise never exceeds ±5 /min (±5.5 after rounding to an integer). Typical HR therefore
 * stays ≤ baseline + 18 + 5.5 < baseline + 30 (hr-rise) and ≤ 80 + 23.5 < 130 (hr-high) for every seed; the
 * pre-dose median sits within about ±1 of the baseline parameter, so max − median is ~19–22 in practice.
 */
export const HR_VARIABILITY = { rsaMax: 2.5, arSd: 1, arTauS: 40, arLimit: 2.5 } as const;
export const HR_NOISE_BOUND = HR_VARIABILITY.rsaMax + HR_VARIABILITY.arLimit;

/** Cuff error (bounded gaussian), mm[Hg]; SBP peaks at ≤ 144 + 4 < 150 in the typical patient. */
export const CUFF_NOISE = { sbpSd: 2, sbpLimit: 4, dbpSd: 1.5, dbpLimit: 3 } as const;

/** Temperature: slow drift (τ 10 min) ±0.05 °C plus probe noise ±0.02 °C. */
export const TEMP_NOISE = { driftSd: 0.025, driftLimit: 0.05, driftTauS: 600, probeLimit: 0.02 } as const;

/** SpO2: slow wander (τ 30 s) ±1.2 %; 97–99 % at rest, never below 96 % in the typical patient. */
export const SPO2_NOISE = { sd: 0.5, limit: 1.2, tauS: 30 } as const;

/** Core temperature follows the drug effect with a lag (heat production, then equilibration). */
const TEMP_LAG_MIN = 20;

export interface VitalMeans {
  hr: number;
  sbp: number;
  dbp: number;
  temp: number;
  spo2: number;
}

export interface Patient {
  baseline: VitalMeans;
  /** rise at the peak of the first dose; SpO2 does not change */
  effect: Omit<VitalMeans, 'spo2'>;
  doseMg: number;
  /** optional supplemental half dose, minutes after the first dose */
  supplemental: { afterMin: number; mg: number } | undefined;
  /** effects start this many minutes after a dose… */
  onsetMin: number;
  /** …and peak this many minutes after it: 95–108, so even noisy data peaks within 1.5–2 h (rise 35–78 min) */
  peakMin: number;
  /** half-width of the decline: at peak + declineMin the effect is down to 50 % */
  declineMin: number;
  /** size of the supplemental dose's bump relative to the first dose's peak */
  supplementalGain: number;
  rsa: RsaOptions;
}

const lerp = (a: number, b: number, f: number): number => a + (b - a) * f;

/** Draws one patient. Bigger doses give bigger effects (half the spread), the rest is individual. */
export function drawPatient(rng: Random): Patient {
  const doseMg = rng.pick([80, 90, 100, 110, 120]);
  const response = (): number => 0.5 * ((doseMg - 80) / 40) + 0.5 * rng.next();
  const sbp = rng.uniform(110, 125);
  const baseline: VitalMeans = {
    hr: rng.uniform(60, 80),
    sbp,
    dbp: Math.min(rng.uniform(70, 80), sbp - 30),
    temp: rng.uniform(36.6, 37.0),
    spo2: rng.uniform(97.2, 98.8),
  };
  const effect = {
    hr: lerp(15, 18, response()),
    // the cap keeps typical SBP below the sbp-high clear margin (150) even with cuff error
    sbp: Math.min(lerp(20, 30, response()), 144 - sbp),
    dbp: lerp(8, 14, response()),
    temp: lerp(0.3, 0.5, response()),
  };
  // the supplemental dose is offered at 1.75–2.5 h (DESIGN allows 1.5–2.5 h): its effect then starts after the
  // first peak, so the first peak stays the session's highest point (checked over the parameter grid in tests)
  const supplemental = rng.chance(0.75) ? { afterMin: rng.int(105, 150), mg: doseMg / 2 } : undefined;
  return {
    baseline,
    effect,
    doseMg,
    supplemental,
    onsetMin: rng.uniform(30, 60),
    peakMin: rng.uniform(95, 108),
    declineMin: rng.uniform(70, 100),
    supplementalGain: rng.uniform(0.2, 0.3),
    rsa: { amplitude: rng.uniform(1.5, HR_VARIABILITY.rsaMax), frequencyHz: rng.uniform(0.22, 0.28) },
  };
}

/**
 * Response to one dose, 0..1: nothing before onset, a cosine rise to 1 at the peak (smooth, no kink), then a
 * long-tailed decline 1/(1 + ((x − peak)/w)²) — back to a few percent by the end of an 8-hour session.
 */
export function doseResponse(patient: Patient, minutesAfterDose: number): number {
  const { onsetMin, peakMin, declineMin } = patient;
  if (minutesAfterDose < onsetMin) return 0;
  if (minutesAfterDose < peakMin) {
    return 0.5 * (1 - Math.cos((Math.PI * (minutesAfterDose - onsetMin)) / (peakMin - onsetMin)));
  }
  const d = (minutesAfterDose - peakMin) / declineMin;
  return 1 / (1 + d * d);
}

/** Combined drug effect, 0..1 (the first peak is the maximum): first dose plus the smaller supplemental bump. */
export function drugEffect(patient: Patient, minutesAfterDose: number): number {
  const first = doseResponse(patient, minutesAfterDose);
  const sup = patient.supplemental;
  if (sup === undefined) return first;
  return first + patient.supplementalGain * doseResponse(patient, minutesAfterDose - sup.afterMin);
}

/** Mean (noise-free) vitals at a given minute after the first dose; negative = before the dose. */
export function meanVitals(patient: Patient, minutesAfterDose: number): VitalMeans {
  const f = drugEffect(patient, minutesAfterDose);
  const fTemp = drugEffect(patient, minutesAfterDose - TEMP_LAG_MIN);
  const { baseline: b, effect: e } = patient;
  return {
    hr: b.hr + e.hr * f,
    sbp: b.sbp + e.sbp * f,
    dbp: b.dbp + e.dbp * f,
    temp: b.temp + e.temp * fTemp,
    spo2: b.spo2,
  };
}
