/**
 * What the two listen fakes (`listen.v1`, Flux) share: audio frames become time (ms of audio
 * received), and everything that happens in the audio up to that time is done in time order,
 * each fake saying what can happen next.
 *
 * @module
 */
import type { Frame } from '../transport/websocket.js';
import type { FakeSocket } from '../fake/connection.js';
import type { ListenSettings } from './fake-script.js';
import { SpeechTimeline } from './fake-speech.js';

/** Identifiers a fake connection reports. */
export interface FakeIds {
  readonly requestId: string;
  readonly modelUuid: string;
}

/** Something that can happen next in the audio: when, which first on a tie (lower rank), and doing it. */
export interface Candidate {
  readonly at: number;
  readonly rank: number;
  readonly run: () => void;
}

/** Bytes per ms of audio for an `encoding` and `sample_rate`. */
export function bytesPerMs(query: URLSearchParams): number {
  const rate = Number(query.get('sample_rate') ?? 16000);
  const bytesPerSample = query.get('encoding') === 'mulaw' || query.get('encoding') === 'alaw' ? 1 : 2;
  return (rate * bytesPerSample) / 1000;
}

/** Seconds, as Deepgram writes them (millisecond precision). */
export function seconds(ms: number): number {
  return Math.round(ms) / 1000;
}

/** A listen fake: audio in, events at their places in the audio. */
export abstract class ListeningFake {
  protected readonly socket: FakeSocket;
  protected readonly timeline: SpeechTimeline;
  protected readonly settings: ListenSettings;
  protected readonly ids: FakeIds;
  /** Audio received and processed, ms (while events run: the time of the event). */
  protected audioMs = 0;
  readonly #bytesPerMs: number;

  constructor(socket: FakeSocket, query: URLSearchParams, settings: ListenSettings, ids: FakeIds) {
    this.socket = socket;
    this.settings = settings;
    this.timeline = new SpeechTimeline(settings);
    this.ids = ids;
    this.#bytesPerMs = bytesPerMs(query);
    socket.onFrame((frame) => this.#onFrame(frame));
  }

  /** What can happen next, each at its audio time (only those up to `targetMs` are acted on). */
  protected abstract candidates(targetMs: number): Candidate[];

  /** Handles a client control message (parsed JSON). */
  protected abstract control(message: { readonly type?: unknown }): void;

  #onFrame(frame: Frame): void {
    if (typeof frame !== 'string') {
      const ms = frame.length / this.#bytesPerMs;
      this.#advance(this.audioMs + ms);
      this.socket.outbox.noteAudio(ms);
      return;
    }
    try {
      this.control(JSON.parse(frame) as { readonly type?: unknown });
    } catch {
      // Not JSON: the real service ignores what it cannot read here too.
    }
  }

  /** Does what happens in the audio up to `targetMs`, in time order. */
  #advance(targetMs: number): void {
    for (;;) {
      const next = this.candidates(targetMs).filter((c) => c.at <= targetMs).sort((a, b) => a.at - b.at || a.rank - b.rank)[0];
      if (!next || this.socket.closed) break;
      this.audioMs = Math.max(this.audioMs, next.at);
      next.run();
    }
    this.audioMs = targetMs;
  }
}
