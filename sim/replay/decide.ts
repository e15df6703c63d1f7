import { VirtualClock } from '../../core/clock/virtual-clock.js';
import { FusionEndpointer } from '../../core/endpointer/endpointer.js';
import { OverlapTracker, type OverlapOutcome } from '../../core/interruption/overlap-tracker.js';
import { resolveInterruptionConfig } from '../../core/interruption/policy.js';
import { summarize, type Summary } from '../../core/metrics/summary.js';
import { UserTranscript, type TimedWord } from '../../core/session/user-transcript.js';
import type { EndpointReason, OverlapKind } from '../../core/trace/events.js';
import type { VadEvent } from '../../core/vad/events.js';
import { VadHysteresis } from '../../core/vad/hysteresis.js';
import type { SpeechSegment } from '../../core/vad/segments.js';
import type { AgentConfig } from '../config/model.js';
import { median } from '../distribution.js';
import type { HeardTrack } from './listen.js';
import { joinShortGaps, type RecordedCall, type RecordedTurn } from './recorded.js';

/** What the recording is made of, as the decisions need it. */
export interface ReplayInput {
  readonly durationMs: number;
  readonly windowMs: number;
  /** The caller as this config's VAD and echo canceller heard them. */
  readonly user: HeardTrack;
  /** The call as recorded (the same for every config): its turns and overlaps are what is judged. */
  readonly recorded: RecordedCall;
  /** The agent's level while it spoke (dBFS), for telling the caller from its echo. */
  readonly agentLevelDb: number | undefined;
  /** The caller's words, when a transcript came with the recording. */
  readonly words: readonly TimedWord[] | undefined;
}

/** An endpoint decision this config took. */
export interface ReplayEndpoint {
  readonly atMs: number;
  readonly type: 'end' | 'eager_end';
  readonly reason: EndpointReason;
  /** The recorded turn it fell in (1-based). */
  readonly turn: number;
  /** An end while the caller was only pausing: they spoke again before the agent answered. */
  readonly premature: boolean;
}

/** A caller's turn of the recording and what this config made of its end. */
export interface ReplayTurn {
  readonly index: number;
  readonly startMs: number;
  /** The end of the caller's last words in the turn. */
  readonly endMs: number;
  /** This config's first end of turn after the caller's last words, if it took one. */
  readonly endpointMs: number | null;
  readonly eouDelayMs: number | null;
  /** End-of-utterance delay plus the config's model and voice latency (medians of its profiles). */
  readonly responseMs: number | null;
  /** The recorded agent's answer time, from the same end of speech (null: it did not answer). */
  readonly recordedGapMs: number | null;
  readonly prematureEndpoints: number;
}

/** What this config's interruption policy made of the caller talking over the agent. */
export interface ReplayOverlap {
  readonly atMs: number;
  readonly endMs: number;
  /** What the caller's speech was, by its words (or, without a transcript, its length). */
  readonly truth: 'bargeIn' | 'backchannel';
  readonly classifiedAs: OverlapKind;
  readonly action: 'stop' | 'continue';
  readonly why: string;
  readonly decidedAtMs: number;
  /** Stopped for a backchannel (false) or talked on through a barge-in (missed). */
  readonly error: 'falseBargeIn' | 'missedBargeIn' | null;
}

/** Everything one config decided over one recording. */
export interface ReplayDecisions {
  /** The caller's speech as this config's VAD found it. */
  readonly vadSegments: readonly SpeechSegment[];
  readonly endpoints: readonly ReplayEndpoint[];
  readonly turns: readonly ReplayTurn[];
  readonly overlaps: readonly ReplayOverlap[];
  readonly counts: { readonly prematureEndpoints: number; readonly falseBargeIns: number; readonly missedBargeIns: number };
  readonly responseMs: Summary;
  readonly eouDelayMs: Summary;
}


/**
 * Replays the caller's side of a recording through `config`'s core components, on a virtual
 * clock: its VAD hysteresis over the caller's speech probabilities, its endpointer fed those
 * decisions and the transcript (timed as its simulated STT would deliver it), and its
 * interruption policy at each overlap the caller started. The agent's side is as recorded: what
 * the agent said and when is not simulated, so each decision is judged against what the caller
 * then did in the recording.
 */
