import type { AudioChunk } from '../core/audio/chunk.js';
import type { ProviderTurnSignal } from '../core/trace/events.js';
import type { ProviderError } from './errors.js';

/** A recognised word with its position in the audio stream (ms from the session start). */
export interface SttWord {
  readonly word: string;
  readonly startMs: number;
  readonly endMs: number;
  readonly confidence?: number;
}

/** What a streaming STT session reports. */
export type SttEvent =
  /**
   * A transcript of the current segment. Interim (`isFinal: false`) results replace each other;
   * a final one closes the segment, and later results belong to the next segment.
   */
  | { readonly type: 'transcript'; readonly isFinal: boolean; readonly text: string; readonly words: readonly SttWord[] }
  /** The provider's own voice-activity detector heard speech begin. */
  | { readonly type: 'speech_started'; readonly atMs?: number }
  /** A turn signal (Deepgram `speech_final`/`UtteranceEnd`, Flux `TurnInfo` events). */
  | { readonly type: 'turn'; readonly signal: ProviderTurnSignal; readonly transcript?: string }
  | { readonly type: 'error'; readonly error: ProviderError }
  /** The session ended (closed by us or the server); no more events follow. */
  | { readonly type: 'closed' };

/** One streaming recognition session (one call). */
export interface SttSession {
  /** Sends microphone audio (PCM16 mono at the session's rate). Ignored by simulated sessions that do not need it. */
  sendAudio(chunk: AudioChunk): void;
  /** Asks the provider to finalise what it has heard so far (Deepgram `Finalize`). */
  finalize(): void;
  /** Ends the session; resolves when it is closed. */
  close(): Promise<void>;
  /** Calls `listener` for every later event; returns the unsubscribe function. */
  subscribe(listener: (event: SttEvent) => void): () => void;
}

/** A speech-to-text provider. */
export interface SttProvider {
  readonly name: string;
  /** Opens a session; rejects with a ProviderError when it cannot (or when `signal` aborts). */
  connect(signal: AbortSignal): Promise<SttSession>;
}
