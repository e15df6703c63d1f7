/**
 * Turns a stream of LLM tokens into speakable chunks (sentences) for a text-to-speech engine.
 *
 * Re-chunking invariance: every boundary decision is a pure function of the text. A position is only
 * decided once all the look-ahead it needs has arrived (for "." that is the closing quotes, the
 * whitespace and the first character after it); until then it stays buffered. So any split of the same
 * text into push() calls yields the same chunks as one push() of the whole text.
 *
 * @module
 */

/** Options for {@link SentenceBuffer}. All are optional. */
export interface SentenceBufferOptions {
  /**
   * Emit the first chunk of each stream early, at the first clause boundary reached once the text
   * before it has at least {@link SentenceBufferOptions.eagerMinWords} words, to cut time-to-first-audio.
   * Clause boundaries: `,` `;` `:` followed by whitespace (so "4,230" and "3:00" never split), an em
   * dash `—`, a hyphen or en dash with whitespace on both sides, and the CJK marks `，；：`.
   * Only the first chunk after construction, {@link SentenceBuffer.flush} or {@link SentenceBuffer.reset}
   * is eager; later chunks are whole sentences.
   * @defaultValue false
   */
  eagerFirstChunk?: boolean;
  /**
   * Minimum number of words before an eager clause boundary. A word is a whitespace-separated token
   * containing a letter or digit (so unspaced CJK text counts as one word per run).
   * Must be a positive integer.
   * @defaultValue 5
   */
  eagerMinWords?: number;
  /**
   * Boundaries that would produce a chunk shorter than this many characters (UTF-16 code units, after
   * trimming) are skipped, so very short sentences are merged into the next one. Applies to eager
   * boundaries too. {@link SentenceBuffer.flush} still returns a shorter tail. Must be a non-negative integer.
   * @defaultValue 0 (off)
   */
  minChunkChars?: number;
}

const SENTENCE_TERMINATORS = new Set(['.', '?', '!', '…', '。', '！', '？']);
/** Terminators that end a sentence without any whitespace after them. */
const CJK_TERMINATORS = new Set(['。', '！', '？']);
/** Closing quotes and brackets that belong to the sentence they follow. */
const CLOSERS = new Set(['"', "'", '”', '’', '»', '›', ')', ']', '}', '」', '』', '）', '】', '》', '〉']);
const SPACED_CLAUSE_MARKS = new Set([',', ';', ':']);
/** Only clause marks with whitespace on both sides, so "well-known" and "1–5" stay intact. */
const SPACED_DASHES = new Set(['-', '–']);
const EM_DASH = '—';
const CJK_CLAUSE_MARKS = new Set(['，', '；', '：']);
const CLAUSE_MARKS = new Set([...SPACED_CLAUSE_MARKS, ...SPACED_DASHES, EM_DASH, ...CJK_CLAUSE_MARKS]);

/**
 * Words that end in "." but (almost) never end a sentence, lower case without the final ".".
 * Abbreviations that often do end one (etc., a.m., p.m., U.S.A.) are not listed: they only join the
 * next sentence when it starts in lower case, like every other terminator.
 */
const NON_FINAL_ABBREVIATIONS = new Set([
  'mr', 'mrs', 'ms', 'mx', 'dr', 'prof', 'st', 'jr', 'sr', 'vs', 'e.g', 'i.e', 'cf',
  'mt', 'rev', 'gen', 'col', 'lt', 'sgt', 'capt', 'gov', 'sen', 'rep', 'fig', 'approx',
]);

const SPACE = /\s/u;
const HORIZONTAL_SPACE = /[^\S\r\n]/u;
const LOWERCASE = /\p{Ll}/u;
const ALNUM = /[\p{L}\p{N}]/u;
const LEADING_NON_ALNUM = /^[^\p{L}\p{N}]+/u;
/** A single capital as in "John F. Kennedy" ("I" is excluded: "So do I. Then…" ends a sentence). */
const INITIAL = /^(?!I$)\p{Lu}$/u;
const LIST_NUMBER = /^\d{1,3}$/u;

