import { heardSpeeches, turnReports, type HeardSpeech, type TurnReport } from '../../core/metrics/turns.js';

export type { HeardSpeech, TurnReport };
import type { TraceEvent, TraceEventOf } from '../../core/trace/events.js';
import type { Sound } from '../world/sound.js';
import type { CallResult } from '../world/call.js';

/** A user turn as scripted and as it happened: speech segments and the pauses between them. */
export interface UserTurn {
  readonly index: number;
  readonly startMs: number;
  /** End of the turn's last word. */
  readonly endMs: number;
  readonly text: string;
  readonly segments: readonly { readonly startMs: number; readonly endMs: number }[];
  /** Hesitations: silences between the turn's segments. */
  readonly pauses: readonly { readonly startMs: number; readonly endMs: number }[];
}

/** What a sound heard while the agent talked was, and what the agent did about it. */
export type OverlapKindName = 'bargeIn' | 'backchannel' | 'echo' | 'noise';

export interface OverlapReport {
  readonly atMs: number;
  /** What it really was. */
  readonly kind: OverlapKindName;
  /** The agent's action: `stop`, `resume` (after pausing), `ignore`, or `none` (never noticed). */
  readonly decision: 'stop' | 'resume' | 'ignore' | 'none';
  /** What the agent took it for, if it noticed. */
  readonly classifiedAs: OverlapKindName | null;
  /** When the agent's verdict on it came; sounds judged together share it. */
  readonly decidedAtMs: number | null;
  /**
   * What else reached the agent in the same episode, before the verdict: a stop is the doing of
   * the user's speech heard with it (`bargeIn`), not of an echo or backchannel beside it.
   */
  readonly alongside: readonly OverlapKindName[];
  /**
   * From its onset until the agent's audio stopped for good at the ear: because the agent stopped
   * for it, or because the utterance ended on its own (a missed barge-in). Null when the audio
   * paused and resumed, or never stopped. Reported for barge-ins, and for anything the agent stopped for.
   */
  readonly stopLatencyMs: number | null;
  /** How long the agent's audio was paused for it before resuming. */
  readonly pauseMs: number | null;
  readonly speech: number;
  readonly text: string;
  /** The line of the scenario's action that made it, if any. */
  readonly line: number | null;
}

/** An agent utterance that began while the user was mid-turn. */
export interface Takeover {
  readonly atMs: number;
  readonly speech: number;
  readonly turn: number;
  /** The hesitation it began in, if it began in one. */
  readonly pause: { readonly startMs: number; readonly endMs: number } | null;
  readonly audibleMs: number;
  readonly wordsHeard: number;
  /** Words of the whole utterance the agent meant to say (as generated so far). */
  readonly wordsIntended: number;
  /** Under 1 s and at most 3 words meant: an interjection, not counted as a takeover. */
  readonly brief: boolean;
}

/**
 * Whether a stop for `overlap` (an echo, a backchannel) was really for user speech heard in the
 * same episode: the user's own barge-in explains it.
 */
export function judgedWithBargeIn(overlap: OverlapReport): boolean {
  return overlap.alongside.includes('bargeIn');
}

/** Whether the agent stopped for its own echo alone: nothing the user made was heard with it. */
export function stoppedForEchoAlone(overlap: OverlapReport): boolean {
  return overlap.kind === 'echo' && overlap.decision === 'stop' && overlap.alongside.every((kind) => kind === 'echo');
}

/** Full-Duplex-Bench: output under this long, with at most {@link BRIEF_WORDS} words, is not a takeover. */
const BRIEF_MS = 1000;
const BRIEF_WORDS = 3;

