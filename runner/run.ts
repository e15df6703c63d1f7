import { statSync } from 'node:fs';
import { dirname } from 'node:path';
import { buildReport, type RunReport } from '../reports/json.js';
import { writeRunOutputs } from './outputs.js';
import { compareReports } from '../reports/baseline.js';
import type { Comparison, Tolerances } from '../reports/comparison.js';
import type { ScenarioResult } from '../sim/assert/scenario-result.js';
import { displayPath, resolveConfig } from '../sim/config/load.js';
import type { AgentConfig } from '../sim/config/model.js';
import { withProviderOverrides } from '../sim/config/resolve.js';
import { InputError, type SourcePosition } from '../sim/load/index.js';
import { loadScenarioFile } from '../sim/scenario/load.js';
import { acousticProblems } from '../sim/acoustic/clip-check.js';
import type { Scenario } from '../sim/scenario/model.js';
import type { Timeline } from '../reports/timeline.js';
import { findScenarioFiles } from './scenario-files.js';
import { executeLiveTasks, liveProblems } from './live.js';
import { executeTasks } from './pool.js';
import { shardTasks, type Shard } from './shard.js';

/** Options of a run (what `parley run` parses from its arguments). */
export interface RunOptions {
  readonly paths: readonly string[];
  /** Overrides every scenario's own seed. */
  readonly seed: number | undefined;
  /** Runs each scenario with this many consecutive seeds. */
  readonly seeds: number;
  /** A preset name or a config file, for scenarios that do not pin their own. */
  readonly config: string;
  /** Where report.json goes; undefined writes nothing. */
  readonly reportDir: string | undefined;
  /** Worker threads (default 1: every task in this thread); the report is the same for any number. */
  readonly workers?: number;
  /** Only this shard's tasks (see runner/shard.ts); recorded in the report as `shard`. */
  readonly shard?: Shard | undefined;
  /** A baseline run to compare with (`--baseline`): the comparison is returned and shown in summary.md. */
  readonly baseline?: { readonly report: RunReport; readonly tolerances: Tolerances } | undefined;
  /**
   * Live mode: the real providers of each config, on the wall clock, one call at a time, with
   * keys and base URLs from `env`. The report is marked live and the cassettes go next to it.
   */
  readonly live?: { readonly env: Readonly<Record<string, string | undefined>> } | undefined;
}

/** A scenario ready to run: validated, with the agent config it runs against. */
export interface PreparedScenario {
  readonly scenario: Scenario;
  readonly config: AgentConfig;
}

/**
 * Loads and validates every scenario and config first, so bad input stops the run before it
 * starts. Errors come sorted by file and position, each once (a broken config file pinned by
 * several scenarios is reported once).
 */
export function prepare(options: Pick<RunOptions, 'paths' | 'config'>): { scenarios: PreparedScenario[]; errors: InputError[] } {
  const { files, errors } = findScenarioFiles(options.paths);
  const base = resolveConfig(options.config, process.cwd(), { file: '--config' });
  if (!base.ok) errors.push(...base.errors.map((e) => rehome(e, '--config', undefined)));
  const scenarios: PreparedScenario[] = [];
  for (const path of files) {
    const loaded = loadScenarioFile(path, displayPath(path));
    if (!loaded.ok) {
      errors.push(...loaded.errors);
      continue;
    }
    const { scenario } = loaded;
    const acoustic = acousticProblems(scenario);
    if (acoustic.length > 0) {
      errors.push(...acoustic);
      continue;
    }
    let config = base.ok ? base.config : undefined;
    if (scenario.config !== undefined) {
      const pinned = resolveConfig(scenario.config.ref, dirname(path), { file: scenario.file, position: scenario.config.source });
      if (!pinned.ok) {
        errors.push(...pinned.errors.map((e) => rehome(e, scenario.file, scenario.config!.source)));
        continue;
      }
      config = pinned.config;
    }
    if (config) scenarios.push({ scenario, config: withProviderOverrides(config, scenario.providers) });
  }
  return { scenarios, errors: sortErrors(errors) };
}

/**
 * A config error without a position (an unknown preset, an unreadable file) is reported where
 * the config was named: `file` at `position` (the scenario's `config:`, or `--config`).
 */
function rehome(error: InputError, file: string, position: SourcePosition | undefined): InputError {
  if (error.position !== undefined) return error;
  if (error.file === file) return new InputError(file, position, error.message);
  return new InputError(file, position, `cannot read config file ${error.file}: ${error.message}`);
}

/** By file, then position (files without a position first); duplicates dropped. Code-unit order, not locale order. */
function sortErrors(errors: readonly InputError[]): InputError[] {
  const compare = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
  const unique = [...new Map(errors.map((e) => [e.toString(), e])).values()];
  return unique.sort(
    (a, b) =>
      compare(a.file, b.file) ||
      (a.position?.line ?? 0) - (b.position?.line ?? 0) ||
      (a.position?.column ?? 0) - (b.position?.column ?? 0),
  );
}

