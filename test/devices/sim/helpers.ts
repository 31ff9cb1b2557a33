// Shared helpers for the simulator tests: run a scenario once per (scenario, seed) and slice the result.
import type { RecordingLine, Sample, Vital } from '../../../services/core/types.js';
import { simulateSession, type SimulateOptions } from '../../../devices/sim/session.js';

export const MIN = 60_000;
export const START = 1767225600000;
export const DOSE_T = START + 15 * MIN;

/** the last few sessions (an 8-hour session is ~58,000 lines; keeping them all would cost hundreds of MB) */
const cache = new Map<string, RecordingLine[]>();
const CACHE_SIZE = 4;

/** All lines of a session, generated once per test file for the sessions in use. */
export function run(scenario: string, seed = 1, extra: Omit<SimulateOptions, 'scenario' | 'seed'> = {}): RecordingLine[] {
  const key = JSON.stringify({ scenario, seed, extra });
  let lines = cache.get(key);
  if (lines === undefined) {
    lines = [...simulateSession({ scenario, seed, ...extra })];
    cache.set(key, lines);
    if (cache.size > CACHE_SIZE) cache.delete(cache.keys().next().value as string);
  }
  return lines;
}

export function samples(lines: readonly RecordingLine[], vital: Vital): Sample[] {
  return lines.filter((l): l is Sample => l.type === 'sample' && l.vital === vital);
}

export function median(values: readonly number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  if (s.length === 0) throw new Error('median of nothing');
  return s.length % 2 === 1 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
}

/** Median of a vital over the 15 pre-dose minutes (DESIGN §5 baseline). */
export function preDoseMedian(lines: readonly RecordingLine[], vital: Vital): number {
  return median(samples(lines, vital).filter((s) => s.t >= DOSE_T - 15 * MIN && s.t <= DOSE_T).map((s) => s.value));
}

/** Longest run of consecutive samples meeting `pred`, as the time from the first to the last sample of the run. */
export function longestRunMs(series: readonly Sample[], pred: (v: number) => boolean): number {
  let best = 0;
  let since: number | undefined;
  for (const s of series) {
    if (!pred(s.value)) {
      since = undefined;
      continue;
    }
    since ??= s.t;
    best = Math.max(best, s.t - since);
  }
  return best;
}

/** Centered moving average over `windowMs`, one value per sample. */
export function smooth(series: readonly Sample[], windowMs: number): { t: number; v: number }[] {
  const out: { t: number; v: number }[] = [];
  let lo = 0;
  let hi = 0;
  let sum = 0;
  for (const s of series) {
    while (hi < series.length && (series[hi] as Sample).t <= s.t + windowMs / 2) sum += (series[hi++] as Sample).value;
    while ((series[lo] as Sample).t < s.t - windowMs / 2) sum -= (series[lo++] as Sample).value;
    out.push({ t: s.t, v: sum / (hi - lo) });
  }
  return out;
}
