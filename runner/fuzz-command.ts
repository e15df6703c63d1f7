import { mkdirSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { isConfigPath, resolveConfig } from '../sim/config/load.js';
import { parseDuration } from '../sim/load/index.js';
import { counterexampleYaml, fuzz } from './fuzz.js';
import { UsageError } from './usage.js';

export const FUZZ_USAGE = `Usage: parley fuzz [options]

Generates scenarios (hesitations, fillers, backchannels, barge-ins, echo, jitter, loss, slow,
stalling and failing providers), runs each, and checks the turn-taking invariants. On a failure
it shrinks the scenario to a minimal one and writes it as a YAML file that parley run reproduces.

Options:
  --runs N              scenarios to generate (default 500)
  --seed N              generator seed (default: from the clock; printed)
  --time-budget T       stop after this long, e.g. 60s (default: no limit)
  --config X            agent config: a preset or a YAML file (default: default)
  --barge-in-budget T   agent-side barge-in stop budget, plus the channel's downlink (default 250ms)
  --out DIR             where a failing scenario is written (default: parley-fuzz)
  -h, --help            show this help

Exit codes: 0 no invariant broken, 1 a failure found (scenario written), 2 bad input or usage.`;

/** `parley fuzz`: returns the exit code. */
export async function fuzzCommand(args: readonly string[], out: NodeJS.WritableStream, err: NodeJS.WritableStream): Promise<number> {
  const { values, positionals } = parseArgs({
    args: [...args],
    options: {
      runs: { type: 'string' },
      seed: { type: 'string' },
      'time-budget': { type: 'string' },
      config: { type: 'string' },
      'barge-in-budget': { type: 'string' },
      out: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    allowPositionals: true,
    strict: true,
  });
  if (values.help) {
    out.write(`${FUZZ_USAGE}\n`);
    return 0;
  }
  if (positionals.length > 0) throw new UsageError(`unexpected argument "${positionals[0]}" (try: parley fuzz --help)`);
  const runs = values.runs === undefined ? 500 : integer('--runs', values.runs, 1);
  // The one place fuzzing reads the clock: a fresh seed each time unless one is given.
  const seed = values.seed === undefined ? Date.now() % 1_000_000_000 : integer('--seed', values.seed, 0);
  const timeBudgetMs = values['time-budget'] === undefined ? undefined : duration('--time-budget', values['time-budget']);
  const bargeInBudgetMs = values['barge-in-budget'] === undefined ? undefined : duration('--barge-in-budget', values['barge-in-budget']);
  const configRef = values.config ?? 'default';
  const config = resolveConfig(configRef, process.cwd(), { file: '--config' });
  if (!config.ok) {
    for (const error of config.errors) err.write(`${error.toString()}\n`);
    return 2;
  }
  const outDir = values.out ?? 'parley-fuzz';
  const invariants = bargeInBudgetMs === undefined ? {} : { bargeInBudgetMs };

  out.write(`parley fuzz: seed ${seed}, up to ${runs} scenarios${timeBudgetMs !== undefined ? ` or ${timeBudgetMs / 1000} s` : ''}, config ${config.config.name}\n`);
  const started = performance.now();
  const outcome = await fuzz({ config: config.config, runs, seed, invariants, ...(timeBudgetMs !== undefined ? { timeBudgetMs } : {}) });
  const seconds = (performance.now() - started) / 1000;
  if (!outcome.failure) {
    out.write(`${outcome.runs} scenarios, every invariant held${outcome.interrupted ? ' (stopped by the time budget)' : ''} · ${Math.round(outcome.runs / seconds)} scenarios/s\n`);
    return 0;
  }
  const { scenario, violations, shrinks } = outcome.failure;
  mkdirSync(outDir, { recursive: true });
  const path = join(outDir, `fuzz-${seed}.yaml`);
  // The counterexample pins the config: a file is referenced relative to where it is written.
  const pinned = isConfigPath(configRef) ? relative(resolve(outDir), resolve(configRef)).split('\\').join('/') : configRef;
  writeFileSync(path, counterexampleYaml(scenario, violations, { seed, config: pinned, invariants }));
  out.write(`invariant broken after ${outcome.runs - shrinks} scenarios (shrunk ${shrinks} times):\n`);
  for (const violation of violations) out.write(`  ${violation.invariant}: ${violation.message}\n`);
  out.write(`minimal scenario (${scenario.user.length} user actions): ${path}\n`);
  out.write(`reproduce: parley run ${path}    (fuzz seed ${seed})\n`);
  return 1;
}

function integer(flag: string, text: string, min: number): number {
  const value = Number(text);
  if (!/^\d+$/.test(text) || !Number.isSafeInteger(value) || value < min) {
    throw new UsageError(`${flag} expects an integer ≥ ${min}, got "${text}"`);
  }
  return value;
}

function duration(flag: string, text: string): number {
  try {
    return parseDuration(text);
  } catch (error) {
    throw new UsageError(`${flag}: ${(error as Error).message}`);
  }
}
