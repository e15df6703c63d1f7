import fc from 'fast-check';
import { stringify } from 'yaml';
import { analyseCall } from '../sim/assert/analysis.js';
import { checkInvariants, type InvariantOptions, type Violation } from '../sim/assert/invariants.js';
import type { AgentConfig } from '../sim/config/model.js';
import { withProviderOverrides } from '../sim/config/resolve.js';
import { scenarioFile, type ScenarioFileInput, type ScenarioFileOptions } from '../sim/fuzz/arbitraries.js';
import { scenarioFromObject } from '../sim/scenario/load.js';
import { runCall } from '../sim/world/call.js';

/** What to fuzz, and how long. */
export interface FuzzOptions {
  readonly config: AgentConfig;
  /** Generated scenarios to run (at most). */
  readonly runs: number;
  /** fast-check's seed: the same seed generates the same scenarios. */
  readonly seed: number;
  /** Stop generating after this long (wall clock), whatever `runs` says. */
  readonly timeBudgetMs?: number;
  readonly invariants?: InvariantOptions;
  readonly scenarios?: ScenarioFileOptions;
}

/** What a fuzzing session found. */
export interface FuzzOutcome {
  readonly seed: number;
  /** Scenarios run before stopping (counting shrinking runs). */
  readonly runs: number;
  /** Stopped by the time budget before `runs`. */
  readonly interrupted: boolean;
  /** The smallest failing scenario, with what it breaks. */
  readonly failure: { readonly scenario: ScenarioFileInput; readonly violations: readonly Violation[]; readonly shrinks: number } | undefined;
}

/**
 * Runs one generated scenario and checks every invariant, including determinism (a second run
 * with the same seed must give the same trace).
 */
export async function violationsOf(file: ScenarioFileInput, config: AgentConfig, options: InvariantOptions = {}): Promise<Violation[]> {
  const loaded = scenarioFromObject(file, 'generated.yaml');
  if (!loaded.ok) throw new Error(`the generator made an invalid scenario: ${loaded.errors.map(String).join('; ')}`);
  const scenario = loaded.scenario;
  const effective = withProviderOverrides(config, scenario.providers);
  const seed = scenario.seed ?? 1;
  const call = await runCall(scenario, effective, seed);
  const violations = checkInvariants(call, analyseCall(call), options);
  const again = await runCall(scenario, effective, seed);
  if (JSON.stringify(again.events) !== JSON.stringify(call.events)) {
    const index = again.events.findIndex((e, i) => JSON.stringify(e) !== JSON.stringify(call.events[i]));
    const at = call.events[index] ?? again.events[index];
    violations.push({ invariant: 'deterministic', atMs: at?.t ?? 0, message: `a second run with seed ${seed} gave a different trace from event ${index} (${at?.type ?? 'end'})` });
  }
  return violations;
}

/** Generates scenarios with fast-check, runs each, and shrinks the first failure to a minimal one. */
export async function fuzz(options: FuzzOptions): Promise<FuzzOutcome> {
  const property = fc.asyncProperty(scenarioFile(options.scenarios), async (file) => {
    const violations = await violationsOf(file, options.config, options.invariants);
    return violations.length === 0;
  });
  const details = await fc.check(property, {
    numRuns: options.runs,
    seed: options.seed,
    ...(options.timeBudgetMs !== undefined ? { interruptAfterTimeLimit: options.timeBudgetMs, markInterruptAsFailure: false } : {}),
  });
  const counterexample = details.counterexample?.[0];
  if (!details.failed || counterexample === undefined) {
    if (details.failed && details.errorInstance) throw details.errorInstance;
    return { seed: options.seed, runs: details.numRuns, interrupted: details.interrupted, failure: undefined };
  }
  return {
    seed: options.seed,
    runs: details.numRuns + details.numShrinks,
    interrupted: details.interrupted,
    failure: { scenario: counterexample, violations: await violationsOf(counterexample, options.config, options.invariants), shrinks: details.numShrinks },
  };
}

/**
 * The failing scenario as a file `parley run` reproduces: the invariants as its expectation,
 * the agent config pinned, and what went wrong in its description.
 */
export function counterexampleYaml(
  scenario: ScenarioFileInput,
  violations: readonly Violation[],
  context: { seed: number; config: string | undefined; invariants?: InvariantOptions },
): string {
  const budget = context.invariants?.bargeInBudgetMs;
  const stuck = context.invariants?.stuckBoundMs;
  const expectation =
    budget === undefined && stuck === undefined
      ? 'invariants'
      : { invariants: { ...(budget !== undefined ? { barge_in_budget: `${budget}ms` } : {}), ...(stuck !== undefined ? { stuck_bound: `${stuck}ms` } : {}) } };
  const { name: _generated, expect: _expect, ...rest } = scenario;
  const file = {
    name: `fuzz counterexample (fuzz seed ${context.seed})`,
    description: violations.map((v) => `${v.invariant}: ${v.message}`).join('\n'),
    ...(context.config !== undefined ? { config: context.config } : {}),
    ...rest,
    expect: [expectation],
  };
  return `# Found by parley fuzz --seed ${context.seed}. Reproduce with: parley run <this file>\n${stringify(file, { lineWidth: 0 })}`;
}
