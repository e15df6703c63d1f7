/**
 * `parley/vitest`: run scenarios from a team's own vitest tests and assert on them.
 *
 * ```ts
 * import { expect, it } from 'vitest';
 * import { runScenario } from 'parley/vitest';
 *
 * it('answers within budget and stops for barge-ins', async () => {
 *   const run = await runScenario('scenarios/booking.yaml', { seeds: 5 });
 *   expect(run).toMeetLatencyBudget({ p95: 900 });
 *   expect(run).toHaveNoTakeovers();
 *   expect(run).toStopWithin(250);
 * });
 * ```
 *
 * Importing this module adds the matchers to vitest's `expect`.
 *
 * @module
 */
import { resolve } from 'node:path';
import { expect } from 'vitest';
import { metricsOf, judgeCall, type Metrics, type ScenarioResult } from '../sim/assert/scenario-result.js';
import type { CallAnalysis } from '../sim/assert/analysis.js';
import { displayPath, resolveConfig } from '../sim/config/load.js';
import type { AgentConfig } from '../sim/config/model.js';
import { withProviderOverrides } from '../sim/config/resolve.js';
import type { ScenarioFileInput } from '../sim/fuzz/arbitraries.js';
import { loadScenarioFile, scenarioFromObject } from '../sim/scenario/load.js';
import type { Scenario } from '../sim/scenario/model.js';
import { runCall, type CallResult } from '../sim/world/call.js';

/** Options of {@link runScenario}. */
export interface RunScenarioOptions {
  /** A preset name, a config file, or a config object. Default: the scenario's own, else `default`. */
  readonly config?: string | AgentConfig;
  /** First seed. Default: the scenario's own seed, else 1. */
  readonly seed?: number;
  /** How many consecutive seeds to run. Default 1. */
  readonly seeds?: number;
}

/** One scenario run with one or more seeds, ready for the matchers. */
export interface ScenarioRun {
  readonly scenario: Scenario;
  readonly config: AgentConfig;
  /** One per seed. */
  readonly runs: readonly { readonly seed: number; readonly call: CallResult; readonly analysis: CallAnalysis; readonly result: ScenarioResult }[];
  /** Every expectation of the scenario passed, for every seed. */
  readonly passed: boolean;
  /** Metrics over all seeds. */
  readonly metrics: Metrics;
}

/**
 * Runs a scenario (a file path, or an object in the scenario file's shape) on the simulator.
 * Bad input throws an error whose message is the `file:line:col: message` lines.
 */
export async function runScenario(fileOrObject: string | ScenarioFileInput, options: RunScenarioOptions = {}): Promise<ScenarioRun> {
  const loaded = typeof fileOrObject === 'string'
    ? loadScenarioFile(resolve(fileOrObject), displayPath(resolve(fileOrObject)))
    : scenarioFromObject(fileOrObject, 'inline scenario');
  if (!loaded.ok) throw new Error(loaded.errors.map(String).join('\n'));
  const scenario = loaded.scenario;
  const config = withProviderOverrides(configFor(scenario, fileOrObject, options.config), scenario.providers);
  const first = options.seed ?? scenario.seed ?? 1;
  const runs = [];
  for (let i = 0; i < (options.seeds ?? 1); i++) {
    const seed = first + i;
    const call = await runCall(scenario, config, seed);
    const { result, analysis } = judgeCall(call);
    runs.push({ seed, call, analysis, result });
  }
  return {
    scenario,
    config,
    runs,
    passed: runs.every((r) => r.result.passed),
    metrics: metricsOf(runs.map((r) => r.result.turns), runs.map((r) => r.result.overlaps)),
  };
}

function configFor(scenario: Scenario, source: string | ScenarioFileInput, given: string | AgentConfig | undefined): AgentConfig {
  if (given !== undefined && typeof given !== 'string') return given;
  const ref = given ?? scenario.config?.ref ?? 'default';
  const baseDir = given === undefined && typeof source === 'string' ? resolve(source, '..') : process.cwd();
  const resolved = resolveConfig(ref, baseDir, { file: given === undefined ? scenario.file : 'config option' });
  if (!resolved.ok) throw new Error(resolved.errors.map(String).join('\n'));
  return resolved.config;
}

/** Percentile budgets in ms, e.g. `{ p95: 900 }`. */
export type LatencyBudget = Partial<Record<'p50' | 'p90' | 'p95' | 'p99' | 'max', number>>;

/** Which latency a budget is about. */
export type LatencyMetric = 'voiceToVoice' | 'eouDelay' | 'bargeInStop';

const METRIC_KEYS: Readonly<Record<LatencyMetric, keyof Metrics>> = {
  voiceToVoice: 'voiceToVoiceMs',
  eouDelay: 'eouDelayMs',
  bargeInStop: 'bargeInStopMs',
};

