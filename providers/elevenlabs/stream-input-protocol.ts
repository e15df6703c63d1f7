/**
 * The sans-I/O core of one ElevenLabs `stream-input` websocket (text in, audio out): the client
 * messages, and what the server's messages mean. Pure: a replayer feeds it recorded server
 * frames and gets the same events.
 *
 * Client: `{"text":" ", "voice_settings":…, "generation_config":{"chunk_length_schedule":…}}`
 * first, then `{"text":"chunk "}` messages, a single space to keep the socket alive, and
 * `{"text":""}` to end the input (the server then generates what is left, sends
 * `{"isFinal":true}` and closes). Server: `{"audio":"<base64>", "isFinal":null,
 * "normalizedAlignment":{chars, charStartTimesMs, charDurationsMs}, "alignment":{…}}` with times
 * relative to each chunk, then `{"isFinal":true}`; errors as `{"message":…, "error":…}`.
 *
 * @module
 */
import type { AudioChunk } from '../../core/audio/chunk.js';
import type { ProviderError } from '../errors.js';
import { Pcm16Decoder } from '../pcm.js';
import type { ErrorFactory } from '../secrets.js';
import type { TtsAlignment } from '../tts.js';

/** Voice settings of the first message (wire names). */
export interface VoiceSettings {
  readonly stability?: number;
  readonly similarity_boost?: number;
  readonly style?: number;
  readonly use_speaker_boost?: boolean;
  readonly speed?: number;
}

/** What one server message means. */
export type StreamInputEvent =
  | { readonly type: 'audio'; readonly chunk: AudioChunk; readonly alignment?: TtsAlignment }
  | { readonly type: 'final' }
  | { readonly type: 'error'; readonly error: ProviderError };

/** The alignment fields of an audio message (wire names). */
interface WireAlignment {
  readonly chars?: readonly string[] | null;
  readonly charStartTimesMs?: readonly number[] | null;
  readonly charDurationsMs?: readonly number[] | null;
}

/** The sans-I/O core of one stream-input connection. */
export class StreamInputProtocol {
  readonly #errors: ErrorFactory;
  readonly #decoder: Pcm16Decoder;

  constructor(errors: ErrorFactory, sampleRate: number) {
    this.#errors = errors;
    this.#decoder = new Pcm16Decoder(sampleRate);
  }

  /** The first message: settings, with a single space as its text. */
  init(voiceSettings: VoiceSettings | undefined, chunkLengthSchedule: readonly number[] | undefined): string {
    return JSON.stringify({
      text: ' ',
      ...(voiceSettings ? { voice_settings: voiceSettings } : {}),
      ...(chunkLengthSchedule ? { generation_config: { chunk_length_schedule: chunkLengthSchedule } } : {}),
    });
  }

  /** Text to speak; ElevenLabs wants chunks to end with a space. */
  text(text: string): string {
    return JSON.stringify({ text: /\s$/.test(text) ? text : `${text} ` });
  }

  /** A single space: keeps an idle socket open without ending the input. */
  keepAlive(): string {
    return JSON.stringify({ text: ' ' });
  }

  /** End of input: generate what is left, then `isFinal`. */
  endOfInput(): string {
    return JSON.stringify({ text: '' });
  }

  /** The events of one server frame. */
  receive(frame: string | Uint8Array): StreamInputEvent[] {
    if (typeof frame !== 'string') return [this.#error('protocol', `unexpected binary frame of ${frame.length} bytes`)];
    let message: Record<string, unknown>;
    try {
      const parsed: unknown = JSON.parse(frame);
      if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new SyntaxError('not an object');
      message = parsed as Record<string, unknown>;
    } catch {
      return [this.#error('protocol', `malformed message: ${frame.length > 80 ? `${frame.slice(0, 79)}…` : frame}`)];
    }
    const events: StreamInputEvent[] = [];
    if (typeof message.audio === 'string' && message.audio !== '') {
      const chunk = this.#decoder.push(Buffer.from(message.audio, 'base64'));
      const alignment = alignmentOf((message.normalizedAlignment ?? message.alignment) as WireAlignment | null | undefined);
      if (chunk) events.push({ type: 'audio', chunk, ...(alignment ? { alignment } : {}) });
    } else if (message.isFinal !== true && (typeof message.error === 'string' || typeof message.message === 'string')) {
      events.push(this.#error('server', `${String(message.error ?? 'error')}: ${String(message.message ?? '')}`.replace(/: $/, '')));
    }
    if (message.isFinal === true) events.push({ type: 'final' });
    return events;
  }

  #error(kind: ProviderError['kind'], message: string): StreamInputEvent {
    return { type: 'error', error: this.#errors.make(kind, message) };
  }
}

/** The TtsAlignment of a chunk's wire alignment, when it has one. */
function alignmentOf(wire: WireAlignment | null | undefined): TtsAlignment | undefined {
  if (!wire?.chars || !wire.charStartTimesMs || !wire.charDurationsMs) return undefined;
  return { chars: [...wire.chars], charStartMs: [...wire.charStartTimesMs], charDurationMs: [...wire.charDurationsMs] };
}
