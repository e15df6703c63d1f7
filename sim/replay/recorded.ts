import { DEFAULT_BACKCHANNELS, onlyBackchannels, resolveInterruptionConfig } from '../../core/interruption/policy.js';
import type { TimedWord } from '../../core/session/user-transcript.js';
import type { SpeechSegment } from '../../core/vad/segments.js';

/** A response of the agent to the caller: from the end of the caller's turn to the agent's start. */
export interface RecordedResponse {
  readonly userEndMs: number;
  readonly agentStartMs: number;
  readonly gapMs: number;
}

/** Both talking at once, and who started it (talked over the other). */
export interface RecordedOverlap {
  readonly startMs: number;
  readonly endMs: number;
  readonly by: 'user' | 'agent';
  /**
   * For overlaps the caller started: their utterance looks like a backchannel ("mhm"): only
   * backchannel words, or (without a transcript) under a second, and the agent talked on.
   */
  readonly backchannelLike?: boolean;
}

/** A turn of the caller: their utterances from one answer of the agent to the next. */
export interface RecordedTurn {
  /** When they began to speak (under the agent, for a barge-in). */
  readonly speechStartMs: number;
  /** When the floor was theirs: when they began, or when the agent stopped for them. */
  readonly startMs: number;
  /** The end of their last words in the turn. */
  readonly endMs: number;
  /** Where they spoke again after a pause, within the turn. */
  readonly resumptionsMs: readonly number[];
  /** When the agent began its answer (null: it never did). */
  readonly answeredAtMs: number | null;
}

/** The call as it happened, from the speech found in each channel. */
export interface RecordedCall {
  readonly userSegments: readonly SpeechSegment[];
  readonly agentSegments: readonly SpeechSegment[];
  readonly responses: readonly RecordedResponse[];
  readonly overlaps: readonly RecordedOverlap[];
  readonly turns: readonly RecordedTurn[];
}

/** Speech segments closer than this are one utterance (a VAD splits at short pauses). */
const UTTERANCE_GAP_MS = 400;
/** Without words, an utterance over the agent shorter than this may be a backchannel. */
const BRIEF_MS = 1000;
/** The agent talked on: it was still speaking, or spoke again, this soon after the caller stopped. */
const TALKED_ON_MS = 1500;

const TRUTH_LEXICON = resolveInterruptionConfig({ backchannels: [...DEFAULT_BACKCHANNELS] });

/**
 * What happened in a call: the caller's utterances (segments a short pause apart joined) that
 * began under the agent's speech and look like backchannels are overlaps, not turns; the others
 * make the caller's turns, each answered by the agent's next utterance (a response, with its
 * gap). Every stretch where both speak is an overlap by whoever started second.
 */
export function describeCall(userSegments: readonly SpeechSegment[], agentSegments: readonly SpeechSegment[], words?: readonly TimedWord[]): RecordedCall {
  const utterances = joinShortGaps(userSegments);
  const backchannel = (u: SpeechSegment): boolean => {
    const under = agentSegments.some((a) => a.startMs <= u.startMs && a.endMs > u.startMs);
    if (!under) return false;
    const talkedOn = agentSegments.some((a) => a.endMs > u.endMs && a.startMs <= u.endMs + TALKED_ON_MS);
    const spoken = words?.filter((w) => w.startMs >= u.startMs - 150 && w.startMs < u.endMs + 150);
    const brief = spoken && spoken.length > 0 ? onlyBackchannels(spoken.map((w) => w.word), TRUTH_LEXICON) : u.endMs - u.startMs < BRIEF_MS;
    return brief && talkedOn;
  };

  const turns: { speechStartMs: number; startMs: number; endMs: number; resumptionsMs: number[]; answeredAtMs: number | null }[] = [];
  for (const u of utterances) {
    if (backchannel(u)) continue;
    const under = agentSegments.find((a) => a.startMs <= u.startMs && a.endMs > u.startMs);
    const startMs = under ? Math.min(under.endMs, u.endMs) : u.startMs;
    const open = turns.at(-1);
    const answered = open && agentSegments.some((a) => a.startMs >= open.endMs && a.startMs < u.startMs);
    if (open && !answered) {
      open.resumptionsMs.push(u.startMs);
      open.endMs = u.endMs;
      continue;
    }
    turns.push({ speechStartMs: u.startMs, startMs, endMs: u.endMs, resumptionsMs: [], answeredAtMs: null });
  }
  const responses: RecordedResponse[] = [];
  turns.forEach((turn, i) => {
    const next = turns[i + 1];
    const answer = agentSegments.find((a) => a.startMs >= turn.endMs && (next === undefined || a.startMs < next.speechStartMs));
    if (!answer) return;
    turn.answeredAtMs = answer.startMs;
    responses.push({ userEndMs: turn.endMs, agentStartMs: answer.startMs, gapMs: answer.startMs - turn.endMs });
  });

  const overlaps: RecordedOverlap[] = [];
  for (const u of utterances) {
    for (const agent of agentSegments) {
      const startMs = Math.max(u.startMs, agent.startMs);
      const endMs = Math.min(u.endMs, agent.endMs);
      if (endMs <= startMs) continue;
      const by = u.startMs >= agent.startMs ? 'user' : 'agent';
      overlaps.push({ startMs, endMs, by, ...(by === 'user' ? { backchannelLike: backchannel(u) } : {}) });
    }
  }
  overlaps.sort((a, b) => a.startMs - b.startMs);
  return { userSegments, agentSegments, responses, overlaps, turns };
}

/** Segments less than {@link UTTERANCE_GAP_MS} apart, joined. */
export function joinShortGaps(segments: readonly SpeechSegment[]): SpeechSegment[] {
  const joined: { startMs: number; endMs: number }[] = [];
  for (const s of segments) {
    const last = joined.at(-1);
    if (last && s.startMs - last.endMs < UTTERANCE_GAP_MS) last.endMs = Math.max(last.endMs, s.endMs);
    else joined.push({ startMs: s.startMs, endMs: s.endMs });
  }
  return joined;
}
