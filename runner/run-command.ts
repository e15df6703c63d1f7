import { parseArgs } from 'node:util';
import type { ScenarioResult } from '../sim/assert/scenario-result.js';
import { run } from './run.js';
import { finishGate, prepareGate } from './baseline-gate.js';
import { parseWorkers } from './pool.js';
import { createProgress } from './progress.js';
import { parseShard } from './shard.js';
import { UsageError } from './usage.js';

export const RUN_USAGE = `Usage: parley run <files or dirs...> [options]

Runs scenario files on the simulator and writes DIR/report.json.

Options:
  --seed N          seed for every scenario (default: each scenario's own seed, else 1)
  --seeds K         run each scenario with K consecutive seeds (default 1)
  --config X        agent config: a preset (default, silence-only) or a YAML file (default: default)
  --report-dir DIR  where report.json goes (default: parley-report)
  --workers N       run on N worker threads, or "auto" (one per CPU); the report is the same (default 1)
  --shard i/n       run only shard i of n (round-robin over the runs in file, then seed order);
                    join the shards' report dirs with parley merge
  --baseline FILE   compare with an earlier report.json: exit 1 when p50/p95 of voice-to-voice,
                    end-of-utterance delay or barge-in stop latency regress beyond the tolerance
                    (default: worse by more than 10% and more than 30 ms), or when an assertion
                    that passed there fails now
  --update-baseline write this run's report.json to the --baseline file (regressions are
                    listed but do not fail the run)
  --gates FILE      tolerances for --baseline (a YAML gates file; schema: scenarios/gates.schema.json)
  --junit FILE      also write JUnit XML (one test case per scenario and seed)
  --live            run on the wall clock against the real providers of the config's live:
                    section (keys from DEEPGRAM_API_KEY, OPENAI_API_KEY, ELEVENLABS_API_KEY; base
                    URLs from DEEPGRAM_BASE_URL, OPENAI_BASE_URL, ELEVENLABS_BASE_URL), streaming
                    acoustic scenarios' clips in real time; the report is marked live and each
                    call's provider sessions are recorded under DIR/cassettes/
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
      workers: { type: 'string' },
      shard: { type: 'string' },
      baseline: { type: 'string' },
      'update-baseline': { type: 'boolean' },
      gates: { type: 'string' },
      junit: { type: 'string' },
      live: { type: 'boolean' },
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
  const workers = values.workers === undefined ? 1 : parseWorkers(values.workers);
  const shard = values.shard === undefined ? undefined : parseShard(values.shard);
  if (values.live && (workers !== 1 || shard !== undefined)) throw new UsageError('--live runs one call at a time, on the wall clock: drop --workers and --shard');
  const checked = prepareGate({ baseline: values.baseline, updateBaseline: values['update-baseline'], gates: values.gates, junit: values.junit, sharded: shard !== undefined });
  if (!checked.ok) {
    for (const error of checked.errors) err.write(`${error.toString()}\n`);
    return 2;
  }

  // A live status line on a terminal; one line per scenario run in CI and pipes.
  const progress = createProgress(out);
  let outcome: Awaited<ReturnType<typeof run>>;
  try {
    outcome = await run(
      { paths: positionals, seed, seeds, config: values.config ?? 'default', reportDir: values['report-dir'] ?? 'parley-report', workers, shard, baseline: checked.gate.baseline, live: values.live ? { env: process.env } : undefined },
      (result) => progress.result(result),
      (total) => progress.start(total),
    );
  } finally {
    progress.finish();
  }
  if (!outcome.ok) {
    for (const error of outcome.errors) err.write(`${error.toString()}\n`);
    return 2;
  }
  const { summary, metrics } = outcome.report;
  const v2v = metrics.voiceToVoiceMs;
  out.write(
    `\n${summary.scenarios} scenario runs: ${summary.passed} passed, ${summary.failed} failed` +
      (v2v.count > 0 ? ` · voice-to-voice p50 ${v2v.p50} ms, p95 ${v2v.p95} ms over ${v2v.count} turns` : '') +
      (shard ? ` · shard ${shard.index}/${shard.count}` : '') +
      (outcome.reportPath ? ` · ${outcome.reportPath}` : '') +
      '\n',
  );
  const gate = finishGate(checked.gate, outcome.report, outcome.comparison, out, err);
  if (gate === 2) return 2;
  return summary.failed > 0 || gate === 1 ? 1 : 0;
}

/** One line per scenario run: verdict, name, and the numbers or the first failure. */
export function resultLine(result: ScenarioResult): string {
  const head = `${result.passed ? '✓' : '✗'} ${result.name} (${result.file}, seed ${result.seed})`;
  const problems = (result.live?.providerErrors ?? []).map((e) => `    ${e.role} error at ${(e.atMs / 1000).toFixed(2)} s: ${e.message}`);
  if (problems.length > 0) return [head, ...problems, ...failureLines(result)].join('\n');
  if (result.passed) {
    const v2v = result.metrics.voiceToVoiceMs;
    return v2v.count > 0 ? `${head}  voice-to-voice p95 ${v2v.p95} ms` : head;
  }
  return [head, ...failureLines(result)].join('\n');
}

function failureLines(result: ScenarioResult): string[] {
  return result.assertions.filter((a) => !a.passed).map((a) => `    ${a.id}${a.line !== undefined ? ` (line ${a.line})` : ''}: ${a.message}`);
}

function integer(flag: string, text: string, min: number): number {
  const value = Number(text);
  if (!/^\d+$/.test(text) || !Number.isSafeInteger(value) || value < min) {
    throw new UsageError(`${flag} expects an integer ≥ ${min}, got "${text}"`);
  }
  return value;
}
