import { chunkDurationMs, type AudioChunk } from '../audio/chunk.js';
import type { Clock, TimerHandle } from '../clock/clock.js';
import type { PlayoutStopCause } from '../trace/events.js';
import { Listeners } from '../util/listeners.js';
import { DEFAULT_MS_PER_CHAR, heardTextOfSegment, type CharTimings } from './heard-text.js';

/** What the playout buffer reports. */
export type PlayoutEvent =
  /** Audio starts flowing (first audio of a speech, or again after an underrun or a pause). */
  | { readonly type: 'start'; readonly speech: number; readonly resumed: boolean }
  /** Audio stops flowing (the speech may go on after an underrun or a pause). */
  | { readonly type: 'stop'; readonly speech: number; readonly cause: PlayoutStopCause; readonly playedMs: number }
  /** The speech is over: all of it played (`drained`), or it was cut off. */
  | {
      readonly type: 'end';
      readonly speech: number;
      readonly cause: 'drained' | 'interrupted' | 'closed';
      readonly playedMs: number;
      readonly heardText: string;
    }
  /**
   * A chunk (from `offsetMs` into it) starts playing at `atMs`; the acoustic world renders the
   * agent's audio from these, cutting it at the next `stop`.
   */
  | { readonly type: 'chunk'; readonly speech: number; readonly chunk: AudioChunk; readonly offsetMs: number; readonly atMs: number };

interface Segment {
  readonly id: number;
  readonly text: string;
  readonly chunks: { readonly durationMs: number; readonly alignment?: CharTimings }[];
  complete: boolean;
}

interface QueuedChunk {
  readonly segment: Segment;
  readonly chunk: AudioChunk;
  readonly durationMs: number;
}

/** Options of {@link PlayoutBuffer}. */
export interface PlayoutBufferOptions {
  /** Speaking-rate estimate for heard text when the TTS gives no alignment. */
  readonly msPerChar?: number;
}

/**
 * Plays an agent utterance's TTS audio at real-time rate on the clock. It counts what has
 * played, pauses and resumes, flushes instantly, and says which text the listener has heard.
 *
 * One speech at a time: `begin()` opens it, `addSegment()`/`enqueue()`/`completeSegment()` feed
 * it, `endInput()` says no more is coming; it then stops with cause `drained` when all has
 * played, or earlier with `stop()`.
 */
export class PlayoutBuffer {
  readonly #clock: Clock;
  readonly #listeners = new Listeners<PlayoutEvent>();
  readonly #msPerChar: number;

  #speech = 0;
  #open = false;
  #inputEnded = false;
  #paused = false;
  #everStarted = false;
  #segments: Segment[] = [];
  #queue: QueuedChunk[] = [];
  /** The chunk playing (or paused mid-way), with how much of it had played when it (re)started. */
  #current: { item: QueuedChunk; offsetMs: number; startedAtMs: number } | undefined;
  #timer: TimerHandle | undefined;
  /** Audio fully played in this speech, in ms (excluding the current chunk). */
  #playedBeforeCurrentMs = 0;

  constructor(clock: Clock, options: PlayoutBufferOptions = {}) {
    this.#clock = clock;
    this.#msPerChar = options.msPerChar ?? DEFAULT_MS_PER_CHAR;
  }

  subscribe(listener: (event: PlayoutEvent) => void): () => void {
    return this.#listeners.add(listener);
  }

  /** The speech being played (0 before the first). */
  get speech(): number {
    return this.#speech;
  }

  /** True while audio is flowing. */
  get playing(): boolean {
    return this.#current !== undefined && !this.#paused;
  }

  /** True between `begin()` and the speech's stop. */
  get active(): boolean {
    return this.#open;
  }

  get paused(): boolean {
    return this.#paused;
  }

