import type { EndpointReason, TraceEvent, TraceEventOf } from '../trace/events.js';

/** An agent utterance as the user heard it. */
export interface HeardSpeech {
  readonly speech: number;
  /** The user turn it answers (0: not a reply, e.g. a greeting). */
  readonly turn: number;
  readonly firstAudioMs: number;
  /** Intervals during which it was audible to the user. */
  readonly audible: readonly { readonly startMs: number; readonly endMs: number }[];
}

/** One user turn as the agent detected and answered it (an end-of-turn decision). */
export interface TurnReport {
  readonly index: number;
  /** End of the user's last word before the endpoint. */
  readonly userSpeechEndMs: number | null;
  readonly endpointMs: number;
  readonly endpointReason: EndpointReason;
  readonly llmFirstTokenMs: number | null;
  readonly ttsFirstByteMs: number | null;
  /** First audio of the answer, as heard by the user. */
  readonly agentAudioStartMs: number | null;
  /** userSpeechEnd → first agent audio heard: the latency users feel. */
  readonly voiceToVoiceMs: number | null;
  /** userSpeechEnd → endpoint decision. */
  readonly eouDelayMs: number | null;
  readonly interrupted: boolean;
}

/**
 * When the agent was audible to the user, per utterance. Uses the world's `ear.audio_*` events
 * (agent audio after the downlink) when the trace has them, else the agent's own playout.
 */
export function heardSpeeches(events: readonly TraceEvent[]): HeardSpeech[] {
  const atEar = events.some((e) => e.type === 'ear.audio_start');
  const startType = atEar ? 'ear.audio_start' : 'playout.start';
  const stopType = atEar ? 'ear.audio_stop' : 'playout.stop';
  const replyTurn = new Map<number, number>();
  const audible = new Map<number, { startMs: number; endMs: number }[]>();
  let open: { speech: number; startMs: number } | undefined;
  const close = (endMs: number): void => {
    if (!open) return;
    // Audio stopped in the tick it started (paused before a sample played) was never heard.
    if (endMs > open.startMs) {
      const list = audible.get(open.speech) ?? [];
      list.push({ startMs: open.startMs, endMs });
      audible.set(open.speech, list);
    }
    open = undefined;
  };
  for (const e of events) {
    if (e.type === 'llm.request') replyTurn.set(e.speech, e.turn);
    else if (e.type === startType) open = { speech: (e as { speech: number }).speech, startMs: e.t };
    else if (e.type === stopType) close(e.t);
  }
  close(Infinity);
  return [...audible.entries()]
    .map(([speech, intervals]) => ({ speech, turn: replyTurn.get(speech) ?? 0, firstAudioMs: intervals[0]!.startMs, audible: intervals }))
    .sort((a, b) => a.firstAudioMs - b.firstAudioMs);
}

/**
 * The turns the agent ended, with their latencies, from the trace alone. The user's speech end
 * is the world's ground truth (`user.speech_end` of turn speech, not backchannels) when the trace
 * has it, else the VAD's estimate.
 */
export function turnReports(events: readonly TraceEvent[], speeches: readonly HeardSpeech[] = heardSpeeches(events)): TurnReport[] {
  const truth = events.filter((e): e is TraceEventOf<'user.speech_end'> => e.type === 'user.speech_end' && e.kind !== 'backchannel');
  const speechEnds = truth.length > 0
    ? truth.map((e) => e.t)
    : events.filter((e): e is TraceEventOf<'vad.speech_end'> => e.type === 'vad.speech_end').map((e) => e.speechEndMs);
  const turns: TurnReport[] = [];
  for (const [index, end] of events.entries()) {
    if (end.type !== 'endpoint.end') continue;
    // The reply: requested at the endpoint, or a speculative one committed then. Found by order
    // (the session emits it while handling the endpoint), not by time: on the wall clock two
    // events of one handler do not share a timestamp.
    let speech: number | undefined;
    for (let k = index + 1; k < events.length && speech === undefined; k++) {
      const e = events[k]!;
      if (e.type === 'endpoint.end') break;
      if ((e.type === 'llm.request' && !e.speculative && e.turn === end.turn) || e.type === 'llm.committed') speech = e.speech;
    }
    const lastWordEnd = speechEnds.filter((t) => t <= end.t).at(-1) ?? null;
    const firstOf = (type: 'llm.first_token' | 'tts.first_byte'): number | null =>
      speech === undefined ? null : (events.find((e) => e.type === type && e.speech === speech)?.t ?? null);
    const audioStart = speeches.find((s) => s.speech === speech)?.firstAudioMs ?? null;
    turns.push({
      index: turns.length + 1,
      userSpeechEndMs: round(lastWordEnd),
      endpointMs: Math.round(end.t),
      endpointReason: end.reason,
      llmFirstTokenMs: round(firstOf('llm.first_token')),
      ttsFirstByteMs: round(firstOf('tts.first_byte')),
      agentAudioStartMs: round(audioStart),
      voiceToVoiceMs: audioStart !== null && lastWordEnd !== null ? Math.round(audioStart - lastWordEnd) : null,
      eouDelayMs: lastWordEnd !== null ? Math.round(end.t - lastWordEnd) : null,
      interrupted: events.some((e) => e.type === 'interruption.classified' && e.speech === speech && e.kind === 'barge_in'),
    });
  }
  return turns;
}

function round(value: number | null): number | null {
  return value === null ? null : Math.round(value);
}
