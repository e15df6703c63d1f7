/**
 * Failover chains: an STT, LLM or TTS provider made of several, used in order. The chain uses
 * its current provider until that one fails `failuresBeforeSwitch` times in a row (default 1),
 * then moves to the next (after the last, back to the first), recording a `provider.failover`
 * trace event with the error that tipped it. A success (a transcript, a finished reply, a
 * flushed segment) starts the count again.
 *
 * Each chain keeps its caller working through a switch:
 * - LLM: a request that failed before its first token is sent again to the next provider.
 * - STT and TTS: `connect` tries the next provider; a session whose provider dies mid-call is
 *   reconnected (to the next provider when the chain moved) behind the same session object, and
 *   TTS calls made meanwhile are queued. Errors are still reported as events, so the caller
 *   knows what was lost (an utterance being spoken, a transcript in progress).
 *
 * A cancelled operation is not a failure.
 *
 * @module
 */
import type { AudioChunk } from '../core/audio/chunk.js';
import type { Trace } from '../core/trace/trace.js';
import { ProviderError } from './errors.js';
import type { LlmEvent, LlmProvider, LlmRequest } from './llm.js';
import { SessionEvents } from './session-events.js';
import type { SttEvent, SttProvider, SttSession } from './stt.js';
import type { TtsEvent, TtsProvider, TtsSession } from './tts.js';

/** Options of a failover chain. */
export interface FailoverOptions {
  /** Consecutive failures of the current provider after which the chain moves on. Default 1. */
  readonly failuresBeforeSwitch?: number;
  /** Where `provider.failover` events go. */
  readonly trace?: Trace;
  /** The chain's name. Default: its providers' names joined with `>`. */
  readonly name?: string;
}

type Role = 'stt' | 'llm' | 'tts';

/** Which provider of a chain is in use, and how often it failed in a row. */
class Chain<P extends { readonly name: string }> {
  readonly role: Role;
  readonly providers: readonly P[];
  readonly #limit: number;
  readonly #trace: Trace | undefined;
  #current = 0;
  #failures = 0;

  constructor(role: Role, providers: readonly P[], options: FailoverOptions) {
    if (providers.length === 0) throw new Error(`a ${role} failover chain needs at least one provider`);
    this.role = role;
    this.providers = providers;
    this.#limit = Math.max(1, options.failuresBeforeSwitch ?? 1);
    this.#trace = options.trace;
  }

  get current(): number {
    return this.#current;
  }

