import type { TurnReport } from '../../sim/assert/analysis.js';
import { packRows } from '../span-rows.js';
import type { Mark, Span, Timeline, TimelineViolation } from '../timeline.js';
import { esc, px, seconds } from './text.js';

/**
 * One call's timeline as SVG. The scale is exact and exposed so tests (and readers) can check it:
 * the timeline `<svg class="tl">` carries `data-px-per-ms` and `data-offset-px`, and every drawn
 * element of a call sits at x = offset + ms × px-per-ms in that SVG's coordinates:
 * - spans (and words, violation bands): a nested `<svg class="span">` with `data-lane`,
 *   `data-kind`, `data-start-ms`, `data-end-ms`, whose `x`/`width` are the start and duration;
 *   its `<rect>` fills it (measure the rect: nested SVG boxes are not reported by every browser);
 * - marks: `<g class="mark">` with `data-lane`, `data-kind`, `data-at-ms` and
 *   `transform="translate(x 0)"`; its `<line class="stem">` is at x = 0 inside.
 * The lanes are the timeline's, plus `turns` (end-of-utterance and voice-to-voice latency per
 * turn, from the report's turns) and `violations`. Zooming (the page's script) rewrites exactly
 * these attributes from the data attributes.
 */

/** Left margin of the time axis, in px: time 0 is drawn at this x. */
export const TIMELINE_OFFSET_PX = 12;
const RIGHT_PAD_PX = 80;
/** Calls up to this wide at the finest scale fit; longer ones scroll (or zoom out). */
const FIT_WIDTH_PX = 1500;
/** Candidate scales in px per ms, finest first; the coarsest keeps a word about 30 px wide. */
const SCALES = [0.25, 0.2, 0.15, 0.12, 0.1] as const;
/** Tick spacings in seconds; the smallest giving at least {@link MIN_TICK_PX} between ticks is used. */
const TICK_STEPS = [1, 2, 5, 10, 15, 30, 60] as const;
const MIN_TICK_PX = 60;
/** How far past the end of the call the last label of a lane may run (the SVG's edge clips it). */
const LAST_LABEL_MS = 10_000;

const AXIS_H = 20;
const VIOLATION_H = 16;
const ROW_H = 16;
const USER_ROW_H = 22;
const MARK_ROW_H = 16;
const LANE_PAD = 3;
const MIN_LANE_H = 22;
const LABEL_WIDTH = 170;

/** The scale a call is first drawn at: the finest of {@link SCALES} that fits, else the coarsest. */
export function timelineScale(durationMs: number): number {
  return SCALES.find((scale) => durationMs * scale <= FIT_WIDTH_PX) ?? SCALES[SCALES.length - 1]!;
}

/** The tick spacing (s) for a scale: ticks at least {@link MIN_TICK_PX} apart. */
function tickStep(pxPerMs: number): number {
  return TICK_STEPS.find((step) => step * 1000 * pxPerMs >= MIN_TICK_PX) ?? TICK_STEPS[TICK_STEPS.length - 1]!;
}

/** Mark kinds whose label is written next to them (the rest show it on hover). */
const LABELLED: Readonly<Record<string, readonly string[]>> = {
  stt: ['final', 'turn', 'error'],
  endpoint: ['hold', 'eager', 'end', 'resumed', 'discarded'],
  llm: ['first_token'],
  tts: ['first_byte'],
  overlaps: ['bargeIn', 'backchannel', 'echo', 'noise'],
};
/** Marks drawn as a short tick rather than a triangle. */
const TICKS: ReadonlySet<string> = new Set(['llm/token', 'stt/partial']);

/** A lane as drawn: the timeline's lanes and the latency lane (`turns`). */
interface DrawnLane {
  readonly id: string;
  readonly label: string;
  readonly spans: readonly Span[];
  readonly marks: readonly Mark[];
}

interface LaneBox {
  readonly lane: DrawnLane;
  readonly y: number;
  readonly height: number;
  readonly rowH: number;
  readonly rows: readonly number[];
  readonly markY: number;
}

