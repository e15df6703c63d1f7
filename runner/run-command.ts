import { parseArgs } from 'node:util';
import type { ScenarioResult } from '../sim/assert/scenario-result.js';
import { run } from './run.js';
import { UsageError } from './usage.js';

export const RUN_USAGE = `Usage: parley run <files or dirs...> [options]

Runs scenario files on the simulator and writes DIR/report.json.

Options:
  --seed N          seed for every scenario (default: each scenario's own seed, else 1)
  --seeds K         run each scenario with K consecutive seeds (default 1)
  --config X        agent config: a preset (default, silence-only) or a YAML file (default: default)
  --report-dir DIR  where report.json goes (default: parley-report)
  -h, --help        show this help`;

/** `parley run`: returns the exit code (0 all passed, 1 an assertion failed, 2 bad input). */
export async function runCommand(args: readonly string[], out: NodeJS.WritableStream, err: NodeJS.WritableStream): Promise<number> {
  const { values, positionals } = parseArgs({
    args: [...args],
    options: {
      seed: { type: 'string' },
      seeds: { type: 'string' },
      config: { type: 'string' },
      'report-dir': { type: 'string' },
      debug: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
    allowPositionals: true,
    strict: true,
  });
  if (values.help) {
    out.write(`${RUN_USAGE}\n`);
    return 0;
  }
  if (positionals.length === 0) throw new UsageError('give scenario files or directories, e.g. parley run scenarios/');
  const seed = values.seed === undefined ? undefined : integer('--seed', values.seed, 0);
  const seeds = values.seeds === undefined ? 1 : integer('--seeds', values.seeds, 1);

  const outcome = await run(
    { paths: positionals, seed, seeds, config: values.config ?? 'default', reportDir: values['report-dir'] ?? 'parley-report' },
    (result) => out.write(`${resultLine(result)}\n`),
  );
  if (!outcome.ok) {
    for (const error of outcome.errors) err.write(`${error.toString()}\n`);
    return 2;
  }
  const { summary, metrics } = outcome.report;
  const v2v = metrics.voiceToVoiceMs;
  out.write(
    `\n${summary.scenarios} scenario runs: ${summary.passed} passed, ${summary.failed} failed` +
      (v2v.count > 0 ? ` · voice-to-voice p50 ${v2v.p50} ms, p95 ${v2v.p95} ms over ${v2v.count} turns` : '') +
      (outcome.reportPath ? ` · ${outcome.reportPath}` : '') +
      '\n',
  );
  return summary.failed > 0 ? 1 : 0;
}

/** One line per scenario run: verdict, name, and the numbers or the first failure. */
export function resultLine(result: ScenarioResult): string {
  const head = `${result.passed ? '✓' : '✗'} ${result.name} (${result.file}, seed ${result.seed})`;
  if (result.passed) {
    const v2v = result.metrics.voiceToVoiceMs;
    return v2v.count > 0 ? `${head}  voice-to-voice p95 ${v2v.p95} ms` : head;
  }
  const failures = result.assertions.filter((a) => !a.passed);
  return [head, ...failures.map((a) => `    ${a.id}${a.line !== undefined ? ` (line ${a.line})` : ''}: ${a.message}`)].join('\n');
}

function integer(flag: string, text: string, min: number): number {
  const value = Number(text);
  if (!/^\d+$/.test(text) || !Number.isSafeInteger(value) || value < min) {
    throw new UsageError(`${flag} expects an integer ≥ ${min}, got "${text}"`);
  }
  return value;
}
