import { statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { buildReport, writeReport, type RunReport } from '../reports/json.js';
import { judgeCall, type ScenarioResult } from '../sim/assert/scenario-result.js';
import { displayPath, resolveConfig } from '../sim/config/load.js';
import type { AgentConfig } from '../sim/config/model.js';
import { withProviderOverrides } from '../sim/config/resolve.js';
import { InputError, type SourcePosition } from '../sim/load/index.js';
import { loadScenarioFile } from '../sim/scenario/load.js';
import type { Scenario } from '../sim/scenario/model.js';
import { runCall } from '../sim/world/call.js';
import { findScenarioFiles } from './scenario-files.js';

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

/** Runs prepared scenarios, calling `onResult` after each (scenario, seed). */
export async function runScenarios(
  prepared: readonly PreparedScenario[],
  options: Pick<RunOptions, 'seed' | 'seeds' | 'config'>,
  onResult: (result: ScenarioResult) => void = () => {},
): Promise<RunReport> {
  const results: ScenarioResult[] = [];
  for (const { scenario, config } of prepared) {
    for (const seed of seedsFor(scenario, options)) {
      const { result } = judgeCall(await runCall(scenario, config, seed));
      results.push(result);
      onResult(result);
    }
  }
  return buildReport({ seed: options.seed ?? null, seeds: options.seeds, config: options.config }, results);
}

/** Runs a suite end to end: prepare, run, write the report. Throws nothing for bad input: returns the errors. */
export async function run(
  options: RunOptions,
  onResult?: (result: ScenarioResult) => void,
): Promise<{ ok: true; report: RunReport; reportPath: string | undefined } | { ok: false; errors: InputError[] }> {
  const { scenarios, errors } = prepare(options);
  const dirProblem = options.reportDir === undefined ? undefined : reportDirProblem(options.reportDir);
  if (dirProblem) errors.unshift(dirProblem);
  if (errors.length > 0) return { ok: false, errors };
  const report = await runScenarios(scenarios, options, onResult);
  if (options.reportDir === undefined) return { ok: true, report, reportPath: undefined };
  try {
    return { ok: true, report, reportPath: writeReport(options.reportDir, report) };
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    return { ok: false, errors: [new InputError('--report-dir', undefined, `cannot write ${join(options.reportDir, 'report.json')}: ${reason}`)] };
  }
}

/** Why the report cannot go into `dir` (checked before running, so a bad --report-dir wastes no time). */
function reportDirProblem(dir: string): InputError | undefined {
  if (dir === '') return new InputError('--report-dir', undefined, 'expected a directory, got an empty value');
  try {
    if (!statSync(dir).isDirectory()) return new InputError('--report-dir', undefined, `${dir} is a file, expected a directory`);
  } catch {
    // Absent: created when the report is written.
  }
  return undefined;
}
