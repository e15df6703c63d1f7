import type { ScenarioResult } from '../../sim/assert/scenario-result.js';
import type { ScenarioComparison } from '../comparison.js';
import type { Timeline, TimelineViolation } from '../timeline.js';
import { renderRunDelta } from './comparison.js';
import { esc, millis, seconds } from './text.js';
import { renderTimeline } from './timeline-svg.js';

/** The table of scenario runs and each run's section. */

/** What the page knows about one scenario run. */
export interface RunView {
  /** The section's element id (`run-<timeline id>`). */
  readonly anchor: string;
  readonly id: string;
  readonly result: ScenarioResult;
  readonly timeline: Timeline | undefined;
  readonly delta: ScenarioComparison | undefined;
  /** A relative path to the call's WAV, already URL-encoded. */
  readonly audio: string | undefined;
}

const failedIds = (r: ScenarioResult): string[] => r.assertions.filter((a) => !a.passed).map((a) => a.id);

/** One row per run (failing ones first, as given), linking to its section. */
export function renderRunTable(runs: readonly RunView[]): string {
  const rows = runs.map(({ anchor, result: r }) => {
    const m = r.metrics;
    const failed = failedIds(r);
    return (
      `<tr class="${r.passed ? '' : 'failed'}"><td><span class="badge ${r.passed ? 'pass' : 'fail'}">${r.passed ? 'pass' : 'FAIL'}</span></td>` +
      `<td><a href="#${esc(anchor)}">${esc(r.name)}</a><div class="muted">${esc(r.file)}</div></td><td class="num">${r.seed}</td><td>${esc(r.config)}</td>` +
      `<td class="num">${m.voiceToVoiceMs.count}</td><td class="num">${millis(m.voiceToVoiceMs.p50)}</td><td class="num">${millis(m.voiceToVoiceMs.p95)}</td>` +
      `<td class="num">${millis(m.eouDelayMs.p50)}</td><td class="num">${millis(m.bargeInStopMs.max)}</td>` +
      `<td>${failed.map((id) => `<code class="fail">${esc(id)}</code>`).join(' ')}</td></tr>`
    );
  });
  return (
    `<div class="table-scroll"><table class="runs"><thead><tr><th>result</th><th>scenario</th><th>seed</th><th>config</th><th>turns</th>` +
    `<th>voice-to-voice p50</th><th>p95</th><th>eou p50</th><th>barge-in stop max</th><th>failed assertions</th></tr></thead>` +
    `<tbody>${rows.join('')}</tbody></table></div>`
  );
}

/** Where a violation is, as a button that scrolls the run's timeline there (with the page's script). */
function goto(v: TimelineViolation): string {
  const text = v.endMs !== undefined && v.endMs > v.atMs ? `${seconds(v.atMs)}–${seconds(v.endMs)}` : seconds(v.atMs);
  return `<button type="button" class="goto" data-goto-ms="${v.atMs}" title="show in the timeline">${text}</button>`;
}

