/**
 * Comparing a run with a baseline run (an earlier report.json): the latency gate of
 * `parley run --baseline FILE` and `parley compare A.json B.json`.
 *
 * What is compared:
 * - overall (the report's top-level metrics) and per scenario run, matched by (file, seed): p50 and
 *   p95 of voice-to-voice latency, end-of-utterance delay and barge-in stop latency;
 * - the assertions of each scenario run, matched by id and line (or by id alone when the scenario
 *   has one assertion of that id in both runs, so that moving an expectation to another line does
 *   not hide it).
 *
 * What is a regression:
 * - a statistic that got worse (larger) by MORE than both its absolute tolerance (ms) and its
 *   relative tolerance (a fraction of the baseline value): with the defaults, 10% and 30 ms, a p95
 *   of 200 ms may grow to 230 ms (the 30 ms decides) and one of 1000 ms to 1100 ms (the 10% decides).
 *   Set `absoluteMs` to 0 to gate on the relative bound alone, `relative` to 0 for the absolute one.
 * - an assertion that passed in the baseline and fails now.
 *
 * Not regressions, but shown: a statistic measured in only one of the runs (no barge-in any more, a
 * scenario without turns), scenario runs only in the current run (`new`) or only in the baseline
 * (`removed`), and assertions without a counterpart.
 *
 * @module
 */
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import * as z from 'zod';
import type { AssertionResult } from '../sim/assert/expectations.js';
import type { Metrics, ScenarioResult } from '../sim/assert/scenario-result.js';
import { InputError } from '../sim/load/index.js';
import { readProblem } from '../sim/load/read.js';
import { writeFileAtomically } from './atomic.js';
import type { ComparedMetric, ComparedStat, Comparison, MetricDelta, ScenarioComparison, Tolerance, Tolerances } from './comparison.js';
import { REPORT_SCHEMA_VERSION, serializeReport, type RunReport } from './json.js';

/** The metrics compared, in report order. */
export const COMPARED_METRICS: readonly ComparedMetric[] = ['voiceToVoiceMs', 'eouDelayMs', 'bargeInStopMs'];
/** The statistics compared. */
export const COMPARED_STATS: readonly ComparedStat[] = ['p50', 'p95'];

/** How each metric is named in messages. */
export const METRIC_LABELS: Readonly<Record<ComparedMetric, string>> = {
  voiceToVoiceMs: 'voice-to-voice',
  eouDelayMs: 'end-of-utterance delay',
  bargeInStopMs: 'barge-in stop latency',
};

/** The default tolerance of every statistic: worse by more than 10% and more than 30 ms. */
export const DEFAULT_TOLERANCE: Tolerance = { relative: 0.1, absoluteMs: 30 };

/** The same tolerance for every metric and statistic. */
export function uniformTolerances(tolerance: Tolerance): Tolerances {
  const stats = { p50: tolerance, p95: tolerance };
  return { voiceToVoiceMs: stats, eouDelayMs: stats, bargeInStopMs: stats };
}

/** {@link DEFAULT_TOLERANCE} everywhere. */
export const DEFAULT_TOLERANCES: Tolerances = uniformTolerances(DEFAULT_TOLERANCE);

/** True when `current` is worse than `baseline` by more than both bounds of `tolerance`. */
export function exceeds(baseline: number, current: number, tolerance: Tolerance): boolean {
  const delta = current - baseline;
  return delta > tolerance.absoluteMs && delta > tolerance.relative * baseline;
}

/** One statistic compared. */
export function compareStat(
  metric: ComparedMetric,
  stat: ComparedStat,
  baseline: Metrics | undefined,
  current: Metrics | undefined,
  tolerance: Tolerance,
): MetricDelta {
  const before = baseline?.[metric][stat] ?? null;
  const after = current?.[metric][stat] ?? null;
  const delta = before === null || after === null ? null : after - before;
  return {
    metric,
    stat,
    baseline: before,
    current: after,
    delta,
    tolerance,
    regressed: before !== null && after !== null && exceeds(before, after, tolerance),
  };
}

function compareMetrics(baseline: Metrics | undefined, current: Metrics | undefined, tolerances: Tolerances): MetricDelta[] {
  return COMPARED_METRICS.flatMap((metric) => COMPARED_STATS.map((stat) => compareStat(metric, stat, baseline, current, tolerances[metric][stat])));
}

/** How an assertion is named: `id (line N)`, or the id alone for the implicit checks. */
export function assertionKey(assertion: Pick<AssertionResult, 'id' | 'line'>): string {
  return assertion.line === undefined ? assertion.id : `${assertion.id} (line ${assertion.line})`;
}

/**
 * The baseline's counterpart of each current assertion: same id and line, else the only one of
 * that id when each run has exactly one.
 */
