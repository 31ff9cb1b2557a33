// The session's trend so far, for dashboards: per vital, the mean of each 10-second bucket. Eight hours are
// 2,880 buckets per vital — small enough to keep for every live session, fine enough for any chart.
import type { Vital } from '../core/types.js';

const BUCKET_MS = 10_000;

interface Series {
  starts: number[];
  sums: number[];
  counts: number[];
}

export class TrendBuffer {
  private readonly series = new Map<Vital, Series>();

  add(vital: Vital, t: number, value: number): void {
    let series = this.series.get(vital);
    if (series === undefined) {
      series = { starts: [], sums: [], counts: [] };
      this.series.set(vital, series);
    }
    const start = t - (t % BUCKET_MS);
    const last = series.starts.length - 1;
    if (last >= 0 && series.starts[last] === start) {
      (series.sums[last] as number) += value;
      (series.counts[last] as number)++;
    } else {
      series.starts.push(start);
      series.sums.push(value);
      series.counts.push(1);
    }
  }

  /** At most `points` [t, mean] pairs per vital, oldest first (neighbouring buckets merged as needed). */
  trend(points: number): Record<string, Array<[number, number]>> {
    const limit = Math.max(1, Math.floor(points));
    const result: Record<string, Array<[number, number]>> = {};
    for (const [vital, { starts, sums, counts }] of this.series) {
      const group = Math.ceil(starts.length / limit);
      const out: Array<[number, number]> = [];
      for (let i = 0; i < starts.length; i += group) {
        let sum = 0;
        let count = 0;
        for (let j = i; j < Math.min(i + group, starts.length); j++) {
          sum += sums[j] as number;
          count += counts[j] as number;
        }
        out.push([starts[i] as number, Math.round((sum / count) * 100) / 100]);
      }
      result[vital] = out;
    }
    return result;
  }
}
