/**
 * STT and TTS providers whose `connect()` resolves at once, with a session that connects in the
 * background and passes everything on once it has.
 *
 * Why: a world awaits the agent session's start (which awaits both connections) before it lets
 * its virtual clock run. A simulated provider connects at once; a replayed one opens its socket
 * at the recorded moment on that clock, which would never come. Behind this wrapper the replayed
 * connection still opens at its recorded time, and what the agent sends before then (text to
 * speak, audio, a finalize) is held and sent in order when it does. A connection that fails is
 * reported as the session's `error`, then `closed` (the agent session traces the error and
 * reconnects when it next needs the provider, as after any lost connection).
 *
 * @module
 */
import { ProviderError } from '../../providers/errors.js';
import { SessionEvents } from '../../providers/session-events.js';
import type { SttEvent, SttProvider, SttSession } from '../../providers/stt.js';
import type { TtsEvent, TtsProvider, TtsSession } from '../../providers/tts.js';

/** An STT provider like `inner` whose `connect()` does not wait for the connection. */
export function sttConnectingInBackground(inner: SttProvider): SttProvider {
  return {
    name: inner.name,
    connect: async (signal) => {
      const session = new Background<SttSession, SttEvent>(inner.name, inner.connect(signal), { failed: (error) => ({ type: 'error', error }), closed: { type: 'closed' } });
      return {
        sendAudio: (chunk) => session.call((s) => s.sendAudio(chunk)),
        finalize: () => session.call((s) => s.finalize()),
        close: () => session.close(),
        subscribe: (listener) => session.events.subscribe(listener),
      };
    },
  };
}

/** A TTS provider like `inner` whose `connect()` does not wait for the connection. */
export function ttsConnectingInBackground(inner: TtsProvider): TtsProvider {
  return {
    name: inner.name,
    sampleRate: inner.sampleRate,
    connect: async (signal) => {
      const session = new Background<TtsSession, TtsEvent>(inner.name, inner.connect(signal), { failed: (error) => ({ type: 'error', error }), closed: { type: 'closed' } });
      return {
        pushText: (text) => session.call((s) => s.pushText(text)),
        flush: () => session.call((s) => s.flush()),
        clear: () => session.call((s) => s.clear()),
        close: () => session.close(),
        subscribe: (listener) => session.events.subscribe(listener),
      };
    },
  };
}

/** The events a session ends with: an error, and closed. */
interface EndEvents<E> {
  readonly failed: (error: ProviderError) => E;
  readonly closed: E;
}

/** The common part: the connection under way, the calls held until it is there, the events passed on. */
class Background<S extends { close(): Promise<void>; subscribe(listener: (event: E) => void): () => void }, E> {
  readonly events = new SessionEvents<E>();
  readonly #ends: EndEvents<E>;
  #inner: S | undefined;
  #held: ((session: S) => void)[] = [];
  #closed = false;

  constructor(provider: string, connecting: Promise<S>, ends: EndEvents<E>) {
    this.#ends = ends;
    connecting.then(
      (inner) => {
        if (this.#closed) return void inner.close();
        this.#inner = inner;
        inner.subscribe((event) => this.events.emit(event));
        for (const call of this.#held.splice(0)) call(inner);
      },
      (error: unknown) => {
        this.#held = [];
        if (this.#closed) return;
        this.#closed = true;
        const failure = error instanceof ProviderError ? error : new ProviderError(provider, 'unknown', error instanceof Error ? error.message : String(error), { cause: error });
        this.events.emit(ends.failed(failure));
        this.events.emit(ends.closed);
      },
    );
  }

  /** Calls `method` on the session now, or once connected (in order); dropped once closed. */
  call(method: (session: S) => void): void {
    if (this.#inner) method(this.#inner);
    else if (!this.#closed) this.#held.push(method);
  }

  async close(): Promise<void> {
    if (this.#inner) {
      this.#closed = true;
      return this.#inner.close();
    }
    if (this.#closed) return;
    // Not connected yet: the connection is closed when it comes (the agent's signal has aborted it if it can be).
    this.#closed = true;
    this.#held = [];
    this.events.emit(this.#ends.closed);
  }
}
