import type { TraceEventOf } from '../core/trace/events.js';
import type { CallAnalysis } from '../sim/assert/analysis.js';
import type { ScenarioResult } from '../sim/assert/scenario-result.js';
import { checkInvariants } from '../sim/assert/invariants.js';
import type { CallResult } from '../sim/world/call.js';

/**
 * A call laid out for people: one lane per part of the pipeline, each with spans (something
 * lasting) and marks (something happening), plus where the expectations failed. Plain data,
 * deterministic (integer ms), so it can be stored next to report.json, merged across shards and
 * drawn by the HTML report and the Chrome trace writer.
 */
export interface Timeline {
  /** A file-safe id, unique per scenario file and seed. */
  readonly id: string;
  readonly name: string;
  readonly file: string;
  readonly seed: number;
  readonly passed: boolean;
  readonly durationMs: number;
  readonly lanes: readonly Lane[];
  readonly violations: readonly TimelineViolation[];
}

export type LaneId = 'user' | 'mic' | 'vad' | 'stt' | 'endpoint' | 'llm' | 'tts' | 'agent' | 'overlaps';

export interface Lane {
  readonly id: LaneId;
  readonly label: string;
  readonly spans: readonly Span[];
  readonly marks: readonly Mark[];
}

/** Something that lasted. `kind` picks its colour; `detail` is shown on hover. */
export interface Span {
  readonly startMs: number;
  readonly endMs: number;
  readonly kind: string;
  readonly label: string;
  readonly detail?: string;
  /** Words with their timing, for user speech. */
  readonly words?: readonly { readonly word: string; readonly startMs: number; readonly endMs: number }[];
}

/** Something that happened at one moment. */
export interface Mark {
  readonly atMs: number;
  readonly kind: string;
  readonly label: string;
  readonly detail?: string;
}

/** A failed expectation, placed where it went wrong (a moment, or a stretch). */
export interface TimelineViolation {
  readonly assertion: string;
  readonly atMs: number;
  readonly endMs?: number;
  readonly message: string;
}

const ms = (value: number): number => Math.round(value);

/** A file-safe id for a scenario run: its file (without extension) and seed. */
export function timelineId(file: string, seed: number): string {
  return `${file.replace(/\.ya?ml$/i, '').replace(/[^A-Za-z0-9._-]+/g, '_').replace(/^_+|_+$/g, '')}-seed${seed}`;
}