export async function decide(input: ReplayInput, config: AgentConfig): Promise<ReplayDecisions> {
  const turns = input.recorded.turns;
  const endpoints = await endpointsOf(input, config, turns);
  const overlaps = await overlapsOf(input, config);
  const turnReports = turns.map((turn, i): ReplayTurn => {
    const mine = endpoints.filter((e) => e.turn === i + 1 && e.type === 'end');
    const final = mine.find((e) => e.atMs >= turn.endMs);
    const eouDelayMs = final ? Math.round(final.atMs - turn.endMs) : null;
    return {
      index: i + 1,
      startMs: Math.round(turn.startMs),
      endMs: Math.round(turn.endMs),
      endpointMs: final ? Math.round(final.atMs) : null,
      eouDelayMs,
      responseMs: eouDelayMs === null ? null : eouDelayMs + pipelineMs(config),
      recordedGapMs: turn.answeredAtMs === null ? null : Math.round(turn.answeredAtMs - turn.endMs),
      prematureEndpoints: mine.filter((e) => e.premature).length,
    };
  });
  return {
    vadSegments: segmentsOf(vadEvents(input, config)),
    endpoints,
    turns: turnReports,
    overlaps,
    counts: {
      prematureEndpoints: endpoints.filter((e) => e.premature).length,
      falseBargeIns: overlaps.filter((o) => o.error === 'falseBargeIn').length,
      missedBargeIns: overlaps.filter((o) => o.error === 'missedBargeIn').length,
    },
    responseMs: summarize(turnReports.map((t) => t.responseMs)),
    eouDelayMs: summarize(turnReports.map((t) => t.eouDelayMs)),
  };
}

/** What the config's model and voice add to the end of a turn before the caller hears an answer. */
function pipelineMs(config: AgentConfig): number {
  const { llm, tts } = config.providers;
  return Math.round(median(llm.timeToFirstTokenMs) + median(tts.timeToFirstByteMs));
}

/** The config's endpoint decisions over the caller's turns (speech under the agent's left out). */
async function endpointsOf(input: ReplayInput, config: AgentConfig, turns: readonly RecordedTurn[]): Promise<ReplayEndpoint[]> {
  const clock = new VirtualClock();
  const withoutWords = input.words === undefined;
  // Without a transcript the endpointer can only go by silence.
  const endpointer = new FusionEndpointer(clock, withoutWords ? { ...config.endpointer, mode: 'silence' } : config.endpointer);
  const transcript = new UserTranscript();
  const decisions: { atMs: number; type: 'end' | 'eager_end'; reason: EndpointReason }[] = [];
  endpointer.subscribe((decision) => {
    if (decision.type === 'end' || decision.type === 'eager_end') decisions.push({ atMs: clock.now(), type: decision.type, reason: decision.reason });
    if (decision.type === 'end' || decision.type === 'discarded') {
      endpointer.reset();
      transcript.clear();
    }
  });
  // Speech the VAD heard within a turn (it may start a little before the recorded bounds).
  const inTurn = (ms: number): boolean => turns.some((t) => ms >= t.speechStartMs - 200 && ms <= t.endMs);
  let feeding = false;
  for (const { atMs, event } of vadEvents(input, config)) {
    clock.setTimeout(() => {
      if (event.type === 'speech_start') {
        feeding = inTurn(event.onsetMs);
        if (!feeding) return;
        endpointer.onVad(event);
        if (withoutWords) endpointer.onTranscript({ text: '(speech)', settled: true });
      } else if (feeding) {
        endpointer.onVad(event);
      }
    }, atMs);
  }
  if (input.words) scheduleTranscript(clock, input.words, input.recorded.userSegments, config, (isFinal, words) => {
    transcript.apply(isFinal, words);
    endpointer.onTranscript({ text: transcript.text, settled: transcript.settled });
  });
  await clock.runUntil(input.durationMs + 10_000);
  endpointer.dispose();
  return decisions.map((d) => {
    const index = turns.findIndex((t, i) => d.atMs >= t.startMs && (i + 1 === turns.length || d.atMs < turns[i + 1]!.startMs));
    const turn = turns[index];
    const premature = d.type === 'end' && turn !== undefined && turn.resumptionsMs.some((r) => r > d.atMs);
    return { atMs: Math.round(d.atMs), type: d.type, reason: d.reason, turn: index + 1, premature };
  });
}

/** Speech segments from VAD decisions. */
function segmentsOf(events: readonly { event: VadEvent }[]): SpeechSegment[] {
  const segments: SpeechSegment[] = [];
  let startMs: number | undefined;
  for (const { event } of events) {
    if (event.type === 'speech_start') startMs = event.onsetMs;
    else if (startMs !== undefined) {
      segments.push({ startMs: Math.round(startMs), endMs: Math.round(event.speechEndMs) });
      startMs = undefined;
    }
  }
  return segments;
}

