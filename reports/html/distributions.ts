import type { Comparison, ComparedMetric } from '../comparison.js';
import type { RunReport } from '../json.js';
import { esc, px } from './text.js';

/**
 * Latency histograms over every run of a report: one per gated metric, from the per-turn and
 * per-overlap values in the report (the same values its summaries are computed from), with the
 * p50 and p95 drawn as lines and, given a comparison, the baseline's as dashed lines.
 */

/** The metrics drawn, their titles and what one value is. */
const METRICS: readonly { readonly metric: ComparedMetric; readonly title: string; readonly unit: string }[] = [
  { metric: 'voiceToVoiceMs', title: 'voice-to-voice', unit: 'turns' },
  { metric: 'eouDelayMs', title: 'end-of-utterance delay', unit: 'turns' },
  { metric: 'bargeInStopMs', title: 'barge-in stop', unit: 'barge-ins' },
];

const NICE_STEPS = [5, 10, 20, 25, 50, 100, 200, 250, 500, 1000, 2000, 2500, 5000, 10_000, 20_000, 50_000] as const;
const MAX_BINS = 24;
const WIDTH = 400;
const HEIGHT = 190;
const LEFT = 34;
const RIGHT = 14;
const TOP = 24;
const BOTTOM = 32;
/** Width of a label character (10 px bold), to keep labels inside the chart. */
const LABEL_CHAR_PX = 6.5;

/** The values of a metric over all runs of a report. */
function metricValues(report: RunReport, metric: ComparedMetric): number[] {
  const values =
    metric === 'bargeInStopMs'
      ? report.scenarios.flatMap((s) => s.overlaps.filter((o) => o.kind === 'bargeIn').map((o) => o.stopLatencyMs))
      : report.scenarios.flatMap((s) => s.turns.map((t) => t[metric]));
  return values.filter((v): v is number => v !== null).sort((a, b) => a - b);
}

/** Bins of a nice width (5, 10, 20, 25, 50, 100 ms, …) covering sorted values in at most {@link MAX_BINS} bins. */
function histogram(sorted: readonly number[]): { lo: number; step: number; counts: number[] } {
  const min = sorted[0] ?? 0;
  const max = sorted.at(-1) ?? 0;
  const step = NICE_STEPS.find((s) => Math.floor(max / s) - Math.floor(min / s) + 1 <= MAX_BINS) ?? NICE_STEPS[NICE_STEPS.length - 1]!;
  const lo = Math.floor(min / step) * step;
  const counts = new Array<number>(Math.floor((max - lo) / step) + 1).fill(0);
  for (const v of sorted) counts[Math.floor((v - lo) / step)]! += 1;
  return { lo, step, counts };
}

/** The three histograms as an HTML fragment. */
export function renderDistributions(report: RunReport, comparison?: Comparison): string {
  const charts = METRICS.map(({ metric, title, unit }) => {
    const values = metricValues(report, metric);
    const summary = report.metrics[metric];
    const caption = values.length === 0 ? 'no values' : `${values.length} ${unit} · p50 ${summary.p50} · p95 ${summary.p95} · max ${summary.max} ms`;
    const baseline = (stat: 'p50' | 'p95'): number | null => comparison?.overall.find((d) => d.metric === metric && d.stat === stat)?.baseline ?? null;
    const chart =
      values.length === 0
        ? ''
        : histogramSvg(metric, values, [
            { stat: 'p50', ms: summary.p50, baseline: false },
            { stat: 'p95', ms: summary.p95, baseline: false },
            { stat: 'p50', ms: baseline('p50'), baseline: true },
            { stat: 'p95', ms: baseline('p95'), baseline: true },
          ]);
    return `<figure class="dist"><figcaption><b>${esc(title)}</b> <span class="muted">${esc(caption)}</span></figcaption>${chart}</figure>`;
  });
  return `<div class="dists">${charts.join('')}</div>`;
}

