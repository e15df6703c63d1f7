import { dirname } from 'node:path';
import { buildReport, writeReport, type RunReport } from '../reports/json.js';
import { judgeCall, type ScenarioResult } from '../sim/assert/scenario-result.js';
import { displayPath, resolveConfig } from '../sim/config/load.js';
import type { AgentConfig } from '../sim/config/model.js';
import { withProviderOverrides } from '../sim/config/resolve.js';
import type { InputError } from '../sim/load/index.js';
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

/** Loads and validates every scenario and config first, so bad input stops the run before it starts. */
export function prepare(options: Pick<RunOptions, 'paths' | 'config'>): { scenarios: PreparedScenario[]; errors: InputError[] } {
  const { files, errors } = findScenarioFiles(options.paths);
  const base = resolveConfig(options.config, process.cwd(), { file: '--config' });
  if (!base.ok) errors.push(...base.errors);
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
      const pinned = resolveConfig(scenario.config, dirname(path), { file: scenario.file });
      if (!pinned.ok) {
        errors.push(...pinned.errors);
        continue;
      }
      config = pinned.config;
    }
    if (config) scenarios.push({ scenario, config: withProviderOverrides(config, scenario.providers) });
  }
  return { scenarios, errors };
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
  if (errors.length > 0) return { ok: false, errors };
  const report = await runScenarios(scenarios, options, onResult);
  const reportPath = options.reportDir === undefined ? undefined : writeReport(options.reportDir, report);
  return { ok: true, report, reportPath };
}
