/**
 * The HTML report's inline style sheet and script. The page reads fully without the script;
 * it adds zoom buttons on each timeline, scrolls each timeline to its first failure (and there
 * again when a failure's time is clicked),
 * expand/collapse-all, and opens a run's section when the address names it. The zoom rewrites the same attributes the page is rendered with (see
 * timeline-svg.ts), so positions stay x = offset + ms × px-per-ms at every zoom.
 */

const LANE_COLOURS = `
[data-lane] > rect { fill: #e5e7eb; stroke: #9ca3af; }
[data-lane=user][data-kind=speech] > rect { fill: #dbeafe; stroke: #60a5fa; }
[data-lane=user][data-kind=filler] > rect { fill: #f3e8ff; stroke: #a855f7; }
[data-lane=user][data-kind=backchannel] > rect { fill: #ccfbf1; stroke: #14b8a6; }
.word > rect { fill: #93c5fd; stroke: #fff; }
.word.w-filler > rect { fill: #d8b4fe; }
.word.w-backchannel > rect { fill: #5eead4; }
[data-lane=mic][data-kind=echo] > rect { fill: #ffedd5; stroke: #f97316; stroke-dasharray: 3 2; }
[data-lane=mic][data-kind=noise] > rect { fill: #f3f4f6; stroke: #6b7280; stroke-dasharray: 3 2; }
[data-lane=vad][data-kind=speech] > rect { fill: #ede9fe; stroke: #8b5cf6; }
[data-lane=llm][data-kind=done] > rect { fill: #dcfce7; stroke: #16a34a; }
[data-lane=llm][data-kind=aborted] > rect { fill: #fee2e2; stroke: #dc2626; }
[data-lane=llm][data-kind=speculative] > rect { fill: #f3f4f6; stroke: #6b7280; stroke-dasharray: 3 2; }
[data-lane=llm][data-kind=error] > rect, [data-lane=tts][data-kind=error] > rect { fill: #fecaca; stroke: #b91c1c; }
[data-lane=llm][data-kind=open] > rect, [data-lane=tts][data-kind=open] > rect { fill: #fef9c3; stroke: #ca8a04; }
[data-lane=tts][data-kind=done] > rect { fill: #cffafe; stroke: #0891b2; }
[data-lane=tts][data-kind=cleared] > rect { fill: #f3f4f6; stroke: #6b7280; stroke-dasharray: 3 2; }
[data-lane=agent][data-kind=speech] > rect { fill: #4ade80; stroke: #15803d; }
[data-lane=agent][data-kind=interrupted] > rect { fill: #fcd34d; stroke: #b45309; }
[data-lane=turns][data-kind=eou] > rect { fill: #c7d2fe; stroke: #4f46e5; }
[data-lane=turns][data-kind=v2v] > rect { fill: #e0e7ff; stroke: #6366f1; }
.mark { stroke: #6b7280; fill: #6b7280; }
.mark .stem { stroke-width: 1; opacity: .45; }
.mark[data-lane=vad][data-kind=start] { stroke: #7c3aed; fill: #7c3aed; }
.mark[data-lane=vad][data-kind=end] { stroke: #7c3aed; fill: #fff; }
.mark[data-lane=stt][data-kind=partial] { stroke: #9ca3af; }
.mark[data-lane=stt][data-kind=final] { stroke: #15803d; fill: #15803d; }
.mark[data-lane=stt][data-kind=turn] { stroke: #4338ca; fill: #4338ca; }
.mark[data-lane=stt][data-kind=error] { stroke: #b91c1c; fill: #b91c1c; }
.mark[data-lane=endpoint] { stroke: #111827; fill: #111827; }
.mark[data-lane=endpoint][data-kind=end] .stem { stroke-width: 2; opacity: .8; }
.mark[data-lane=endpoint][data-kind=hold] { stroke: #d97706; fill: #fff; }
.mark[data-lane=endpoint][data-kind=eager] { stroke: #2563eb; fill: #2563eb; }
.mark[data-lane=endpoint][data-kind=eager] .stem { stroke-dasharray: 3 2; }
.mark[data-lane=endpoint][data-kind=resumed] { stroke: #16a34a; fill: #16a34a; }
.mark[data-lane=llm][data-kind=first_token] { stroke: #15803d; fill: #15803d; }
.mark[data-lane=llm][data-kind=token] { stroke: #22c55e; }
.mark[data-lane=tts][data-kind=first_byte] { stroke: #0e7490; fill: #0e7490; }
.mark[data-lane=overlaps] .stem { opacity: .7; }
.mark[data-lane=overlaps][data-kind=bargeIn] { stroke: #dc2626; fill: #dc2626; }
.mark[data-lane=overlaps][data-kind=backchannel] { stroke: #0d9488; fill: #0d9488; }
.mark[data-lane=overlaps][data-kind=echo] { stroke: #ea580c; fill: #ea580c; }
.mark.viol { stroke: #dc2626; fill: #dc2626; }
.mark.viol .stem { stroke-width: 2; opacity: .8; stroke-dasharray: 4 3; }
.viol > rect, .viol-key { fill: rgba(239, 68, 68, .14); stroke: #ef4444; stroke-dasharray: 4 3; }
`;