/** The timeline of one call with its lane labels and zoom buttons, as an HTML fragment. */
export function renderTimeline(timeline: Timeline, turns: readonly TurnReport[]): string {
  const scale = timelineScale(timeline.durationMs);
  const lanes = [...timeline.lanes, turnsLane(turns)];
  const top = AXIS_H + (timeline.violations.length > 0 ? VIOLATION_H : 0);
  const boxes: LaneBox[] = [];
  let y = top;
  for (const lane of lanes) {
    const box = laneBox(lane, y);
    boxes.push(box);
    y += box.height;
  }
  const height = y + 2;
  const width = TIMELINE_OFFSET_PX + timeline.durationMs * scale + RIGHT_PAD_PX;
  const x = (ms: number): string => px(TIMELINE_OFFSET_PX + ms * scale);
  const w = (startMs: number, endMs: number): string => px(Math.max(0, endMs - startMs) * scale);

  const parts: string[] = [];
  boxes.forEach((box, i) => parts.push(`<rect class="lane-bg${i % 2 ? ' odd' : ''}" x="0" y="${box.y}" width="100%" height="${box.height}"/>`));
  parts.push(axis(timeline.durationMs, scale, height));
  parts.push(...timeline.violations.map((v) => violation(v, height, x, w)));
  parts.push(labels(timeline.violations.map((v) => ({ atMs: v.atMs, text: `✗ ${v.assertion}` })), timeline.durationMs, AXIS_H, VIOLATION_H, 'viol-text', x, w));
  for (const box of boxes) parts.push(laneContent(box, timeline.durationMs, x, w));

  // Where the page's script first scrolls to: the first failure placed after the call's start.
  const focusMs = timeline.violations.map((v) => v.atMs).filter((ms) => ms > 0).sort((a, b) => a - b)[0];
  const svg =
    `<svg class="tl" width="${px(width)}" height="${height}"${focusMs === undefined ? '' : ` data-focus-ms="${focusMs}"`} ` +
    `data-px-per-ms="${scale}" data-base-px-per-ms="${scale}" data-offset-px="${TIMELINE_OFFSET_PX}" data-right-pad-px="${RIGHT_PAD_PX}" ` +
    `data-duration-ms="${timeline.durationMs}" data-tick-step="${tickStep(scale)}" role="img" aria-label="${esc(`timeline of ${timeline.name}`)}">` +
    `${parts.join('')}</svg>`;
  return (
    `<div class="timeline">` +
    `<div class="tl-toolbar" hidden>zoom <button type="button" data-zoom="out" title="zoom out">−</button>` +
    `<button type="button" data-zoom="in" title="zoom in">+</button><button type="button" data-zoom="fit" title="fit the whole call">fit</button>` +
    `<button type="button" data-zoom="reset" title="the initial scale">reset</button> <span class="tl-scale">${px(scale * 1000)} px/s</span></div>` +
    `<div class="tl-body">${laneLabels(boxes, top, height)}<div class="tl-scroll">${svg}</div></div></div>`
  );
}

/** The per-turn latencies as a lane: row 1 end of utterance, row 2 voice to voice. */
function turnsLane(turns: readonly TurnReport[]): DrawnLane {
  const spans: Span[] = [];
  for (const t of turns) {
    if (t.userSpeechEndMs === null) continue;
    spans.push({
      startMs: t.userSpeechEndMs,
      endMs: t.endpointMs,
      kind: 'eou',
      label: `eou ${t.eouDelayMs} ms`,
      detail: `turn ${t.index}: end of speech ${seconds(t.userSpeechEndMs)} → endpoint ${seconds(t.endpointMs)} (${t.endpointReason})`,
    });
    if (t.agentAudioStartMs !== null) {
      spans.push({
        startMs: t.userSpeechEndMs,
        endMs: t.agentAudioStartMs,
        kind: 'v2v',
        label: `turn ${t.index} · v2v ${t.voiceToVoiceMs} ms`,
        detail: `turn ${t.index}: end of speech ${seconds(t.userSpeechEndMs)} → agent audio at the ear ${seconds(t.agentAudioStartMs)}`,
      });
    }
  }
  return { id: 'turns', label: 'latency (eou, v2v)', spans, marks: [] };
}