/** The seeds a scenario runs with. */
export function seedsFor(scenario: Scenario, options: Pick<RunOptions, 'seed' | 'seeds'>): number[] {
  const first = options.seed ?? scenario.seed ?? 1;
  return Array.from({ length: options.seeds }, (_, i) => first + i);
}

/** One scenario to run with one seed. Plain data, so it can be sent to a worker thread. */
export interface RunTask {
  readonly scenario: Scenario;
  readonly config: AgentConfig;
  readonly seed: number;
}

/**
 * What a task produces: the verdict for report.json, the timeline for the HTML report and
 * traces, and for an acoustic call its stereo recording (WAV bytes).
 */
export interface RunArtifact {
  readonly result: ScenarioResult;
  readonly timeline: Timeline;
  readonly audio?: Uint8Array;
  /** A live run's cassettes, by path under the report directory. */
  readonly cassettes?: readonly { readonly path: string; readonly bytes: Uint8Array }[];
}

/**
 * The tasks of a run in canonical order (scenario file, then seed), so a report is the same
 * whatever order the paths were given in, however the run was split into shards and workers.
 */
export function planTasks(prepared: readonly PreparedScenario[], options: Pick<RunOptions, 'seed' | 'seeds'>): RunTask[] {
  const byFile = [...prepared].sort((a, b) => compareText(a.scenario.file, b.scenario.file));
  return byFile.flatMap(({ scenario, config }) => seedsFor(scenario, options).map((seed) => ({ scenario, config, seed })));
}

/** Runs one task: the call, its verdict and its timeline (runner/execute.ts, what worker threads load). */
export { executeTask } from './execute.js';

/**
 * Runs prepared scenarios (the shard's tasks, if any) in canonical order, calling `onStart` with
 * the number of runs and `onResult` after each (scenario, seed), in that order with any number of
 * workers. Live, the calls run one at a time in this thread, each as long as it lasts.
 */
export async function runScenarios(
  prepared: readonly PreparedScenario[],
  options: Pick<RunOptions, 'seed' | 'seeds' | 'config' | 'workers' | 'shard' | 'live'>,
  onResult: (result: ScenarioResult) => void = () => {},
  onStart: (total: number) => void = () => {},
): Promise<{ report: RunReport; artifacts: RunArtifact[] }> {
  const tasks = shardTasks(planTasks(prepared, options), options.shard);
  onStart(tasks.length);
  const artifacts = options.live
    ? await executeLiveTasks(tasks, options.live.env, onResult)
    : await executeTasks(tasks, { workers: options.workers ?? 1, onResult: (artifact) => onResult(artifact.result) });
  const report = buildReport(
    { seed: options.seed ?? null, seeds: options.seeds, config: options.config, shard: options.shard, live: options.live !== undefined },
    artifacts.map((a) => a.result),
  );
  return { report, artifacts };
}

/** Code-unit order: the same on every machine, unlike locale order. */
function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Runs a suite end to end: prepare, run, write the outputs. Throws nothing for bad input: returns the errors. */
export async function run(
  options: RunOptions,
  onResult?: (result: ScenarioResult) => void,
  onStart?: (total: number) => void,
): Promise<
  { ok: true; report: RunReport; artifacts: RunArtifact[]; reportPath: string | undefined; comparison?: Comparison | undefined } | { ok: false; errors: InputError[] }
> {
  const { scenarios, errors } = prepare(options);
  const dirProblem = options.reportDir === undefined ? undefined : reportDirProblem(options.reportDir);
  if (dirProblem) errors.unshift(dirProblem);
  if (errors.length === 0 && options.live) errors.push(...liveProblems(scenarios, options.live.env));
  if (errors.length > 0) return { ok: false, errors };
  const { report, artifacts } = await runScenarios(scenarios, options, onResult, onStart);
  const comparison = options.baseline ? compareReports(options.baseline.report, report, options.baseline.tolerances) : undefined;
  if (options.reportDir === undefined) return { ok: true, report, artifacts, reportPath: undefined, comparison };
  try {
    return { ok: true, report, artifacts, reportPath: writeRunOutputs(options.reportDir, report, artifacts, { comparison }), comparison };
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    return { ok: false, errors: [new InputError('--report-dir', undefined, `cannot write the report in ${options.reportDir}: ${reason}`)] };
  }
}

/** Why `dir` cannot take a report (checked before anything runs). */
function reportDirProblem(dir: string): InputError | undefined {
  if (dir === '') return new InputError('--report-dir', undefined, 'expected a directory, got an empty value');
  try {
    if (!statSync(dir).isDirectory()) return new InputError('--report-dir', undefined, `${dir} is a file, expected a directory`);
  } catch {
    // Absent: created when the report is written.
  }
  return undefined;
}