/** The style sheet (system fonts only: nothing is fetched). */
export const STYLE = `
:root { color-scheme: light; }
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", sans-serif; color: #111827; margin: 0; background: #f8fafc; }
header, main > section { padding: 12px 24px; }
header { background: #fff; border-bottom: 1px solid #e5e7eb; }
h1 { font-size: 22px; margin: 4px 0 8px; } h2 { font-size: 18px; margin: 18px 0 8px; } h4 { margin: 12px 0 4px; }
nav a { margin-right: 14px; }
a { color: #1d4ed8; }
code { font: 12px ui-monospace, "DejaVu Sans Mono", monospace; background: #f1f5f9; padding: 0 3px; border-radius: 3px; }
.muted { color: #6b7280; font-size: 12px; }
.ok { color: #15803d; } .bad { color: #b91c1c; }
.badge { display: inline-block; min-width: 38px; text-align: center; font-weight: 700; font-size: 12px; border-radius: 4px; padding: 0 6px; color: #fff; }
.badge.pass { background: #16a34a; } .badge.fail { background: #dc2626; }
table { border-collapse: collapse; background: #fff; font-size: 13px; }
th, td { border: 1px solid #e5e7eb; padding: 3px 8px; text-align: left; vertical-align: top; }
thead th { background: #f1f5f9; font-weight: 600; }
td.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
tr.failed td { background: #fef2f2; }
.table-scroll { overflow-x: auto; }
.regressed { background: #fee2e2; color: #991b1b; font-weight: 600; } .improved { color: #15803d; }
tr.worse > td:first-child { border-left: 3px solid #dc2626; }
.deltas { margin: 8px 0; } .deltas.wide td:first-child { min-width: 280px; }
details.regressions, details.per-scenario { margin: 8px 0; } details > summary { cursor: pointer; }
code.fail { background: #fee2e2; color: #991b1b; } code.pass { background: #dcfce7; color: #166534; }
.dists { display: flex; flex-wrap: wrap; gap: 16px; }
.dist { margin: 0; background: #fff; border: 1px solid #e5e7eb; border-radius: 6px; padding: 8px; }
.hist .bar { fill: #93c5fd; } .hist .bar:hover { fill: #3b82f6; }
.hist .axis-line, .hist .grid { stroke: #9ca3af; }
.hist text { font-size: 10px; fill: #374151; } .hist .tick-label { text-anchor: middle; } .hist .count-label { text-anchor: end; }
.hist .pct line { stroke: #111827; stroke-width: 1.5; } .hist .pct text { font-weight: 600; }
.hist .pct.baseline line { stroke: #6b7280; stroke-dasharray: 4 3; } .hist .pct.baseline text { fill: #6b7280; font-weight: 400; }
details.run { background: #fff; border: 1px solid #e5e7eb; border-radius: 6px; margin: 8px 0; }
details.run.fail { border-left: 4px solid #dc2626; } details.run.pass { border-left: 4px solid #16a34a; }
details.run > summary { cursor: pointer; padding: 6px 10px; }
.run-body { padding: 4px 12px 12px; }
.failures { background: #fef2f2; border: 1px solid #fecaca; border-radius: 6px; padding: 6px 10px 6px 28px; margin: 6px 0; }
.failures li { margin: 3px 0; } .failures .when { color: #991b1b; font-weight: 600; font-size: 12px; }
.goto { font: inherit; color: inherit; background: none; border: 0; padding: 0; cursor: pointer; text-decoration: underline dotted; }
.legend { display: flex; flex-wrap: wrap; gap: 4px 14px; font-size: 12px; margin: 6px 0 10px; }
.legend .key { display: inline-flex; align-items: center; gap: 4px; }
.timeline { margin: 8px 0; }
.tl-toolbar { font-size: 12px; margin-bottom: 4px; }
.tl-toolbar button { font: inherit; padding: 0 8px; margin-left: 2px; }
.tl-body { display: flex; border: 1px solid #e5e7eb; }
.tl-labels { flex: none; border-right: 1px solid #d1d5db; }
.tl-labels text { font-size: 11px; fill: #374151; } .tl-labels .viol-label { fill: #b91c1c; }
.tl-scroll { overflow-x: auto; flex: 1; }
svg.tl { display: block; }
.lane-bg { fill: #fff; } .lane-bg.odd { fill: #f8fafc; }
.tl text, .legend text { font-size: 10px; fill: #111827; pointer-events: none; }
.tl .tick text { text-anchor: middle; fill: #6b7280; }
.tl .grid { stroke: #e5e7eb; }
.tl .mark-text { fill: #374151; }
.tl .viol-text { fill: #b91c1c; font-weight: 700; }
.tl .span > text { dominant-baseline: auto; }
${LANE_COLOURS}
${[2, 5, 10, 15, 30, 60].map((s) => `svg.tl[data-tick-step="${s}"] .tick:not(.m${s}) { display: none; }`).join('\n')}
audio { width: 420px; max-width: 100%; }
`;

