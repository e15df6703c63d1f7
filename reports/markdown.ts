/**
 * Markdown for people and CI step summaries: the summary of a run (DIR/summary.md, written on every
 * run, e.g. `cat parley-report/summary.md >> "$GITHUB_STEP_SUMMARY"`), and the table of differences
 * between two runs (`parley compare`).
 *
 * Deterministic: the same report (and comparison) gives the same text.
 *
 * @module
 */
import { assertionKey, COMPARED_METRICS, exceeds, formatChange, formatMs, formatTolerance, METRIC_LABELS } from './baseline.js';
import type { Comparison, MetricDelta, ScenarioComparison } from './comparison.js';
import type { RunReport } from './json.js';

/** At most this many failing runs are listed in the summary (the rest are counted). */
export const MAX_FAILURE_ROWS = 100;
/** Failure messages in the summary table are cut to this many characters. */
const MAX_MESSAGE = 240;

/** Text safe in a line of Markdown: no line breaks, no raw HTML. */
export function inline(text: string): string {
  return text.replace(/\r?\n/g, ' ').replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** Text safe in a Markdown table cell: {@link inline}, with `|` escaped. */
export function cell(text: string): string {
  return inline(text).replace(/\|/g, '\\|');
}

/** Inline code of `text` (backticks inside are swapped for ʼ, which a code span cannot escape). */
function code(text: string): string {
  return `\`${text.replace(/`/g, 'ʼ').replace(/\|/g, '\\|')}\``;
}

