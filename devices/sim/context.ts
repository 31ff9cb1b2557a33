// What every stream of one simulated session shares: the time frame, the patient, the scenario and the seed.
import type { DeviceId } from './devices.js';
import type { Patient } from './physiology.js';
import type { Random } from './random.js';
import type { Scenario } from './scenario-types.js';

export interface SimContext {
  /** session start, ms since the Unix epoch */
  start: number;
  /** session end (the session-end event); every other line is strictly earlier */
  end: number;
  patient: Patient;
  scenario: Scenario;
  /** root of the session's random streams; each stream forks its own */
  rng: Random;
}

export const MINUTE_MS = 60_000;

/** Minutes after session start. */
export function minutesAt(ctx: SimContext, t: number): number {
  return (t - ctx.start) / MINUTE_MS;
}

/** Absolute time of a scenario minute. */
export function timeAt(ctx: SimContext, atMin: number): number {
  return ctx.start + Math.round(atMin * MINUTE_MS);
}

/**
 * Whether a device delivers nothing at `t`. A silent window is half-open [from, to): the next sample at `to`
 * arrives. A disconnect also swallows a sample at the reconnect instant, so data resumes strictly after the
 * "connected" line.
 */
export function isOut(ctx: SimContext, device: DeviceId, t: number): boolean {
  for (const outage of ctx.scenario.outages ?? []) {
    if (outage.device !== device) continue;
    const from = timeAt(ctx, outage.atMin);
    const to = from + outage.forS * 1000;
    if (t >= from && (t < to || (outage.kind === 'disconnected' && t === to))) return true;
  }
  return false;
}