/** The script (an IIFE; no globals, no network). */
export const SCRIPT = `(() => {
  'use strict';
  const TICK_STEPS = [1, 2, 5, 10, 15, 30, 60];
  const MIN_TICK_PX = 60;
  const round = (v) => Math.round(v * 100) / 100;

  /** Redraws a timeline at pxPerMs: x = offset + ms * pxPerMs for every span, mark and tick. */
  function rescale(svg, pxPerMs) {
    const offset = Number(svg.dataset.offsetPx);
    svg.dataset.pxPerMs = String(pxPerMs);
    svg.setAttribute('width', String(round(offset + Number(svg.dataset.durationMs) * pxPerMs + Number(svg.dataset.rightPadPx))));
    for (const el of svg.querySelectorAll('[data-start-ms]')) {
      const start = Number(el.dataset.startMs);
      el.setAttribute('x', String(round(offset + start * pxPerMs)));
      el.setAttribute('width', String(round(Math.max(0, Number(el.dataset.endMs) - start) * pxPerMs)));
    }
    for (const el of svg.querySelectorAll('[data-at-ms]')) {
      el.setAttribute('transform', 'translate(' + round(offset + Number(el.dataset.atMs) * pxPerMs) + ' 0)');
    }
    svg.dataset.tickStep = String(TICK_STEPS.find((s) => s * 1000 * pxPerMs >= MIN_TICK_PX) || TICK_STEPS[TICK_STEPS.length - 1]);
    svg.closest('.timeline').querySelector('.tl-scale').textContent = round(pxPerMs * 1000) + ' px/s';
  }

  function zoom(button) {
    const timeline = button.closest('.timeline');
    const svg = timeline.querySelector('svg.tl');
    const scroller = svg.parentElement;
    const base = Number(svg.dataset.basePxPerMs);
    const current = Number(svg.dataset.pxPerMs);
    const offset = Number(svg.dataset.offsetPx);
    const fit = (scroller.clientWidth - offset - Number(svg.dataset.rightPadPx)) / Number(svg.dataset.durationMs);
    const wanted = { in: current * 2, out: current / 2, fit, reset: base }[button.dataset.zoom];
    const next = Math.min(base * 16, Math.max(base / 16, wanted));
    const centreMs = (scroller.scrollLeft + scroller.clientWidth / 2 - offset) / current;
    rescale(svg, next);
    scroller.scrollLeft = Math.max(0, offset + centreMs * next - scroller.clientWidth / 2);
  }

  /** Scrolls a timeline so that atMs is a third of the way across. */
  function scrollTo(svg, atMs) {
    const scroller = svg.parentElement;
    scroller.scrollLeft = Math.max(0, Number(svg.dataset.offsetPx) + atMs * Number(svg.dataset.pxPerMs) - scroller.clientWidth / 3);
  }

  function goto(button) {
    const svg = button.closest('.run-body').querySelector('svg.tl');
    if (!svg) return;
    scrollTo(svg, Number(button.dataset.gotoMs));
    svg.scrollIntoView({ block: 'nearest' });
  }

  function openTarget() {
    const id = decodeURIComponent(location.hash.slice(1));
    const target = id ? document.getElementById(id) : null;
    if (target instanceof HTMLDetailsElement) target.open = true;
  }

  document.addEventListener('click', (event) => {
    const button = event.target instanceof Element ? event.target.closest('button') : null;
    if (!button) return;
    if (button.dataset.zoom) zoom(button);
    if (button.dataset.gotoMs) goto(button);
    if (button.dataset.expand) for (const run of document.querySelectorAll('details.run')) run.open = button.dataset.expand === 'all';
  });
  for (const hidden of document.querySelectorAll('.tl-toolbar, .run-tools')) hidden.hidden = false;
  for (const svg of document.querySelectorAll('svg.tl[data-focus-ms]')) scrollTo(svg, Number(svg.dataset.focusMs));
  window.addEventListener('hashchange', openTarget);
  openTarget();
})();`;
