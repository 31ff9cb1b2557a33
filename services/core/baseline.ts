// The pre-dose window (DESIGN §5): keeps each vital's samples of the last `windowMs` until the first dose,
// then yields the median per vital. Memory is bounded by the window (900 samples per vital at 1 Hz).
import { VITALS } from './types.js';

class WindowSeries {
  private times: number[] = [];
  private values: number[] = [];
  private head = 0;
  sawContinuous = false;

  push(t: number, value: number, continuous: boolean, windowMs: number): void {
    this.times.push(t);
    this.values.push(value);
    if (continuous) this.sawContinuous = true;
    this.dropBefore(t - windowMs);
  }

  dropBefore(from: number): void {
    while (this.head < this.times.length && (this.times[this.head] as number) < from) this.head++;
    // Compact now and then so the arrays never grow past about twice the window.
    if (this.head > 1024 && this.head * 2 > this.times.length) {
      this.times = this.times.slice(this.head);
      this.values = this.values.slice(this.head);
      this.head = 0;
    }
  }

  valuesInWindow(): number[] {
    return this.values.slice(this.head);
  }
}

export interface BaselineResult {
  vitalIndex: number;
  value: number;
  samples: number;
}

export class BaselineWindow {
  private readonly series = VITALS.map(() => new WindowSeries());

  constructor(
    private readonly windowMs: number,
    private readonly minContinuous: number,
    private readonly minSpot: number,
  ) {}

  push(vitalIndex: number, t: number, value: number, continuous: boolean): void {
    (this.series[vitalIndex] as WindowSeries).push(t, value, continuous, this.windowMs);
  }

  /** Medians of the window ending at `doseT`, for every vital with enough samples. */
  medians(doseT: number): BaselineResult[] {
    const results: BaselineResult[] = [];
    this.series.forEach((series, vitalIndex) => {
      series.dropBefore(doseT - this.windowMs);
      const values = series.valuesInWindow();
      const needed = series.sawContinuous ? this.minContinuous : this.minSpot;
      if (values.length === 0 || values.length < needed) return;
      results.push({ vitalIndex, value: median(values), samples: values.length });
    });
    return results;
  }
}

export function median(values: number[]): number {
  const sorted = Float64Array.from(values).sort();
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}