/** Lays out a judged call. */
export function buildTimeline(call: CallResult, analysis: CallAnalysis, result: ScenarioResult): Timeline {
  const events = call.events;
  const of = <K extends TraceEventOf<never>['type'] | string>(type: K) => events.filter((e) => e.type === type);
  const endMs = ms(call.endMs);

  const user: Span[] = call.sounds
    .filter((s) => s.kind === 'speech' || s.kind === 'filler' || s.kind === 'backchannel')
    .map((s) => ({
      startMs: ms(s.startMs),
      endMs: ms(s.endMs ?? endMs),
      kind: s.kind,
      label: s.text,
      words: s.words(Infinity).map((w) => ({ word: w.word, startMs: ms(w.startMs), endMs: ms(w.endMs) })),
    }));
  const mic: Span[] = call.sounds
    .filter((s) => s.kind === 'echo' || s.kind === 'noise')
    .map((s) => ({ startMs: ms(s.startMs), endMs: ms(s.endMs ?? endMs), kind: s.kind, label: s.kind === 'echo' ? 'echo' : 'noise', detail: `${s.levelDb} dBFS` }));

  const vadSpans: Span[] = [];
  const vadMarks: Mark[] = [];
  let open: TraceEventOf<'vad.speech_start'> | undefined;
  for (const e of events) {
    if (e.type === 'vad.speech_start') {
      vadMarks.push({ atMs: ms(e.t), kind: 'start', label: 'speech start', detail: `onset ${ms(e.onsetMs)} ms${e.levelDb !== undefined ? `, ${e.levelDb} dBFS` : ''}` });
      open ??= e;
    } else if (e.type === 'vad.speech_end') {
      vadMarks.push({ atMs: ms(e.t), kind: 'end', label: 'speech end', detail: `speech ended at ${ms(e.speechEndMs)} ms` });
      if (open) vadSpans.push({ startMs: ms(open.onsetMs), endMs: ms(e.speechEndMs), kind: 'speech', label: 'speech' });
      open = undefined;
    }
  }
  if (open) vadSpans.push({ startMs: ms(open.onsetMs), endMs, kind: 'speech', label: 'speech' });

  const sttMarks: Mark[] = events.flatMap((e): Mark[] => {
    if (e.type === 'stt.partial') return [{ atMs: ms(e.t), kind: 'partial', label: e.text }];
    if (e.type === 'stt.final') return [{ atMs: ms(e.t), kind: 'final', label: e.text }];
    if (e.type === 'stt.turn') return [{ atMs: ms(e.t), kind: 'turn', label: e.signal, ...(e.transcript ? { detail: e.transcript } : {}) }];
    if (e.type === 'stt.error') return [{ atMs: ms(e.t), kind: 'error', label: `${e.provider}: ${e.message}` }];
    return [];
  });

  const endpointMarks: Mark[] = events.flatMap((e): Mark[] => {
    switch (e.type) {
      case 'endpoint.hold':
        return [{ atMs: ms(e.t), kind: 'hold', label: `hold (${e.completeness})`, detail: `${e.why}; decides at ${ms(e.deadlineMs)} ms` }];
      case 'endpoint.eager_end':
        return [{ atMs: ms(e.t), kind: 'eager', label: `eager end (${e.reason})`, detail: e.transcript }];
      case 'endpoint.end':
        return [{ atMs: ms(e.t), kind: 'end', label: `end of turn ${e.turn} (${e.reason})`, detail: `${e.silenceMs} ms of silence: "${e.transcript}"` }];
      case 'endpoint.resumed':
        return [{ atMs: ms(e.t), kind: 'resumed', label: 'user resumed' }];
      case 'endpoint.discarded':
        return [{ atMs: ms(e.t), kind: 'discarded', label: 'discarded', detail: e.why }];
      default:
        return [];
    }
  });

  const llmSpans: Span[] = [];
  const llmMarks: Mark[] = [];
  for (const request of of('llm.request') as TraceEventOf<'llm.request'>[]) {
    const end = events.find(
      (e): e is TraceEventOf<'llm.done'> | TraceEventOf<'llm.aborted'> | TraceEventOf<'llm.error'> =>
        (e.type === 'llm.done' || e.type === 'llm.aborted' || e.type === 'llm.error') && e.speech === request.speech,
    );
    const kind = end === undefined ? 'open' : end.type === 'llm.done' ? 'done' : end.type === 'llm.aborted' ? 'aborted' : 'error';
    const detail =
      end?.type === 'llm.aborted' ? `aborted (${end.cause}): "${end.text}"` : end?.type === 'llm.error' ? `error: ${end.message}` : end?.type === 'llm.done' ? `"${end.text}"` : 'no end';
    llmSpans.push({
      startMs: ms(request.t),
      endMs: ms(end?.t ?? endMs),
      kind: request.speculative && kind === 'aborted' ? 'speculative' : kind,
      label: `reply ${request.speech} (turn ${request.turn}${request.speculative ? ', speculative' : ''})`,
      detail,
    });
    const first = events.find((e) => e.type === 'llm.first_token' && e.speech === request.speech);
    if (first) llmMarks.push({ atMs: ms(first.t), kind: 'first_token', label: `first token (reply ${request.speech})` });
    if (end && (end.type === 'llm.done' || end.type === 'llm.aborted')) {
      for (const t of end.tokenTimesMs) llmMarks.push({ atMs: ms(t), kind: 'token', label: 'token' });
    }
  }

  const ttsSpans: Span[] = [];
  const ttsMarks: Mark[] = [];
  for (const request of of('tts.request') as TraceEventOf<'tts.request'>[]) {
    const end = events.find(
      (e) =>
        e.t >= request.t &&
        ((e.type === 'tts.flushed' && e.speech === request.speech && e.segment === request.segment) ||
          ((e.type === 'tts.clear' || e.type === 'tts.error') && e.speech === request.speech)),
    );
    ttsSpans.push({
      startMs: ms(request.t),
      endMs: ms(end?.t ?? endMs),
      kind: end?.type === 'tts.flushed' ? 'done' : end?.type === 'tts.clear' ? 'cleared' : end?.type === 'tts.error' ? 'error' : 'open',
      label: request.text,
      detail: `reply ${request.speech}, segment ${request.segment}`,
    });
    const first = events.find((e) => e.type === 'tts.first_byte' && e.speech === request.speech && e.segment === request.segment);
    if (first) ttsMarks.push({ atMs: ms(first.t), kind: 'first_byte', label: `first byte (reply ${request.speech}, segment ${request.segment})` });
  }

  const heard = new Map(
    events.flatMap((e) => (e.type === 'history.commit' && e.role === 'assistant' && e.speech !== undefined ? [[e.speech, e] as const] : [])),
  );
  const agent: Span[] = analysis.speeches.flatMap((speech) =>
    speech.audible.map((a) => ({
      startMs: ms(a.startMs),
      endMs: ms(Number.isFinite(a.endMs) ? a.endMs : endMs),
      kind: heard.get(speech.speech)?.interrupted ? 'interrupted' : 'speech',
      label: `reply ${speech.speech}`,
      detail: heard.get(speech.speech)?.text ?? '',
    })),
  );

  const overlapMarks: Mark[] = analysis.overlaps.map((o) => ({
    atMs: o.atMs,
    kind: o.kind,
    label: `${o.kind} → ${o.decision}`,
    detail: [
      o.text ? `"${o.text}"` : '',
      o.classifiedAs ? `taken for ${o.classifiedAs}` : 'not noticed',
      o.stopLatencyMs !== null ? `stopped after ${o.stopLatencyMs} ms` : '',
      o.pauseMs !== null ? `paused ${o.pauseMs} ms` : '',
    ]
      .filter((part) => part !== '')
      .join(', '),
  }));

  return {
    id: timelineId(result.file, result.seed),
    name: result.name,
    file: result.file,
    seed: result.seed,
    passed: result.passed,
    durationMs: endMs,
    lanes: [
      { id: 'user', label: 'user speech', spans: user, marks: [] },
      { id: 'mic', label: 'echo and noise', spans: mic, marks: [] },
      { id: 'vad', label: 'VAD', spans: vadSpans, marks: vadMarks },
      { id: 'stt', label: 'STT', spans: [], marks: sttMarks },
      { id: 'endpoint', label: 'endpoint', spans: [], marks: endpointMarks },
      { id: 'llm', label: 'LLM', spans: llmSpans, marks: llmMarks },
      { id: 'tts', label: 'TTS', spans: ttsSpans, marks: ttsMarks },
      { id: 'agent', label: 'agent audio at the ear', spans: agent, marks: [] },
      { id: 'overlaps', label: 'overlaps', spans: [], marks: overlapMarks },
    ],
    violations: violationsOf(call, analysis, result),
  };
}

