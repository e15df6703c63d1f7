import { chunkDurationMs, type AudioChunk } from '../../core/audio/chunk.js';
import type { Clock } from '../../core/clock/clock.js';

/**
 * Maps Deepgram's audio times (seconds of audio received since the stream began) to the
 * session clock. A chunk is sent once it has been captured, so the stream's first sample was
 * captured one chunk length before the first `sendAudio`; audio is assumed to flow without gaps
 * from there (a live microphone), so offset `s` is at `origin + 1000·s` ms.
 */
export class AudioTimeline {
  readonly #clock: Clock;
  #originMs: number | undefined;
  #sentMs = 0;

  constructor(clock: Clock) {
    this.#clock = clock;
  }

  /** Notes a chunk sent now. */
  sent(chunk: AudioChunk): void {
    const ms = chunkDurationMs(chunk);
    this.#originMs ??= this.#clock.now() - ms;
    this.#sentMs += ms;
  }

  /** Audio sent so far, ms. */
  get sentMs(): number {
    return this.#sentMs;
  }

  /** Session time (ms, rounded) of audio offset `seconds`. Before any audio, offsets count from now. */
  toSessionMs(seconds: number): number {
    return Math.round((this.#originMs ?? this.#clock.now()) + seconds * 1000);
  }
}
