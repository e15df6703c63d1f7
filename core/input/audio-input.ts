import type { AudioChunk } from '../audio/chunk.js';
import type { Clock } from '../clock/clock.js';
import { rmsDb } from '../audio/mix.js';
import { floatToPcm16, pcm16ToFloat } from '../audio/pcm.js';
import { resample } from '../audio/resample.js';
import { EchoCanceller, type EchoBlockVerdict, type EchoCancellerOptions } from '../echo/echo-canceller.js';
import type { PlayoutBuffer } from '../playout/playout-buffer.js';
import { Listeners } from '../util/listeners.js';
import type { VadEvent } from '../vad/events.js';
import type { FrameVad } from '../vad/frame-vad.js';
import { VadHysteresis, type VadHysteresisOptions } from '../vad/hysteresis.js';

/** Settings of the echo canceller inside {@link AudioInput} (its rate and block come from the VAD). */
export type AudioInputEchoOptions = Omit<EchoCancellerOptions, 'sampleRate' | 'blockSamples'>;

/** Options of {@link AudioInput}. */
export interface AudioInputOptions {
  readonly clock: Clock;
  /** The frame VAD (Silero or energy); its rate is the input's rate. */
  readonly vad: FrameVad;
  readonly hysteresis?: VadHysteresisOptions;
  /** Echo cancellation against what the agent played; `false` turns it off. Default on. */
  readonly echoCanceller?: AudioInputEchoOptions | false;
  /** Report the cleaned audio (`audio` events, for an STT that needs it). Default true. */
  readonly forwardAudio?: boolean;
}

/** What the microphone path reports. */
export type AudioInputEvent =
  /** A voice-activity decision, for `AgentSession.handleVad`. */
  | { readonly type: 'vad'; readonly event: VadEvent }
  /** Cleaned microphone audio, for `AgentSession.pushAudio` (the STT). */
  | { readonly type: 'audio'; readonly chunk: AudioChunk }
  /**
   * One window went through: its span, the VAD's probability, its level after echo
   * cancellation, and what the canceller made of it.
   */
  | {
      readonly type: 'window';
      readonly startMs: number;
      readonly endMs: number;
      readonly probability: number;
      readonly levelDb: number;
      readonly echo: EchoBlockVerdict | undefined;
    }
  /** The echo canceller found (or re-found) the echo path's delay. */
  | { readonly type: 'echo_path'; readonly delayMs: number };

/**
 * The agent's microphone path: audio in (PCM at the VAD's rate, as it arrives), the agent's
 * own echo taken out against what the playout played, speech probabilities from the frame VAD,
 * and speech start/end decisions from the hysteresis layer.
 *
 * Everything is on one absolute sample timeline: sample `i` at `i / sampleRate` s of the
 * session clock, for the microphone (when it arrived) and the reference (when it was played).
 * Decisions are reported when the window that completes them has been processed, with the true
 * onset and end times.
 */
export class AudioInput {
  readonly sampleRate: number;
  readonly windowSamples: number;
  /**
   * How many windows before its end a window may be prepared ({@link prepareWindow}) with no
   * difference to anything reported, provided what the agent played before that moment has
   * been reported ({@link played}, {@link stopped}): the echo canceller's lookahead in whole
   * windows, or unlimited without one.
   */
  readonly lookaheadWindows: number;
  readonly #clock: Clock;
  readonly #vad: FrameVad;
  readonly #hysteresis: VadHysteresis;
  readonly #canceller: EchoCanceller | undefined;
  readonly #listeners = new Listeners<AudioInputEvent>();
  /** Samples waiting for a whole window, and the absolute index of the first. */
  readonly #pending: Float32Array;
  #pendingLength = 0;
  #nextIndex: number | undefined;
  readonly #cleaned: readonly Float32Array[];
  #turn = 0;
  #delayMs: number | undefined;
  readonly #forwardAudio: boolean;
  #processing: Promise<void> = Promise.resolve();

