/** A word of the user's transcript, timed on the session clock. */
export interface TimedWord {
  readonly word: string;
  readonly startMs: number;
  readonly endMs: number;
}

/**
 * The transcript of the open user turn, assembled from streaming STT results: the words of
 * every final result, then the words of the current interim result (which the next result
 * replaces).
 */
export class UserTranscript {
  #finals: TimedWord[] = [];
  #interim: TimedWord[] = [];
  /** Words starting before this time belong to speech that was dismissed (a backchannel, echo). */
  #discardBeforeMs = -Infinity;

  /** Applies one STT result. */
  apply(isFinal: boolean, words: readonly TimedWord[]): void {
    const kept = words.filter((w) => w.startMs >= this.#discardBeforeMs);
    if (isFinal) {
      this.#finals.push(...kept);
      this.#interim = [];
    } else {
      this.#interim = kept;
    }
  }

  /** The turn's text so far. */
  get text(): string {
    return [...this.#finals, ...this.#interim].map((w) => w.word).join(' ');
  }

  /** True when no interim result is pending. */
  get settled(): boolean {
    return this.#interim.length === 0;
  }

  /** Words starting at or after `ms`. */
  wordsSince(ms: number): TimedWord[] {
    return [...this.#finals, ...this.#interim].filter((w) => w.startMs >= ms);
  }

  /** Drops words that started before `ms`, now and in results still to come. */
  discardBefore(ms: number): void {
    this.#discardBeforeMs = Math.max(this.#discardBeforeMs, ms);
    this.#finals = this.#finals.filter((w) => w.startMs >= ms);
    this.#interim = this.#interim.filter((w) => w.startMs >= ms);
  }

  /**
   * Empties the transcript once the turn is committed. Late results repeating the committed
   * words (same start times) are dropped; words after them are kept for the next turn.
   */
  clear(): void {
    const words = [...this.#finals, ...this.#interim];
    if (words.length > 0) this.#discardBeforeMs = Math.max(this.#discardBeforeMs, ...words.map((w) => w.startMs + 1e-6));
    this.#finals = [];
    this.#interim = [];
  }
}
