/** What made a sound at the microphone. */
export type SoundKind = 'speech' | 'filler' | 'backchannel' | 'echo' | 'noise';

/** A word with its true timing (ms of call time). */
export interface TruthWord {
  readonly word: string;
  readonly startMs: number;
  readonly endMs: number;
}

/**
 * A sound at the user's microphone, as it truly happened: user speech, the agent's echo, noise.
 * The ground truth that assertions compare the agent's decisions with.
 */
export interface Sound {
  readonly id: number;
  readonly kind: SoundKind;
  readonly startMs: number;
  /** Unknown while an echo is still going on. */
  endMs: number | undefined;
  readonly levelDb: number;
  readonly text: string;
  /** The index of the user action that made it, if any. */
  readonly action: number | undefined;
  /** The agent speech it echoes, for echo. */
  readonly speech: number | undefined;
  /** When its first audio reached the agent (after the uplink), once it has. */
  arrivedMs?: number;
  /** Its words that have begun by `untilMs` (true times). */
  words(untilMs: number): readonly TruthWord[];
}

/** Spreads words over [startMs, endMs] in proportion to their length (a syllable-ish weight). */
export function timeWords(text: string, startMs: number, endMs: number): TruthWord[] {
  const words = text.split(/\s+/).filter((w) => w !== '');
  const weights = words.map((w) => w.replace(/[^\p{L}\p{N}]/gu, '').length + 2);
  const total = weights.reduce((a, b) => a + b, 0);
  const timed: TruthWord[] = [];
  let cursor = startMs;
  words.forEach((word, i) => {
    const length = ((endMs - startMs) * weights[i]!) / total;
    timed.push({ word, startMs: cursor, endMs: cursor + length });
    cursor += length;
  });
  return timed;
}

/** How long `text` takes to say at `wpm` words per minute. */
export function speakingTimeMs(text: string, wpm: number): number {
  const words = text.split(/\s+/).filter((w) => w !== '').length;
  return (Math.max(1, words) * 60_000) / wpm;
}
