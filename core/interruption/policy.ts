import type { OverlapKind } from '../trace/events.js';
import { normalizeTranscript } from '../endpointer/completeness.js';

/** Normalised words of a text, as the policy compares them ("Uh-huh, yeah." → uh, huh, yeah). */
export function wordsOf(text: string): string[] {
  return normalizeTranscript(text.replace(/-/g, ' ')).split(' ').filter((w) => w !== '');
}

/** The default backchannel lexicon: sounds of listening, not bids for the turn. */
export const DEFAULT_BACKCHANNELS: readonly string[] = [
  'mhm', 'mm-hmm', 'mm hmm', 'mm', 'hmm', 'uh-huh', 'uh huh', 'yeah', 'yes', 'yep', 'yup', 'right', 'okay', 'ok',
  'sure', 'i see', 'got it', 'alright', 'all right', 'cool', 'great', 'nice', 'wow', 'oh', 'ah', 'true', 'exactly',
];

/** Options of the interruption policy. */
export interface InterruptionOptions {
  /**
   * With `minWords: 0`, speech with no words yet becomes a barge-in once it has lasted this
   * long (LiveKit's rule). Default 500 ms.
   */
  readonly minDurationMs?: number;
  /** Words outside the backchannel lexicon needed for a barge-in; 0 lets duration decide alone. Default 1. */
  readonly minWords?: number;
  /** Utterances made only of these are backchannels. Default {@link DEFAULT_BACKCHANNELS}. */
  readonly backchannels?: readonly string[];
  /** Speech longer than this is a barge-in whatever its words. Default 1200 ms. */
  readonly backchannelMaxMs?: number;
  /**
   * Pause the agent's audio as soon as user speech starts, before knowing what it is, and resume
   * if it was not a barge-in. Keeps barge-in stop latency at the VAD's onset delay. Default true.
   */
  readonly pauseOnSuspicion?: boolean;
  /** After speech with no words ends, how long to wait for a late transcript before calling it noise. Default 600 ms. */
  readonly wordsTimeoutMs?: number;
  /**
   * Echo: speech no louder than the agent's own audio plus this gain (dB, negative) is taken
   * for echo unless its words say otherwise. `null` turns echo detection off. Default −6 dB.
   */
  readonly echoMaxGainDb?: number | null;
}

/** Resolved interruption options. */
export interface InterruptionConfig {
  readonly minDurationMs: number;
  readonly minWords: number;
  /** Backchannels as normalised word sequences, longest first. */
  readonly backchannels: readonly (readonly string[])[];
  readonly backchannelMaxMs: number;
  readonly pauseOnSuspicion: boolean;
  readonly wordsTimeoutMs: number;
  readonly echoMaxGainDb: number | null;
}

/** Fills in defaults and checks the options. */
export function resolveInterruptionConfig(options: InterruptionOptions = {}): InterruptionConfig {
  const config: InterruptionConfig = {
    minDurationMs: options.minDurationMs ?? 500,
    minWords: options.minWords ?? 1,
    backchannels: (options.backchannels ?? DEFAULT_BACKCHANNELS)
      .map(wordsOf)
      .filter((phrase) => phrase.length > 0)
      .sort((a, b) => b.length - a.length),
    backchannelMaxMs: options.backchannelMaxMs ?? 1200,
    pauseOnSuspicion: options.pauseOnSuspicion ?? true,
    wordsTimeoutMs: options.wordsTimeoutMs ?? 600,
    echoMaxGainDb: options.echoMaxGainDb === undefined ? -6 : options.echoMaxGainDb,
  };
  for (const key of ['minDurationMs', 'minWords', 'backchannelMaxMs', 'wordsTimeoutMs'] as const) {
    if (!(config[key] >= 0)) throw new RangeError(`interruption ${key} must be ≥ 0, got ${config[key]}`);
  }
  return config;
}

/** What is known about user speech heard while the agent talks. */
export interface OverlapObservation {
  /**
   * How long the speech has lasted (so far, or in all once it ended): its longest continuous
   * stretch, when it came in several.
   */
  readonly speechMs: number;
  readonly ended: boolean;
  /** Words transcribed since it began. */
  readonly words: readonly string[];
  /** Mic level at onset, dBFS, when known. */
  readonly levelDb?: number;
  /** Level of the agent's audio playing at that moment, dBFS, when known. */
  readonly referenceLevelDb?: number;
  /** Words of what the agent has been saying (to recognise its echo). */
  readonly agentWords: ReadonlySet<string>;
  /** No transcript came within `wordsTimeoutMs` of the speech's end. */
  readonly wordsTimedOut: boolean;
  /** The words come from a final transcript (no interim result pending); default false. */
  readonly wordsFinal?: boolean;
}

