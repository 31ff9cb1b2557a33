// One benchmark result as bench/run.ts prints it and records it in docs/benchmarks.md.
export interface Figure {
  name: string;
  value: string;
  /** the same kind of work measured in the same run, for comparison */
  baseline: string;
  ratio: string;
  target: string;
  verdict: string;
}