function laneBox(lane: DrawnLane, y: number): LaneBox {
  const rowH = lane.id === 'user' ? USER_ROW_H : ROW_H;
  let rows: number[];
  let count: number;
  if (lane.spans.length === 0) {
    rows = [];
    count = 0;
  } else if (lane.id === 'turns') {
    // Each kind packed in its own rows: all end-of-utterance spans above all voice-to-voice ones.
    const eou = packRows(lane.spans.filter((s) => s.kind === 'eou'));
    const v2v = packRows(lane.spans.filter((s) => s.kind !== 'eou'));
    let e = 0;
    let v = 0;
    rows = lane.spans.map((s) => (s.kind === 'eou' ? eou.rows[e++]! : eou.count + v2v.rows[v++]!));
    count = eou.count + v2v.count;
  } else {
    ({ rows, count } = packRows(lane.spans));
  }
  const markY = y + LANE_PAD + count * rowH;
  const height = Math.max(MIN_LANE_H, LANE_PAD * 2 + count * rowH + (lane.marks.length > 0 ? MARK_ROW_H : 0));
  return { lane, y, height, rowH, rows, markY };
}

function laneLabels(boxes: readonly LaneBox[], top: number, height: number): string {
  const labels = boxes.map(
    (b, i) =>
      `<rect class="lane-bg${i % 2 ? ' odd' : ''}" x="0" y="${b.y}" width="${LABEL_WIDTH}" height="${b.height}"/>` +
      `<text x="6" y="${b.y + Math.min(b.height / 2, 14) + 4}">${esc(b.lane.label)}</text>`,
  );
  const violations = top > AXIS_H ? `<text class="viol-label" x="6" y="${AXIS_H + 12}">violations</text>` : '';
  return `<svg class="tl-labels" width="${LABEL_WIDTH}" height="${height}" aria-hidden="true"><text class="axis-label" x="6" y="14">time</text>${violations}${labels.join('')}</svg>`;
}

function axis(durationMs: number, scale: number, height: number): string {
  const ticks: string[] = [];
  for (let s = 0; s * 1000 <= durationMs; s += 1) {
    const classes = TICK_STEPS.filter((step) => step > 1 && s % step === 0).map((step) => ` m${step}`).join('');
    ticks.push(
      `<g class="tick${classes}" data-at-ms="${s * 1000}" transform="translate(${px(TIMELINE_OFFSET_PX + s * 1000 * scale)} 0)">` +
        `<line class="grid" x1="0" x2="0" y1="${AXIS_H - 4}" y2="${height}"/><text x="0" y="${AXIS_H - 7}">${s} s</text></g>`,
    );
  }
  return `<g class="axis">${ticks.join('')}</g>`;
}

type X = (ms: number) => string;
type W = (startMs: number, endMs: number) => string;

function violation(v: TimelineViolation, height: number, x: X, w: W): string {
  const title = `<title>${esc(`✗ ${v.assertion} at ${seconds(v.atMs)}${v.endMs !== undefined ? `–${seconds(v.endMs)}` : ''}\n${v.message}`)}</title>`;
  const data = `data-lane="violations" data-kind="${esc(v.assertion)}"`;
  if (v.endMs !== undefined && v.endMs > v.atMs) {
    return (
      `<svg class="span viol" ${data} data-start-ms="${v.atMs}" data-end-ms="${v.endMs}" x="${x(v.atMs)}" y="${AXIS_H}" width="${w(v.atMs, v.endMs)}" height="${height - AXIS_H}">` +
      `<rect width="100%" height="100%">${title}</rect></svg>`
    );
  }
  return (
    `<g class="mark viol" ${data} data-at-ms="${v.atMs}" transform="translate(${x(v.atMs)} 0)">` +
    `<line class="stem" x1="0" x2="0" y1="${AXIS_H}" y2="${height}"/><path d="M-5 ${AXIS_H}h10l-5 7z"/>${title}</g>`
  );
}

