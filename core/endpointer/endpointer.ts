import type { Clock, TimerHandle } from '../clock/clock.js';
import type { Completeness, EndpointReason, ProviderTurnSignal } from '../trace/events.js';
import { Listeners } from '../util/listeners.js';
import type { VadEvent } from '../vad/events.js';
import { HeuristicCompleteness, type CompletenessDetector } from './completeness.js';

/** What the endpointer decided. The session numbers the turns and traces these. */
export type EndpointerDecision =
  /** Waiting: why, and the time at which it will decide if nothing changes. */
  | { readonly type: 'hold'; readonly completeness: Completeness; readonly why: string; readonly deadlineMs: number }
  /** The turn is probably over: a speculative reply may start. */
  | { readonly type: 'eager_end'; readonly reason: EndpointReason; readonly transcript: string }
  /** The user spoke again after an `eager_end`: drop the speculative reply. */
  | { readonly type: 'resumed' }
  /** The turn is over. */
  | { readonly type: 'end'; readonly reason: EndpointReason; readonly transcript: string; readonly silenceMs: number }
  /** Speech ended but nothing was transcribed: not a turn. */
  | { readonly type: 'discarded'; readonly why: string };

/** The transcript of the open user turn, as the session has assembled it. */
export interface TurnTranscript {
  /** Finals and the current interim result, joined. */
  readonly text: string;
  /** True when every segment heard so far has a final result (no interim result pending). */
  readonly settled: boolean;
}

/**
 * Decides when a user turn is over. The session feeds it voice activity, the turn's transcript
 * and provider turn signals; it answers with {@link EndpointerDecision}s.
 */
export interface Endpointer {
  onVad(event: VadEvent): void;
  onTranscript(transcript: TurnTranscript): void;
  onProviderTurn(signal: ProviderTurnSignal, transcript?: string): void;
  /** Forgets the current turn (after the session has handled an `end`). */
  reset(): void;
  /** Stops all timers for good. */
  dispose(): void;
  subscribe(listener: (decision: EndpointerDecision) => void): () => void;
}

/** Options of {@link FusionEndpointer}. */
export interface EndpointerOptions {
  /**
   * `semantic` (default) waits according to how complete the transcript reads; `silence`
   * waits a fixed `silenceMs` whatever was said, like the common VAD-only endpointer.
   */
  readonly mode?: 'semantic' | 'silence';
  /** Delay after speech for a complete-looking turn. Default 250 ms. */
  readonly minDelayMs?: number;
  /** Delay when the text gives no sign either way, and the only delay in `silence` mode. Default 500 ms. */
  readonly silenceMs?: number;
  /** Delay for an incomplete-looking turn (trailing "and", "for", "um"): the longest wait. Default 2500 ms. */
  readonly maxDelayMs?: number;
  /**
   * Silence after which a complete-looking turn gets a speculative `eager_end`, or `false` for
   * none. Default 0 ms (as soon as speech ends).
   */
  readonly eagerDelayMs?: number | false;
  /**
   * How long past its deadline the endpointer waits for the STT's final result before ending the
   * turn on the interim text. Default 600 ms.
   */
  readonly finalTimeoutMs?: number;
  /** Act on provider turn signals (Flux EagerEndOfTurn / TurnResumed / EndOfTurn). Default true. */
  readonly providerSignals?: boolean;
  /** The text completeness detector. Default: {@link HeuristicCompleteness}. */
  readonly detector?: CompletenessDetector;
}

/** Resolved endpointer options (without the detector). */
export type EndpointerConfig = Required<Omit<EndpointerOptions, 'detector'>>;