/** The ground truth of a call set against what the agent did. */
export interface CallAnalysis {
  readonly userTurns: readonly UserTurn[];
  readonly speeches: readonly HeardSpeech[];
  readonly turns: readonly TurnReport[];
  readonly overlaps: readonly OverlapReport[];
  /**
   * Agent utterances that started while the user was mid-turn. As in Full-Duplex-Bench, an
   * utterance shorter than 1 s of at most 3 words (a backchannel-like "mhm, okay") is not a
   * takeover (`brief: true`); a reply cut short because the user went on still is one.
   */
  readonly takeovers: readonly Takeover[];
  /** Longest time user speech and agent audio were heard at once. */
  readonly longestOverlapMs: number;
  /** What the agent said that the user heard, utterance by utterance. */
  readonly agentHeard: readonly string[];
  readonly failedTurns: readonly TraceEventOf<'turn.failed'>[];
}

const KIND_NAMES: Record<string, OverlapKindName> = { barge_in: 'bargeIn', backchannel: 'backchannel', echo: 'echo', noise: 'noise' };

/** Analyses a call: user turns, what the agent answered and when, and every overlap. */
export function analyseCall(call: CallResult): CallAnalysis {
  const events = call.events;
  const userTurns = collectUserTurns(call);
  const speeches = heardSpeeches(events);
  const turns = turnReports(events, speeches);
  return {
    userTurns,
    speeches,
    turns,
    overlaps: collectOverlaps(events, call.sounds, speeches, call.scenario.user.map((a) => a.source.line)),
    takeovers: collectTakeovers(userTurns, speeches, events),
    longestOverlapMs: longestOverlap(call.sounds, speeches),
    agentHeard: events.flatMap((e) => (e.type === 'history.commit' && e.role === 'assistant' ? [e.text] : [])),
    failedTurns: events.filter((e): e is TraceEventOf<'turn.failed'> => e.type === 'turn.failed'),
  };
}

/**
 * Groups the user's speech into turns: a turn starts with speech that is timed (`at`) or that
 * follows a `silence`; untimed speech after a `pause` continues the turn. Backchannels and
 * noise are not turns.
 */
function collectUserTurns(call: CallResult): UserTurn[] {
  const turns: { startMs: number; endMs: number; texts: string[]; segments: { startMs: number; endMs: number }[] }[] = [];
  let open = false;
  for (const action of call.actions) {
    if (action.kind === 'silence' || action.kind === 'hangup') {
      open = false;
      continue;
    }
    if (action.kind !== 'say' && action.kind !== 'filler') continue;
    const current = turns.at(-1);
    if (!open || action.timed || !current) {
      turns.push({ startMs: action.startMs, endMs: action.endMs, texts: [action.text ?? ''], segments: [{ startMs: action.startMs, endMs: action.endMs }] });
      open = true;
      continue;
    }
    current.endMs = action.endMs;
    current.texts.push(action.text ?? '');
    current.segments.push({ startMs: action.startMs, endMs: action.endMs });
  }
  return turns.map((t, i) => ({
    index: i + 1,
    startMs: t.startMs,
    endMs: t.endMs,
    text: t.texts.join(' '),
    segments: t.segments,
    pauses: t.segments.slice(1).map((s, k) => ({ startMs: t.segments[k]!.endMs, endMs: s.startMs })).filter((p) => p.endMs > p.startMs),
  }));
}

/**
 * Every sound that began while the agent was audible, with the agent's decision: the
 * interruption verdict whose episode (from its onset to the verdict) the sound reached the agent
 * in. Verdicts no real sound explains (a VAD false alarm) are reported as noise.
 */
