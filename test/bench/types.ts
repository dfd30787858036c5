// The contract between test/bench/run.ts and a bench module.
export interface BenchRow {
  readonly name: string;
  readonly value: number;
  readonly unit: string;
  /** What the figure should stay under (max) or above (min); shown, never asserted. */
  readonly target?: { readonly max: number } | { readonly min: number };
}

export interface BenchModule {
  bench(): BenchRow[] | Promise<BenchRow[]>;
}