interface MatcherResult {
  readonly pass: boolean;
  readonly message: () => string;
}

function isScenarioRun(value: unknown): value is ScenarioRun {
  return typeof value === 'object' && value !== null && 'runs' in value && 'metrics' in value;
}

function needRun(value: unknown, matcher: string): ScenarioRun {
  if (!isScenarioRun(value)) throw new TypeError(`${matcher} expects the result of runScenario(), got ${typeof value}`);
  return value;
}

/** The parley matchers, for `expect.extend` (done on import). */
export const parleyMatchers = {
  /** The latency's percentiles over all turns and seeds are within the budget (default metric: voice-to-voice). */
  toMeetLatencyBudget(received: unknown, budget: LatencyBudget, metric: LatencyMetric = 'voiceToVoice'): MatcherResult {
    const run = needRun(received, 'toMeetLatencyBudget');
    const summary = run.metrics[METRIC_KEYS[metric]];
    const checks = Object.entries(budget).map(([stat, limit]) => {
      const value = summary[stat as keyof LatencyBudget];
      return { stat, limit, value, ok: value !== null && value <= limit };
    });
    const pass = checks.length > 0 && checks.every((c) => c.ok);
    const detail = checks.map((c) => `${c.stat} ${c.value ?? 'not measured'}${c.value !== null ? ' ms' : ''} (budget ${c.limit} ms)`).join(', ');
    return {
      pass,
      message: () => `expected ${metric} of ${run.scenario.name} over ${summary.count} measurements ${pass ? 'not ' : ''}to meet the budget: ${detail}`,
    };
  },

  /** No agent reply started while the user was mid-turn, in any seed. */
  toHaveNoTakeovers(received: unknown): MatcherResult {
    const run = needRun(received, 'toHaveNoTakeovers');
    const takeovers = run.runs.flatMap((r) => r.analysis.takeovers.filter((t) => !t.brief).map((t) => ({ seed: r.seed, ...t })));
    return {
      pass: takeovers.length === 0,
      message: () =>
        takeovers.length === 0
          ? `expected ${run.scenario.name} to have takeovers, but it had none`
          : `expected no takeovers in ${run.scenario.name}, got: ${takeovers
              .map((t) => `seed ${t.seed}: at ${(t.atMs / 1000).toFixed(2)} s${t.pause ? ` in a ${Math.round(t.pause.endMs - t.pause.startMs)} ms pause` : ''} (turn ${t.turn})`)
              .join('; ')}`,
    };
  },

  /** Every barge-in stopped the agent's audio at the user's ear within `ms` of its onset. */
  toStopWithin(received: unknown, ms: number): MatcherResult {
    const run = needRun(received, 'toStopWithin');
    const bargeIns = run.runs.flatMap((r) => r.analysis.overlaps.filter((o) => o.kind === 'bargeIn').map((o) => ({ seed: r.seed, ...o })));
    const late = bargeIns.filter((o) => o.stopLatencyMs === null || o.stopLatencyMs > ms);
    return {
      pass: bargeIns.length > 0 && late.length === 0,
      message: () =>
        bargeIns.length === 0
          ? `expected barge-ins in ${run.scenario.name} to stop within ${ms} ms, but no barge-in overlapped the agent`
          : late.length === 0
            ? `expected some barge-in in ${run.scenario.name} to take longer than ${ms} ms; all ${bargeIns.length} stopped in time`
            : `expected every barge-in in ${run.scenario.name} to stop within ${ms} ms: ${late
                .map((o) => `seed ${o.seed}: "${o.text}" at ${(o.atMs / 1000).toFixed(2)} s ${o.stopLatencyMs === null ? 'never stopped the agent' : `stopped after ${o.stopLatencyMs} ms`}`)
                .join('; ')}`,
    };
  },

  /** Every expectation written in the scenario passed, for every seed. */
  toPassExpectations(received: unknown): MatcherResult {
    const run = needRun(received, 'toPassExpectations');
    const failures = run.runs.flatMap((r) => r.result.assertions.filter((a) => !a.passed).map((a) => `seed ${r.seed}: ${a.id}: ${a.message}`));
    return {
      pass: failures.length === 0,
      message: () => (failures.length === 0 ? `expected ${run.scenario.name} to fail an expectation` : `expected ${run.scenario.name} to pass: ${failures.join('; ')}`),
    };
  },
};

expect.extend(parleyMatchers);

declare module 'vitest' {
  // The type parameter must match vitest's own declaration (`T = any`) for the interfaces to merge.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  interface Matchers<T = any> {
    toMeetLatencyBudget(budget: LatencyBudget, metric?: LatencyMetric): T;
    toHaveNoTakeovers(): T;
    toStopWithin(ms: number): T;
    toPassExpectations(): T;
  }
}