/** Fills in defaults and checks the options. */
export function resolveEndpointerConfig(options: EndpointerOptions = {}): EndpointerConfig {
  const config: EndpointerConfig = {
    mode: options.mode ?? 'semantic',
    minDelayMs: options.minDelayMs ?? 250,
    silenceMs: options.silenceMs ?? 500,
    maxDelayMs: options.maxDelayMs ?? 2500,
    eagerDelayMs: options.eagerDelayMs ?? 0,
    finalTimeoutMs: options.finalTimeoutMs ?? 600,
    providerSignals: options.providerSignals ?? true,
  };
  for (const key of ['minDelayMs', 'silenceMs', 'maxDelayMs', 'finalTimeoutMs'] as const) {
    if (!(config[key] >= 0)) throw new RangeError(`endpointer ${key} must be ≥ 0, got ${config[key]}`);
  }
  if (config.mode === 'semantic' && !(config.minDelayMs <= config.silenceMs && config.silenceMs <= config.maxDelayMs)) {
    throw new RangeError(
      `endpointer delays must satisfy minDelayMs ≤ silenceMs ≤ maxDelayMs, got ${config.minDelayMs}, ${config.silenceMs}, ${config.maxDelayMs}`,
    );
  }
  if (config.eagerDelayMs !== false && !(config.eagerDelayMs >= 0)) {
    throw new RangeError(`endpointer eagerDelayMs must be ≥ 0 or false, got ${config.eagerDelayMs}`);
  }
  return config;
}

/** The preset that reproduces the common fixed-silence endpointer (500 ms, no semantics, no speculation). */
export const SILENCE_ONLY_ENDPOINTER: EndpointerOptions = Object.freeze({
  mode: 'silence',
  silenceMs: 500,
  eagerDelayMs: false,
  providerSignals: false,
});

/**
 * Fuses voice activity, transcript completeness and provider turn signals into end-of-turn
 * decisions. After speech ends it waits a delay chosen from the transcript (short when it reads
 * complete, long when it trails off), then ends the turn once the STT has a final result.
 */
export class FusionEndpointer implements Endpointer {
  readonly config: EndpointerConfig;
  readonly #clock: Clock;
  readonly #detector: CompletenessDetector;
  readonly #listeners = new Listeners<EndpointerDecision>();

  #phase: 'idle' | 'speaking' | 'silent' | 'ended' = 'idle';
  #silenceSinceMs = 0;
  #transcript: TurnTranscript = { text: '', settled: true };
  #eagerSent = false;
  #lastHold: string | undefined;
  #timer: TimerHandle | undefined;
  #disposed = false;

  constructor(clock: Clock, options: EndpointerOptions = {}) {
    this.config = resolveEndpointerConfig(options);
    this.#clock = clock;
    this.#detector = options.detector ?? new HeuristicCompleteness();
  }

  subscribe(listener: (decision: EndpointerDecision) => void): () => void {
    return this.#listeners.add(listener);
  }