/** The config's VAD decisions over the caller's speech probabilities, at the time each was taken. */
function vadEvents(input: ReplayInput, config: AgentConfig): { atMs: number; event: VadEvent }[] {
  const hysteresis = new VadHysteresis({
    activationThreshold: config.vad.activationThreshold,
    minSpeechMs: config.vad.minSpeechMs,
    minSilenceMs: config.vad.minSilenceMs,
    prefixPaddingMs: config.vad.prefixPaddingMs,
  });
  const events: { atMs: number; event: VadEvent }[] = [];
  const { probabilities, levelsDb } = input.user;
  for (let i = 0; i < probabilities.length; i++) {
    const startMs = i * input.windowMs;
    const level = levelsDb[i]!;
    for (const event of hysteresis.push({ startMs, durationMs: input.windowMs, probability: probabilities[i]!, ...(Number.isFinite(level) ? { levelDb: level } : {}) })) {
      events.push({ atMs: startMs + input.windowMs, event: event.type === 'speech_start' ? { type: 'speech_start', onsetMs: event.onsetMs, ...(event.levelDb !== undefined ? { levelDb: event.levelDb } : {}) } : event });
    }
  }
  for (const event of hysteresis.flush(input.durationMs)) events.push({ atMs: input.durationMs, event });
  return events;
}

/**
 * The transcript as the config's simulated STT would deliver it: each word in an interim result
 * once its end is `partial lag` old, and each utterance's words in a final result `final latency`
 * after the utterance ends (medians of the config's STT profile).
 */
function scheduleTranscript(
  clock: VirtualClock,
  words: readonly TimedWord[],
  segments: readonly SpeechSegment[],
  config: AgentConfig,
  deliver: (isFinal: boolean, words: readonly TimedWord[]) => void,
): void {
  const lag = median(config.providers.stt.partialLagMs);
  const final = median(config.providers.stt.finalLatencyMs);
  for (const segment of segments) {
    const mine = words.filter((w) => w.startMs >= segment.startMs - 150 && w.startMs < segment.endMs + 150);
    if (mine.length === 0) continue;
    mine.forEach((word, k) => clock.setTimeout(() => deliver(false, mine.slice(0, k + 1)), word.endMs + lag));
    clock.setTimeout(() => deliver(true, mine), segment.endMs + final);
  }
}

/** The config's interruption policy at each overlap the caller started. */
async function overlapsOf(input: ReplayInput, config: AgentConfig): Promise<ReplayOverlap[]> {
  const interruption = resolveInterruptionConfig(config.interruption);
  const results: ReplayOverlap[] = [];
  const lag = median(config.providers.stt.partialLagMs);
  const final = median(config.providers.stt.finalLatencyMs);
  for (const overlap of input.recorded.overlaps) {
    if (overlap.by !== 'user') continue;
    // The caller's utterance that began the overlap.
    const utterance = joinShortGaps(input.recorded.userSegments).find((u) => u.startMs <= overlap.startMs && u.endMs >= overlap.startMs);
    if (!utterance) continue;
    const words = input.words?.filter((w) => w.startMs >= utterance.startMs - 150 && w.startMs < utterance.endMs + 150);
    const clock = new VirtualClock();
    let outcome: OverlapOutcome | undefined;
    const tracker = new OverlapTracker(
      clock,
      interruption,
      { onsetMs: utterance.startMs, ...levelAt(input, utterance), ...(input.agentLevelDb !== undefined ? { referenceLevelDb: input.agentLevelDb } : {}), agentWords: new Set() },
      (verdict) => {
        outcome ??= verdict;
      },
    );
    clock.setTimeout(() => tracker.begin(), utterance.startMs);
    clock.setTimeout(() => tracker.onSpeechEnd(utterance.endMs), utterance.endMs + config.vad.minSilenceMs);
    if (words) {
      words.forEach((word, k) => clock.setTimeout(() => tracker.onWords(words.slice(0, k + 1).map((w) => w.word)), word.endMs + lag));
      clock.setTimeout(() => tracker.onWords(words.map((w) => w.word), true), utterance.endMs + final);
    }
    await clock.runUntil(utterance.endMs + 10_000);
    tracker.dispose();
    if (!outcome) continue;
    const truth = overlap.backchannelLike ? 'backchannel' : 'bargeIn';
    const stop = outcome.kind === 'barge_in';
    results.push({
      atMs: Math.round(utterance.startMs),
      endMs: Math.round(utterance.endMs),
      truth,
      classifiedAs: outcome.kind,
      action: stop ? 'stop' : 'continue',
      why: outcome.why,
      decidedAtMs: Math.round(clock.now()),
      error: stop && truth === 'backchannel' ? 'falseBargeIn' : !stop && truth === 'bargeIn' ? 'missedBargeIn' : null,
    });
  }
  return results;
}

/** The caller's level at the onset: the loudest of its first 100 ms. */
function levelAt(input: ReplayInput, segment: SpeechSegment): { levelDb?: number } {
  const first = Math.floor(segment.startMs / input.windowMs);
  let level = -Infinity;
  for (let i = first; i < first + 4 && i < input.user.levelsDb.length; i++) level = Math.max(level, input.user.levelsDb[i]!);
  return Number.isFinite(level) ? { levelDb: level } : {};
}
