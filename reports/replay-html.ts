/**
 * report.html of `parley replay`: one self-contained page with the totals per config, the
 * comparison of the second config with the first, and per recording a timeline: the caller's and
 * the agent's speech as recorded, then for each config its VAD, its endpoint decisions and its
 * verdicts where the caller talked over the agent, with premature endpoints and false or missed
 * barge-ins drawn as red bands.
 *
 * @module
 */
import { join } from 'node:path';
import type { ReplayDecisions } from '../sim/replay/decide.js';
import { writeFileAtomically } from './atomic.js';
import { SCRIPT, STYLE } from './html/assets.js';
import { esc, millis, scriptJson, seconds } from './html/text.js';
import { renderLegend, renderTimeline } from './html/timeline-svg.js';
import { describeDelta, type ReplayCallReport, type ReplayReport } from './replay.js';
import type { Lane, Timeline, TimelineViolation } from './timeline.js';

/** The page, as a string (deterministic). */
export function renderReplayHtml(report: ReplayReport): string {
  const { summary } = report;
  const worse = report.comparison?.regressed === true;
  const rows = report.configs.map((name) => {
    const t = summary.byConfig[name]!;
    return (
      `<tr><th>${esc(name)}</th><td class="num">${t.turns}</td><td class="num">${t.prematureEndpoints}</td><td class="num">${t.overlaps}</td>` +
      `<td class="num">${t.falseBargeIns}</td><td class="num">${t.missedBargeIns}</td><td class="num">${millis(t.eouDelayMs.p50)}</td><td class="num">${millis(t.eouDelayMs.p95)}</td>` +
      `<td class="num">${millis(t.responseMs.p50)}</td><td class="num">${millis(t.responseMs.p95)}</td></tr>`
    );
  });
  const comparison = report.comparison
    ? `<section id="comparison"><h2>${esc(report.comparison.compared)} against ${esc(report.comparison.reference)}: ${worse ? '<span class="badge fail">worse</span>' : '<span class="badge pass">not worse</span>'}</h2><ul>${report.comparison.deltas
        .map((d) => `<li class="${d.regressed ? 'fail' : ''}">${d.regressed ? '✗ ' : ''}${esc(describeDelta(d))}</li>`)
        .join('')}</ul></section>`
    : '';
  const failures =
    report.failures.length === 0 ? '' : `<section id="failures"><h2>Not replayed</h2><ul>${report.failures.map((f) => `<li><code>${esc(f.error)}</code></li>`).join('')}</ul></section>`;
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="icon" href="data:,">
<title>parley replay: ${summary.calls} calls</title>
<style>${STYLE}</style>
</head>
<body>
<header>
<h1>parley replay</h1>
<p><b>${summary.calls} recorded calls</b> replayed with ${report.configs.map((c) => `<code>${esc(c)}</code>`).join(' and ')}${summary.failed > 0 ? ` · <span class="badge fail">${summary.failed} not readable</span>` : ''}</p>
</header>
<main>
<section id="totals"><h2>Totals</h2><table class="metrics"><thead><tr><th>config</th><th>caller turns</th><th>premature endpoints</th><th>caller over agent</th><th>false barge-ins</th><th>missed barge-ins</th><th>eou p50</th><th>eou p95</th><th>response p50</th><th>response p95</th></tr></thead><tbody>${rows.join('')}</tbody></table>
<p class="muted">Premature endpoint: the config ended the turn while the caller was only pausing (they spoke again before the agent answered). False barge-in: it would stop for what was a backchannel; missed: it would talk on through a real interruption. Response: end-of-utterance delay plus the config's model and voice latency.</p></section>
${comparison}
${failures}
<section id="calls"><h2>Calls</h2>
${renderLegend()}
${report.calls.map((call, i) => renderCall(call, report.configs, i)).join('\n')}
</section>
</main>
<script type="application/json" id="parley-data">${scriptJson({ report })}</script>
<script>${SCRIPT}</script>
</body>
</html>
`;
}

/** Writes DIR/report.html atomically; returns its path. */
export function writeReplayHtml(dir: string, report: ReplayReport): string {
  const path = join(dir, 'report.html');
  writeFileAtomically(path, renderReplayHtml(report));
  return path;
}

function renderCall(call: ReplayCallReport, configs: readonly string[], index: number): string {
  const timeline = replayTimeline(call, configs, index);
  const counts = configs
    .map((name) => {
      const c = call.configs[name]!.counts;
      return `<code>${esc(name)}</code>: ${c.prematureEndpoints} premature, ${c.falseBargeIns} false, ${c.missedBargeIns} missed`;
    })
    .join(' · ');
  const gaps = call.recorded.responses.map((r) => r.gapMs);
  const facts =
    `${seconds(call.durationMs)} · ${call.sampleRate} Hz ${call.channels} · ${call.recorded.turns.length} caller turns, ` +
    `${gaps.length} answers${gaps.length > 0 ? ` (gap ${millis(Math.min(...gaps))}–${millis(Math.max(...gaps))})` : ''}, ${call.recorded.overlaps.length} overlaps` +
    `${call.transcript ? '' : ' · no transcript: endpointing by silence alone'}`;
  const open = timeline.violations.length > 0 ? ' open' : '';
  return `<details class="run" id="call-${index + 1}"${open}><summary><b>${esc(call.file)}</b> <span class="muted">${counts}</span></summary><div class="run-body"><p class="muted">${esc(facts)}</p>${renderTimeline(timeline, [])}</div></details>`;
}

/** A call's lanes: both recorded channels, then each config's VAD, endpoints and overlap verdicts. */
export function replayTimeline(call: ReplayCallReport, configs: readonly string[], index: number): Timeline {
  const lanes: Lane[] = [
    { id: 'user', label: 'caller (recorded)', spans: call.recorded.userSegments.map((s) => ({ ...s, kind: 'speech', label: 'speech' })), marks: [] },
    { id: 'agent', label: 'agent (recorded)', spans: call.recorded.agentSegments.map((s) => ({ ...s, kind: 'speech', label: 'speech' })), marks: [] },
  ];
  const violations: TimelineViolation[] = [];
  for (const name of configs) {
    const decisions: ReplayDecisions = call.configs[name]!;
    lanes.push(
      { id: 'vad', label: `${name} · VAD`, spans: decisions.vadSegments.map((s) => ({ ...s, kind: 'speech', label: 'speech' })), marks: [] },
      {
        id: 'endpoint',
        label: `${name} · endpoint`,
        spans: [],
        marks: decisions.endpoints.map((e) => ({
          atMs: e.atMs,
          kind: e.type === 'end' ? 'end' : 'eager',
          label: e.premature ? 'premature end' : e.type === 'end' ? 'end' : 'eager',
          detail: `${e.type} (${e.reason}) at ${seconds(e.atMs)}, turn ${e.turn}${e.premature ? ': the caller spoke again before the agent answered' : ''}`,
        })),
      },
      {
        id: 'overlaps',
        label: `${name} · over the agent`,
        spans: [],
        marks: decisions.overlaps.map((o) => ({
          atMs: o.atMs,
          kind: o.truth,
          label: o.action,
          detail: `${o.truth === 'bargeIn' ? 'an interruption' : 'a backchannel'}: ${o.classifiedAs} → ${o.action} (${o.why})`,
        })),
      },
    );
    for (const e of decisions.endpoints.filter((x) => x.premature)) violations.push({ assertion: `${name}: premature end`, atMs: e.atMs, message: `${name} ended turn ${e.turn} at ${seconds(e.atMs)}, but the caller spoke again` });
    for (const o of decisions.overlaps.filter((x) => x.error !== null)) {
      violations.push({ assertion: `${name}: ${o.error === 'falseBargeIn' ? 'false barge-in' : 'missed barge-in'}`, atMs: o.atMs, endMs: o.endMs, message: `${name}: ${o.classifiedAs} → ${o.action} (${o.why})` });
    }
  }
  return { id: `call-${index + 1}`, name: call.file, file: call.file, seed: 0, passed: violations.length === 0, durationMs: call.durationMs, lanes, violations };
}
