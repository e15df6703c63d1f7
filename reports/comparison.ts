/**
 * A comparison of a run with a baseline run: what the HTML report shows as deltas, what
 * `parley compare` prints, and what the baseline gate decides on.
 */

/** The metrics compared. */
export type ComparedMetric = 'voiceToVoiceMs' | 'eouDelayMs' | 'bargeInStopMs';
/** The statistics compared. */
export type ComparedStat = 'p50' | 'p95';

/** How much worse a statistic may get before it is a regression: both bounds must be exceeded. */
export interface Tolerance {
  /** Fraction of the baseline value, e.g. 0.1 for 10%. */
  readonly relative: number;
  /** Milliseconds. */
  readonly absoluteMs: number;
}

/** One statistic of one metric, before and after. */
export interface MetricDelta {
  readonly metric: ComparedMetric;
  readonly stat: ComparedStat;
  readonly baseline: number | null;
  readonly current: number | null;
  /** current − baseline (null when either is missing). */
  readonly delta: number | null;
  readonly tolerance: Tolerance;
  readonly regressed: boolean;
}

/** One scenario run (file and seed) compared. */
export interface ScenarioComparison {
  readonly name: string;
  readonly file: string;
  readonly seed: number;
  /** `new`: not in the baseline; `removed`: only in the baseline. */
  readonly status: 'compared' | 'new' | 'removed';
  readonly metrics: readonly MetricDelta[];
  /** Assertions that passed in the baseline and fail now. */
  readonly newlyFailing: readonly string[];
  /** Assertions that failed in the baseline and pass now. */
  readonly newlyPassing: readonly string[];
}

/** The whole comparison. */
export interface Comparison {
  readonly overall: readonly MetricDelta[];
  readonly scenarios: readonly ScenarioComparison[];
  /** One line per regression, naming it with both values. */
  readonly regressions: readonly string[];
  /** No regression: the gate passes. */
  readonly passed: boolean;
}

/**
 * The tolerance of every compared statistic, fully resolved (a gates file, `--gates FILE`, sets
 * them; `DEFAULT_TOLERANCES` in reports/baseline.ts has the defaults).
 */
export type Tolerances = { readonly [M in ComparedMetric]: { readonly [S in ComparedStat]: Tolerance } };