/**
 * Text labels for things at moments: those at the same moment share one label ("a, b"), and each
 * label is clipped where the next one starts, so labels never overlap.
 */
function labels(items: readonly { readonly atMs: number; readonly text: string }[], durationMs: number, y: number, height: number, cls: string, x: X, w: W): string {
  const groups: { atMs: number; texts: string[] }[] = [];
  for (const item of [...items].sort((a, b) => a.atMs - b.atMs)) {
    const last = groups.at(-1);
    if (last?.atMs === item.atMs) {
      if (!last.texts.includes(item.text)) last.texts.push(item.text);
    } else groups.push({ atMs: item.atMs, texts: [item.text] });
  }
  return groups
    .map((group, i) => clippedLabel(group.atMs, groups[i + 1]?.atMs ?? durationMs + LAST_LABEL_MS, y, height, group.texts.join(', '), cls, x, w))
    .join('');
}

/** A label that starts at `startMs` and is clipped before `endMs` (a nested SVG clips its content). */
function clippedLabel(startMs: number, endMs: number, y: number, height: number, text: string, cls: string, x: X, w: W): string {
  return (
    `<svg class="lbl" data-start-ms="${startMs}" data-end-ms="${endMs}" x="${x(startMs)}" y="${y}" width="${w(startMs, endMs)}" height="${height}">` +
    `<text class="${cls}" x="6" y="${height - 4}">${esc(text)}</text></svg>`
  );
}

function laneContent(box: LaneBox, durationMs: number, x: X, w: W): string {
  const { lane } = box;
  const parts = lane.spans.map((span, i) => spanSvg(lane.id, span, box.y + LANE_PAD + box.rows[i]! * box.rowH, box.rowH - 2, x, w));
  const labelled = LABELLED[lane.id] ?? [];
  for (const mark of lane.marks) parts.push(markSvg(lane.id, mark, box, x));
  const texts = lane.marks.filter((m) => labelled.includes(m.kind)).map((m) => ({ atMs: m.atMs, text: markText(lane.id, m) }));
  parts.push(labels(texts, durationMs, box.markY, MARK_ROW_H, 'mark-text', x, w));
  return `<g class="lane" data-lane-id="${esc(lane.id)}">${parts.join('')}</g>`;
}

function spanSvg(laneId: string, span: Span, y: number, height: number, x: X, w: W): string {
  const title = `${span.label}\n${seconds(span.startMs)}–${seconds(span.endMs)} (${span.endMs - span.startMs} ms)${span.detail ? `\n${span.detail}` : ''}`;
  const text = laneId === 'agent' && span.detail ? `${span.label}: “${span.detail}”` : span.label;
  const words = (span.words ?? []).map(
    (word) =>
      `<svg class="span word w-${esc(span.kind)}" data-lane="${esc(laneId)}" data-kind="word" data-start-ms="${word.startMs}" data-end-ms="${word.endMs}" ` +
      `x="${x(word.startMs)}" y="${y + 2}" width="${w(word.startMs, word.endMs)}" height="${height - 4}">` +
      `<rect width="100%" height="100%"><title>${esc(`“${word.word}” ${seconds(word.startMs)}–${seconds(word.endMs)}`)}</title></rect>` +
      `<text x="2" y="${height - 8}">${esc(word.word)}</text></svg>`,
  );
  return (
    `<svg class="span" data-lane="${esc(laneId)}" data-kind="${esc(span.kind)}" data-start-ms="${span.startMs}" data-end-ms="${span.endMs}" ` +
    `x="${x(span.startMs)}" y="${y}" width="${w(span.startMs, span.endMs)}" height="${height}">` +
    `<rect width="100%" height="100%"><title>${esc(title)}</title></rect>` +
    (words.length > 0 ? '' : `<text x="3" y="${height - 4}">${esc(text)}</text>`) +
    `</svg>${words.join('')}`
  );
}