  constructor(options: AudioInputOptions) {
    this.#clock = options.clock;
    this.#vad = options.vad;
    this.sampleRate = options.vad.sampleRate;
    this.windowSamples = options.vad.windowSamples;
    this.#hysteresis = new VadHysteresis(options.hysteresis);
    this.#canceller =
      options.echoCanceller === false
        ? undefined
        : new EchoCanceller({ ...options.echoCanceller, sampleRate: this.sampleRate, blockSamples: this.windowSamples });
    this.lookaheadWindows = this.#canceller ? Math.floor(this.#canceller.lookaheadSamples / this.windowSamples) : Infinity;
    this.#forwardAudio = options.forwardAudio ?? true;
    this.#pending = new Float32Array(this.windowSamples);
    this.#cleaned = [new Float32Array(this.windowSamples), new Float32Array(this.windowSamples)];
  }

  /** Calls `listener` for every later event; returns the unsubscribe function. */
  subscribe(listener: (event: AudioInputEvent) => void): () => void {
    return this.#listeners.add(listener);
  }

  /** What the echo canceller has learned, if there is one. */
  get echoStats(): EchoCanceller['stats'] | undefined {
    return this.#canceller?.stats;
  }

  /** Takes the playout's audio as the echo reference; returns the unsubscribe function. */
  listenTo(playout: PlayoutBuffer): () => void {
    return playout.subscribe((event) => {
      if (event.type === 'chunk') this.played(event.chunk, event.offsetMs, event.atMs);
      else if (event.type === 'stop') this.stopped(this.#clock.now());
    });
  }

  /** The agent played `chunk` from `offsetMs` into it, starting at `atMs`. */
  played(chunk: AudioChunk, offsetMs: number, atMs: number): void {
    if (!this.#canceller || !chunk.pcm) return;
    const pcm = chunk.sampleRate === this.sampleRate ? chunk.pcm : floatToPcm16(resample(pcm16ToFloat(chunk.pcm), chunk.sampleRate, this.sampleRate));
    const from = Math.round((offsetMs * this.sampleRate) / 1000);
    this.#canceller.playReference(this.#index(atMs), pcm, Math.min(from, pcm.length));
  }

  /** The agent's audio stopped at `atMs`. */
  stopped(atMs: number): void {
    this.#canceller?.stopReference(this.#index(atMs));
  }

  /**
   * Microphone audio (floats in [-1, 1] at the input's rate) arriving from `atMs` on; later
   * pushes continue where the previous one ended. Resolves when every whole window in it has
   * been through the VAD (calls are queued, so they may overlap).
   */
  push(samples: Float32Array, atMs: number): Promise<void> {
    this.#nextIndex ??= this.#index(atMs);
    const run = this.#processing.then(() => this.#consume(samples));
    this.#processing = run;
    return run;
  }

  /** The audio has ended at `atMs`: speech in progress ends there. */
  async end(atMs: number): Promise<void> {
    await this.#processing;
    for (const event of this.#hysteresis.flush(atMs)) this.#listeners.emit({ type: 'vad', event: withoutPadding(event) });
  }

  async #consume(samples: Float32Array): Promise<void> {
    const size = this.windowSamples;
    let offset = 0;
    while (offset < samples.length) {
      const take = Math.min(size - this.#pendingLength, samples.length - offset);
      this.#pending.set(samples.subarray(offset, offset + take), this.#pendingLength);
      this.#pendingLength += take;
      offset += take;
      if (this.#pendingLength === size) {
        this.#pendingLength = 0;
        await this.#window(this.#pending);
      }
    }
  }

  /**
   * Starts one whole window (exactly `windowSamples` samples, arriving at `atMs` or, after the
   * first, where the previous ended): echo cancellation now, and the VAD's inference, which may
   * run on while the caller does other work. Completing the returned window reports it.
   */
  beginWindow(window: Float32Array, atMs: number): SubmittedWindow {
    return this.submitWindow(this.prepareWindow(window, atMs));
  }

  /**
   * The first half of {@link beginWindow}: echo cancellation of one whole window. Windows are
   * prepared in order; a prepared window must be submitted before the next is prepared.
   */
  prepareWindow(window: Float32Array, atMs: number): PreparedWindow {
    if (window.length !== this.windowSamples) throw new RangeError(`a window is ${this.windowSamples} samples, got ${window.length}`);
    this.#nextIndex ??= this.#index(atMs);
    const index = this.#nextIndex;
    this.#nextIndex = index + this.windowSamples;
    let cleaned = window;
    let echo: EchoBlockVerdict | undefined;
    let echoPath: number | undefined;
    if (this.#canceller) {
      // Two buffers in turn: a prepared window's samples stay put until it is submitted.
      cleaned = this.#cleaned[this.#turn]!;
      this.#turn ^= 1;
      echo = this.#canceller.process(index, window, cleaned);
      const delayMs = this.#canceller.delayMs;
      if (delayMs !== undefined && delayMs !== this.#delayMs) {
        this.#delayMs = delayMs;
        echoPath = delayMs;
      }
    }
    return {
      startMs: this.#ms(index),
      endMs: this.#ms(index + this.windowSamples),
      cleaned,
      levelDb: rmsDb(cleaned),
      echo,
      echoPath,
    };
  }

  /**
   * The second half of {@link beginWindow}: hands a prepared window to the VAD (complete or
   * discard the previous window first).
   */
  submitWindow(prepared: PreparedWindow): SubmittedWindow {
    const audio = this.#forwardAudio ? floatToPcm16(prepared.cleaned) : undefined;
    const probability = this.#vad.process(prepared.cleaned);
    return {
      complete: (onAnswer) => this.#complete(prepared, probability, audio, onAnswer),
      discard: async () => void (await probability),
    };
  }

  async #window(window: Float32Array): Promise<void> {
    await this.submitWindow(this.prepareWindow(window, this.#ms(this.#nextIndex!))).complete();
  }

  async #complete(prepared: PreparedWindow, answer: PromiseLike<number>, audio: Int16Array | undefined, onAnswer?: () => void): Promise<void> {
    const { startMs, endMs, levelDb, echo, echoPath } = prepared;
    const probability = await answer;
    onAnswer?.();
    if (echoPath !== undefined) this.#listeners.emit({ type: 'echo_path', delayMs: echoPath });
    if (audio) this.#listeners.emit({ type: 'audio', chunk: { sampleRate: this.sampleRate, samples: audio.length, pcm: audio, levelDb } });
    this.#listeners.emit({ type: 'window', startMs, endMs, probability, levelDb, echo });
    const finite = Number.isFinite(levelDb) ? { levelDb } : {};
    for (const event of this.#hysteresis.push({ startMs, durationMs: endMs - startMs, probability, ...finite })) {
      this.#listeners.emit({ type: 'vad', event: withoutPadding(event) });
    }
  }

  #index(ms: number): number {
    return Math.round((ms * this.sampleRate) / 1000);
  }

  #ms(index: number): number {
    return (index * 1000) / this.sampleRate;
  }
}

/** A hysteresis event as the session takes it (the STT's padded start is not the session's business). */
function withoutPadding(event: ReturnType<VadHysteresis['push']>[number]): VadEvent {
  if (event.type === 'speech_end') return event;
  return { type: 'speech_start', onsetMs: event.onsetMs, ...(event.levelDb !== undefined ? { levelDb: event.levelDb } : {}) };
}

/** A window handed to the VAD. */
export interface SubmittedWindow {
  /**
   * Waits for the VAD's answer, then reports the window: its hysteresis decisions and events.
   * `onAnswer`, if given, is called as soon as the VAD has answered, before the events: the
   * moment to hand it the next window, so that it infers while this one's consequences are
   * worked out.
   */
  complete(onAnswer?: () => void): Promise<void>;
  /**
   * Waits for the VAD's answer and reports nothing: for a window prepared ahead of a stream
   * that ended before it arrived. Only {@link AudioInput.end} may follow.
   */
  discard(): Promise<void>;
}

/** A window through the echo canceller, ready for the VAD. */
export interface PreparedWindow {
  readonly startMs: number;
  readonly endMs: number;
  /** The cleaned samples (valid until the window after next is prepared). */
  readonly cleaned: Float32Array;
  readonly levelDb: number;
  readonly echo: EchoBlockVerdict | undefined;
  /** A newly found echo path delay, reported when the window completes. */
  readonly echoPath: number | undefined;
}
