/**
 * `parley compare A.json B.json [--gates FILE]`: the differences between two runs (B against the
 * baseline A) as a Markdown table on stdout. Exit 1 when B regresses against A, 0 otherwise, 2 on
 * bad input (a file that cannot be read, is not a parley report, or has another schema version).
 * A report directory stands for its report.json.
 *
 * @module
 */
import { parseArgs } from 'node:util';
import { compareReports, DEFAULT_TOLERANCES, readReportFile, shardProblem } from '../reports/baseline.js';
import { renderComparisonMarkdown } from '../reports/markdown.js';
import { InputError } from '../sim/load/index.js';
import { loadGatesFile } from './gates.js';
import { UsageError } from './usage.js';

export const COMPARE_USAGE = `Usage: parley compare BASELINE CURRENT [--gates FILE]

Compares two report.json files (or report directories) and prints the differences as a Markdown
table: overall and per scenario run (matched by file and seed), p50/p95 of voice-to-voice latency,
end-of-utterance delay and barge-in stop latency, and assertions that started failing or passing.
Exit 1 when CURRENT regresses against BASELINE: a statistic worse by more than both its relative
and absolute tolerance (default 10% and 30 ms), or an assertion that passed in BASELINE and fails.

Options:
  --gates FILE      tolerances (a YAML gates file; schema: scenarios/gates.schema.json)
  -h, --help        show this help`;

/** `parley compare`: returns the exit code. */
export async function compareCommand(args: readonly string[], out: NodeJS.WritableStream, err: NodeJS.WritableStream): Promise<number> {
  const { values, positionals } = parseArgs({
    args: [...args],
    options: { gates: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
    allowPositionals: true,
    strict: true,
  });
  if (values.help) {
    out.write(`${COMPARE_USAGE}\n`);
    return 0;
  }
  if (positionals.length !== 2) {
    throw new UsageError(`expected two reports, the baseline and the current run (e.g. parley compare main.json parley-report/report.json), got ${positionals.length}`);
  }
  if (values.gates === '') throw new UsageError('--gates expects a file');
  const [baselinePath, currentPath] = positionals as [string, string];

  const errors: InputError[] = [];
  let tolerances = DEFAULT_TOLERANCES;
  if (values.gates !== undefined) {
    const loaded = loadGatesFile(values.gates, values.gates);
    if (loaded.ok) tolerances = loaded.tolerances;
    else errors.push(...loaded.errors.map((e) => (e.position === undefined ? new InputError('--gates', undefined, `cannot read ${e.file}: ${e.message}`) : e)));
  }
  const baseline = readReportFile(baselinePath, baselinePath, { directories: true });
  const current = readReportFile(currentPath, currentPath, { directories: true });
  if (!baseline.ok) errors.push(baseline.error);
  else errors.push(...[shardProblem(baseline.report, baselinePath)].filter((e) => e !== undefined));
  if (!current.ok) errors.push(current.error);
  else errors.push(...[shardProblem(current.report, currentPath)].filter((e) => e !== undefined));
  if (errors.length > 0 || !baseline.ok || !current.ok) {
    for (const error of errors) err.write(`${error.toString()}\n`);
    return 2;
  }
  const comparison = compareReports(baseline.report, current.report, tolerances);
  out.write(renderComparisonMarkdown(comparison, { baseline: baselinePath, current: currentPath }));
  return comparison.passed ? 0 : 1;
}
