/**
 * The `speak.v1` side of the Deepgram fake: `Metadata` on open; `Speak` text is buffered;
 * `Flush` synthesizes it (audio whose length follows the text, as binary frames after
 * `first_audio`, one every `chunk_interval`) and answers `Flushed`; `Clear` drops the buffer and
 * queued flushes, lets `audio_after_clear` frames that were in flight out, then answers
 * `Cleared`; `Close` closes.
 *
 * @module
 */
import type { Clock, TimerHandle } from '../../core/clock/clock.js';
import type { Frame } from '../transport/websocket.js';
import type { FakeSocket } from '../fake/connection.js';
import { speak, type SpokenChunk } from '../fake/speech-audio.js';
import type { SpeakSettings } from './fake-script.js';
import type { FakeIds } from './fake-listening.js';

/** One `speak.v1` connection of the fake. */
export class SpeakFake {
  readonly #socket: FakeSocket;
  readonly #clock: Clock;
  readonly #settings: SpeakSettings;
  readonly #sampleRate: number;
  #text = '';
  /** Flushed texts waiting; the first is being spoken. */
  #jobs: string[] = [];
  #chunks: SpokenChunk[] = [];
  #timer: TimerHandle | undefined;
  #sequence = 0;

  constructor(socket: FakeSocket, query: URLSearchParams, settings: SpeakSettings, ids: FakeIds, clock: Clock) {
    this.#socket = socket;
    this.#clock = clock;
    this.#settings = settings;
    this.#sampleRate = Number(query.get('sample_rate') ?? 24000);
    socket.onFrame((frame) => this.#onFrame(frame));
    socket.onClose(() => this.#stop());
    socket.sendJson({ type: 'Metadata', request_id: ids.requestId, model_name: query.get('model') ?? 'aura-2-thalia-en', model_version: '2025-01-01.0', model_uuid: ids.modelUuid });
  }

  #onFrame(frame: Frame): void {
    if (typeof frame !== 'string') return;
    let message: { type?: unknown; text?: unknown };
    try {
      message = JSON.parse(frame) as { type?: unknown; text?: unknown };
    } catch {
      return;
    }
    switch (message.type) {
      case 'Speak':
        if (typeof message.text === 'string') this.#text += message.text;
        return;
      case 'Flush':
        this.#jobs.push(this.#text);
        this.#text = '';
        this.#socket.outbox.noteFlush();
        if (this.#jobs.length === 1) this.#startJob();
        return;
      case 'Clear':
        this.#clear();
        return;
      case 'Close':
        this.#socket.closeAfterSent(1000, '');
        return;
    }
  }

  #startJob(): void {
    const text = this.#jobs[0];
    if (text === undefined) return;
    this.#chunks = speak(text, { sampleRate: this.#sampleRate, msPerChar: this.#settings.msPerChar, chunkMs: this.#settings.chunkMs });
    this.#after(this.#settings.firstAudioMs, () => this.#next());
  }

  #next(): void {
    const chunk = this.#chunks.shift();
    if (chunk) {
      this.#socket.sendBinary(chunk.bytes);
      if (this.#chunks.length > 0) return this.#after(this.#settings.chunkIntervalMs, () => this.#next());
    }
    this.#jobs.shift();
    this.#socket.sendJson({ type: 'Flushed', sequence_id: this.#sequence++ });
    this.#startJob();
  }

  #clear(): void {
    const inFlight = this.#chunks.slice(0, this.#settings.audioAfterClear);
    this.#stop();
    this.#text = '';
    this.#jobs = [];
    for (const chunk of inFlight) this.#socket.sendBinary(chunk.bytes);
    this.#socket.sendJson({ type: 'Cleared', sequence_id: this.#sequence++ });
  }

  #after(ms: number, action: () => void): void {
    this.#timer = this.#clock.setTimeout(() => {
      this.#timer = undefined;
      if (!this.#socket.closed) action();
    }, ms);
  }

  #stop(): void {
    if (this.#timer !== undefined) this.#clock.clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#chunks = [];
  }
}