/** A run's section: a `<details>` (open when the run failed) with its failures, timeline and tables. */
export function renderRun(run: RunView): string {
  const { result: r, timeline } = run;
  const failing = r.assertions.filter((a) => !a.passed);
  const failures =
    failing.length === 0
      ? ''
      : `<ol class="failures">${failing
          .map((a) => {
            const times = (timeline?.violations ?? []).filter((v) => v.assertion === a.id).map(goto);
            const at = times.length > 0 ? ` <span class="when">at ${times.join(', ')}</span>` : '';
            return `<li><code class="fail">${esc(a.id)}</code>${a.line !== undefined ? ` <span class="muted">line ${a.line}</span>` : ''}${at}<div>${esc(a.message)}</div></li>`;
          })
          .join('')}</ol>`;
  const trace = `<a href="traces/${encodeURIComponent(run.id)}.trace.json">Chrome trace</a> <span class="muted">(opens in Perfetto or chrome://tracing)</span>`;
  const meta =
    `<p class="muted">${esc(r.file)} · seed ${r.seed} · config ${esc(r.config)} · STT ${esc(r.stack.stt)}, LLM ${esc(r.stack.llm)}, TTS ${esc(r.stack.tts)} · ` +
    `${seconds(r.durationMs)}, ended: ${esc(r.endReason.replace(/_/g, ' '))}</p>`;
  const audio = run.audio === undefined ? '' : `<figure class="audio"><figcaption class="muted">call audio (user left, agent right)</figcaption><audio controls preload="none" src="${esc(run.audio)}"></audio></figure>`;
  const drawn = timeline ? renderTimeline(timeline, r.turns) : '<p class="muted">No timeline for this run.</p>';
  const assertions =
    `<details><summary>all ${r.assertions.length} assertions</summary><ul>` +
    r.assertions.map((a) => `<li>${a.passed ? '✓' : '✗'} <code class="${a.passed ? 'pass' : 'fail'}">${esc(a.id)}</code> ${esc(a.message)}</li>`).join('') +
    `</ul></details>`;
  const summary =
    `<summary><span class="badge ${r.passed ? 'pass' : 'fail'}">${r.passed ? 'pass' : 'FAIL'}</span> <b>${esc(r.name)}</b> ` +
    `<span class="muted">${esc(r.file)} · seed ${r.seed}</span>${failing.map((a) => ` <code class="fail">${esc(a.id)}</code>`).join('')}</summary>`;
  return (
    `<details class="run ${r.passed ? 'pass' : 'fail'}" id="${esc(run.anchor)}"${r.passed ? '' : ' open'}>${summary}<div class="run-body">` +
    `${meta}${failures}${drawn}${audio}<p>${trace}</p>${turnTable(r)}${overlapTable(r)}${assertions}${run.delta ? renderRunDelta(run.delta) : ''}</div></details>`
  );
}

function turnTable(r: ScenarioResult): string {
  if (r.turns.length === 0) return '<p class="muted">No user turn was ended by the agent.</p>';
  const time = (ms: number | null): string => (ms === null ? '—' : seconds(ms));
  const rows = r.turns.map(
    (t) =>
      `<tr><td class="num">${t.index}</td><td class="num">${time(t.userSpeechEndMs)}</td><td class="num">${seconds(t.endpointMs)} <span class="muted">${esc(t.endpointReason)}</span></td>` +
      `<td class="num">${millis(t.eouDelayMs)}</td><td class="num">${time(t.llmFirstTokenMs)}</td><td class="num">${time(t.ttsFirstByteMs)}</td>` +
      `<td class="num">${time(t.agentAudioStartMs)}</td><td class="num"><b>${millis(t.voiceToVoiceMs)}</b></td><td>${t.interrupted ? 'interrupted' : ''}</td></tr>`,
  );
  return (
    `<h4>Turns</h4><table class="turns"><thead><tr><th>turn</th><th>user stopped</th><th>endpoint</th><th>eou delay</th><th>LLM first token</th>` +
    `<th>TTS first byte</th><th>audio at the ear</th><th>voice-to-voice</th><th></th></tr></thead><tbody>${rows.join('')}</tbody></table>`
  );
}

function overlapTable(r: ScenarioResult): string {
  if (r.overlaps.length === 0) return '';
  const name = (kind: string | null): string => (kind === null ? '—' : kind === 'bargeIn' ? 'barge-in' : kind);
  const rows = r.overlaps.map(
    (o) =>
      `<tr><td class="num">${seconds(o.atMs)}</td><td>${name(o.kind)}</td><td>${name(o.classifiedAs)}</td><td>${esc(o.decision)}</td>` +
      `<td class="num">${millis(o.stopLatencyMs)}</td><td class="num">${millis(o.pauseMs)}</td><td>${o.text ? `“${esc(o.text)}”` : ''}</td></tr>`,
  );
  return (
    `<h4>Overlaps</h4><table class="overlaps"><thead><tr><th>at</th><th>what it was</th><th>taken for</th><th>agent</th><th>stop latency</th>` +
    `<th>paused</th><th>words</th></tr></thead><tbody>${rows.join('')}</tbody></table>`
  );
}