function counterparts(baseline: readonly AssertionResult[], current: readonly AssertionResult[]): Map<AssertionResult, AssertionResult> {
  const byKey = new Map<string, AssertionResult>();
  for (const a of baseline) if (!byKey.has(assertionKey(a))) byKey.set(assertionKey(a), a);
  const count = (list: readonly AssertionResult[], id: string) => list.filter((a) => a.id === id).length;
  const pairs = new Map<AssertionResult, AssertionResult>();
  for (const a of current) {
    const same = byKey.get(assertionKey(a));
    if (same) pairs.set(a, same);
    else if (count(current, a.id) === 1 && count(baseline, a.id) === 1) pairs.set(a, baseline.find((b) => b.id === a.id)!);
  }
  return pairs;
}

/** How a scenario run is named in regression lines: `file (seed N)`. */
export function runLabel(run: Pick<ScenarioResult, 'file' | 'seed'>): string {
  return `${run.file} (seed ${run.seed})`;
}

/** `793 ms`. */
export function formatMs(value: number): string {
  return `${Number.isInteger(value) ? value : Number(value.toFixed(1))} ms`;
}

/** `+15%` (of the baseline), or undefined when the baseline is 0. */
export function formatRelative(baseline: number, delta: number): string | undefined {
  if (baseline === 0) return undefined;
  const percent = Math.round((delta / baseline) * 100);
  return `${percent >= 0 ? '+' : '−'}${Math.abs(percent)}%`;
}

/** `+119 ms, +15%` (or `−20 ms, −3%`). */
export function formatChange(baseline: number, delta: number): string {
  const absolute = `${delta >= 0 ? '+' : '−'}${formatMs(Math.abs(delta))}`;
  const relative = formatRelative(baseline, delta);
  return relative === undefined ? absolute : `${absolute}, ${relative}`;
}

/** `10% and 30 ms`. */
export function formatTolerance(tolerance: Tolerance): string {
  return `${Number((tolerance.relative * 100).toFixed(2))}% and ${formatMs(tolerance.absoluteMs)}`;
}

/** `voice-to-voice p95 793 ms → 912 ms (+119 ms, +15%; tolerance 10% and 30 ms)`. */
export function describeRegression(delta: MetricDelta): string {
  const what = `${METRIC_LABELS[delta.metric]} ${delta.stat}`;
  if (delta.baseline === null || delta.current === null || delta.delta === null) {
    return `${what} ${delta.baseline === null ? '—' : formatMs(delta.baseline)} → ${delta.current === null ? '—' : formatMs(delta.current)}`;
  }
  return `${what} ${formatMs(delta.baseline)} → ${formatMs(delta.current)} (${formatChange(delta.baseline, delta.delta)}; tolerance ${formatTolerance(delta.tolerance)})`;
}

/**
 * Compares `current` with `baseline`. Scenario runs are matched by (file, seed) and listed in the
 * current run's order, then the removed ones in the baseline's order; regressions are listed
 * overall first, then per scenario run (metrics, then assertions).
 */
export function compareReports(baseline: RunReport, current: RunReport, tolerances: Tolerances = DEFAULT_TOLERANCES): Comparison {
  const id = (run: ScenarioResult) => `${run.seed}\u0000${run.file}`;
  const before = new Map<string, ScenarioResult>();
  for (const run of baseline.scenarios) if (!before.has(id(run))) before.set(id(run), run);
  const now = new Set(current.scenarios.map(id));

  const regressions: string[] = [];
  const overall = compareMetrics(baseline.metrics, current.metrics, tolerances);
  for (const delta of overall) if (delta.regressed) regressions.push(`overall: ${describeRegression(delta)}`);

  const scenarios: ScenarioComparison[] = [];
  for (const run of current.scenarios) {
    const old = before.get(id(run));
    const label = runLabel(run);
    const metrics = compareMetrics(old?.metrics, run.metrics, tolerances);
    const newlyFailing: string[] = [];
    const newlyPassing: string[] = [];
    if (old) {
      for (const delta of metrics) if (delta.regressed) regressions.push(`${label}: ${describeRegression(delta)}`);
      for (const [assertion, earlier] of counterparts(old.assertions, run.assertions)) {
        if (earlier.passed && !assertion.passed) {
          newlyFailing.push(assertionKey(assertion));
          regressions.push(`${label}: assertion ${assertionKey(assertion)} passed before, fails now: ${assertion.message}`);
        } else if (!earlier.passed && assertion.passed) {
          newlyPassing.push(assertionKey(assertion));
        }
      }
    }
    scenarios.push({ name: run.name, file: run.file, seed: run.seed, status: old ? 'compared' : 'new', metrics, newlyFailing, newlyPassing });
  }
  for (const run of before.values()) {
    if (now.has(id(run))) continue;
    const metrics = compareMetrics(run.metrics, undefined, tolerances);
    scenarios.push({ name: run.name, file: run.file, seed: run.seed, status: 'removed', metrics, newlyFailing: [], newlyPassing: [] });
  }
  return { overall, scenarios, regressions, passed: regressions.length === 0 };
}