function collectOverlaps(events: readonly TraceEvent[], sounds: readonly Sound[], speeches: readonly HeardSpeech[], actionLines: readonly number[]): OverlapReport[] {
  const verdicts = events.filter((e): e is TraceEventOf<'interruption.classified'> => e.type === 'interruption.classified');
  const explained = new Set<TraceEventOf<'interruption.classified'>>();
  // A verdict's episode runs from its onset to the verdict; a sound takes part in it when the
  // stretch it was arriving at the agent (first arrival to end) meets that episode. The VAD's
  // onset can be later than a sound's first audio (a blip, a lost packet), hence intersection.
  const inEpisode = (sound: Sound, verdict: TraceEventOf<'interruption.classified'>): boolean => {
    if (sound.arrivedMs === undefined) return false;
    const endArrivedMs = (sound.endMs ?? Infinity) + (sound.arrivedMs - sound.startMs);
    return sound.arrivedMs <= verdict.t + 1 && endArrivedMs >= verdict.onsetMs - 1;
  };
  const kindOf = (sound: Sound): OverlapKindName => (sound.kind === 'speech' || sound.kind === 'filler' ? 'bargeIn' : sound.kind);
  const alongside = (sound: Sound | undefined, verdict: TraceEventOf<'interruption.classified'> | undefined): OverlapKindName[] =>
    verdict === undefined ? [] : [...new Set(sounds.filter((x) => x !== sound && inEpisode(x, verdict)).map(kindOf))];
  const overlaps: OverlapReport[] = [];
  for (const sound of sounds) {
    // During an utterance: from its first audio to its last (a pause or an underrun included).
    const speech = speeches.find((s) => s.firstAudioMs <= sound.startMs && sound.startMs < s.audible.at(-1)!.endMs);
    if (!speech) continue;
    // Of the episodes it took part in, the one it began: the onset nearest its arrival.
    const arrived = sound.arrivedMs ?? sound.startMs;
    const verdict = verdicts
      .filter((v) => v.speech === speech.speech && inEpisode(sound, v))
      .reduce<TraceEventOf<'interruption.classified'> | undefined>(
        (best, v) => (!best || Math.abs(v.onsetMs - arrived) < Math.abs(best.onsetMs - arrived) ? v : best),
        undefined,
      );
    if (verdict) explained.add(verdict);
    const kind = kindOf(sound);
    const decision = verdict?.action ?? 'none';
    overlaps.push({
      atMs: Math.round(sound.startMs),
      kind,
      decision,
      classifiedAs: verdict ? KIND_NAMES[verdict.kind]! : null,
      decidedAtMs: verdict ? Math.round(verdict.t) : null,
      alongside: alongside(sound, verdict),
      ...ownTiming(stopTiming(speech, sound.startMs, verdict?.action === 'stop' ? verdict.t : undefined), kind, decision),
      speech: speech.speech,
      text: sound.kind === 'echo' ? '' : sound.text,
      line: sound.action === undefined ? null : (actionLines[sound.action] ?? null),
    });
  }
  for (const verdict of verdicts) {
    if (explained.has(verdict)) continue;
    const speech = speeches.find((s) => s.speech === verdict.speech);
    overlaps.push({
      atMs: Math.round(verdict.onsetMs),
      kind: 'noise',
      decision: verdict.action,
      classifiedAs: KIND_NAMES[verdict.kind]!,
      decidedAtMs: Math.round(verdict.t),
      alongside: alongside(undefined, verdict),
      ...ownTiming(speech ? stopTiming(speech, verdict.onsetMs, verdict.action === 'stop' ? verdict.t : undefined) : { stopLatencyMs: null, pauseMs: null }, 'noise', verdict.action),
      speech: verdict.speech,
      text: '',
      line: null,
    });
  }
  return overlaps.sort((a, b) => a.atMs - b.atMs);
}

/**
 * Keeps the timing that belongs to this overlap: a stop latency for barge-ins (and for anything
 * the agent stopped for), a pause only when the agent paused for it and resumed.
 */
function ownTiming(
  timing: { stopLatencyMs: number | null; pauseMs: number | null },
  kind: OverlapKindName,
  decision: OverlapReport['decision'],
): { stopLatencyMs: number | null; pauseMs: number | null } {
  return {
    stopLatencyMs: kind === 'bargeIn' || decision === 'stop' ? timing.stopLatencyMs : null,
    pauseMs: decision === 'resume' || (kind === 'bargeIn' && decision !== 'stop') ? timing.pauseMs : null,
  };
}

