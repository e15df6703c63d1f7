/**
 * The stream-input side of the ElevenLabs fake: one websocket's text buffer, generated as the
 * real service does (when the `chunk_length_schedule` is reached, on `flush: true` or
 * `try_trigger_generation`, and on `{"text":""}`, which also ends the input), audio messages with
 * base64 PCM and per-chunk alignment, then `{"isFinal":true}` and a 1000 close.
 *
 * @module
 */
import type { Clock, TimerHandle } from '../../core/clock/clock.js';
import type { Frame } from '../transport/websocket.js';
import type { FakeSocket } from '../fake/connection.js';
import { speak, type SpokenChunk } from '../fake/speech-audio.js';
import type { ElevenLabsPacing } from './fake-script.js';

/** The service's default generation schedule (characters buffered before each generation). */
const DEFAULT_SCHEDULE = [120, 160, 250, 290];

/** The smallest buffer `try_trigger_generation` generates. */
const TRIGGER_MINIMUM = 50;

/** One stream-input connection of the fake. */
export class StreamInputFake {
  readonly #socket: FakeSocket;
  readonly #clock: Clock;
  readonly #pacing: ElevenLabsPacing;
  readonly #sampleRate: number;
  /** Checks a key sent in the first message (when the handshake carried none). */
  readonly #checkKey: ((key: string | undefined) => boolean) | undefined;
  #schedule = DEFAULT_SCHEDULE;
  #generations = 0;
  #buffer = '';
  #started = false;
  #inputEnded = false;
  /** Chunks waiting to be sent, in order; `final` marks the end of input. */
  readonly #queue: (SpokenChunk | 'final')[] = [];
  #timer: TimerHandle | undefined;

  constructor(socket: FakeSocket, query: URLSearchParams, pacing: ElevenLabsPacing, clock: Clock, checkKey: ((key: string | undefined) => boolean) | undefined) {
    this.#socket = socket;
    this.#clock = clock;
    this.#pacing = pacing;
    this.#sampleRate = Number(/^pcm_(\d+)$/.exec(query.get('output_format') ?? 'pcm_16000')?.[1] ?? 16000);
    this.#checkKey = checkKey;
    socket.onFrame((frame) => this.#onFrame(frame));
    socket.onClose(() => {
      if (this.#timer !== undefined) clock.clearTimeout(this.#timer);
    });
  }

  #onFrame(frame: Frame): void {
    if (typeof frame !== 'string' || this.#inputEnded) return;
    let message: Record<string, unknown>;
    try {
      message = JSON.parse(frame) as Record<string, unknown>;
    } catch {
      this.#socket.close(1008, 'Invalid message: expected JSON');
      return;
    }
    if (typeof message.text !== 'string') {
      this.#socket.close(1008, 'Invalid message: "text" is required');
      return;
    }
    if (!this.#started) {
      this.#started = true;
      if (this.#checkKey && !this.#checkKey(typeof message['xi-api-key'] === 'string' ? message['xi-api-key'] : undefined)) {
        this.#socket.close(1008, 'invalid_api_key: Invalid API key');
        return;
      }
      const schedule = (message.generation_config as { chunk_length_schedule?: unknown } | undefined)?.chunk_length_schedule;
      if (Array.isArray(schedule) && schedule.every((n) => typeof n === 'number')) this.#schedule = schedule as number[];
      return;
    }
    if (message.text === '') {
      this.#inputEnded = true;
      this.#socket.outbox.noteFlush();
      this.#generate();
      this.#queue.push('final');
      this.#pump();
      return;
    }
    this.#buffer += message.text;
    const threshold = this.#schedule[Math.min(this.#generations, this.#schedule.length - 1)] ?? 0;
    if (message.flush === true) this.#socket.outbox.noteFlush();
    if (message.flush === true || this.#buffer.trim().length >= threshold || (message.try_trigger_generation === true && this.#buffer.trim().length >= TRIGGER_MINIMUM)) {
      this.#generate();
      this.#pump();
    }
  }

  #generate(): void {
    if (this.#buffer.trim() === '') return;
    this.#generations++;
    this.#queue.push(...speak(this.#buffer, { sampleRate: this.#sampleRate, msPerChar: this.#pacing.msPerChar, chunkMs: this.#pacing.chunkMs }));
    this.#buffer = '';
  }

  /** Starts sending the queue if it is idle: the first chunk after `first_audio`, then one every `chunk_interval`. */
  #pump(): void {
    if (this.#timer !== undefined || this.#queue.length === 0) return;
    this.#after(this.#pacing.firstAudioMs, () => this.#next());
  }

  #next(): void {
    const item = this.#queue.shift();
    if (item === undefined) return;
    if (item === 'final') {
      this.#socket.sendJson({ isFinal: true });
      this.#socket.closeAfterSent(1000, '');
      return;
    }
    const alignment = { chars: item.chars, charStartTimesMs: item.charStartMs, charDurationsMs: item.charDurationMs };
    this.#socket.sendJson({ audio: Buffer.from(item.bytes).toString('base64'), isFinal: null, normalizedAlignment: alignment, alignment });
    if (this.#queue.length > 0) this.#after(this.#queue[0] === 'final' ? 0 : this.#pacing.chunkIntervalMs, () => this.#next());
  }

  #after(ms: number, action: () => void): void {
    this.#timer = this.#clock.setTimeout(() => {
      this.#timer = undefined;
      if (!this.#socket.closed) action();
    }, ms);
  }
}
