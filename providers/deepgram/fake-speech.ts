/**
 * The words the Deepgram fake "hears": the script's utterances laid out on the timeline of the
 * audio the client sends (ms from the start of the stream), repeated when the script says so.
 *
 * @module
 */
import type { ListenSettings } from './fake-script.js';

/** A word at its place in the audio stream. */
export interface HeardWord {
  /** As written in the script (punctuation and case kept). */
  readonly punctuated: string;
  /** Lower case, without punctuation (Deepgram's `word`). */
  readonly word: string;
  readonly startMs: number;
  readonly endMs: number;
  /** Index of the utterance over the whole timeline (repeats counted). */
  readonly utterance: number;
}

/** The words of the script, generated as far into the audio as asked. */
export class SpeechTimeline {
  readonly #settings: ListenSettings;
  readonly #words: HeardWord[] = [];
  /** Next utterance to lay out, counting repeats, and where the previous one ended. */
  #next = 0;
  #cycleStartMs = 0;
  #lastEndMs = 0;

  constructor(settings: ListenSettings) {
    this.#settings = settings;
  }

  /** Word number `index` (from 0, in time order), if the script has that many. */
  word(index: number): HeardWord | undefined {
    while (index >= this.#words.length && this.#layOutNext()) {
      // Laying out one utterance at a time until the word exists (or the script ends).
    }
    return this.#words[index];
  }

  /** The words from number `from` on that have been heard by `ms` (their end is at or before it). */
  heardFrom(from: number, ms: number, until = Infinity): HeardWord[] {
    const heard: HeardWord[] = [];
    for (let i = from; i < until; i++) {
      const word = this.word(i);
      if (!word || word.endMs > ms) break;
      heard.push(word);
    }
    return heard;
  }

  /** The first word starting at or after `ms`, if the script has one. */
  nextWordFrom(ms: number): HeardWord | undefined {
    this.#layOutUntil(ms + 1);
    // Binary search: the words are in time order.
    let low = 0;
    let high = this.#words.length;
    while (low < high) {
      const middle = (low + high) >> 1;
      if (this.#words[middle]!.startMs < ms) low = middle + 1;
      else high = middle;
    }
    return this.#words[low];
  }

  /** Lays out until one word starts past `ms`, so "the next word" is always known if there is one. */
  #layOutUntil(ms: number): void {
    if (!Number.isFinite(ms)) throw new RangeError('the speech timeline is laid out up to a finite time only');
    while ((this.#words.length === 0 || this.#words[this.#words.length - 1]!.startMs < ms) && this.#layOutNext()) {
      // One utterance at a time.
    }
  }

  /** Lays out the next utterance; false when the script has no more. */
  #layOutNext(): boolean {
    const { utterances } = this.#settings;
    const index = this.#next % utterances.length;
    if (this.#next >= utterances.length && !this.#settings.repeat) return false;
    if (index === 0 && this.#next > 0) this.#cycleStartMs = this.#lastEndMs + this.#settings.gapMs;
    const utterance = utterances[index]!;
    const startMs = utterance.at !== undefined ? this.#cycleStartMs + utterance.at : this.#next === 0 ? this.#settings.gapMs : this.#lastEndMs + this.#settings.gapMs;
    let at = Math.max(startMs, this.#lastEndMs);
    const wordMs = utterance.word ?? this.#settings.wordMs;
    utterance.text.split(/\s+/).filter((w) => w !== '').forEach((token, i) => {
      this.#words.push({ punctuated: token, word: plain(token), startMs: at, endMs: at + wordMs, utterance: this.#next });
      at += wordMs;
      if (utterance.pause && utterance.pause.after_word === i + 1) at += utterance.pause.for;
    });
    this.#lastEndMs = at;
    this.#next++;
    return true;
  }
}

function plain(token: string): string {
  return token.toLowerCase().replace(/[^\p{L}\p{N}']/gu, '');
}