/** A verdict, or not yet. */
export type OverlapVerdict =
  | { readonly decided: false; readonly echoLikely: boolean }
  | { readonly decided: true; readonly kind: OverlapKind; readonly why: string };

/**
 * Classifies user speech heard while the agent talks: a barge-in (stop), a backchannel
 * (keep talking), the agent's own echo (ignore), or noise. Pure: the same observation always
 * gives the same verdict; the session calls it again as the speech goes on.
 */
export function classifyOverlap(observation: OverlapObservation, config: InterruptionConfig): OverlapVerdict {
  const { speechMs, ended, levelDb, referenceLevelDb, agentWords } = observation;
  const words = observation.words.flatMap(wordsOf);

  const echoLevel =
    config.echoMaxGainDb !== null &&
    levelDb !== undefined &&
    referenceLevelDb !== undefined &&
    levelDb <= referenceLevelDb + config.echoMaxGainDb;
  if (echoLevel) {
    const matched = words.filter((w) => agentWords.has(w)).length;
    if (words.length === 0 || matched * 2 >= words.length) {
      if (!ended) return { decided: false, echoLikely: true };
      if (words.length > 0 || observation.wordsTimedOut) {
        const why = words.length > 0 ? `quiet and repeats the agent ("${words.join(' ')}")` : `no louder than the agent's own audio ${fmtDb(config.echoMaxGainDb!)}`;
        return { decided: true, kind: 'echo', why };
      }
      return { decided: false, echoLikely: true };
    }
  }

  // Words may still grow into a backchannel phrase until the speech is over and transcribed.
  const settled = ended && (observation.wordsFinal === true || observation.wordsTimedOut);
  const { others, pending } = wordsOutside(words, config.backchannels, settled);
  if (others.length > 0 && others.length >= config.minWords) {
    return { decided: true, kind: 'barge_in', why: `said "${others.join(' ')}"` };
  }
  if (config.minWords === 0 && words.length === 0 && speechMs >= config.minDurationMs) {
    return { decided: true, kind: 'barge_in', why: `spoke for ${Math.round(speechMs)} ms` };
  }
  if (speechMs > config.backchannelMaxMs) {
    return { decided: true, kind: 'barge_in', why: `spoke for ${Math.round(speechMs)} ms, too long for a backchannel` };
  }
  if (!ended || pending) return { decided: false, echoLikely: false };
  if (words.length > 0 && others.length === 0) {
    return { decided: true, kind: 'backchannel', why: `"${words.join(' ')}" is a backchannel` };
  }
  if (words.length > 0) {
    return { decided: true, kind: 'backchannel', why: `too few words for a barge-in ("${words.join(' ')}")` };
  }
  if (observation.wordsTimedOut) {
    return { decided: true, kind: 'noise', why: `${Math.round(speechMs)} ms of sound with no words` };
  }
  return { decided: false, echoLikely: false };
}

/** Whether `words` are nothing but backchannel phrases (and at least one). */
export function onlyBackchannels(words: readonly string[], config: InterruptionConfig): boolean {
  const normalised = words.flatMap(wordsOf);
  return normalised.length > 0 && wordsOutside(normalised, config.backchannels, true).others.length === 0;
}

/**
 * The words left after removing backchannel phrases. Until the words are settled, trailing words
 * that begin a backchannel phrase ("i" of "i see", "got" of "got it") are not counted yet.
 */
function wordsOutside(
  words: readonly string[],
  backchannels: readonly (readonly string[])[],
  settled: boolean,
): { others: string[]; pending: boolean } {
  const left: string[] = [];
  let i = 0;
  outer: while (i < words.length) {
    for (const phrase of backchannels) {
      if (phrase.every((w, k) => words[i + k] === w)) {
        i += phrase.length;
        continue outer;
      }
    }
    const rest = words.slice(i);
    if (!settled && backchannels.some((phrase) => phrase.length > rest.length && rest.every((w, k) => phrase[k] === w))) {
      return { others: left, pending: true };
    }
    left.push(words[i]!);
    i++;
  }
  return { others: left, pending: false };
}

function fmtDb(db: number): string {
  return `${db >= 0 ? '+' : '−'}${Math.abs(db)} dB`;
}
