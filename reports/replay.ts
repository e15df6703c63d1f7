/**
 * The report of `parley replay`: recorded calls, what happened in them, and what each config
 * would have decided; totals per config; and, with a second config, how it compares with the
 * first (`--against`), gated like `parley run --baseline`.
 *
 * @module
 */
import { join } from 'node:path';
import { summarize, type Summary } from '../core/metrics/summary.js';
import type { ReplayDecisions } from '../sim/replay/decide.js';
import type { ReplayedCall } from '../sim/replay/replay-call.js';
import { writeFileAtomically } from './atomic.js';
import { exceeds, formatMs } from './baseline.js';
import type { Tolerance } from './comparison.js';

export const REPLAY_SCHEMA_VERSION = 1;

/** What a config did over all the calls. */
export interface ReplayTotals {
  readonly turns: number;
  /** Overlaps the caller started, which the config's interruption policy judged. */
  readonly overlaps: number;
  readonly prematureEndpoints: number;
  readonly falseBargeIns: number;
  readonly missedBargeIns: number;
  readonly eouDelayMs: Summary;
  readonly responseMs: Summary;
}

/** A count or statistic of the compared config against the reference one. */
export interface ReplayDelta {
  /** `prematureEndpoints`, `falseBargeIns`, `missedBargeIns`, `eouDelayMs.p50`, `responseMs.p95`, … */
  readonly measure: string;
  readonly reference: number | null;
  readonly compared: number | null;
  readonly tolerance: Tolerance;
  readonly regressed: boolean;
}

/** One recording in the report. */
export interface ReplayCallReport {
  readonly file: string;
  readonly durationMs: number;
  readonly sampleRate: number;
  readonly channels: ReplayedCall['channels'];
  readonly transcript: boolean;
  readonly recorded: ReplayedCall['recorded'];
  /** Per config name, its decisions. */
  readonly configs: Readonly<Record<string, ReplayDecisions>>;
}

/** report.json of `parley replay`. */
export interface ReplayReport {
  readonly schemaVersion: number;
  readonly kind: 'replay';
  /** The configs, reference first. */
  readonly configs: readonly string[];
  readonly summary: {
    readonly calls: number;
    /** Recordings (or transcripts) that could not be used; listed in `failures`. */
    readonly failed: number;
    readonly byConfig: Readonly<Record<string, ReplayTotals>>;
  };
  /** The second config against the first (`--against`). */
  readonly comparison?: { readonly reference: string; readonly compared: string; readonly deltas: readonly ReplayDelta[]; readonly regressed: boolean };
  readonly calls: readonly ReplayCallReport[];
  readonly failures: readonly { readonly file: string; readonly error: string }[];
}

/** The tolerances of the comparison: latencies like `parley run --baseline`; counts may not grow. */
export interface ReplayTolerances {
  readonly eouDelayMs: { readonly p50: Tolerance; readonly p95: Tolerance };
  readonly responseMs: { readonly p50: Tolerance; readonly p95: Tolerance };
  readonly counts: Tolerance;
}

/** Counts regress when they grow at all, and by more than 10%. */
export const COUNT_TOLERANCE: Tolerance = { relative: 0.1, absoluteMs: 0 };

/** Assembles the report. Calls come in the order given (sorted by the caller). */
export function buildReplayReport(
  configs: readonly string[],
  calls: readonly ReplayedCall[],
  failures: readonly { file: string; error: string }[],
  tolerances: ReplayTolerances,
): ReplayReport {
  const entries: ReplayCallReport[] = calls.map((call) => ({
    file: call.file,
    durationMs: call.durationMs,
    sampleRate: call.sampleRate,
    channels: call.channels,
    transcript: call.transcript,
    recorded: call.recorded,
    configs: Object.fromEntries(call.configs.map((c) => [c.name, c.decisions])),
  }));
  const byConfig = Object.fromEntries(configs.map((name) => [name, totals(entries.map((e) => e.configs[name]!))]));
  const [reference, compared] = configs;
  const comparison = compared === undefined ? undefined : compare(reference!, compared, byConfig[reference!]!, byConfig[compared]!, tolerances);
  return {
    schemaVersion: REPLAY_SCHEMA_VERSION,
    kind: 'replay',
    configs,
    summary: { calls: entries.length, failed: failures.length, byConfig },
    ...(comparison ? { comparison } : {}),
    calls: entries,
    failures,
  };
}

function totals(decisions: readonly ReplayDecisions[]): ReplayTotals {
  const turns = decisions.flatMap((d) => d.turns);
  return {
    turns: turns.length,
    overlaps: decisions.reduce((n, d) => n + d.overlaps.length, 0),
    prematureEndpoints: decisions.reduce((n, d) => n + d.counts.prematureEndpoints, 0),
    falseBargeIns: decisions.reduce((n, d) => n + d.counts.falseBargeIns, 0),
    missedBargeIns: decisions.reduce((n, d) => n + d.counts.missedBargeIns, 0),
    eouDelayMs: summarize(turns.map((t) => t.eouDelayMs)),
    responseMs: summarize(turns.map((t) => t.responseMs)),
  };
}

