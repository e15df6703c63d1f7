import type { AudioChunk } from '../../core/audio/chunk.js';
import type { Clock, TimerHandle } from '../../core/clock/clock.js';
import { HeuristicCompleteness } from '../../core/endpointer/completeness.js';
import type { Random } from '../../core/random/random.js';
import { Listeners } from '../../core/util/listeners.js';
import type { SttEvent, SttProvider, SttSession, SttWord } from '../../providers/stt.js';
import type { SttSpec } from '../config/model.js';
import { draw } from '../distribution.js';

/** Words of one piece of speech, in agent time, known up to a given time. */
export type WordSource = (untilMs: number) => readonly SttWord[];

/**
 * The symbolic world's streaming STT. The world tells it when speech arrives (with its words);
 * it answers like a streaming recogniser: interim results at a cadence, lagging the audio, and a
 * final result once the speech has been silent for the final latency; optionally Flux-like turn
 * events. Everything it reports is already in agent time.
 */
export class SimulatedStt implements SttProvider {
  readonly name: string;
  readonly session: SimulatedSttSession;

  constructor(clock: Clock, spec: SttSpec, random: Random, name = `sim-${spec.profile}`) {
    this.name = name;
    this.session = new SimulatedSttSession(clock, spec, random);
  }

  async connect(): Promise<SttSession> {
    return this.session;
  }
}

export class SimulatedSttSession implements SttSession {
  readonly #clock: Clock;
  readonly #spec: SttSpec;
  readonly #random: Random;
  readonly #listeners = new Listeners<SttEvent>();
  readonly #completeness = new HeuristicCompleteness();
  /** Speech heard since the last final result, by id; `ended` once it stopped arriving. */
  readonly #segment = new Map<number, { words: WordSource; ended: boolean }>();
  #lastInterim = '';
  #ticker: TimerHandle | undefined;
  #final: TimerHandle | undefined;
  #silenceSinceMs = 0;
  /** Turn-event model: text of the turn so far, and what it has said about it. */
  #turnText = '';
  #turnOpen = false;
  #eagerSent = false;
  #endOfTurn: TimerHandle | undefined;
  #closed = false;

  constructor(clock: Clock, spec: SttSpec, random: Random) {
    this.#clock = clock;
    this.#spec = spec;
    this.#random = random;
  }

  subscribe(listener: (event: SttEvent) => void): () => void {
    return this.#listeners.add(listener);
  }

  sendAudio(_chunk: AudioChunk): void {
    // The symbolic world tells the recogniser what was said through speechOn/speechOff.
  }

  finalize(): void {
    // Finals follow the latency model whether or not the client asks for them.
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    for (const timer of [this.#ticker, this.#final, this.#endOfTurn]) if (timer !== undefined) this.#clock.clearTimeout(timer);
    this.#listeners.emit({ type: 'closed' });
  }

  /** Speech `id` starts arriving now. */
  speechOn(id: number, words: WordSource): void {
    if (this.#closed) return;
    this.#segment.set(id, { words, ended: false });
    if (this.#final !== undefined) {
      this.#clock.clearTimeout(this.#final);
      this.#final = undefined;
    }
    this.#onTurnSpeech();
    this.#ticker ??= this.#clock.setTimeout(() => this.#tick(), draw(this.#spec.partialIntervalMs, this.#random));
  }

  /** Speech `id` stops arriving now. */
  speechOff(id: number): void {
    const piece = this.#segment.get(id);
    if (!piece || this.#closed) return;
    piece.ended = true;
    if ([...this.#segment.values()].some((p) => !p.ended)) return;
    this.#silenceSinceMs = this.#clock.now();
    this.#final = this.#clock.setTimeout(() => this.#finalize(), draw(this.#spec.finalLatencyMs, this.#random));
  }

  #wordsUntil(untilMs: number): SttWord[] {
    return [...this.#segment.values()]
      .flatMap((p) => p.words(untilMs).filter((w) => w.endMs <= untilMs))
      .sort((a, b) => a.startMs - b.startMs);
  }

  #tick(): void {
    this.#ticker = undefined;
    if (this.#closed || this.#segment.size === 0) return;
    const words = this.#wordsUntil(this.#clock.now() - draw(this.#spec.partialLagMs, this.#random));
    const text = words.map((w) => w.word).join(' ');
    if (text !== '' && text !== this.#lastInterim) {
      this.#lastInterim = text;
      this.#listeners.emit({ type: 'transcript', isFinal: false, text, words });
    }
    if ([...this.#segment.values()].some((p) => !p.ended)) {
      this.#ticker = this.#clock.setTimeout(() => this.#tick(), draw(this.#spec.partialIntervalMs, this.#random));
    }
  }

  #finalize(): void {
    this.#final = undefined;
    if (this.#ticker !== undefined) this.#clock.clearTimeout(this.#ticker);
    this.#ticker = undefined;
    const words = this.#wordsUntil(Infinity);
    this.#segment.clear();
    this.#lastInterim = '';
    const text = words.map((w) => w.word).join(' ');
    this.#listeners.emit({ type: 'transcript', isFinal: true, text, words });
    if (text !== '') this.#onTurnFinal(text);
  }

  #onTurnSpeech(): void {
    if (!this.#spec.turnEvents) return;
    if (this.#endOfTurn !== undefined) {
      this.#clock.clearTimeout(this.#endOfTurn);
      this.#endOfTurn = undefined;
    }
    if (!this.#turnOpen) {
      this.#turnOpen = true;
      this.#listeners.emit({ type: 'turn', signal: 'start_of_turn' });
    } else if (this.#eagerSent) {
      this.#eagerSent = false;
      this.#listeners.emit({ type: 'turn', signal: 'turn_resumed' });
    }
  }

  /** Flux-like: a complete-sounding turn gets EagerEndOfTurn at once and EndOfTurn after a silence. */
  #onTurnFinal(text: string): void {
    if (!this.#spec.turnEvents) return;
    this.#turnText = this.#turnText === '' ? text : `${this.#turnText} ${text}`;
    const complete = this.#completeness.classify(this.#turnText).completeness === 'complete';
    if (complete && !this.#eagerSent) {
      this.#eagerSent = true;
      this.#listeners.emit({ type: 'turn', signal: 'eager_end_of_turn', transcript: this.#turnText });
    }
    const waitMs = draw(this.#spec.endOfTurnMs, this.#random) * (complete ? 1 : 3);
    const dueMs = this.#silenceSinceMs + waitMs;
    this.#endOfTurn = this.#clock.setTimeout(() => {
      this.#endOfTurn = undefined;
      const transcript = this.#turnText;
      this.#turnText = '';
      this.#turnOpen = false;
      this.#eagerSent = false;
      this.#listeners.emit({ type: 'turn', signal: 'end_of_turn', transcript });
    }, dueMs - this.#clock.now());
  }
}
