/**
 * The sans-I/O core of Deepgram Aura streaming TTS (`speak.v1`): session calls become client
 * messages (`Speak`, `Flush`, `Clear`, `Close`) and server messages become TtsEvents. Audio that
 * arrives between `Clear` and `Cleared` was in flight for the cleared text and is dropped here,
 * as are `Flushed` acknowledgements of flushes the clear cancelled, so the session sees exactly
 * one `flushed` per flush it still waits for.
 *
 * @module
 */
import type { ErrorFactory } from '../secrets.js';
import type { TtsEvent } from '../tts.js';
import { Pcm16Decoder } from '../pcm.js';
import { preview } from './listen-v1-protocol.js';
import { isTyped, type ControlMessage, type SpeakMessage } from './messages.js';

/** The sans-I/O core of one `speak.v1` session. */
export class SpeakProtocol {
  readonly #errors: ErrorFactory;
  readonly #decoder: Pcm16Decoder;
  /** Flushes sent (since the last clear) and not yet acknowledged. */
  #pendingFlushes = 0;
  #clearing = false;
  /** Audio dropped since the last clear, in samples (for diagnostics). */
  droppedSamples = 0;

  constructor(errors: ErrorFactory, sampleRate: number) {
    this.#errors = errors;
    this.#decoder = new Pcm16Decoder(sampleRate);
  }

  /** Flushes waiting for their `Flushed`. */
  get pendingFlushes(): number {
    return this.#pendingFlushes;
  }

  /** True between `Clear` and `Cleared`. */
  get clearing(): boolean {
    return this.#clearing;
  }

  speak(text: string): SpeakMessage {
    return { type: 'Speak', text };
  }

  flush(): ControlMessage {
    this.#pendingFlushes++;
    return { type: 'Flush' };
  }

  clear(): ControlMessage {
    this.#pendingFlushes = 0;
    this.#clearing = true;
    this.droppedSamples = 0;
    this.#decoder.reset();
    return { type: 'Clear' };
  }

  close(): ControlMessage {
    return { type: 'Close' };
  }

  /** The events a server message means: binary audio, or parsed JSON (raw text when it was not JSON). */
  receive(message: unknown): TtsEvent[] {
    if (message instanceof Uint8Array) {
      if (this.#clearing) {
        this.droppedSamples += Math.floor(message.length / 2);
        return [];
      }
      const chunk = this.#decoder.push(message);
      return chunk ? [{ type: 'audio', chunk }] : [];
    }
    if (!isTyped(message)) return [this.#protocolError(`malformed message: ${preview(message)}`)];
    switch (message.type) {
      case 'Flushed':
        // While clearing, an acknowledgement belongs to a cancelled flush.
        if (this.#clearing || this.#pendingFlushes === 0) return [];
        this.#pendingFlushes--;
        return [{ type: 'flushed' }];
      case 'Cleared':
        if (!this.#clearing) return [];
        this.#clearing = false;
        return [{ type: 'cleared' }];
      case 'Metadata':
      case 'Warning':
        // Warnings (e.g. too many flushes a minute) do not stop the stream.
        return [];
      default:
        return [this.#protocolError(`unexpected message type "${message.type}": ${preview(message)}`)];
    }
  }

  #protocolError(message: string): TtsEvent {
    return { type: 'error', error: this.#errors.make('protocol', message) };
  }
}