const isSpace = (unit: string): boolean => SPACE.test(unit);
const isTerminator = (unit: string): boolean => SENTENCE_TERMINATORS.has(unit);
const isCloser = (unit: string): boolean => CLOSERS.has(unit);

/** What to do at a candidate position. */
type Decision =
  | { readonly kind: 'cut'; readonly end: number }
  | { readonly kind: 'skip'; readonly next: number }
  | { readonly kind: 'wait' };

const WAIT: Decision = { kind: 'wait' };
const skip = (next: number): Decision => ({ kind: 'skip', next });

/**
 * Look-ahead progress after the terminator run starting at `start`, kept across push() calls so that a
 * long run of terminators, closers or whitespace arriving one token at a time is scanned only once.
 */
interface Lookahead {
  readonly start: number;
  runEnd: number;
  closersEnd: number;
  spaceEnd: number;
  hasCjk: boolean | undefined;
}

/** Compacting the unit array below this many consumed units is not worth the copy. */
const COMPACT_THRESHOLD = 1024;

/**
 * Incremental sentence splitter for streaming TTS.
 *
 * Splits after `.` `?` `!` `…` (and runs such as `?!` or `...`, plus any closing quotes/brackets) when
 * they are followed by whitespace and then something that is not a lower-case letter, and immediately
 * after the CJK terminators `。！？`. It does not split abbreviations and titles ("Dr. Smith"), initials,
 * decimals and prices ("$4,230.50"), times ("3:00 a.m. today"), emails and domains, an ellipsis followed
 * by lower case, or a list number at the start of a line ("1. First item").
 *
 * push() is amortized O(length of the new text). Output does not depend on how the text is split
 * across push() calls.
 *
 * @example
 * ```ts
 * const buffer = new SentenceBuffer();
 * buffer.push('Hello Dr. Smi'); // []
 * buffer.push('th. How are'); // ['Hello Dr. Smith.']
 * buffer.flush(); // ['How are']
 * ```
 */
export class SentenceBuffer {
  readonly #eagerFirstChunk: boolean;
  readonly #eagerMinWords: number;
  readonly #minChunkChars: number;

  /**
   * The text as UTF-16 code units (not code points, so a surrogate pair split across two push() calls
   * is seen exactly as in one call). An array rather than a string so that appending never copies the
   * text already buffered.
   */
  #units: string[] = [];
  /** Index of the first unit of the current chunk; earlier units are emitted and only kept until compaction. */
  #start = 0;
  /** Next unit to examine; [#start, #pos) is known to contain no boundary. */
  #pos = 0;
  #lookahead: Lookahead | undefined;
  #eagerPending: boolean;
  /** Incremental count of the words in [#start, #wordsEnd). */
  #words = 0;
  #wordsEnd = 0;
  #inWord = false;

  /**
   * Creates an empty buffer.
   * @param options - see {@link SentenceBufferOptions}
   * @throws RangeError if `eagerMinWords` is not a positive integer or `minChunkChars` is not a non-negative integer
   */
  constructor(options: SentenceBufferOptions = {}) {
    const eagerMinWords = options.eagerMinWords ?? 5;
    const minChunkChars = options.minChunkChars ?? 0;
    if (!Number.isInteger(eagerMinWords) || eagerMinWords < 1) {
      throw new RangeError(`eagerMinWords must be a positive integer, got ${eagerMinWords}`);
    }
    if (!Number.isInteger(minChunkChars) || minChunkChars < 0) {
      throw new RangeError(`minChunkChars must be a non-negative integer, got ${minChunkChars}`);
    }
    this.#eagerFirstChunk = options.eagerFirstChunk ?? false;
    this.#eagerMinWords = eagerMinWords;
    this.#minChunkChars = minChunkChars;
    this.#eagerPending = this.#eagerFirstChunk;
  }

  /**
   * Appends streamed text.
   * @param text - the next piece of the stream (any length, may be empty)
   * @returns the chunks completed by this text, in order, trimmed and non-empty (often `[]`)
   */
  push(text: string): string[] {
    for (let i = 0; i < text.length; i++) this.#units.push(text.charAt(i));
    return this.#drain(false);
  }

