import { samplesFor } from '../../core/audio/chunk.js';
import { floatToPcm16 } from '../../core/audio/pcm.js';
import type { Clock, TimerHandle } from '../../core/clock/clock.js';
import { Listeners } from '../../core/util/listeners.js';
import { ProviderError } from '../errors.js';
import type { TtsAlignment, TtsEvent, TtsProvider, TtsSession } from '../tts.js';
import { delayMs, type Delay } from './delay.js';

/** Options of {@link ScriptedTts}. */
export interface ScriptedTtsOptions {
  readonly clock: Clock;
  /** Output rate. Default 16000. */
  readonly sampleRate?: number;
  /** Time from a flush (or from the end of the previous segment) to its first audio. Default 150 ms. */
  readonly timeToFirstByteMs?: Delay;
  /** Audio length per character of text: the speaking rate. Default 65 ms (about 15 characters a second). */
  readonly msPerChar?: number;
  /** Length of each audio chunk. Default 200 ms. */
  readonly chunkMs?: number;
  /** How much faster than real time audio is generated after the first byte. Default 4. */
  readonly realtimeFactor?: number;
  /** Level of the speech, dBFS, stated on every chunk. Default −20. */
  readonly levelDb?: number;
  /** Attach character alignment to chunks (as ElevenLabs does). Default true. */
  readonly alignment?: boolean;
  /** Delay before `cleared` answers `clear()`. Default 20 ms. */
  readonly clearAckMs?: number;
  /** Fail every flush with this message instead of speaking. */
  readonly failWith?: string;
  /** A failure message for flush number `flush` (from 1 over the provider's life), if it fails. */
  readonly failFlush?: (flush: number) => string | undefined;
  /** Produce PCM samples (silence-free tones are not needed in the symbolic world). Default false. */
  readonly pcm?: boolean;
  /**
   * Real audio for a text (the acoustic world's clips): samples at `sampleRate` and the timing
   * of each character of the trimmed text. Its length replaces the speaking-rate estimate and
   * its samples go out as PCM.
   */
  readonly voice?: (text: string) => SpokenText;
  readonly name?: string;
}

/** Audio for a text, with when each of its characters (of the trimmed text) is spoken. */
export interface SpokenText {
  readonly samples: Float32Array;
  readonly charStartMs: readonly number[];
  readonly charDurationMs: readonly number[];
}

/**
 * An in-memory TTS on the clock: each flushed text becomes audio whose length follows the
 * speaking rate, delivered in chunks after a first-byte delay, followed by `flushed`.
 */
export class ScriptedTts implements TtsProvider {
  readonly name: string;
  readonly sampleRate: number;
  readonly #options: ScriptedTtsOptions;
  #flushes = 0;

  constructor(options: ScriptedTtsOptions) {
    this.#options = options;
    this.name = options.name ?? 'scripted-tts';
    this.sampleRate = options.sampleRate ?? 16000;
  }

  /** Counts a flush and says whether (and how) it fails. */
  failureOfNextFlush(): string | undefined {
    const flush = ++this.#flushes;
    return this.#options.failWith ?? this.#options.failFlush?.(flush);
  }

