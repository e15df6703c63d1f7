import { wordsOf } from './policy.js';

/** A word the agent's audio finished playing, and when (session clock). */
export interface PlayedWord {
  /** Normalised, as {@link wordsOf} gives it. */
  readonly word: string;
  readonly atMs: number;
}

/** A transcribed word with its start on the session clock. */
export interface HeardWord {
  readonly word: string;
  readonly startMs: number;
}

/**
 * How long after the agent plays a word it can come back through the user's microphone and the
 * STT as that word: downlink, the room's echo path and uplink together.
 */
export const ECHO_WORD_WINDOW_MS = 2000;

/**
 * Whether a transcribed word is the agent's own word coming back: the same word, played by the
 * agent shortly before the STT heard it start. A user repeating the agent's words later, or
 * saying other words over its echo, is not echo.
 */
export function isEchoWord(word: HeardWord, played: readonly PlayedWord[], windowMs = ECHO_WORD_WINDOW_MS): boolean {
  const tokens = wordsOf(word.word);
  if (tokens.length === 0) return false;
  return tokens.every((token) => played.some((p) => p.word === token && p.atMs <= word.startMs + 300 && word.startMs - p.atMs <= windowMs));
}

/** The words of a transcript that are not the agent's echo. */
export function withoutEchoWords<W extends HeardWord>(words: readonly W[], played: readonly PlayedWord[], windowMs = ECHO_WORD_WINDOW_MS): W[] {
  return words.filter((w) => !isEchoWord(w, played, windowMs));
}
