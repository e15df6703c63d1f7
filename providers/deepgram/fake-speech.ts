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

  /** Every word starting before `ms`, in order (laid out on demand). */
  wordsBefore(ms: number): readonly HeardWord[] {
    this.#layOutUntil(ms);
    let count = 0;
    while (count < this.#words.length && this.#words[count]!.startMs < ms) count++;
    return this.#words.slice(0, count);
  }

  /** The first word starting at or after `ms`, if the script has one. */
  nextWordFrom(ms: number): HeardWord | undefined {
    this.#layOutUntil(ms + 1);
    return this.#words.find((w) => w.startMs >= ms);
  }

  #layOutUntil(ms: number): void {
    if (!Number.isFinite(ms)) throw new RangeError('the speech timeline is laid out up to a finite time only');
    const { utterances } = this.#settings;
    // Lay out until one word starts past `ms`, so "the next word" is always known if there is one.
    while (this.#words.length === 0 || this.#words[this.#words.length - 1]!.startMs < ms) {
      const index = this.#next % utterances.length;
      if (this.#next >= utterances.length && !this.#settings.repeat) return;
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
    }
  }
}

function plain(token: string): string {
  return token.toLowerCase().replace(/[^\p{L}\p{N}']/gu, '');
}