/** Where each failed expectation went wrong, as far as the analysis can place it. */
function violationsOf(call: CallResult, analysis: CallAnalysis, result: ScenarioResult): TimelineViolation[] {
  const placed: TimelineViolation[] = [];
  for (const assertion of result.assertions) {
    if (assertion.passed) continue;
    const at = (atMs: number, endMs?: number): void => {
      placed.push({ assertion: assertion.id, atMs: ms(atMs), ...(endMs !== undefined ? { endMs: ms(endMs) } : {}), message: assertion.message });
    };
    const before = placed.length;
    switch (assertion.id) {
      case 'no_takeover_during_pauses':
        for (const t of analysis.takeovers.filter((x) => !x.brief)) at(t.atMs, t.atMs + t.audibleMs);
        break;
      case 'barge_in_stops_within':
        for (const o of analysis.overlaps.filter((x) => x.kind === 'bargeIn')) at(o.atMs, o.atMs + (o.stopLatencyMs ?? 0));
        break;
      case 'backchannels_ignored':
        for (const o of analysis.overlaps.filter((x) => x.kind === 'backchannel' && x.decision === 'stop')) at(o.atMs);
        break;
      case 'no_self_interruption':
        for (const o of analysis.overlaps.filter((x) => x.kind === 'echo' && x.decision === 'stop')) at(o.atMs);
        break;
      case 'voice_to_voice':
      case 'eou_delay': {
        const value = (t: (typeof analysis.turns)[number]) => (assertion.id === 'voice_to_voice' ? t.voiceToVoiceMs : t.eouDelayMs);
        const worst = [...analysis.turns].filter((t) => value(t) !== null).sort((a, b) => value(b)! - value(a)!)[0];
        const end = assertion.id === 'voice_to_voice' ? worst?.agentAudioStartMs : worst?.endpointMs;
        if (worst?.userSpeechEndMs != null && end != null) at(worst.userSpeechEndMs, end);
        break;
      }
      case 'every_turn_answered':
        for (const turn of analysis.userTurns) {
          if (!analysis.speeches.some((s) => s.turn > 0 && s.firstAudioMs > turn.endMs)) at(turn.endMs);
        }
        break;
      case 'invariants':
        for (const v of checkInvariants(call, analysis)) at(v.atMs);
        break;
      default:
        break;
    }
    // Expectations about the whole call (turns, agent_said, …) are shown at its start.
    if (placed.length === before) at(0);
  }
  return placed;
}