/**
 * When the agent's audio stopped after `onsetMs`: for good (the utterance's last audible
 * interval ended) or for a pause it resumed from. With `stoppedByVerdictAtMs` (a stop verdict at
 * that time), up to the last audio begun before it: a short resume in the same tick as the stop
 * does not count as talking on.
 */
function stopTiming(speech: HeardSpeech, onsetMs: number, stoppedByVerdictAtMs?: number): { stopLatencyMs: number | null; pauseMs: number | null } {
  if (stoppedByVerdictAtMs !== undefined) {
    // Stopped for it: the last audio is the last interval begun before the verdict.
    const last = speech.audible.filter((a) => a.startMs <= stoppedByVerdictAtMs).at(-1);
    return { stopLatencyMs: last && Number.isFinite(last.endMs) ? Math.max(0, Math.round(last.endMs - onsetMs)) : null, pauseMs: null };
  }
  const index = speech.audible.findIndex((a) => a.endMs > onsetMs);
  // Silent from before the onset to the end: it had already stopped.
  if (index === -1) return { stopLatencyMs: 0, pauseMs: null };
  const interval = speech.audible[index]!;
  if (!Number.isFinite(interval.endMs)) return { stopLatencyMs: null, pauseMs: null };
  const next = speech.audible[index + 1];
  if (interval.startMs > onsetMs) {
    // It began in a gap (a pause for something else, an underrun) and the audio came back.
    return next ? { stopLatencyMs: null, pauseMs: Math.round(interval.startMs - onsetMs) } : { stopLatencyMs: Math.round(interval.endMs - onsetMs), pauseMs: null };
  }
  if (next) return { stopLatencyMs: null, pauseMs: Math.round(next.startMs - interval.endMs) };
  return { stopLatencyMs: Math.round(interval.endMs - onsetMs), pauseMs: null };
}

/** Agent utterances whose first audio came while the user was mid-turn. */
function collectTakeovers(userTurns: readonly UserTurn[], speeches: readonly HeardSpeech[], events: readonly TraceEvent[]): Takeover[] {
  const takeovers: Takeover[] = [];
  for (const speech of speeches) {
    const turn = userTurns.find((t) => t.startMs < speech.firstAudioMs && speech.firstAudioMs < t.endMs);
    if (!turn) continue;
    const pause = turn.pauses.find((p) => p.startMs <= speech.firstAudioMs && speech.firstAudioMs < p.endMs) ?? null;
    const audibleMs = Math.round(speech.audible.reduce((sum, a) => sum + (Math.min(a.endMs, 1e12) - a.startMs), 0));
    const heard = events.find((e): e is TraceEventOf<'history.commit'> => e.type === 'history.commit' && e.role === 'assistant' && e.speech === speech.speech);
    const wordsHeard = heard ? countWords(heard.text) : 0;
    const meant = events.flatMap((e) => (e.type === 'text.chunk' && e.speech === speech.speech ? [e.text] : [])).join(' ');
    const wordsIntended = Math.max(wordsHeard, countWords(meant));
    const brief = audibleMs < BRIEF_MS && wordsIntended <= BRIEF_WORDS;
    takeovers.push({ atMs: Math.round(speech.firstAudioMs), speech: speech.speech, turn: turn.index, pause, audibleMs, wordsHeard, wordsIntended, brief });
  }
  return takeovers;
}

function countWords(text: string): number {
  return text.split(/\s+/).filter((w) => w !== '').length;
}

/** Longest stretch during which user speech (not backchannels) and agent audio were both heard. */
function longestOverlap(sounds: readonly Sound[], speeches: readonly HeardSpeech[]): number {
  let longest = 0;
  for (const sound of sounds) {
    if (sound.kind !== 'speech' && sound.kind !== 'filler') continue;
    const end = sound.endMs ?? sound.startMs;
    for (const speech of speeches) {
      for (const a of speech.audible) {
        longest = Math.max(longest, Math.min(end, a.endMs) - Math.max(sound.startMs, a.startMs));
      }
    }
  }
  return Math.round(longest);
}
