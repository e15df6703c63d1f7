/**
 * The sans-I/O core of Deepgram live transcription (`listen.v1`): turns server messages into
 * SttEvents and session calls into client messages. It reads time only from the Clock (through
 * the {@link AudioTimeline}), so a replayer can feed it recorded server messages under a virtual
 * clock and get the events the live session got.
 *
 * - `Results` → `transcript` (interim or final; words timed on the session clock), then a
 *   `turn` `speech_final` when the endpoint fired.
 * - `SpeechStarted` → `speech_started`; `UtteranceEnd` → `turn` `utterance_end`.
 * - `Metadata` is ignored; anything else (not JSON, no `type`) is a `protocol` error.
 *
 * @module
 */
import type { AudioChunk } from '../../core/audio/chunk.js';
import type { SttEvent, SttWord } from '../stt.js';
import type { ErrorFactory } from '../secrets.js';
import { chunkBytes } from '../pcm.js';
import type { AudioTimeline } from './audio-timeline.js';
import { isTyped, type ControlMessage, type ListenV1Results, type ListenV1SpeechStarted } from './messages.js';

/** The sans-I/O core of one `listen.v1` session. */
export class ListenV1Protocol {
  readonly #timeline: AudioTimeline;
  readonly #errors: ErrorFactory;
  readonly #sampleRate: number;

  constructor(timeline: AudioTimeline, errors: ErrorFactory, sampleRate: number) {
    this.#timeline = timeline;
    this.#errors = errors;
    this.#sampleRate = sampleRate;
  }

  /** The binary frames for `chunk` (linear16 at the session rate), or the error when it cannot be sent. */
  audio(chunk: AudioChunk): { readonly frames: readonly Uint8Array[] } | { readonly error: SttEvent } {
    if (chunk.sampleRate !== this.#sampleRate) {
      return { error: { type: 'error', error: this.#errors.make('protocol', `audio at ${chunk.sampleRate} Hz, the stream was opened at ${this.#sampleRate} Hz`) } };
    }
    this.#timeline.sent(chunk);
    return { frames: [chunkBytes(chunk)] };
  }

  /** `KeepAlive`, for silences without audio. */
  keepAlive(): ControlMessage {
    return { type: 'KeepAlive' };
  }

  /** `Finalize`: ask for a final result of what was heard so far. */
  finalize(): ControlMessage | undefined {
    return { type: 'Finalize' };
  }

  /** `CloseStream`: finish and close. */
  closeStream(): ControlMessage {
    return { type: 'CloseStream' };
  }

  /** The events a server message means. `message` is parsed JSON, or the raw text of a frame that was not JSON. */
  receive(message: unknown): SttEvent[] {
    if (!isTyped(message)) return [this.#malformed(message)];
    switch (message.type) {
      case 'Results':
        return this.#results(message as ListenV1Results);
      case 'SpeechStarted':
        return [{ type: 'speech_started', atMs: this.#timeline.toSessionMs((message as ListenV1SpeechStarted).timestamp) }];
      case 'UtteranceEnd':
        return [{ type: 'turn', signal: 'utterance_end' }];
      case 'Metadata':
        return [];
      default:
        return [this.#malformed(message, `unexpected message type "${message.type}"`)];
    }
  }

  #results(results: ListenV1Results): SttEvent[] {
    const alternative = results.channel?.alternatives?.[0];
    if (!alternative || typeof alternative.transcript !== 'string' || !Array.isArray(alternative.words)) {
      return [this.#malformed(results, 'Results without channel.alternatives[0]')];
    }
    const words: SttWord[] = alternative.words.map((w) => ({
      word: w.punctuated_word ?? w.word,
      startMs: this.#timeline.toSessionMs(w.start),
      endMs: this.#timeline.toSessionMs(w.end),
      confidence: w.confidence,
    }));
    const isFinal = results.is_final === true;
    const events: SttEvent[] = [{ type: 'transcript', isFinal, text: alternative.transcript, words }];
    if (isFinal && results.speech_final === true) events.push({ type: 'turn', signal: 'speech_final', transcript: alternative.transcript });
    return events;
  }

  #malformed(message: unknown, why = 'malformed message'): SttEvent {
    return { type: 'error', error: this.#errors.make('protocol', `${why}: ${preview(message)}`) };
  }
}

/** A short, single-line rendering of a message for error text. */
export function preview(message: unknown): string {
  let text: string;
  if (typeof message === 'string') text = message;
  else if (message instanceof Uint8Array) text = `${message.length} bytes of binary`;
  else {
    try {
      text = JSON.stringify(message) ?? String(message);
    } catch {
      text = String(message);
    }
  }
  const line = text.replace(/\s+/g, ' ');
  return line.length > 80 ? `${line.slice(0, 79)}…` : line;
}