  onVad(event: VadEvent): void {
    if (this.#disposed) return;
    if (event.type === 'speech_start') {
      this.#cancelTimer();
      if (this.#phase === 'ended') this.#startTurn();
      this.#phase = 'speaking';
      this.#lastHold = undefined;
      if (this.#eagerSent) {
        this.#eagerSent = false;
        this.#listeners.emit({ type: 'resumed' });
      }
      return;
    }
    if (this.#phase !== 'speaking') return;
    this.#phase = 'silent';
    this.#silenceSinceMs = Math.min(event.speechEndMs, this.#clock.now());
    this.#evaluate();
  }

  onTranscript(transcript: TurnTranscript): void {
    if (this.#disposed || this.#phase === 'ended') return;
    this.#transcript = transcript;
    if (this.#phase === 'silent') this.#evaluate();
  }

  onProviderTurn(signal: ProviderTurnSignal, transcript?: string): void {
    if (this.#disposed || !this.config.providerSignals || this.#phase === 'ended') return;
    const text = transcript ?? this.#transcript.text;
    switch (signal) {
      case 'eager_end_of_turn':
        if (!this.#eagerSent && text.trim() !== '') {
          this.#eagerSent = true;
          this.#listeners.emit({ type: 'eager_end', reason: 'provider', transcript: text });
        }
        return;
      case 'turn_resumed':
        if (this.#eagerSent) {
          this.#eagerSent = false;
          this.#listeners.emit({ type: 'resumed' });
        }
        return;
      case 'end_of_turn':
        if (text.trim() !== '') this.#end('provider', text);
        return;
      default:
        // start_of_turn is covered by VAD; speech_final and utterance_end only mark a segment final.
        return;
    }
  }

  reset(): void {
    if (this.#disposed) return;
    this.#cancelTimer();
    this.#startTurn();
    this.#phase = 'idle';
  }

  dispose(): void {
    this.#disposed = true;
    this.#cancelTimer();
    this.#phase = 'ended';
  }

  #startTurn(): void {
    this.#transcript = { text: '', settled: true };
    this.#eagerSent = false;
    this.#lastHold = undefined;
  }

  /** Decides now, or sets a timer for when the decision is due. */
  #evaluate(): void {
    this.#cancelTimer();
    const now = this.#clock.now();
    const silenceMs = now - this.#silenceSinceMs;
    const text = this.#transcript.text;
    const verdict = this.#verdict(text);
    const delay = this.#delayFor(verdict.completeness);
    const deadlineMs = this.#silenceSinceMs + delay;

    const eagerDelay = this.config.eagerDelayMs;
    if (eagerDelay !== false && !this.#eagerSent && verdict.completeness === 'complete' && delay > eagerDelay) {
      if (silenceMs >= eagerDelay) {
        this.#eagerSent = true;
        this.#listeners.emit({ type: 'eager_end', reason: this.#reasonFor(verdict.completeness), transcript: text });
      } else {
        this.#schedule(this.#silenceSinceMs + eagerDelay);
        return;
      }
    }

    if (now < deadlineMs) {
      this.#hold(verdict.completeness, verdict.why, deadlineMs);
      this.#schedule(deadlineMs);
      return;
    }
    const finalDeadlineMs = deadlineMs + this.config.finalTimeoutMs;
    if (!this.#transcript.settled && now < finalDeadlineMs) {
      this.#hold(verdict.completeness, 'waiting for the final transcript', finalDeadlineMs);
      this.#schedule(finalDeadlineMs);
      return;
    }
    if (text.trim() === '') {
      this.#phase = 'ended';
      this.#listeners.emit({ type: 'discarded', why: 'speech ended with nothing transcribed' });
      return;
    }
    this.#end(this.#reasonFor(verdict.completeness), text);
  }

  #verdict(text: string): { completeness: Completeness; why: string } {
    if (this.config.mode === 'silence') return { completeness: 'uncertain', why: 'fixed silence' };
    return this.#detector.classify(text);
  }

  #delayFor(completeness: Completeness): number {
    if (this.config.mode === 'silence') return this.config.silenceMs;
    switch (completeness) {
      case 'complete':
        return this.config.minDelayMs;
      case 'incomplete':
        return this.config.maxDelayMs;
      case 'uncertain':
        return this.config.silenceMs;
    }
  }

  #reasonFor(completeness: Completeness): EndpointReason {
    if (this.config.mode === 'silence') return 'silence';
    if (completeness === 'complete') return 'semantic';
    if (completeness === 'incomplete') return 'max_delay';
    return 'silence';
  }

  #hold(completeness: Completeness, why: string, deadlineMs: number): void {
    const key = `${completeness}|${why}|${deadlineMs}`;
    if (key === this.#lastHold) return;
    this.#lastHold = key;
    this.#listeners.emit({ type: 'hold', completeness, why, deadlineMs });
  }

  #end(reason: EndpointReason, transcript: string): void {
    this.#cancelTimer();
    const silenceMs = this.#phase === 'silent' ? Math.max(0, this.#clock.now() - this.#silenceSinceMs) : 0;
    this.#phase = 'ended';
    this.#eagerSent = false;
    this.#listeners.emit({ type: 'end', reason, transcript, silenceMs });
  }

  #schedule(atMs: number): void {
    this.#timer = this.#clock.setTimeout(() => {
      this.#timer = undefined;
      if (this.#phase === 'silent') this.#evaluate();
    }, atMs - this.#clock.now());
  }

  #cancelTimer(): void {
    if (this.#timer !== undefined) {
      this.#clock.clearTimeout(this.#timer);
      this.#timer = undefined;
    }
  }
}
