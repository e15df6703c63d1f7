import type { AudioChunk } from '../core/audio/chunk.js';
import type { ProviderError } from './errors.js';

/**
 * Character timings of one audio chunk, relative to the chunk's first sample
 * (ElevenLabs' `normalizedAlignment` shape).
 */
export interface TtsAlignment {
  readonly chars: readonly string[];
  readonly charStartMs: readonly number[];
  readonly charDurationMs: readonly number[];
}

/** What a TTS session reports. */
export type TtsEvent =
  | { readonly type: 'audio'; readonly chunk: AudioChunk; readonly alignment?: TtsAlignment }
  /** All audio for the text before one `flush()` has been sent; one per `flush()`, in order. */
  | { readonly type: 'flushed' }
  /** Acknowledges `clear()`; audio that arrives between `clear()` and this belongs to the cleared text. */
  | { readonly type: 'cleared' }
  | { readonly type: 'error'; readonly error: ProviderError }
  | { readonly type: 'closed' };

/** One streaming synthesis session (one call; text in, audio out). */
export interface TtsSession {
  /** Queues text to speak. */
  pushText(text: string): void;
  /** Generates everything pushed so far; answered by one `flushed` event after its audio. */
  flush(): void;
  /** Drops all queued text and audio not yet sent; answered by `cleared`. */
  clear(): void;
  /** Ends the session. */
  close(): Promise<void>;
  /** Calls `listener` for every later event; returns the unsubscribe function. */
  subscribe(listener: (event: TtsEvent) => void): () => void;
}

/** A text-to-speech provider. */
export interface TtsProvider {
  readonly name: string;
  /** The rate of the PCM it produces. */
  readonly sampleRate: number;
  /** Opens a session; rejects with a ProviderError when it cannot (or when `signal` aborts). */
  connect(signal: AbortSignal): Promise<TtsSession>;
}
