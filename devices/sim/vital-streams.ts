// One generator per virtual device, each yielding its samples in time order. The physiology runs on during an
// outage (the noise processes keep stepping); only transmission stops, so data resumes where the patient is.
import type { Sample } from '../../services/core/types.js';
import { isOut, minutesAt, timeAt, type SimContext } from './context.js';
import { cuffSchedule } from './cuff-schedule.js';
import { STREAM_PHASE_MS, TEMP_PHASE_MS } from './devices.js';
import { steer } from './excursion.js';
import {
  CUFF_NOISE,
  DOSE_AT_MIN,
  HR_VARIABILITY,
  SPO2_NOISE,
  TEMP_NOISE,
  drugEffect,
  meanVitals,
  type VitalMeans,
} from './physiology.js';
import type { Artifact } from './scenario-types.js';
import { BoundedAr1, RespiratoryArrhythmia } from './variability.js';

const means = (ctx: SimContext, t: number): VitalMeans => meanVitals(ctx.patient, minutesAt(ctx, t) - DOSE_AT_MIN);

/** Hands out a vital's scheduled artifacts: each replaces the first sample actually sent at or after its time. */
class ArtifactQueue {
  readonly #queue: { t: number; value: number }[];

  constructor(ctx: SimContext, vital: Artifact['vital']) {
    this.#queue = (ctx.scenario.artifacts ?? [])
      .filter((a) => a.vital === vital)
      .map((a) => ({ t: timeAt(ctx, a.atMin), value: a.value }))
      .sort((a, b) => a.t - b.t);
  }

  take(t: number): number | undefined {
    const head = this.#queue[0];
    if (head === undefined || head.t > t) return undefined;
    this.#queue.shift();
    return head.value;
  }
}

/** Chest strap, 1 Hz, integer /min: model (or scenario path) + respiratory sinus arrhythmia + AR(1) walk. */
export function* heartRate(ctx: SimContext): Generator<Sample> {
  const rng = ctx.rng.fork('hr');
  const rsa = new RespiratoryArrhythmia(rng.fork('rsa'), ctx.patient.rsa);
  const walk = new BoundedAr1(rng.fork('walk'), {
    tauSteps: HR_VARIABILITY.arTauS,
    sd: HR_VARIABILITY.arSd,
    limit: HR_VARIABILITY.arLimit,
  });
  const artifacts = new ArtifactQueue(ctx, 'hr');
  for (let t = ctx.start + 1000 + STREAM_PHASE_MS['hrm-1']; t < ctx.end; t += 1000) {
    const minute = minutesAt(ctx, t);
    const mean = steer(ctx.scenario.hr, minute, means(ctx, t).hr);
    // vagal tone (and with it RSA) falls as the drug's sympathetic drive rises
    const noise = rsa.step(1, 1 - 0.4 * drugEffect(ctx.patient, minute - DOSE_AT_MIN)) + walk.step();
    if (isOut(ctx, 'hrm-1', t)) continue;
    const value = artifacts.take(t) ?? Math.round(mean + noise);
    yield { type: 'sample', t, vital: 'hr', value, unit: '/min', device: 'hrm-1' };
  }
}

/** Pulse oximeter, 1 Hz, integer %, capped at 100. */
export function* oxygenSaturation(ctx: SimContext): Generator<Sample> {
  const { tauS, sd, limit } = SPO2_NOISE;
  const walk = new BoundedAr1(ctx.rng.fork('spo2'), { tauSteps: tauS, sd, limit });
  const artifacts = new ArtifactQueue(ctx, 'spo2');
  for (let t = ctx.start + 1000 + STREAM_PHASE_MS['ox-1']; t < ctx.end; t += 1000) {
    const noise = walk.step();
    if (isOut(ctx, 'ox-1', t)) continue;
    const value = artifacts.take(t) ?? Math.min(100, Math.round(means(ctx, t).spo2 + noise));
    yield { type: 'sample', t, vital: 'spo2', value, unit: '%', device: 'ox-1' };
  }
}

/** Continuous core-temperature probe, one sample a minute (at mm:30), Cel with 2 decimals. */
export function* temperature(ctx: SimContext): Generator<Sample> {
  const rng = ctx.rng.fork('temp');
  const drift = new BoundedAr1(rng.fork('drift'), {
    tauSteps: TEMP_NOISE.driftTauS / 60,
    sd: TEMP_NOISE.driftSd,
    limit: TEMP_NOISE.driftLimit,
  });
  const probe = rng.fork('probe');
  const artifacts = new ArtifactQueue(ctx, 'temp');
  for (let t = ctx.start + TEMP_PHASE_MS; t < ctx.end; t += 60_000) {
    const mean = steer(ctx.scenario.temp, minutesAt(ctx, t), means(ctx, t).temp);
    const noise = drift.step() + probe.uniform(-TEMP_NOISE.probeLimit, TEMP_NOISE.probeLimit);
    if (isOut(ctx, 'temp-1', t)) continue;
    const value = artifacts.take(t) ?? Math.round((mean + noise) * 100) / 100;
    yield { type: 'sample', t, vital: 'temp', value, unit: 'Cel', device: 'temp-1', mode: 'continuous' };
  }
}

/** BP cuff, spot readings: SBP, DBP and MAP of one reading share one `t`; MAP = DBP + (SBP − DBP)/3. */
export function* bloodPressure(ctx: SimContext): Generator<Sample> {
  const rng = ctx.rng.fork('cuff');
  const noise = rng.fork('error');
  for (const slot of cuffSchedule(rng.fork('schedule'), ctx.scenario.cuff ?? [], ctx.end - ctx.start)) {
    const t = ctx.start + slot.atMs;
    const m = means(ctx, t);
    const sbpError = CUFF_NOISE.sbpSd * noise.boundedGaussian(CUFF_NOISE.sbpLimit / CUFF_NOISE.sbpSd);
    const dbpError = CUFF_NOISE.dbpSd * noise.boundedGaussian(CUFF_NOISE.dbpLimit / CUFF_NOISE.dbpSd);
    if (isOut(ctx, 'cuff-1', t)) continue;
    const sbp = slot.forced?.sbp ?? Math.round(m.sbp + sbpError);
    const dbp = slot.forced?.dbp ?? Math.round(m.dbp + dbpError);
    const map = Math.round(dbp + (sbp - dbp) / 3);
    const device = 'cuff-1';
    yield { type: 'sample', t, vital: 'sbp', value: sbp, unit: 'mm[Hg]', device };
    yield { type: 'sample', t, vital: 'dbp', value: dbp, unit: 'mm[Hg]', device };
    yield { type: 'sample', t, vital: 'map', value: map, unit: 'mm[Hg]', device };
  }
}