  /** Provider `index` did its job: its run of failures is over. */
  succeeded(index: number): void {
    if (index === this.#current) this.#failures = 0;
  }

  /** Provider `index` failed with `error`; returns true when the chain moved to another provider. */
  failed(index: number, error: ProviderError): boolean {
    if (index !== this.#current || error.kind === 'cancelled') return false;
    if (++this.#failures < this.#limit || this.providers.length === 1) return false;
    const from = this.providers[index]!.name;
    this.#current = (index + 1) % this.providers.length;
    this.#failures = 0;
    this.#trace?.emit('provider.failover', { role: this.role, from, to: this.providers[this.#current]!.name, why: error.message });
    return true;
  }

  /** Connects through the chain: on a failure that moves it, tries the next provider (each at most once). */
  async connect<S>(signal: AbortSignal, connect: (provider: P) => Promise<S>): Promise<{ readonly session: S; readonly index: number }> {
    for (let attempt = 0; ; attempt++) {
      const index = this.#current;
      try {
        return { session: await connect(this.providers[index]!), index };
      } catch (thrown) {
        const error = asProviderError(this.providers[index]!.name, thrown);
        if (signal.aborted || !this.failed(index, error) || attempt + 1 >= this.providers.length) throw error;
      }
    }
  }
}

function asProviderError(provider: string, error: unknown): ProviderError {
  if (error instanceof ProviderError) return error;
  return new ProviderError(provider, 'unknown', `${provider}: ${error instanceof Error ? error.message : String(error)}`);
}

function chainName(providers: readonly { readonly name: string }[], options: FailoverOptions): string {
  return options.name ?? providers.map((p) => p.name).join('>');
}

/** An LLM made of several: a request that fails before its first token goes to the next one. */
export class FailoverLlm implements LlmProvider {
  readonly name: string;
  readonly #chain: Chain<LlmProvider>;

  constructor(providers: readonly LlmProvider[], options: FailoverOptions = {}) {
    this.#chain = new Chain('llm', providers, options);
    this.name = chainName(providers, options);
  }

  async *stream(request: LlmRequest, signal: AbortSignal): AsyncGenerator<LlmEvent> {
    for (let attempt = 0; ; attempt++) {
      const index = this.#chain.current;
      const provider = this.#chain.providers[index]!;
      let output = false;
      let end: Extract<LlmEvent, { type: 'end' }> = { type: 'end', reason: 'stop' };
      try {
        for await (const event of provider.stream(request, signal)) {
          if (event.type === 'end') {
            end = event;
            break;
          }
          output = true;
          yield event;
        }
      } catch (error) {
        // The contract says streams never throw; a provider that does is treated as failing.
        end = signal.aborted ? { type: 'end', reason: 'cancelled' } : { type: 'end', reason: 'error', error: asProviderError(provider.name, error) };
      }
      if (end.reason === 'stop' || end.reason === 'length') this.#chain.succeeded(index);
      if (end.reason === 'error' && end.error) {
        const moved = this.#chain.failed(index, end.error);
        if (moved && !output && !signal.aborted && attempt + 1 < this.#chain.providers.length) continue;
      }
      yield end;
      return;
    }
  }
}

/** The part a failover session needs of its inner sessions. */
interface InnerSession<E> {
  subscribe(listener: (event: E) => void): () => void;
  close(): Promise<void>;
}

/**
 * A session that outlives its provider's sessions: it forwards the events of the current inner
 * session and, when that one dies (or the chain moves away from its provider), connects the
 * chain's current provider and carries on.
 */
abstract class FailoverSession<E extends { readonly type: string }, S extends InnerSession<E>, P extends { readonly name: string; connect(signal: AbortSignal): Promise<S> }> {
  protected readonly events = new SessionEvents<E>();
  protected inner: S | undefined;
  readonly #chain: Chain<P>;
  readonly #lifetime = new AbortController();
  #index = 0;
  #unsubscribe: (() => void) | undefined;
  #innerFailed = false;
  /** Failures since the last success: after every provider failed this often, the session gives up. */
  #failuresInARow = 0;
  #closed = false;

  constructor(chain: Chain<P>) {
    this.#chain = chain;
  }

  /** Connects the first inner session (rejects like the chain's connect). */
  async open(signal: AbortSignal): Promise<void> {
    const { session, index } = await this.#chain.connect(signal, (provider) => provider.connect(signal));
    this.#attach(session, index);
  }

  subscribe(listener: (event: E) => void): () => void {
    return this.events.subscribe(listener);
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#lifetime.abort();
    const inner = this.inner;
    this.#detach();
    await inner?.close();
    this.events.emit(this.closedEvent());
  }

  /** The event that ends a session. */
  protected abstract closedEvent(): E;
  /** The error an inner event reports, if it is an error. */
  protected abstract errorOf(event: E): ProviderError | undefined;
  /** Whether an inner event shows the provider doing its job. */
  protected abstract isSuccess(event: E): boolean;
  /** Called when a new inner session is attached (to replay queued calls). */
  protected attached(_session: S): void {}

  #attach(session: S, index: number): void {
    this.inner = session;
    this.#index = index;
    this.#innerFailed = false;
    this.#unsubscribe = session.subscribe((event) => this.#onInner(session, event));
    this.attached(session);
  }

  #detach(): void {
    this.#unsubscribe?.();
    this.#unsubscribe = undefined;
    this.inner = undefined;
  }

  #onInner(session: S, event: E): void {
    if (session !== this.inner || this.#closed) return;
    if (event.type === 'closed') {
      this.#detach();
      // A death already reported by an error was counted then.
      const name = this.#chain.providers[this.#index]!.name;
      if (!this.#innerFailed) this.#failure(new ProviderError(name, 'network', `${name}: the session closed`));
      void this.#reconnect();
      return;
    }
    if (this.isSuccess(event)) {
      this.#chain.succeeded(this.#index);
      this.#failuresInARow = 0;
    }
    this.events.emit(event);
    const error = this.errorOf(event);
    if (!error || error.kind === 'cancelled') return;
    this.#innerFailed = true;
    if (this.#failure(error)) {
      // The chain moved on: leave this provider now, even if its session still lives.
      this.#detach();
      void session.close();
      void this.#reconnect();
    }
  }

  /** Counts a failure; returns true when the chain moved to another provider. */
  #failure(error: ProviderError): boolean {
    this.#failuresInARow++;
    return this.#chain.failed(this.#index, error);
  }

  async #reconnect(): Promise<void> {
    const limit = this.#chain.providers.length * 3;
    try {
      if (this.#failuresInARow > limit) throw new ProviderError(this.#chain.providers[this.#index]!.name, 'unknown', `every provider of the ${this.#chain.role} chain keeps failing`);
      const { session, index } = await this.#chain.connect(this.#lifetime.signal, (provider) => provider.connect(this.#lifetime.signal));
      if (this.#closed) return void (await session.close());
      this.#attach(session, index);
    } catch (error) {
      if (this.#closed) return;
      this.#closed = true;
      this.events.emit(this.errorEvent(asProviderError(this.#chain.providers[this.#index]!.name, error)));
      this.events.emit(this.closedEvent());
    }
  }

  /** The event reporting `error`. */
  protected abstract errorEvent(error: ProviderError): E;
}

/** An STT made of several; see the module documentation. */
export class FailoverStt implements SttProvider {
  readonly name: string;
  readonly #chain: Chain<SttProvider>;

  constructor(providers: readonly SttProvider[], options: FailoverOptions = {}) {
    this.#chain = new Chain('stt', providers, options);
    this.name = chainName(providers, options);
  }

  async connect(signal: AbortSignal): Promise<SttSession> {
    const session = new FailoverSttSession(this.#chain);
    await session.open(signal);
    return session;
  }
}

class FailoverSttSession extends FailoverSession<SttEvent, SttSession, SttProvider> implements SttSession {
  sendAudio(chunk: AudioChunk): void {
    this.inner?.sendAudio(chunk);
  }

  finalize(): void {
    this.inner?.finalize();
  }

  protected closedEvent(): SttEvent {
    return { type: 'closed' };
  }

  protected errorEvent(error: ProviderError): SttEvent {
    return { type: 'error', error };
  }

  protected errorOf(event: SttEvent): ProviderError | undefined {
    return event.type === 'error' && event.error.kind !== 'protocol' ? event.error : undefined;
  }

  protected isSuccess(event: SttEvent): boolean {
    return event.type === 'transcript';
  }
}

/** A TTS made of several; see the module documentation. Its rate is the first provider's: give a chain providers of one rate. */
export class FailoverTts implements TtsProvider {
  readonly name: string;
  readonly sampleRate: number;
  readonly #chain: Chain<TtsProvider>;

  constructor(providers: readonly TtsProvider[], options: FailoverOptions = {}) {
    this.#chain = new Chain('tts', providers, options);
    this.name = chainName(providers, options);
    this.sampleRate = providers[0]!.sampleRate;
  }

  async connect(signal: AbortSignal): Promise<TtsSession> {
    const session = new FailoverTtsSession(this.#chain);
    await session.open(signal);
    return session;
  }
}

class FailoverTtsSession extends FailoverSession<TtsEvent, TtsSession, TtsProvider> implements TtsSession {
  /** Calls made while no inner session is attached (reconnecting), replayed on the next one. */
  #queued: ((session: TtsSession) => void)[] = [];

  pushText(text: string): void {
    this.#call((session) => session.pushText(text));
  }

  flush(): void {
    this.#call((session) => session.flush());
  }

  clear(): void {
    if (this.inner) return this.inner.clear();
    this.#queued = [];
    queueMicrotask(() => this.events.emit({ type: 'cleared' }));
  }

  #call(call: (session: TtsSession) => void): void {
    if (this.inner) call(this.inner);
    else this.#queued.push(call);
  }

  protected override attached(session: TtsSession): void {
    for (const call of this.#queued.splice(0)) call(session);
  }

  protected closedEvent(): TtsEvent {
    return { type: 'closed' };
  }

  protected errorEvent(error: ProviderError): TtsEvent {
    return { type: 'error', error };
  }

  protected errorOf(event: TtsEvent): ProviderError | undefined {
    return event.type === 'error' ? event.error : undefined;
  }

  protected isSuccess(event: TtsEvent): boolean {
    return event.type === 'flushed';
  }
}
