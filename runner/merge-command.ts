import { readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { parseArgs } from 'node:util';
import { readReportFile } from '../reports/baseline.js';
import { buildReport, REPORT_SCHEMA_VERSION, type RunReport } from '../reports/json.js';
import { timelineId, type Timeline } from '../reports/timeline.js';
import type { ScenarioResult } from '../sim/assert/scenario-result.js';
import { readProblem } from '../sim/load/read.js';
import { writeRunOutputs } from './outputs.js';
import { resultLine } from './run-command.js';
import type { RunArtifact } from './run.js';
import { UsageError } from './usage.js';

export const MERGE_USAGE = `Usage: parley merge <report dirs or report.json files...> [options]

Joins the reports of the shards of a suite (parley run --shard i/n, one report dir each) into
one report dir, the same as running the whole suite at once: report.json (byte for byte),
timelines/ and the other outputs. Shard reports must come from the same suite, seed, seeds and
config, and all n shards must be given; reports of runs without --shard can be joined too.

Options:
  --report-dir DIR  where the merged report goes (default: parley-report)
  -h, --help        show this help

Exit codes: 0 every joined run passed, 1 one failed, 2 bad input or usage.`;

/** One report to join: where it was read from, and what it holds. */
interface Input {
  /** The path as given (in messages). */
  readonly display: string;
  /** report.json as read. */
  readonly file: string;
  /** The directory holding report.json and its timelines/. */
  readonly dir: string;
  readonly report: RunReport;
}

/**
 * `parley merge`: returns the exit code (0 all passed, 1 a run failed, 2 bad input or usage).
 * Every problem with the inputs is reported, one line each, before anything is written.
 */
export async function mergeCommand(args: readonly string[], out: NodeJS.WritableStream, err: NodeJS.WritableStream): Promise<number> {
  const { values, positionals } = parseArgs({
    args: [...args],
    options: {
      'report-dir': { type: 'string' },
      debug: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
    allowPositionals: true,
    strict: true,
  });
  if (values.help) {
    out.write(`${MERGE_USAGE}\n`);
    return 0;
  }
  if (positionals.length === 0) {
    throw new UsageError('give the report dirs (or report.json files) to join, e.g. parley merge shard-1 shard-2 shard-3 --report-dir parley-report');
  }
  const reportDir = values['report-dir'] ?? 'parley-report';

  const problems: string[] = [];
  const dirProblem = reportDirProblem(reportDir);
  if (dirProblem) problems.push(dirProblem);
  const inputs: Input[] = [];
  for (const path of positionals) {
    const input = readInput(path, problems);
    if (input) inputs.push(input);
  }
  checkCompatible(inputs, problems, inputs.length === positionals.length);
  const runs = problems.length === 0 ? collectRuns(inputs, problems) : [];
  if (problems.length > 0) {
    for (const problem of problems) err.write(`${problem}\n`);
    return 2;
  }

  const first = inputs[0]!.report;
  const results = runs.map((run) => run.result);
  const report = buildReport({ seed: first.seed, seeds: first.seeds, config: first.config }, results);
  let reportPath: string;
  try {
    reportPath = writeRunOutputs(reportDir, report, runs);
  } catch (error) {
    err.write(`--report-dir: cannot write the report in ${reportDir}: ${error instanceof Error ? error.message : String(error)}\n`);
    return 2;
  }

  for (const result of results) if (!result.passed) out.write(`${resultLine(result)}\n`);
  const { summary, metrics } = report;
  const v2v = metrics.voiceToVoiceMs;
  out.write(
    `${summary.failed > 0 ? '\n' : ''}${summary.scenarios} scenario runs from ${inputs.length} reports: ${summary.passed} passed, ${summary.failed} failed` +
      (v2v.count > 0 ? ` · voice-to-voice p50 ${v2v.p50} ms, p95 ${v2v.p95} ms over ${v2v.count} turns` : '') +
      ` · ${reportPath}\n`,
  );
  return summary.failed > 0 ? 1 : 0;
}

/** Reads one report (a report dir, or a report.json file with its timelines/ beside it). */
function readInput(path: string, problems: string[]): Input | undefined {
  const read = readReportFile(path, path, { directories: true });
  if (!read.ok) {
    problems.push(
      read.reason === 'version'
        ? `${read.error.file}: another report schema version than this parley's (${REPORT_SCHEMA_VERSION}); merge reports written by the same parley`
        : read.error.toString(),
    );
    return undefined;
  }
  const file = isDirectory(path) ? join(path, 'report.json') : path;
  const display = file === path ? path : join(path, 'report.json');
  const shapeProblem = mergeShapeProblem(read.report);
  if (shapeProblem) {
    problems.push(`${display}: not a parley report (expected the report.json written by parley run): ${shapeProblem}`);
    return undefined;
  }
  return { display, file, dir: dirname(file), report: read.report };
}

/** What merging needs beyond what reports/baseline.ts checks: seeds, shard, and the turns and overlaps the metrics come from. */
function mergeShapeProblem(report: RunReport): string | undefined {
  const data = report as unknown as Record<string, unknown>;
  if (!(data['seed'] === null || Number.isSafeInteger(data['seed']))) return 'seed: expected an integer or null';
  if (!Number.isSafeInteger(data['seeds']) || (data['seeds'] as number) < 1) return 'seeds: expected an integer ≥ 1';
  const shard = data['shard'] as { index?: unknown; count?: unknown } | undefined;
  if (shard !== undefined) {
    const { index, count } = shard ?? {};
    if (!Number.isSafeInteger(index) || !Number.isSafeInteger(count) || (index as number) < 1 || (index as number) > (count as number)) {
      return 'shard: expected { index, count } with 1 ≤ index ≤ count';
    }
  }
  const bad = report.scenarios.findIndex((run) => !Array.isArray(run.turns) || !Array.isArray(run.overlaps));
  return bad === -1 ? undefined : `scenarios[${bad}]: expected turns and overlaps`;
}

/**
 * The reports must come from one suite: same seed, seeds and config; shards all of one split, each
 * once, and (when every input could be read) all of them.
 */
function checkCompatible(inputs: readonly Input[], problems: string[], allRead: boolean): void {
  const before = problems.length;
  const [first, ...rest] = inputs;
  if (!first) return;
  for (const input of rest) {
    for (const key of ['seed', 'seeds', 'config'] as const) {
      const [mine, theirs] = [input.report[key], first.report[key]];
      if (mine !== theirs) problems.push(`${input.display}: ${key} ${JSON.stringify(mine)} differs from ${first.display} (${key} ${JSON.stringify(theirs)})`);
    }
  }
  const sharded = inputs.filter((input) => input.report.shard !== undefined);
  if (sharded.length === 0) return;
  const unsharded = inputs.find((input) => input.report.shard === undefined);
  if (unsharded) {
    problems.push(`${unsharded.display}: not a shard report (no --shard), but ${sharded[0]!.display} is one; merge the shards of one run`);
    return;
  }
  const count = first.report.shard!.count;
  const byIndex = new Map<number, Input>();
  for (const input of inputs) {
    const shard = input.report.shard!;
    const earlier = byIndex.get(shard.index);
    if (shard.count !== count) problems.push(`${input.display}: shard ${shard.index}/${shard.count}, but ${first.display} is shard ${first.report.shard!.index}/${count}`);
    else if (earlier) problems.push(`${input.display}: shard ${shard.index}/${count} again (also ${earlier.display})`);
    else byIndex.set(shard.index, input);
  }
  if (problems.length > before || !allRead) return;
  const missing = Array.from({ length: count }, (_, i) => i + 1).filter((index) => !byIndex.has(index));
  if (missing.length > 0) problems.push(`parley merge: missing shard${missing.length > 1 ? 's' : ''} ${missing.map((index) => `${index}/${count}`).join(', ')}`);
}

/**
 * Every run of every input with its timeline, in canonical order (scenario file in code-unit
 * order, then seed): the order of an unsharded run. A run in two inputs is a problem.
 */
function collectRuns(inputs: readonly Input[], problems: string[]): RunArtifact[] {
  const seen = new Map<string, Input>();
  const runs: RunArtifact[] = [];
  for (const input of inputs) {
    const hasTimelines = isDirectory(join(input.dir, 'timelines'));
    if (!hasTimelines && input.report.scenarios.length > 0) problems.push(`${join(input.dir, 'timelines')}: no such directory (the timelines parley run writes beside report.json)`);
    const repeated: ScenarioResult[] = [];
    let other: Input | undefined;
    for (const result of input.report.scenarios) {
      const key = `${result.file}\u0000${result.seed}`;
      const earlier = seen.get(key);
      if (earlier) {
        repeated.push(result);
        other ??= earlier;
        continue;
      }
      seen.set(key, input);
      const timeline = hasTimelines ? readTimeline(input, result, problems) : undefined;
      const audio = result.acoustic ? readRecording(input, result.acoustic.audio, problems) : undefined;
      if (timeline) runs.push({ result, timeline, ...(audio ? { audio } : {}) });
    }
    if (repeated.length > 0) {
      const [example] = repeated;
      problems.push(
        `${input.display}: ${repeated.length} scenario run${repeated.length > 1 ? 's' : ''} already in ${other!.display} (${example!.file} seed ${example!.seed}${repeated.length > 1 ? ', …' : ''})`,
      );
    }
  }
  const compare = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
  return runs.sort((a, b) => compare(a.result.file, b.result.file) || a.result.seed - b.result.seed);
}

/** DIR/timelines/<id>.json of a run, as `parley run` wrote it. */
function readTimeline(input: Input, result: ScenarioResult, problems: string[]): Timeline | undefined {
  const id = timelineId(result.file, result.seed);
  const path = join(input.dir, 'timelines', `${id}.json`);
  let timeline: unknown;
  try {
    timeline = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    problems.push(`${path}: cannot read the timeline of ${result.file} seed ${result.seed}: ${readProblem(error).split('\n')[0]}`);
    return undefined;
  }
  if (typeof timeline !== 'object' || timeline === null || (timeline as { id?: unknown }).id !== id) {
    problems.push(`${path}: not the timeline of ${result.file} seed ${result.seed}`);
    return undefined;
  }
  return timeline as Timeline;
}

/** An acoustic run's recording, as `parley run` wrote it beside its report. */
function readRecording(input: Input, path: string, problems: string[]): Uint8Array | undefined {
  try {
    return readFileSync(join(input.dir, path));
  } catch (error) {
    problems.push(`${join(input.dir, path)}: cannot read the recording of an acoustic run: ${readProblem(error).split('\n')[0]}`);
    return undefined;
  }
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

/** Why `dir` cannot take the merged report (as for parley run). */
function reportDirProblem(dir: string): string | undefined {
  if (dir === '') return '--report-dir: expected a directory, got an empty value';
  return isDirectory(dir) || !existsAsFile(dir) ? undefined : `--report-dir: ${dir} is a file, expected a directory`;
}

function existsAsFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}
