/** A baseline a figure is divided by: measured in the same run (or, for an ideal, computed). */
export interface Baseline {
  readonly label: string;
  readonly value: number;
  readonly unit: string;
}

/** A target and whether this run met it. */
export interface Target {
  /** e.g. `ratio ≤ 3`. */
  readonly text: string;
  readonly met: boolean;
}

/** One measured figure of one scenario. */
export interface Figure {
  /** The scenario's key, e.g. `draft-promotion`. */
  readonly scenario: string;
  /** Which case of the scenario, e.g. `N=10k` or `c=4`. */
  readonly case: string;
  /** What was measured, e.g. `engine wall time`. */
  readonly measure: string;
  readonly value: number;
  readonly unit: string;
  readonly baseline?: Baseline | undefined;
  /** `value ÷ baseline.value` (for throughput: baseline ÷ value, so that larger is always worse). */
  readonly ratio?: number | undefined;
  readonly target?: Target | undefined;
  /** What else the run showed (repetitions, floors, counts). */
  readonly note?: string | undefined;
}

/** The ratio of two measurements, guarded against a zero denominator. */
export function ratioOf(value: number, baseline: number): number {
  return baseline === 0 ? Number.POSITIVE_INFINITY : value / baseline;
}