  /**
   * Ends the stream: decides the pending positions as if no more text follows and returns the remaining
   * chunks (usually zero or one). Afterwards the buffer is empty and can be reused for a new stream,
   * which may again have an eager first chunk.
   * @returns the remaining chunks, trimmed and non-empty
   */
  flush(): string[] {
    const chunks = this.#drain(true);
    const rest = this.#chunkText(this.#units.length);
    if (rest !== '') chunks.push(rest);
    this.reset();
    return chunks;
  }

  /**
   * Drops all buffered text without emitting it (e.g. on barge-in). The next stream starts fresh,
   * including a new eager first chunk if enabled.
   */
  reset(): void {
    this.#units = [];
    this.#start = this.#pos = this.#wordsEnd = this.#words = 0;
    this.#inWord = false;
    this.#lookahead = undefined;
    this.#eagerPending = this.#eagerFirstChunk;
  }

  #drain(final: boolean): string[] {
    const chunks: string[] = [];
    while (this.#pos < this.#units.length) {
      const unit = this.#at(this.#pos);
      let decision: Decision | undefined;
      if (isTerminator(unit)) decision = this.#decideSentenceEnd(this.#pos, final);
      else if (this.#eagerPending && CLAUSE_MARKS.has(unit)) decision = this.#decideClauseEnd(this.#pos, final);

      if (decision === undefined) this.#pos++;
      else if (decision.kind === 'wait') break;
      else if (decision.kind === 'skip') this.#pos = decision.next;
      else this.#cut(decision.end, chunks);
    }
    return chunks;
  }

