import type { AudioChunk } from '../../core/audio/chunk.js';
import type { Clock } from '../../core/clock/clock.js';
import { Listeners } from '../../core/util/listeners.js';
import { ProviderError } from '../errors.js';
import type { SttEvent, SttProvider, SttSession } from '../stt.js';

/** A scripted STT event: what to report, and when. */
export interface TimedSttEvent {
  readonly atMs: number;
  readonly event: SttEvent;
}

/** Options of {@link ScriptedStt}. */
export interface ScriptedSttOptions {
  readonly clock: Clock;
  /** Events to report at fixed times. */
  readonly script?: readonly TimedSttEvent[];
  readonly name?: string;
}

/**
 * An in-memory STT that reports scripted events at scripted times (or when `emit` is called),
 * whatever audio it is sent. For tests that need exact control of transcripts.
 */
export class ScriptedStt implements SttProvider {
  readonly name: string;
  readonly #options: ScriptedSttOptions;
  /** The session opened by the last `connect`. */
  session: ScriptedSttSession | undefined;

  constructor(options: ScriptedSttOptions) {
    this.#options = options;
    this.name = options.name ?? 'scripted-stt';
  }

  async connect(signal: AbortSignal): Promise<SttSession> {
    if (signal.aborted) throw new ProviderError(this.name, 'cancelled', 'connect aborted');
    const session = new ScriptedSttSession();
    for (const { atMs, event } of this.#options.script ?? []) {
      this.#options.clock.setTimeout(() => session.emit(event), atMs - this.#options.clock.now());
    }
    this.session = session;
    return session;
  }
}

/** The session of a {@link ScriptedStt}; counts what it is sent. */
export class ScriptedSttSession implements SttSession {
  readonly #listeners = new Listeners<SttEvent>();
  audioSamples = 0;
  finalizeCalls = 0;
  closed = false;

  subscribe(listener: (event: SttEvent) => void): () => void {
    return this.#listeners.add(listener);
  }

  /** Reports `event` now. */
  emit(event: SttEvent): void {
    if (!this.closed) this.#listeners.emit(event);
  }

  sendAudio(chunk: AudioChunk): void {
    this.audioSamples += chunk.samples;
  }

  finalize(): void {
    this.finalizeCalls++;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.#listeners.emit({ type: 'closed' });
  }
}