function markSvg(laneId: string, mark: Mark, box: LaneBox, x: X): string {
  const tick = TICKS.has(`${laneId}/${mark.kind}`);
  const bottom = box.y + box.height;
  const symbol = tick
    ? `<line class="tick-mark" x1="0" x2="0" y1="${box.markY + 2}" y2="${box.markY + 8}"/>`
    : `<path d="M-4 ${box.markY + 1}h8l-4 6z"/>`;
  const stem = tick ? '' : `<line class="stem" x1="0" x2="0" y1="${box.y}" y2="${bottom}"/>`;
  const title = `${mark.label} at ${seconds(mark.atMs)}${mark.detail ? `\n${mark.detail}` : ''}`;
  return (
    `<g class="mark" data-lane="${esc(laneId)}" data-kind="${esc(mark.kind)}" data-at-ms="${mark.atMs}" transform="translate(${x(mark.atMs)} 0)">` +
    `${stem}${symbol}<title>${esc(title)}</title></g>`
  );
}

/** The text written next to a mark. */
function markText(laneId: string, mark: Mark): string {
  if (laneId === 'stt' && mark.kind === 'final') return `“${mark.label}”`;
  if (laneId === 'llm') return 'first token';
  if (laneId === 'tts') return 'first byte';
  if (laneId === 'overlaps') return mark.label.replace(/^bargeIn/, 'barge-in');
  return mark.label;
}

/** The colour key: one swatch per lane and kind, drawn with the timeline's own styles. */
export function renderLegend(): string {
  const spans: [string, string, string][] = [
    ['user', 'word', 'user speech: words'],
    ['user', 'filler', 'filler'],
    ['user', 'backchannel', 'backchannel'],
    ['mic', 'echo', 'echo'],
    ['vad', 'speech', 'VAD speech'],
    ['llm', 'done', 'LLM reply'],
    ['llm', 'aborted', 'LLM aborted'],
    ['llm', 'speculative', 'speculative, discarded'],
    ['tts', 'done', 'TTS segment'],
    ['tts', 'cleared', 'TTS cleared'],
    ['agent', 'speech', 'agent audio heard'],
    ['agent', 'interrupted', 'agent audio, interrupted reply'],
    ['turns', 'eou', 'end-of-utterance delay'],
    ['turns', 'v2v', 'voice-to-voice latency'],
  ];
  const marks: [string, string, string][] = [
    ['stt', 'final', 'STT final'],
    ['endpoint', 'end', 'end of turn'],
    ['endpoint', 'hold', 'endpoint hold'],
    ['overlaps', 'bargeIn', 'barge-in'],
    ['overlaps', 'backchannel', 'backchannel'],
    ['overlaps', 'echo', 'echo onset'],
  ];
  const item = (body: string, text: string): string =>
    `<span class="key"><svg width="22" height="14" aria-hidden="true">${body}</svg>${esc(text)}</span>`;
  return (
    `<div class="legend">` +
    spans.map(([lane, kind, text]) => item(`<svg class="span${kind === 'word' ? ' word' : ''}" data-lane="${lane}" data-kind="${kind}" x="1" y="1" width="20" height="12"><rect width="100%" height="100%"/></svg>`, text)).join('') +
    marks.map(([lane, kind, text]) => item(`<g class="mark" data-lane="${lane}" data-kind="${kind}" transform="translate(11 0)"><line class="stem" x1="0" x2="0" y1="0" y2="14"/><path d="M-4 1h8l-4 6z"/></g>`, text)).join('') +
    item(`<rect class="viol-key" x="1" y="1" width="20" height="12"/>`, 'failed expectation') +
    `</div>`
  );
}
