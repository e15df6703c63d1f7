import { join } from 'node:path';
import { writeFileAtomically } from './atomic.js';
import { metricsOf, type Metrics, type ScenarioResult } from '../sim/assert/scenario-result.js';

/** Version of the report.json layout; bumped on any incompatible change. */
export const REPORT_SCHEMA_VERSION = 1;

/** report.json: deterministic (no wall-clock facts), the same bytes for the same inputs and seed. */
export interface RunReport {
  readonly schemaVersion: number;
  /**
   * The `--seed` given: every scenario ran with seed, seed + 1, … seed + seeds − 1. Null when each
   * scenario used its own seed (or 1), as recorded on each scenario run.
   */
  readonly seed: number | null;
  readonly seeds: number;
  /** The configuration given on the command line (scenarios may pin their own). */
  readonly config: string;
  /**
   * Only in the report of one shard of a suite (`parley run --shard index/count`): its summary and
   * metrics cover that shard's runs. Absent otherwise, and in what `parley merge` joins.
   */
  readonly shard?: { readonly index: number; readonly count: number };
  /**
   * Only in the report of a live run (`parley run --live`): real providers on the wall clock, so
   * the numbers are measurements, not a deterministic simulation. Absent otherwise.
   */
  readonly live?: true;
  readonly summary: { readonly scenarios: number; readonly passed: number; readonly failed: number };
  readonly metrics: Metrics;
  readonly scenarios: readonly ScenarioResult[];
}

/** Assembles the report of a run. */
export function buildReport(
  options: { seed: number | null; seeds: number; config: string; shard?: { index: number; count: number } | undefined; live?: boolean },
  results: readonly ScenarioResult[],
): RunReport {
  const passed = results.filter((r) => r.passed).length;
  return {
    schemaVersion: REPORT_SCHEMA_VERSION,
    seed: options.seed,
    seeds: options.seeds,
    config: options.config,
    ...(options.shard === undefined ? {} : { shard: { index: options.shard.index, count: options.shard.count } }),
    ...(options.live ? { live: true as const } : {}),
    summary: { scenarios: results.length, passed, failed: results.length - passed },
    metrics: metricsOf(results.map((r) => r.turns), results.map((r) => r.overlaps)),
    scenarios: results,
  };
}

/** The report as written: two-space JSON with a final newline. */
export function serializeReport(report: RunReport): string {
  return `${JSON.stringify(report, null, 2)}\n`;
}

/** Writes `DIR/report.json` atomically (a temporary file renamed into place; removed if that fails). */
export function writeReport(dir: string, report: RunReport): string {
  const path = join(dir, 'report.json');
  writeFileAtomically(path, serializeReport(report));
  return path;
}
