/**
 * The CI side of `parley run`: `--baseline FILE` (compare with an earlier report.json and fail on
 * regressions), `--update-baseline` (write this run's report there instead of failing),
 * `--gates FILE` (the tolerances) and `--junit FILE` (JUnit XML). Everything given is checked
 * before anything runs; the outputs are written after the run.
 *
 * @module
 */
import { statSync } from 'node:fs';
import { writeFileAtomically } from '../reports/atomic.js';
import { DEFAULT_TOLERANCES, readReportFile, shardProblem, writeBaseline } from '../reports/baseline.js';
import type { Comparison, Tolerances } from '../reports/comparison.js';
import type { RunReport } from '../reports/json.js';
import { renderJUnit } from '../reports/junit.js';
import { InputError } from '../sim/load/index.js';
import { loadGatesFile } from './gates.js';
import { UsageError } from './usage.js';

/** The flags, as parsed. */
export interface GateFlags {
  readonly baseline?: string | undefined;
  readonly updateBaseline?: boolean | undefined;
  readonly gates?: string | undefined;
  readonly junit?: string | undefined;
  /** The run is one shard (`--shard`): it cannot be compared with a whole run. */
  readonly sharded?: boolean;
}

/** What the flags asked for, checked. */
export interface Gate {
  /** The --baseline path, as given. */
  readonly baselinePath: string | undefined;
  /** The baseline to compare with (absent without --baseline, or when --update-baseline creates it). */
  readonly baseline: { readonly report: RunReport; readonly tolerances: Tolerances } | undefined;
  /** Why there is nothing to compare with although --baseline was given (only with --update-baseline). */
  readonly noComparison: string | undefined;
  readonly update: boolean;
  readonly junit: string | undefined;
}

/**
 * Checks the flags before the run. Usage mistakes throw `UsageError`; an unreadable or invalid
 * baseline or gates file comes back as errors (exit 2). With `--update-baseline`, a missing
 * baseline, or one of another report schema version, is fine: it is replaced.
 */
export function prepareGate(flags: GateFlags): { ok: true; gate: Gate } | { ok: false; errors: InputError[] } {
  if (flags.updateBaseline && flags.baseline === undefined) throw new UsageError('--update-baseline needs --baseline FILE (where to write it)');
  if (flags.gates !== undefined && flags.baseline === undefined) throw new UsageError('--gates needs --baseline FILE (the tolerances apply to a comparison)');
  if (flags.baseline !== undefined && flags.sharded) {
    throw new UsageError('--baseline compares whole runs, not shards: join the shards with parley merge, then use parley compare BASELINE MERGED/report.json');
  }
  for (const [flag, value] of [['--baseline', flags.baseline], ['--gates', flags.gates], ['--junit', flags.junit]] as const) {
    if (value === '') throw new UsageError(`${flag} expects a file`);
  }
  const errors: InputError[] = [];
  if (flags.junit !== undefined && isDirectory(flags.junit)) errors.push(new InputError('--junit', undefined, `${flags.junit} is a directory, expected a file`));

  let tolerances = DEFAULT_TOLERANCES;
  if (flags.gates !== undefined) {
    const loaded = loadGatesFile(flags.gates, flags.gates);
    if (loaded.ok) tolerances = loaded.tolerances;
    else errors.push(...loaded.errors.map((e) => (e.position === undefined ? new InputError('--gates', undefined, `cannot read ${e.file}: ${e.message}`) : e)));
  }

  let baseline: Gate['baseline'];
  let noComparison: string | undefined;
  if (flags.baseline !== undefined) {
    const read = readReportFile(flags.baseline, flags.baseline);
    const shard = read.ok ? shardProblem(read.report, flags.baseline) : undefined;
    if (shard) {
      errors.push(shard);
    } else if (read.ok) {
      baseline = { report: read.report, tolerances };
    } else if (flags.updateBaseline && (read.reason === 'missing' || read.reason === 'version')) {
      noComparison = read.reason === 'missing' ? `${flags.baseline} does not exist yet` : read.error.toString();
    } else if (read.reason === 'missing' || read.reason === 'unreadable') {
      errors.push(new InputError('--baseline', undefined, `cannot read ${flags.baseline}: ${read.error.message}`));
    } else {
      errors.push(read.error);
    }
  }
  if (errors.length > 0) return { ok: false, errors };
  return { ok: true, gate: { baselinePath: flags.baseline, baseline, noComparison, update: flags.updateBaseline ?? false, junit: flags.junit } };
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

/** `3 scenario runs compared, 1 new, 1 removed`. */
export function comparedCounts(comparison: Comparison): string {
  const count = (status: string) => comparison.scenarios.filter((s) => s.status === status).length;
  const added = count('new');
  const removed = count('removed');
  return `${count('compared')} scenario runs compared${added > 0 ? `, ${added} new` : ''}${removed > 0 ? `, ${removed} removed` : ''}`;
}

/**
 * The baseline section printed after the summary line:
 * `no regression against main.json (3 scenario runs compared)`, or
 * `2 regressions against main.json:` and one indented line per regression.
 */
export function baselineSection(comparison: Comparison, baselinePath: string): string[] {
  if (comparison.passed) return [`no regression against ${baselinePath} (${comparedCounts(comparison)})`];
  const n = comparison.regressions.length;
  return [`${n} regression${n === 1 ? '' : 's'} against ${baselinePath} (${comparedCounts(comparison)}):`, ...comparison.regressions.map((r) => `  ${r}`)];
}

/**
 * After the run: writes the JUnit file, prints the baseline section, writes the new baseline.
 * Returns 1 when the gate fails (a regression, without --update-baseline), 2 when a file cannot
 * be written, else 0.
 */
export function finishGate(gate: Gate, report: RunReport, comparison: Comparison | undefined, out: NodeJS.WritableStream, err: NodeJS.WritableStream): number {
  if (gate.junit !== undefined) {
    try {
      writeFileAtomically(gate.junit, renderJUnit(report));
    } catch (error) {
      err.write(`--junit: cannot write ${gate.junit}: ${error instanceof Error ? error.message : String(error)}\n`);
      return 2;
    }
  }
  if (gate.baselinePath === undefined) return 0;
  const lines: string[] = [];
  if (comparison) lines.push(...baselineSection(comparison, gate.baselinePath));
  else if (gate.noComparison !== undefined) lines.push(`no comparison: ${gate.noComparison}`);
  if (gate.update) {
    try {
      writeBaseline(gate.baselinePath, report);
    } catch (error) {
      out.write(`\n${lines.join('\n')}\n`);
      err.write(`--baseline: cannot write ${gate.baselinePath}: ${error instanceof Error ? error.message : String(error)}\n`);
      return 2;
    }
    lines.push(`updated baseline ${gate.baselinePath}`);
  }
  out.write(`\n${lines.join('\n')}\n`);
  return comparison && !comparison.passed && !gate.update ? 1 : 0;
}