  /** Decides the terminator run starting at `pos` (always the start of a run: runs are skipped whole). */
  #decideSentenceEnd(pos: number, final: boolean): Decision {
    const la =
      this.#lookahead?.start === pos
        ? this.#lookahead
        : (this.#lookahead = { start: pos, runEnd: pos, closersEnd: pos, spaceEnd: pos, hasCjk: undefined });
    const length = this.#units.length;

    la.runEnd = this.#skipWhile(la.runEnd, isTerminator);
    if (la.runEnd === length) return this.#atEndOfText(final);
    la.closersEnd = this.#skipWhile(Math.max(la.closersEnd, la.runEnd), isCloser);
    if (la.closersEnd === length) return this.#atEndOfText(final);

    la.hasCjk ??= this.#someBetween(pos, la.runEnd, (unit) => CJK_TERMINATORS.has(unit));
    if (la.hasCjk) return this.#cutIfSpeakable(la.closersEnd, la.runEnd);

    // "3.14", "docs.example.com", "U.S.A": no whitespace, no sentence end.
    if (!isSpace(this.#at(la.closersEnd))) return skip(la.runEnd);
    la.spaceEnd = this.#skipWhile(Math.max(la.spaceEnd, la.closersEnd), isSpace);
    if (la.spaceEnd === length) return this.#atEndOfText(final);

    // "etc. and", "3:00 a.m. today", "Well... maybe": a sentence does not start in lower case.
    if (LOWERCASE.test(this.#at(la.spaceEnd))) return skip(la.runEnd);
    const isBareDot = la.runEnd === pos + 1 && this.#at(pos) === '.' && la.closersEnd === la.runEnd;
    if (isBareDot && this.#isNonFinalWordBefore(pos)) return skip(la.runEnd);
    return this.#cutIfSpeakable(la.closersEnd, la.runEnd);
  }

  /** Decides the clause mark at `pos` for an eager first chunk. */
  #decideClauseEnd(pos: number, final: boolean): Decision {
    const mark = this.#at(pos);
    const after = pos + 1;
    if (!CJK_CLAUSE_MARKS.has(mark)) {
      if (after === this.#units.length) return this.#atEndOfText(final);
      const next = this.#at(after);
      const isBoundary =
        mark === EM_DASH
          ? next !== EM_DASH // cut after the last dash of "——"
          : SPACED_DASHES.has(mark)
            ? isSpace(next) && pos > this.#start && isSpace(this.#at(pos - 1))
            : isSpace(next);
      if (!isBoundary) return skip(after);
    }
    if (this.#countWords(pos) < this.#eagerMinWords) return skip(after);
    return this.#cutIfSpeakable(after, after);
  }

  /**
   * Whether the word ending at the "." at `pos` is an abbreviation, title, initial or list number that
   * does not end a sentence even before a capital.
   */
  #isNonFinalWordBefore(pos: number): boolean {
    let tokenStart = pos;
    while (tokenStart > this.#start && !isSpace(this.#at(tokenStart - 1))) tokenStart--;
    const token = this.#text(tokenStart, pos);
    const word = token.replace(LEADING_NON_ALNUM, '');
    if (NON_FINAL_ABBREVIATIONS.has(word.toLowerCase()) || INITIAL.test(word)) return true;
    return LIST_NUMBER.test(token) && this.#startsItem(tokenStart);
  }

  /** Whether `index` starts a list item: only horizontal space between it and the chunk start, a line break or a colon. */
  #startsItem(index: number): boolean {
    let i = index;
    while (i > this.#start && HORIZONTAL_SPACE.test(this.#at(i - 1))) i--;
    if (i === this.#start) return true;
    const before = this.#at(i - 1);
    return before === '\n' || before === '\r' || before === ':';
  }

  /** A decision that needs look-ahead past the buffered text: wait, or at end of stream leave the rest to flush(). */
  #atEndOfText(final: boolean): Decision {
    return final ? skip(this.#units.length) : WAIT;
  }

  /** Cuts at `end` unless the chunk would have nothing to speak (e.g. a lone "...") or be under minChunkChars. */
  #cutIfSpeakable(end: number, next: number): Decision {
    if (this.#countWords(end) === 0) return skip(next);
    if (this.#minChunkChars > 0 && this.#chunkText(end).length < this.#minChunkChars) return skip(next);
    return { kind: 'cut', end };
  }

  #cut(end: number, chunks: string[]): void {
    const chunk = this.#chunkText(end);
    if (chunk !== '') chunks.push(chunk);
    this.#start = this.#pos = this.#wordsEnd = end;
    this.#words = 0;
    this.#inWord = false;
    this.#lookahead = undefined;
    this.#eagerPending = false;
    this.#compact();
  }

  /** Drops emitted units once they are the larger half of the array, keeping appends and cuts amortized O(1). */
  #compact(): void {
    const consumed = this.#start;
    if (consumed < COMPACT_THRESHOLD || consumed * 2 < this.#units.length) return;
    this.#units = this.#units.slice(consumed);
    this.#start -= consumed;
    this.#pos -= consumed;
    this.#wordsEnd -= consumed;
  }

  /** Number of words in [#start, end), counted incrementally. */
  #countWords(end: number): number {
    if (end < this.#wordsEnd) {
      this.#words = 0;
      this.#inWord = false;
      this.#wordsEnd = this.#start;
    }
    for (let i = this.#wordsEnd; i < end; i++) {
      const unit = this.#at(i);
      if (isSpace(unit)) {
        this.#inWord = false;
      } else if (!this.#inWord && ALNUM.test(unit)) {
        this.#words++;
        this.#inWord = true;
      }
    }
    this.#wordsEnd = end;
    return this.#words;
  }

  #chunkText(end: number): string {
    return this.#text(this.#start, end).trim();
  }

  #text(from: number, to: number): string {
    return this.#units.slice(from, to).join('');
  }

  #at(index: number): string {
    return this.#units[index] ?? '';
  }

  #skipWhile(from: number, predicate: (unit: string) => boolean): number {
    let i = from;
    while (i < this.#units.length && predicate(this.#at(i))) i++;
    return i;
  }

  #someBetween(from: number, to: number, predicate: (unit: string) => boolean): boolean {
    for (let i = from; i < to; i++) if (predicate(this.#at(i))) return true;
    return false;
  }
}