// ---------------------------------------------------------------------------------------------
// Reading and writing report files

const summarySchema = z.object({ count: z.number(), p50: z.number().nullable(), p95: z.number().nullable() });
const metricsSchema = z.object({ voiceToVoiceMs: summarySchema, eouDelayMs: summarySchema, bargeInStopMs: summarySchema });
/** The parts of report.json a comparison reads (other fields are kept as they are). */
const reportShape = z.object({
  schemaVersion: z.number(),
  config: z.string(),
  summary: z.object({ scenarios: z.number(), passed: z.number(), failed: z.number() }),
  metrics: metricsSchema,
  scenarios: z.array(
    z.object({
      name: z.string(),
      file: z.string(),
      category: z.string(),
      seed: z.number(),
      passed: z.boolean(),
      durationMs: z.number(),
      assertions: z.array(z.object({ id: z.string(), passed: z.boolean(), message: z.string(), line: z.number().optional() })),
      metrics: metricsSchema,
    }),
  ),
});

/** Why a file is not a report.json this parley can compare, or the report. */
export type ReportRead =
  | { readonly ok: true; readonly report: RunReport }
  | {
      readonly ok: false;
      readonly error: InputError;
      /** `missing`: no such file; `unreadable`: cannot be read; `invalid`: not a report; `version`: another schema version. */
      readonly reason: 'missing' | 'unreadable' | 'invalid' | 'version';
    };

const NOT_A_REPORT = 'not a parley report (expected the report.json written by parley run)';

/**
 * Parses the text of a report.json (named `display` in errors). One-line reasons: not JSON, not a
 * parley report, a different schema version, or the first field that does not fit.
 */
export function parseReport(text: string, display: string): ReportRead {
  const fail = (message: string, reason: 'invalid' | 'version' = 'invalid'): ReportRead => ({ ok: false, error: new InputError(display, undefined, message), reason });
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    return fail(`not valid JSON (${(error instanceof Error ? error.message : String(error)).split('\n')[0]}); ${NOT_A_REPORT}`);
  }
  if (typeof data !== 'object' || data === null || Array.isArray(data) || !('schemaVersion' in data)) return fail(NOT_A_REPORT);
  const version = (data as { schemaVersion: unknown }).schemaVersion;
  if (version !== REPORT_SCHEMA_VERSION) {
    return fail(`report schema version ${JSON.stringify(version)}; this parley reads version ${REPORT_SCHEMA_VERSION} (write a new baseline with --update-baseline)`, 'version');
  }
  const checked = reportShape.safeParse(data);
  if (!checked.success) {
    const issue = checked.error.issues[0]!;
    const path = issue.path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`)).join('').replace(/^\./, '');
    return fail(`${NOT_A_REPORT}: ${path || 'the file'}: ${issue.message.toLowerCase()}`);
  }
  // The original value, not zod's copy: zod drops the fields it was not told about.
  return { ok: true, report: data as RunReport };
}

/**
 * Reads a report.json (or DIR/report.json when `path` is a directory and `directories` is set).
 * `display` names the file in errors.
 */
export function readReportFile(path: string, display: string, options: { readonly directories?: boolean } = {}): ReportRead {
  let file = path;
  try {
    if (options.directories && statSync(path).isDirectory()) file = join(path, 'report.json');
  } catch {
    // Reported by the read below.
  }
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    const reason = (error as { code?: unknown }).code === 'ENOENT' ? 'missing' : 'unreadable';
    return { ok: false, error: new InputError(file === path ? display : join(display, 'report.json'), undefined, readProblem(error)), reason };
  }
  return parseReport(text, file === path ? display : join(display, 'report.json'));
}

/**
 * Why `report` cannot be compared as a whole run: it is the report of one shard (`--shard i/n`),
 * whose overall metrics cover only that shard. Undefined for a whole (or merged) run.
 */
export function shardProblem(report: RunReport, display: string): InputError | undefined {
  if (report.shard === undefined) return undefined;
  return new InputError(display, undefined, `the report of shard ${report.shard.index}/${report.shard.count}, not of a whole run: join the shards with parley merge first`);
}

/** Writes `report` as a baseline file at `path` (report.json's exact bytes), atomically. */
export function writeBaseline(path: string, report: RunReport): void {
  writeFileAtomically(path, serializeReport(report));
}