function truncate(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

function table(head: readonly string[], rows: readonly (readonly string[])[]): string[] {
  return [`| ${head.join(' | ')} |`, `|${head.map(() => '---').join('|')}|`, ...rows.map((r) => `| ${r.join(' | ')} |`)];
}

const ms = (value: number | null): string => (value === null ? '—' : formatMs(value));

/** Options of {@link renderMarkdownSummary}. */
export interface SummaryOptions {
  /** How the baseline is named in the text, e.g. its path. */
  readonly baseline?: string;
}

/**
 * The summary of a run: a heading with the pass/fail counts, the failing runs with their first
 * failure, overall p50/p95 of each metric, and, with a comparison, the baseline regressions.
 */
export function renderMarkdownSummary(report: RunReport, comparison?: Comparison, options: SummaryOptions = {}): string {
  const { scenarios, passed, failed } = report.summary;
  const lines: string[] = [];
  lines.push(
    failed === 0
      ? `## ✅ parley: ${passed} of ${scenarios} scenario runs passed`
      : `## ❌ parley: ${failed} of ${scenarios} scenario runs failed`,
  );
  lines.push('');
  const seeds =
    report.seed === null
      ? `${report.seeds === 1 ? 'each scenario with its own seed' : `${report.seeds} seeds per scenario from its own`}`
      : report.seeds === 1
        ? `seed ${report.seed}`
        : `seeds ${report.seed}–${report.seed + report.seeds - 1}`;
  lines.push(`${report.live ? 'Live run (real providers, wall clock) · c' : 'C'}onfig ${code(report.config)} · ${seeds} · ${passed} passed, ${failed} failed`);

  const failing = report.scenarios.filter((r) => !r.passed);
  if (failing.length > 0) {
    lines.push('', '### Failures', '');
    const rows = failing.slice(0, MAX_FAILURE_ROWS).map((run) => {
      const failures = run.assertions.filter((a) => !a.passed);
      const first = failures[0];
      const text = first === undefined ? 'failed' : `${code(assertionKey(first))}: ${cell(truncate(first.message, MAX_MESSAGE))}`;
      const more = failures.length > 1 ? ` (+${failures.length - 1} more: ${failures.slice(1).map((a) => code(a.id)).join(', ')})` : '';
      return [cell(run.name), code(run.file), String(run.seed), `${text}${more}`];
    });
    lines.push(...table(['scenario', 'file', 'seed', 'first failure'], rows));
    if (failing.length > MAX_FAILURE_ROWS) lines.push('', `… and ${failing.length - MAX_FAILURE_ROWS} more failing runs (see report.json).`);
  }

  lines.push('', '### Latency over all runs', '');
  const counted: Record<(typeof COMPARED_METRICS)[number], string> = { voiceToVoiceMs: 'turns', eouDelayMs: 'turns', bargeInStopMs: 'barge-ins' };
  lines.push(
    ...table(
      ['metric', 'count', 'p50', 'p95'],
      COMPARED_METRICS.map((m) => {
        const s = report.metrics[m];
        return [METRIC_LABELS[m], `${s.count} ${counted[m]}`, ms(s.p50), ms(s.p95)];
      }),
    ),
  );

  if (comparison) {
    const against = options.baseline === undefined ? 'the baseline' : code(options.baseline);
    lines.push('', '### Baseline', '');
    const compared = comparison.scenarios.filter((s) => s.status === 'compared').length;
    const added = comparison.scenarios.filter((s) => s.status === 'new').length;
    const removed = comparison.scenarios.filter((s) => s.status === 'removed').length;
    const counts = `${compared} scenario runs compared${added > 0 ? `, ${added} new` : ''}${removed > 0 ? `, ${removed} removed` : ''}`;
    if (comparison.passed) {
      lines.push(`✅ No regression against ${against} (${counts}).`);
    } else {
      const n = comparison.regressions.length;
      lines.push(`❌ ${n} regression${n === 1 ? '' : 's'} against ${against} (${counts}):`, '');
      lines.push(...comparison.regressions.map((r) => `- ${inline(r)}`));
    }
  }
  return `${lines.join('\n')}\n`;
}

/** The verdict on one statistic. */
export function verdict(delta: MetricDelta): string {
  if (delta.baseline === null && delta.current === null) return 'not measured';
  if (delta.baseline === null) return 'not in baseline';
  if (delta.current === null) return 'no longer measured';
  if (delta.regressed) return `**regressed** (tolerance ${formatTolerance(delta.tolerance)})`;
  if (delta.delta === 0) return 'same';
  if (exceeds(delta.current, delta.baseline, delta.tolerance)) return 'improved';
  return 'within tolerance';
}

function metricRow(label: string, delta: MetricDelta): string[] {
  const change = delta.baseline === null || delta.delta === null ? '' : delta.delta === 0 ? '0 ms' : formatChange(delta.baseline, delta.delta);
  return [label, `${METRIC_LABELS[delta.metric]} ${delta.stat}`, ms(delta.baseline), ms(delta.current), change, verdict(delta)];
}

/** A statistic worth a row for a scenario: it changed, or is measured in only one run. */
function changed(delta: MetricDelta): boolean {
  return (delta.baseline === null) !== (delta.current === null) || (delta.delta !== null && delta.delta !== 0);
}

function scenarioRows(scenario: ScenarioComparison): string[][] {
  const label = `${code(scenario.file)} (seed ${scenario.seed})`;
  if (scenario.status !== 'compared') return [[label, '', '', '', '', scenario.status === 'new' ? 'new (not in baseline)' : 'removed (only in baseline)']];
  return [
    ...scenario.metrics.filter(changed).map((d) => metricRow(label, d)),
    ...scenario.newlyFailing.map((a) => [label, `assertion ${code(a)}`, 'passed', 'failed', '', '**regressed**']),
    ...scenario.newlyPassing.map((a) => [label, `assertion ${code(a)}`, 'failed', 'passed', '', 'fixed']),
  ];
}

/** Options of {@link renderComparisonMarkdown}. */
export interface ComparisonOptions {
  /** How the two runs are named, e.g. their paths. */
  readonly baseline?: string;
  readonly current?: string;
}

/**
 * The differences between two runs as a Markdown table (scenario, metric, baseline, current,
 * delta, verdict): every overall statistic, then per scenario run only what changed (statistics
 * that moved or are measured in one run only, assertions that started failing or passing, runs
 * new or removed). A heading says whether anything regressed; a last line counts the unchanged runs.
 */
export function renderComparisonMarkdown(comparison: Comparison, options: ComparisonOptions = {}): string {
  const n = comparison.regressions.length;
  const lines = [comparison.passed ? '## ✅ parley compare: no regression' : `## ❌ parley compare: ${n} regression${n === 1 ? '' : 's'}`, ''];
  if (options.baseline !== undefined && options.current !== undefined) lines.push(`Baseline ${code(options.baseline)} → current ${code(options.current)}`, '');
  const rows = comparison.overall.map((d) => metricRow('overall', d));
  let unchanged = 0;
  for (const scenario of comparison.scenarios) {
    const own = scenarioRows(scenario);
    if (own.length === 0) unchanged += 1;
    rows.push(...own);
  }
  lines.push(...table(['scenario', 'metric', 'baseline', 'current', 'delta', 'verdict'], rows));
  const compared = comparison.scenarios.filter((s) => s.status === 'compared').length;
  lines.push('', `${compared} scenario runs compared, ${unchanged} unchanged.`);
  if (!comparison.passed) {
    lines.push('', 'Regressions:', '', ...comparison.regressions.map((r) => `- ${inline(r)}`));
  }
  return `${lines.join('\n')}\n`;
}