  /** Opens speech `speech`; a speech still open is stopped as `interrupted` first. */
  begin(speech: number): void {
    if (this.#open) this.stop('interrupted');
    this.#speech = speech;
    this.#open = true;
    this.#inputEnded = false;
    this.#paused = false;
    this.#everStarted = false;
    this.#segments = [];
    this.#queue = [];
    this.#current = undefined;
    this.#playedBeforeCurrentMs = 0;
  }

  /** Registers the text of the next segment; its audio follows through `enqueue`. */
  addSegment(id: number, text: string): void {
    if (!this.#open) return;
    this.#segments.push({ id, text, chunks: [], complete: false });
  }

  /** Queues audio of segment `id`. Ignored when no speech is open (e.g. after a barge-in). */
  enqueue(id: number, chunk: AudioChunk, alignment?: CharTimings): void {
    if (!this.#open) return;
    const segment = this.#segments.find((s) => s.id === id);
    if (!segment) throw new Error(`playout: audio for unknown segment ${id}`);
    const durationMs = chunkDurationMs(chunk);
    if (durationMs <= 0) return;
    segment.chunks.push(alignment ? { durationMs, alignment } : { durationMs });
    this.#queue.push({ segment, chunk, durationMs });
    if (!this.#current && !this.#paused) this.#playNext(this.#clock.now());
  }

  /** All audio of segment `id` has arrived. */
  completeSegment(id: number): void {
    const segment = this.#segments.find((s) => s.id === id);
    if (segment) segment.complete = true;
    this.#maybeDrained();
  }

  /** No more segments will come for this speech: it stops as `drained` once all has played. */
  endInput(): void {
    if (!this.#open) return;
    this.#inputEnded = true;
    this.#maybeDrained();
  }

  /** Pauses the flow of audio (the queue is kept). Returns false if nothing was playing. */
  pause(): boolean {
    if (!this.#open || this.#paused) return false;
    const wasPlaying = this.#current !== undefined;
    if (this.#current) {
      const now = this.#clock.now();
      this.#cancelTimer();
      this.#current = { item: this.#current.item, offsetMs: this.#currentOffset(now), startedAtMs: now };
    }
    this.#paused = true;
    if (wasPlaying) {
      this.#listeners.emit({ type: 'stop', speech: this.#speech, cause: 'paused', playedMs: this.playedMs() });
    }
    return wasPlaying;
  }

  /** Resumes after `pause()`. */
  resume(): void {
    if (!this.#open || !this.#paused) return;
    this.#paused = false;
    const now = this.#clock.now();
    const current = this.#current;
    if (current) {
      this.#current = { ...current, startedAtMs: now };
      this.#startFlow();
      this.#listeners.emit({ type: 'chunk', speech: this.#speech, chunk: current.item.chunk, offsetMs: current.offsetMs, atMs: now });
      this.#scheduleCurrentEnd();
    } else if (this.#queue.length > 0) {
      this.#playNext(now);
    } else {
      this.#maybeDrained();
    }
  }

  /**
   * Stops the speech at once: drops the queue and reports what was played. Returns the played
   * time and the heard text.
   */
  stop(cause: 'interrupted' | 'closed'): { playedMs: number; heardText: string } {
    const playedMs = this.playedMs();
    const heardText = this.heardText();
    if (!this.#open) return { playedMs, heardText };
    if (this.playing) this.#listeners.emit({ type: 'stop', speech: this.#speech, cause, playedMs });
    this.#cancelTimer();
    this.#current = undefined;
    this.#playedBeforeCurrentMs = playedMs;
    this.#queue = [];
    this.#open = false;
    this.#paused = false;
    this.#listeners.emit({ type: 'end', speech: this.#speech, cause, playedMs, heardText });
    return { playedMs, heardText };
  }

  /** Audio of the current speech played so far, in ms. */
  playedMs(): number {
    if (!this.#current) return this.#playedBeforeCurrentMs;
    return this.#playedBeforeCurrentMs + this.#currentOffset(this.#clock.now());
  }

  /** Whole words of the current speech heard so far, from TTS alignment or estimated. */
  heardText(): string {
    let remainingMs = this.playedMs();
    const parts: string[] = [];
    for (const segment of this.#segments) {
      const segmentMs = segment.chunks.reduce((sum, c) => sum + c.durationMs, 0);
      const heard = heardTextOfSegment(segment, remainingMs, this.#msPerChar);
      if (heard !== '') parts.push(heard);
      if (!segment.complete || remainingMs < segmentMs) break;
      remainingMs -= segmentMs;
    }
    return parts.join(' ');
  }

  /** The full text of the speech's segments so far. */
  fullText(): string {
    return this.#segments.map((s) => s.text.trim()).filter((t) => t !== '').join(' ');
  }

  #currentOffset(now: number): number {
    const current = this.#current!;
    if (this.#paused) return current.offsetMs;
    // A chunk chained at the exact end of the previous one can start up to 0.5 ms after `now`
    // (the clock rounds timers to the millisecond): until then it has played nothing, not less.
    return Math.min(current.item.durationMs, Math.max(0, current.offsetMs + (now - current.startedAtMs)));
  }

  /**
   * Starts the next queued chunk at `atMs`: exactly where the previous one ended when audio is
   * flowing, so rounding timers to the clock's millisecond never drifts.
   */
  #playNext(atMs: number, flowing = false): void {
    const item = this.#queue.shift();
    if (!item) return;
    this.#current = { item, offsetMs: 0, startedAtMs: atMs };
    if (!flowing) this.#startFlow();
    this.#listeners.emit({ type: 'chunk', speech: this.#speech, chunk: item.chunk, offsetMs: 0, atMs });
    this.#scheduleCurrentEnd();
  }

  #startFlow(): void {
    const resumed = this.#everStarted;
    this.#everStarted = true;
    this.#listeners.emit({ type: 'start', speech: this.#speech, resumed });
  }

  #scheduleCurrentEnd(): void {
    const current = this.#current!;
    const endMs = current.startedAtMs + (current.item.durationMs - current.offsetMs);
    this.#timer = this.#clock.setTimeout(() => {
      this.#timer = undefined;
      this.#finishCurrent(endMs);
    }, endMs - this.#clock.now());
  }

  #finishCurrent(endMs: number): void {
    this.#playedBeforeCurrentMs += this.#current!.item.durationMs;
    this.#current = undefined;
    if (this.#queue.length > 0) {
      this.#playNext(endMs, true);
      return;
    }
    const drained = this.#allInputPlayed();
    this.#listeners.emit({
      type: 'stop',
      speech: this.#speech,
      cause: drained ? 'drained' : 'underrun',
      playedMs: this.#playedBeforeCurrentMs,
    });
    if (drained) this.#finishSpeech();
  }

  #allInputPlayed(): boolean {
    return this.#inputEnded && this.#queue.length === 0 && this.#current === undefined && this.#segments.every((s) => s.complete);
  }

  #maybeDrained(): void {
    if (this.#open && !this.#paused && this.#allInputPlayed()) this.#finishSpeech();
  }

  #finishSpeech(): void {
    const playedMs = this.#playedBeforeCurrentMs;
    this.#open = false;
    this.#listeners.emit({ type: 'end', speech: this.#speech, cause: 'drained', playedMs, heardText: this.heardText() });
  }

  #cancelTimer(): void {
    if (this.#timer !== undefined) {
      this.#clock.clearTimeout(this.#timer);
      this.#timer = undefined;
    }
  }
}
