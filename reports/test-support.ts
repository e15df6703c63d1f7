/**
 * Hand-built reports for the tests of the comparison, JUnit and Markdown writers: only the fields
 * those read are meaningful.
 */
import type { Summary } from '../core/metrics/summary.js';
import type { AssertionResult } from '../sim/assert/expectations.js';
import type { Metrics, ScenarioResult } from '../sim/assert/scenario-result.js';
import { REPORT_SCHEMA_VERSION, type RunReport } from './json.js';

/** A summary with these p50/p95 (null: not measured). */
export function stat(p50: number | null, p95: number | null = p50): Summary {
  const measured = p50 !== null || p95 !== null;
  return { count: measured ? 4 : 0, min: p50, p50, p90: p95, p95, p99: p95, max: p95 };
}

/** Metrics from [p50, p95] pairs; barge-in stop unmeasured unless given. */
export function metrics(v2v: [number | null, number | null], eou: [number | null, number | null] = [290, 300], bargeIn: [number | null, number | null] = [null, null]): Metrics {
  return { voiceToVoiceMs: stat(...v2v), eouDelayMs: stat(...eou), bargeInStopMs: stat(...bargeIn) };
}

/** An assertion result. */
export function assertion(id: string, passed: boolean, line?: number, message = passed ? `${id} held` : `${id} failed`): AssertionResult {
  return { id, passed, message, expected: null, actual: null, ...(line === undefined ? {} : { line }) };
}

/** A scenario run. */
export function scenarioRun(
  file: string,
  seed: number,
  options: { name?: string; category?: string; metrics?: Metrics; assertions?: AssertionResult[]; durationMs?: number } = {},
): ScenarioResult {
  const assertions = options.assertions ?? [assertion('script_completed', true), assertion('every_turn_answered', true, 10)];
  return {
    name: options.name ?? file.replace(/^.*\//, '').replace(/\.yaml$/, '').replace(/-/g, ' '),
    file,
    category: options.category ?? (file.includes('/') ? file.split('/').at(-2)! : 'scenarios'),
    seed,
    config: 'default',
    stack: { stt: 'fast-stt', llm: 'gpt-4o-mini-like', tts: 'flash-like' },
    passed: assertions.every((a) => a.passed),
    durationMs: options.durationMs ?? 12_345,
    endReason: 'script_done',
    assertions,
    turns: [],
    overlaps: [],
    metrics: options.metrics ?? metrics([800, 900]),
  };
}

/** A report of these runs; overall metrics as given (default: those of the first run). */
export function runReport(runs: ScenarioResult[], overall?: Metrics): RunReport {
  const passed = runs.filter((r) => r.passed).length;
  return {
    schemaVersion: REPORT_SCHEMA_VERSION,
    seed: null,
    seeds: 1,
    config: 'default',
    summary: { scenarios: runs.length, passed, failed: runs.length - passed },
    metrics: overall ?? runs[0]?.metrics ?? metrics([null, null], [null, null]),
    scenarios: runs,
  };
}