interface Line {
  readonly stat: string;
  readonly ms: number | null;
  readonly baseline: boolean;
}

function histogramSvg(metric: string, values: readonly number[], lines: readonly Line[]): string {
  const { lo, step, counts } = histogram(values);
  const shown = lines.filter((l): l is Line & { ms: number } => l.ms !== null);
  // The axis also covers the percentile lines (a baseline may lie outside today's values).
  const hiValue = Math.max(lo + counts.length * step, ...shown.map((l) => l.ms + 1));
  const loValue = Math.min(lo, ...shown.map((l) => l.ms));
  const plotW = WIDTH - LEFT - RIGHT;
  const plotH = HEIGHT - TOP - BOTTOM;
  const x = (ms: number): number => LEFT + ((ms - loValue) / (hiValue - loValue)) * plotW;
  const peak = Math.max(...counts);
  const bars = counts.map((count, i) => {
    const from = lo + i * step;
    const h = (count / peak) * plotH;
    return (
      `<rect class="bar" data-from-ms="${from}" data-to-ms="${from + step}" data-count="${count}" x="${px(x(from) + 0.5)}" y="${px(TOP + plotH - h)}" ` +
      `width="${px(Math.max(0, x(from + step) - x(from) - 1))}" height="${px(h)}"><title>${from}–${from + step - 1} ms: ${count}</title></rect>`
    );
  });
  const ticks = axisTicks(loValue, hiValue).map(
    (ms) => `<line class="grid" x1="${px(x(ms))}" x2="${px(x(ms))}" y1="${TOP + plotH}" y2="${TOP + plotH + 4}"/><text class="tick-label" x="${px(x(ms))}" y="${TOP + plotH + 15}">${ms}</text>`,
  );
  const marks = shown.map((l, i) => {
    const cls = `pct${l.baseline ? ' baseline' : ''}`;
    const label = `${l.baseline ? 'baseline ' : ''}${l.stat} ${l.ms}`;
    return (
      `<g class="${cls}" data-stat="${l.stat}" data-ms="${l.ms}"><line x1="${px(x(l.ms))}" x2="${px(x(l.ms))}" y1="${TOP - 2}" y2="${TOP + plotH}"/>` +
      `${labelAt(x(l.ms), TOP - 12 + (i % 2) * 9, label)}<title>${esc(label)} ms</title></g>`
    );
  });
  return (
    `<svg class="hist" width="${WIDTH}" height="${HEIGHT}" data-metric="${esc(metric)}" role="img" aria-label="${esc(`histogram of ${metric}`)}">` +
    `<line class="axis-line" x1="${LEFT}" x2="${WIDTH - RIGHT}" y1="${TOP + plotH}" y2="${TOP + plotH}"/>` +
    `<text class="count-label" x="${LEFT - 4}" y="${TOP + 8}">${peak}</text><text class="count-label" x="${LEFT - 4}" y="${TOP + plotH}">0</text>` +
    `${bars.join('')}${ticks.join('')}${marks.join('')}<text class="count-label" x="${WIDTH - RIGHT}" y="${HEIGHT - 2}">ms</text></svg>`
  );
}

/** A percentile's label right of its line, or left of it near the right edge. */
function labelAt(lineX: number, y: number, text: string): string {
  const roomy = lineX + 3 + text.length * LABEL_CHAR_PX <= WIDTH;
  return `<text x="${px(roomy ? lineX + 3 : lineX - 3)}" y="${y}"${roomy ? '' : ' text-anchor="end"'}>${esc(text)}</text>`;
}

/** About five round tick values across [lo, hi]. */
function axisTicks(lo: number, hi: number): number[] {
  const step = NICE_STEPS.find((s) => (hi - lo) / s <= 5) ?? NICE_STEPS[NICE_STEPS.length - 1]!;
  const ticks: number[] = [];
  for (let v = Math.ceil(lo / step) * step; v <= hi; v += step) ticks.push(v);
  return ticks;
}