function compare(reference: string, compared: string, a: ReplayTotals, b: ReplayTotals, tolerances: ReplayTolerances): NonNullable<ReplayReport['comparison']> {
  const deltas: ReplayDelta[] = [];
  for (const measure of ['prematureEndpoints', 'falseBargeIns', 'missedBargeIns'] as const) {
    deltas.push(delta(measure, a[measure], b[measure], tolerances.counts));
  }
  for (const metric of ['eouDelayMs', 'responseMs'] as const) {
    for (const stat of ['p50', 'p95'] as const) deltas.push(delta(`${metric}.${stat}`, a[metric][stat], b[metric][stat], tolerances[metric][stat]));
  }
  return { reference, compared, deltas, regressed: deltas.some((d) => d.regressed) };
}

function delta(measure: string, reference: number | null, compared: number | null, tolerance: Tolerance): ReplayDelta {
  return { measure, reference, compared, tolerance, regressed: reference !== null && compared !== null && exceeds(reference, compared, tolerance) };
}

/** The report as written: two-space JSON with a final newline. */
export function serializeReplayReport(report: ReplayReport): string {
  return `${JSON.stringify(report, null, 2)}\n`;
}

/** Writes DIR/report.json atomically; returns its path. */
export function writeReplayReport(dir: string, report: ReplayReport): string {
  const path = join(dir, 'report.json');
  writeFileAtomically(path, serializeReplayReport(report));
  return path;
}

const MEASURE_LABELS: Readonly<Record<string, string>> = {
  prematureEndpoints: 'premature endpoints',
  falseBargeIns: 'false barge-ins',
  missedBargeIns: 'missed barge-ins',
  'eouDelayMs.p50': 'end-of-utterance delay p50',
  'eouDelayMs.p95': 'end-of-utterance delay p95',
  'responseMs.p50': 'response latency p50',
  'responseMs.p95': 'response latency p95',
};

/** A measure's name for people. */
export function measureLabel(measure: string): string {
  return MEASURE_LABELS[measure] ?? measure;
}

/** A delta's values, for people: counts as counts, latencies in ms. */
export function describeDelta(d: ReplayDelta): string {
  const show = (v: number | null): string => (v === null ? '—' : d.measure.includes('Ms') ? formatMs(v) : String(v));
  return `${measureLabel(d.measure)}: ${show(d.reference)} → ${show(d.compared)}`;
}

/** summary.md: totals per config, the comparison, each call's recorded facts and counts, the failures. */
export function renderReplayMarkdown(report: ReplayReport): string {
  const lines: string[] = ['# parley replay', ''];
  const { summary } = report;
  lines.push(`${summary.calls} recorded calls replayed with ${report.configs.map((c) => `\`${c}\``).join(' and ')}${summary.failed > 0 ? `; ${summary.failed} could not be read` : ''}.`, '');
  lines.push(`| config | turns | premature endpoints | false barge-ins | missed barge-ins | end of utterance p50 / p95 | response p50 / p95 |`);
  lines.push('|---|---|---|---|---|---|---|');
  for (const name of report.configs) {
    const t = summary.byConfig[name]!;
    lines.push(
      `| \`${name}\` | ${t.turns} | ${t.prematureEndpoints} | ${t.falseBargeIns} | ${t.missedBargeIns} | ${ms(t.eouDelayMs.p50)} / ${ms(t.eouDelayMs.p95)} | ${ms(t.responseMs.p50)} / ${ms(t.responseMs.p95)} |`,
    );
  }
  if (report.comparison) {
    const { comparison } = report;
    lines.push('', `## \`${comparison.compared}\` against \`${comparison.reference}\`: ${comparison.regressed ? '**worse**' : 'not worse'}`, '');
    for (const d of comparison.deltas) lines.push(`- ${d.regressed ? '✗' : '·'} ${describeDelta(d)}`);
  }
  lines.push('', '## Calls', '', `| call | length | caller turns | agent answers: gap p50 | overlaps (by caller / agent) | ${report.configs.map((c) => `\`${c}\`: premature / false / missed`).join(' | ')} |`);
  lines.push(`|---|---|---|---|---|${report.configs.map(() => '---').join('|')}|`);
  for (const call of report.calls) {
    const gaps = summarize(call.recorded.responses.map((r) => r.gapMs));
    const byUser = call.recorded.overlaps.filter((o) => o.by === 'user').length;
    const cells = report.configs.map((name) => {
      const c = call.configs[name]!.counts;
      return `${c.prematureEndpoints} / ${c.falseBargeIns} / ${c.missedBargeIns}`;
    });
    lines.push(`| ${call.file} | ${(call.durationMs / 1000).toFixed(1)} s | ${call.recorded.turns.length} | ${ms(gaps.p50)} | ${byUser} / ${call.recorded.overlaps.length - byUser} | ${cells.join(' | ')} |`);
  }
  if (report.failures.length > 0) {
    lines.push('', '## Not replayed', '');
    for (const f of report.failures) lines.push(`- ${f.error}`);
  }
  return `${lines.join('\n')}\n`;
}

function ms(value: number | null): string {
  return value === null ? '—' : `${value} ms`;
}
