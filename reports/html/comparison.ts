import type { Comparison, ComparedMetric, ComparedStat, MetricDelta, ScenarioComparison } from '../comparison.js';
import { esc } from './text.js';

/** Baseline deltas: the whole comparison (overall and per scenario), and one scenario's in its section. */

const METRIC_NAMES: Readonly<Record<ComparedMetric, string>> = {
  voiceToVoiceMs: 'voice-to-voice',
  eouDelayMs: 'end-of-utterance delay',
  bargeInStopMs: 'barge-in stop',
};
const COLUMNS: readonly (readonly [ComparedMetric, ComparedStat])[] = (['voiceToVoiceMs', 'eouDelayMs', 'bargeInStopMs'] as const).flatMap((m) =>
  (['p50', 'p95'] as const).map((s) => [m, s] as const),
);

/** Longer lists of regressions start collapsed (the per-scenario table shows them too). */
const OPEN_LIST_MAX = 12;

/** `827 → 900 (+73)` in ms; a dash for a side that is missing, one dash when both are. */
function change(d: MetricDelta): string {
  if (d.baseline === null && d.current === null) return '—';
  const side = (v: number | null): string => (v === null ? '—' : String(v));
  const delta = d.delta === null ? '' : ` (${d.delta > 0 ? '+' : ''}${d.delta})`;
  return `${side(d.baseline)} → ${side(d.current)}${delta}`;
}

function deltaCell(d: MetricDelta | undefined): string {
  if (d === undefined) return '<td class="muted">—</td>';
  const cls = d.regressed ? 'regressed' : d.delta !== null && d.delta < 0 ? 'improved' : '';
  const tolerance = `regression when worse by more than ${Math.round(d.tolerance.relative * 100)}% and ${d.tolerance.absoluteMs} ms`;
  return `<td class="num ${cls}" title="${esc(tolerance)}">${esc(change(d))}${d.regressed ? ' ▲' : ''}</td>`;
}

const find = (deltas: readonly MetricDelta[], metric: ComparedMetric, stat: ComparedStat): MetricDelta | undefined =>
  deltas.find((d) => d.metric === metric && d.stat === stat);

function assertionList(ids: readonly string[], cls: string): string {
  return ids.length === 0 ? '<span class="muted">—</span>' : ids.map((id) => `<code class="${cls}">${esc(id)}</code>`).join(' ');
}

/**
 * The comparison section: verdict, regressions, overall deltas and a row per scenario run
 * (regressed or newly failing ones first). `anchorOf` gives a run's section id when it is on the page.
 */
export function renderComparison(comparison: Comparison, anchorOf: (file: string, seed: number) => string | undefined): string {
  const verdict = comparison.passed
    ? '<p class="ok">No regression against the baseline.</p>'
    : `<p class="bad">${comparison.regressions.length} regression${comparison.regressions.length === 1 ? '' : 's'} against the baseline.</p>` +
      `<details class="regressions"${comparison.regressions.length <= OPEN_LIST_MAX ? ' open' : ''}><summary>the regressions, one per line</summary>` +
      `<ul>${comparison.regressions.map((r) => `<li>${esc(r)}</li>`).join('')}</ul></details>`;
  const overall =
    `<table class="deltas"><thead><tr><th>metric</th><th>p50 (ms)</th><th>p95 (ms)</th></tr></thead><tbody>` +
    (['voiceToVoiceMs', 'eouDelayMs', 'bargeInStopMs'] as const)
      .map((m) => `<tr><th>${METRIC_NAMES[m]}</th>${deltaCell(find(comparison.overall, m, 'p50'))}${deltaCell(find(comparison.overall, m, 'p95'))}</tr>`)
      .join('') +
    `</tbody></table>`;
  const worse = (s: ScenarioComparison): boolean => s.metrics.some((d) => d.regressed) || s.newlyFailing.length > 0;
  const rows = [...comparison.scenarios.filter(worse), ...comparison.scenarios.filter((s) => !worse(s))].map((s) => {
    const anchor = anchorOf(s.file, s.seed);
    const name = anchor ? `<a href="#${esc(anchor)}">${esc(s.name)}</a>` : esc(s.name);
    return (
      `<tr class="${worse(s) ? 'worse' : ''}"><td>${name}<div class="muted">${esc(s.file)} · seed ${s.seed}</div></td><td>${esc(s.status)}</td>` +
      COLUMNS.map(([m, stat]) => deltaCell(find(s.metrics, m, stat))).join('') +
      `<td>${assertionList(s.newlyFailing, 'fail')}</td><td>${assertionList(s.newlyPassing, 'pass')}</td></tr>`
    );
  });
  const header = COLUMNS.map(([m, stat]) => `<th>${METRIC_NAMES[m]} ${stat} (ms)</th>`).join('');
  return (
    `${verdict}${overall}<details class="per-scenario"${comparison.passed ? '' : ' open'}><summary>per scenario run (${comparison.scenarios.length})</summary>` +
    `<div class="table-scroll"><table class="deltas wide"><thead><tr><th>scenario</th><th>status</th>${header}<th>newly failing</th><th>newly passing</th></tr></thead>` +
    `<tbody>${rows.join('')}</tbody></table></div></details>`
  );
}

/** One scenario run's deltas, for its own section. */
export function renderRunDelta(s: ScenarioComparison): string {
  if (s.status !== 'compared') return `<p class="muted">Baseline: ${s.status === 'new' ? 'not in the baseline (new)' : 'only in the baseline'}.</p>`;
  const cells = (['voiceToVoiceMs', 'eouDelayMs', 'bargeInStopMs'] as const)
    .map((m) => `<tr><th>${METRIC_NAMES[m]}</th>${deltaCell(find(s.metrics, m, 'p50'))}${deltaCell(find(s.metrics, m, 'p95'))}</tr>`)
    .join('');
  const failing = s.newlyFailing.length > 0 ? `<p class="bad">Newly failing: ${assertionList(s.newlyFailing, 'fail')}</p>` : '';
  const passing = s.newlyPassing.length > 0 ? `<p class="ok">Newly passing: ${assertionList(s.newlyPassing, 'pass')}</p>` : '';
  return `<h4>Against the baseline</h4>${failing}${passing}<table class="deltas"><thead><tr><th>metric</th><th>p50 (ms)</th><th>p95 (ms)</th></tr></thead><tbody>${cells}</tbody></table>`;
}
