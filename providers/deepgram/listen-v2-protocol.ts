/**
 * The sans-I/O core of Deepgram Flux (`listen.v2`): server `TurnInfo` events become SttEvents
 * for the endpointer, and audio is framed in the 80 ms chunks Flux expects. Time comes only from
 * the Clock (through the {@link AudioTimeline}).
 *
 * A Flux transcript covers the whole turn so far, so every `TurnInfo` carries an interim
 * transcript of the turn and `EndOfTurn` the final one:
 *
 * | TurnInfo event   | SttEvents                                                   |
 * |------------------|-------------------------------------------------------------|
 * | StartOfTurn      | `speech_started`, `turn` start_of_turn, interim transcript  |
 * | Update           | interim transcript                                          |
 * | EagerEndOfTurn   | interim transcript, `turn` eager_end_of_turn                |
 * | TurnResumed      | interim transcript, `turn` turn_resumed                     |
 * | EndOfTurn        | final transcript, `turn` end_of_turn                        |
 *
 * `Connected` and `ConfigureSuccess` are ignored; `Error` (fatal) and `ConfigureFailure` are
 * errors; anything else is a `protocol` error.
 *
 * @module
 */
import type { AudioChunk } from '../../core/audio/chunk.js';
import type { SttEvent, SttWord } from '../stt.js';
import type { ErrorFactory } from '../secrets.js';
import { chunkBytes } from '../pcm.js';
import type { AudioTimeline } from './audio-timeline.js';
import { preview } from './listen-v1-protocol.js';
import { isTyped, type ControlMessage, type ListenV2FatalError, type ListenV2TurnInfo } from './messages.js';

/** Length of the audio frames Flux wants, ms. */
export const FLUX_FRAME_MS = 80;

/** The sans-I/O core of one Flux session. */
export class ListenV2Protocol {
  readonly #timeline: AudioTimeline;
  readonly #errors: ErrorFactory;
  readonly #sampleRate: number;
  readonly #frameBytes: number;
  #buffer = new Uint8Array(0);

  constructor(timeline: AudioTimeline, errors: ErrorFactory, sampleRate: number) {
    this.#timeline = timeline;
    this.#errors = errors;
    this.#sampleRate = sampleRate;
    this.#frameBytes = Math.round((sampleRate * FLUX_FRAME_MS) / 1000) * 2;
  }

  /** The whole 80 ms frames available after `chunk`, or the error when it cannot be sent. */
  audio(chunk: AudioChunk): { readonly frames: readonly Uint8Array[] } | { readonly error: SttEvent } {
    if (chunk.sampleRate !== this.#sampleRate) {
      return { error: { type: 'error', error: this.#errors.make('protocol', `audio at ${chunk.sampleRate} Hz, the stream was opened at ${this.#sampleRate} Hz`) } };
    }
    this.#timeline.sent(chunk);
    const bytes = chunkBytes(chunk);
    const joined = new Uint8Array(this.#buffer.length + bytes.length);
    joined.set(this.#buffer);
    joined.set(bytes, this.#buffer.length);
    const frames: Uint8Array[] = [];
    let offset = 0;
    for (; offset + this.#frameBytes <= joined.length; offset += this.#frameBytes) frames.push(joined.slice(offset, offset + this.#frameBytes));
    this.#buffer = joined.slice(offset);
    return { frames };
  }

  /** Audio held back for an incomplete frame (sent before the stream closes). */
  takeRemainder(): Uint8Array | undefined {
    const rest = this.#buffer;
    this.#buffer = new Uint8Array(0);
    return rest.length > 0 ? rest : undefined;
  }

  /** Flux has no keep-alive message: it expects audio to keep flowing. */
  keepAlive(): ControlMessage | undefined {
    return undefined;
  }

  /** Flux decides turns itself; the session's finalize has no counterpart. */
  finalize(): ControlMessage | undefined {
    return undefined;
  }

  closeStream(): ControlMessage {
    return { type: 'CloseStream' };
  }

  /** The events a server message means (parsed JSON, or the raw text of a non-JSON frame). */
  receive(message: unknown): SttEvent[] {
    if (!isTyped(message)) return [this.#error('protocol', `malformed message: ${preview(message)}`)];
    switch (message.type) {
      case 'TurnInfo':
        return this.#turnInfo(message as ListenV2TurnInfo);
      case 'Connected':
      case 'ConfigureSuccess':
        return [];
      case 'Error': {
        const fatal = message as ListenV2FatalError;
        return [this.#error('server', `${fatal.code}: ${fatal.description}`)];
      }
      case 'ConfigureFailure':
        return [this.#error('protocol', 'Configure was rejected')];
      default:
        return [this.#error('protocol', `unexpected message type "${message.type}": ${preview(message)}`)];
    }
  }

  #turnInfo(info: ListenV2TurnInfo): SttEvent[] {
    if (typeof info.transcript !== 'string' || !Array.isArray(info.words)) return [this.#error('protocol', `malformed TurnInfo: ${preview(info)}`)];
    const words: SttWord[] = info.words.map((w) => ({
      word: w.word,
      startMs: this.#timeline.toSessionMs(w.start ?? info.audio_window_start),
      endMs: this.#timeline.toSessionMs(w.end ?? info.audio_window_end),
      confidence: w.confidence,
    }));
    const transcript = (isFinal: boolean): SttEvent => ({ type: 'transcript', isFinal, text: info.transcript, words });
    switch (info.event) {
      case 'StartOfTurn':
        return [
          { type: 'speech_started', atMs: words[0]?.startMs ?? this.#timeline.toSessionMs(info.audio_window_start) },
          { type: 'turn', signal: 'start_of_turn' },
          ...(words.length > 0 ? [transcript(false)] : []),
        ];
      case 'Update':
        return [transcript(false)];
      case 'EagerEndOfTurn':
        return [transcript(false), { type: 'turn', signal: 'eager_end_of_turn', transcript: info.transcript }];
      case 'TurnResumed':
        return [transcript(false), { type: 'turn', signal: 'turn_resumed' }];
      case 'EndOfTurn':
        return [transcript(true), { type: 'turn', signal: 'end_of_turn', transcript: info.transcript }];
      default:
        // The event list is open: later server versions may add kinds; they carry a transcript.
        return [transcript(false)];
    }
  }

  #error(kind: 'protocol' | 'server', message: string): SttEvent {
    return { type: 'error', error: this.#errors.make(kind, message) };
  }
}
