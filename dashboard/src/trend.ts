// The trend of each vital for the charts: the mean of each 10-second bucket, like the service's own trend
// buffer (services/live/trend-buffer.ts), so the snapshot's trend and the live samples after it join up.
import type { Vital } from './types.js';

export const BUCKET_MS = 10_000;

interface Series {
  starts: number[];
  sums: number[];
  counts: number[];
}

export class TrendStore {
  private readonly series = new Map<Vital, Series>();
  /** bumped on every change: charts redraw only when it moved */
  version = 0;

  clear(): void {
    this.series.clear();
    this.version++;
  }

  /** Replaces everything with a snapshot's trend ({ hr: [[t, mean], …], … }). */
  load(trend: Record<string, Array<[number, number]>>): void {
    this.series.clear();
    for (const [vital, points] of Object.entries(trend)) {
      const series: Series = { starts: [], sums: [], counts: [] };
      for (const [t, value] of points) {
        if (!Number.isFinite(t) || !Number.isFinite(value)) continue;
        series.starts.push(t);
        series.sums.push(value);
        series.counts.push(1);
      }
      this.series.set(vital as Vital, series);
    }
    this.version++;
  }

  add(vital: Vital, t: number, value: number): void {
    let series = this.series.get(vital);
    if (series === undefined) {
      series = { starts: [], sums: [], counts: [] };
      this.series.set(vital, series);
    }
    const start = t - (t % BUCKET_MS);
    const { starts, sums, counts } = series;
    let i = starts.length - 1;
    // Samples arrive in time order, except a conflated one now and then: find its bucket from the end.
    while (i >= 0 && (starts[i] as number) > start) i--;
    if (i >= 0 && starts[i] === start) {
      (sums[i] as number) += value;
      (counts[i] as number)++;
    } else {
      starts.splice(i + 1, 0, start);
      sums.splice(i + 1, 0, value);
      counts.splice(i + 1, 0, 1);
    }
    this.version++;
  }

  /** [t, mean] points of one vital between `from` and `to` (ms), oldest first. */
  points(vital: Vital, from = -Infinity, to = Infinity): Array<[number, number]> {
    const series = this.series.get(vital);
    if (series === undefined) return [];
    const out: Array<[number, number]> = [];
    for (let i = 0; i < series.starts.length; i++) {
      const t = series.starts[i] as number;
      if (t < from || t > to) continue;
      out.push([t, (series.sums[i] as number) / (series.counts[i] as number)]);
    }
    return out;
  }

  firstT(): number | undefined {
    let first: number | undefined;
    for (const series of this.series.values()) {
      const t = series.starts[0];
      if (t !== undefined && (first === undefined || t < first)) first = t;
    }
    return first;
  }
}
