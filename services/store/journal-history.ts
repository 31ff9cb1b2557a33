// History of one vital from a session's journal, downsampled to at most `points` time buckets (mean per
// bucket) — what the API answers when no InfluxDB is configured.
import type { Profile } from '../core/profile.js';
import type { Vital } from '../core/types.js';
import { toCanonical } from '../core/units.js';
import { readRecording } from './recording-reader.js';

export async function journalHistory(
  path: string,
  profile: Profile,
  vital: Vital,
  from: number,
  to: number,
  points: number,
): Promise<Array<[number, number]>> {
  const buckets = Math.max(1, Math.floor(points));
  const width = Math.max(1, (to - from) / buckets);
  const sums = new Float64Array(buckets);
  const counts = new Uint32Array(buckets);
  const [low, high] = profile.artifactRanges[vital];
  for await (const batch of readRecording(path)) {
    for (const { line } of batch) {
      if (line.type !== 'sample' || line.vital !== vital || line.t < from || line.t > to) continue;
      const value = toCanonical(vital, line.value, line.unit);
      if (!(value >= low && value <= high)) continue; // artifacts and unusable units are not history
      const i = Math.min(buckets - 1, Math.floor((line.t - from) / width));
      sums[i] = (sums[i] as number) + value;
      counts[i] = (counts[i] as number) + 1;
    }
  }
  const out: Array<[number, number]> = [];
  for (let i = 0; i < buckets; i++) {
    const count = counts[i] as number;
    if (count > 0) out.push([Math.round(from + i * width), Math.round(((sums[i] as number) / count) * 100) / 100]);
  }
  return out;
}
