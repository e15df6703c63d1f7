import { join } from 'node:path';
import { writeFileAtomically } from './atomic.js';
import type { Comparison } from './comparison.js';
import { renderComparison } from './html/comparison.js';
import { renderDistributions } from './html/distributions.js';
import { SCRIPT, STYLE } from './html/assets.js';
import { renderRun, renderRunTable, type RunView } from './html/runs.js';
import { esc, millis, scriptJson } from './html/text.js';
import { renderLegend } from './html/timeline-svg.js';
import type { RunReport } from './json.js';
import { timelineId, type Timeline } from './timeline.js';

/** What the HTML report shows besides the run itself. */
export interface HtmlReportOptions {
  /** Baseline deltas (from `compareReports`): overall, per scenario, and in each run's section. */
  readonly comparison?: Comparison;
  /** Per timeline id, a WAV of the call (relative to the report's directory) to play in its section. */
  readonly audio?: Readonly<Record<string, string>>;
}

/**
 * report.html: one self-contained page (inline style and script, no external resource or font)
 * with a summary, latency histograms, baseline deltas when given, and per scenario run its
 * failures and timeline (see html/timeline-svg.ts for the drawing and its exact scale). The
 * inputs are embedded as JSON in `<script type="application/json" id="parley-data">`
 * (`{ report, timelines, comparison?, audio? }`). Deterministic: the same inputs give the same
 * string. Runs are matched to timelines by {@link timelineId}; a timeline without a run is not drawn.
 * @throws RangeError when an audio path is not relative (an absolute path or a URL).
 */
export function renderHtmlReport(report: RunReport, timelines: readonly Timeline[], options: HtmlReportOptions = {}): string {
  const byId = new Map(timelines.map((t) => [t.id, t]));
  const views: RunView[] = report.scenarios.map((result) => {
    const id = timelineId(result.file, result.seed);
    const audio = options.audio?.[id];
    return {
      anchor: `run-${id}`,
      id,
      result,
      timeline: byId.get(id),
      delta: options.comparison?.scenarios.find((s) => s.file === result.file && s.seed === result.seed),
      audio: audio === undefined ? undefined : relativeUrl(audio),
    };
  });
  const runs = [...views.filter((v) => !v.result.passed), ...views.filter((v) => v.result.passed)];
  const anchors = new Map(views.map((v) => [`${v.result.file}\n${v.result.seed}`, v.anchor]));
  const { summary } = report;
  const data = {
    report,
    timelines,
    ...(options.comparison ? { comparison: options.comparison } : {}),
    ...(options.audio ? { audio: options.audio } : {}),
  };
  const comparison = options.comparison
    ? `<section id="baseline"><h2>Against the baseline</h2>${renderComparison(options.comparison, (file, seed) => anchors.get(`${file}\n${seed}`))}</section>`
    : '';

  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="icon" href="data:,">
<title>parley report: ${summary.passed}/${summary.scenarios} passed</title>
<style>${STYLE}</style>
</head>
<body>
<header>
<h1>parley report</h1>
<p><span class="badge ${summary.failed > 0 ? 'fail' : 'pass'}">${summary.failed > 0 ? 'FAIL' : 'pass'}</span> <b>${summary.scenarios} scenario runs: ${summary.passed} passed, ${summary.failed} failed</b></p>
<p class="muted">${esc(runDescription(report))}</p>
<nav><a href="#metrics">metrics</a>${options.comparison ? '<a href="#baseline">baseline</a>' : ''}<a href="#latency">latency distributions</a><a href="#runs">scenario runs</a></nav>
</header>
<main>
<section id="metrics"><h2>Metrics over all runs</h2>${metricsTable(report)}</section>
${comparison}
<section id="latency"><h2>Latency distributions</h2>${renderDistributions(report, options.comparison)}</section>
<section id="runs"><h2>Scenario runs</h2>${renderRunTable(runs)}
<h3>Timelines</h3>
<p class="muted">One lane per stage, time in seconds from the start of the call. Red bands and markers: where an expectation failed (hover for details). Hover any bar or marker for its times.</p>
${renderLegend()}
<p class="run-tools" hidden><button type="button" data-expand="all">expand all</button> <button type="button" data-expand="none">collapse all</button></p>
${runs.map(renderRun).join('\n')}
</section>
</main>
<script type="application/json" id="parley-data">${scriptJson(data)}</script>
<script>${SCRIPT}</script>
</body>
</html>
`;
}

/** Writes DIR/report.html atomically (a temporary file renamed into place). Returns its path. */
export function writeHtmlReport(dir: string, report: RunReport, timelines: readonly Timeline[], options: HtmlReportOptions = {}): string {
  const path = join(dir, 'report.html');
  writeFileAtomically(path, renderHtmlReport(report, timelines, options));
  return path;
}

/** Config, seeds and schema, in a line. */
function runDescription(report: RunReport): string {
  const seeds =
    report.seed === null
      ? `each scenario's own seed${report.seeds > 1 ? ` and the ${report.seeds - 1} after it` : ''}`
      : report.seeds > 1
        ? `seeds ${report.seed}–${report.seed + report.seeds - 1}`
        : `seed ${report.seed}`;
  const mode = report.live ? 'live: real providers on the wall clock · ' : '';
  return `${mode}config ${report.config} · ${seeds} · report schema v${report.schemaVersion}`;
}

function metricsTable(report: RunReport): string {
  const rows = (
    [
      ['voice-to-voice', report.metrics.voiceToVoiceMs],
      ['end-of-utterance delay', report.metrics.eouDelayMs],
      ['barge-in stop', report.metrics.bargeInStopMs],
    ] as const
  ).map(
    ([name, s]) =>
      `<tr><th>${name}</th><td class="num">${s.count}</td>${[s.min, s.p50, s.p90, s.p95, s.p99, s.max].map((v) => `<td class="num">${millis(v)}</td>`).join('')}</tr>`,
  );
  return `<table class="metrics"><thead><tr><th>metric</th><th>count</th><th>min</th><th>p50</th><th>p90</th><th>p95</th><th>p99</th><th>max</th></tr></thead><tbody>${rows.join('')}</tbody></table>`;
}

/** A relative path as a URL (each segment encoded), refusing absolute paths and URLs. */
function relativeUrl(path: string): string {
  if (/^[a-z][a-z0-9+.-]*:/i.test(path) || path.startsWith('/') || path.startsWith('\\')) {
    throw new RangeError(`audio path must be relative to the report directory, got ${path}`);
  }
  return path.split(/[\\/]/).map(encodeURIComponent).join('/');
}