  /** Length of the audio for `text`, in ms. */
  durationOf(text: string): number {
    return text.trim().length * (this.#options.msPerChar ?? 65);
  }

  async connect(signal: AbortSignal): Promise<TtsSession> {
    if (signal.aborted) throw new ProviderError(this.name, 'cancelled', 'connect aborted');
    return new ScriptedTtsSession(this, this.#options, this.sampleRate);
  }
}

class ScriptedTtsSession implements TtsSession {
  readonly #tts: ScriptedTts;
  readonly #options: ScriptedTtsOptions;
  readonly #clock: Clock;
  readonly #sampleRate: number;
  readonly #listeners = new Listeners<TtsEvent>();
  #text = '';
  /** Flushed texts waiting their turn, with their failure if they fail; the first is being spoken. */
  #jobs: { readonly text: string; readonly failure: string | undefined }[] = [];
  #timer: TimerHandle | undefined;
  #clearAck: TimerHandle | undefined;
  #closed = false;

  constructor(tts: ScriptedTts, options: ScriptedTtsOptions, sampleRate: number) {
    this.#tts = tts;
    this.#options = options;
    this.#clock = options.clock;
    this.#sampleRate = sampleRate;
  }

  subscribe(listener: (event: TtsEvent) => void): () => void {
    return this.#listeners.add(listener);
  }

  pushText(text: string): void {
    if (!this.#closed) this.#text += text;
  }

  flush(): void {
    if (this.#closed) return;
    this.#jobs.push({ text: this.#text, failure: this.#tts.failureOfNextFlush() });
    this.#text = '';
    if (this.#jobs.length === 1 && this.#clearAck === undefined) this.#startJob();
  }

  clear(): void {
    if (this.#closed) return;
    this.#text = '';
    this.#jobs = [];
    this.#cancelTimer();
    if (this.#clearAck !== undefined) return;
    this.#clearAck = this.#clock.setTimeout(() => {
      this.#clearAck = undefined;
      this.#listeners.emit({ type: 'cleared' });
      if (this.#jobs.length > 0) this.#startJob();
    }, this.#options.clearAckMs ?? 20);
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#cancelTimer();
    if (this.#clearAck !== undefined) this.#clock.clearTimeout(this.#clearAck);
    this.#clearAck = undefined;
    this.#jobs = [];
    this.#listeners.emit({ type: 'closed' });
  }

  #startJob(): void {
    const { text, failure } = this.#jobs[0]!;
    const startMs = this.#clock.now();
    const firstByteMs = startMs + delayMs(this.#options.timeToFirstByteMs ?? 150);
    if (failure !== undefined) {
      this.#at(firstByteMs, () => {
        this.#jobs = [];
        this.#listeners.emit({ type: 'error', error: new ProviderError(this.#tts.name, 'server', failure) });
      });
      return;
    }
    const spoken = this.#options.voice?.(text);
    const totalMs = spoken ? (spoken.samples.length * 1000) / this.#sampleRate : this.#tts.durationOf(text);
    const chunkMs = this.#options.chunkMs ?? 200;
    const chunkSamples = samplesFor(chunkMs, this.#sampleRate);
    const factor = this.#options.realtimeFactor ?? 4;
    const chunks = Math.max(1, Math.ceil(totalMs / chunkMs));
    const chars = [...text.trim()];
    const msPerChar = chars.length > 0 ? totalMs / chars.length : 0;
    const timings = spoken ?? evenTimings(chars.length, msPerChar);
    const emitChunk = (index: number): void => {
      const fromMs = index * chunkMs;
      const lengthMs = Math.min(chunkMs, totalMs - fromMs);
      if (lengthMs > 0) {
        const samples = spoken ? Math.min(chunkSamples, spoken.samples.length - index * chunkSamples) : samplesFor(lengthMs, this.#sampleRate);
        const pcm = spoken
          ? floatToPcm16(spoken.samples.subarray(index * chunkSamples, index * chunkSamples + samples))
          : this.#options.pcm
            ? new Int16Array(samples)
            : undefined;
        this.#listeners.emit({
          type: 'audio',
          chunk: { sampleRate: this.#sampleRate, samples, levelDb: this.#options.levelDb ?? -20, ...(pcm ? { pcm } : {}) },
          ...(this.#options.alignment === false ? {} : { alignment: alignmentOf(chars, timings, fromMs, lengthMs) }),
        });
      }
      if (index + 1 < chunks) {
        this.#at(firstByteMs + ((index + 1) * chunkMs) / factor, () => emitChunk(index + 1));
        return;
      }
      this.#jobs.shift();
      this.#listeners.emit({ type: 'flushed' });
      if (this.#jobs.length > 0) this.#startJob();
    };
    this.#at(firstByteMs, () => emitChunk(0));
  }

  #at(timeMs: number, action: () => void): void {
    this.#timer = this.#clock.setTimeout(() => {
      this.#timer = undefined;
      action();
    }, timeMs - this.#clock.now());
  }

  #cancelTimer(): void {
    if (this.#timer !== undefined) this.#clock.clearTimeout(this.#timer);
    this.#timer = undefined;
  }
}

/** Characters spread evenly over the audio. */
function evenTimings(count: number, msPerChar: number): Pick<SpokenText, 'charStartMs' | 'charDurationMs'> {
  return {
    charStartMs: Array.from({ length: count }, (_, i) => i * msPerChar),
    charDurationMs: Array.from({ length: count }, () => msPerChar),
  };
}

/**
 * The characters that start in the part of the audio one chunk covers, timed from the chunk's
 * start. Character times never go back, so the first one is found by bisection.
 */
function alignmentOf(
  chars: readonly string[],
  timings: Pick<SpokenText, 'charStartMs' | 'charDurationMs'>,
  fromMs: number,
  lengthMs: number,
): TtsAlignment {
  const picked: string[] = [];
  const starts: number[] = [];
  const durations: number[] = [];
  let low = 0;
  let high = chars.length;
  while (low < high) {
    const middle = (low + high) >> 1;
    if (timings.charStartMs[middle]! < fromMs) low = middle + 1;
    else high = middle;
  }
  for (let i = low; i < chars.length && timings.charStartMs[i]! < fromMs + lengthMs; i++) {
    picked.push(chars[i]!);
    starts.push(timings.charStartMs[i]! - fromMs);
    durations.push(timings.charDurationMs[i]!);
  }
  return { chars: picked, charStartMs: starts, charDurationMs: durations };
}
