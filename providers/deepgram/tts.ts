/**
 * Deepgram Aura streaming TTS (`speak.v1` websocket) over the official SDK: a
 * {@link SpeakProtocol} core bound to one SDK socket (see `client.ts` for the transport seam).
 *
 * `pushText` sends `Speak`, `flush` sends `Flush` (answered by `flushed` after its audio),
 * `clear` sends `Clear` (answered by `cleared`; audio still in flight before `Cleared` is
 * dropped). Time limits: `firstByteMs` from a flush to its first audio, `stallMs` between
 * messages while a flush is outstanding.
 *
 * @module
 */
import type { Clock } from '../../core/clock/clock.js';
import { SessionEvents } from '../session-events.js';
import type { ProviderError } from '../errors.js';
import type { ErrorFactory } from '../secrets.js';
import { timeoutError, Watchdog, type ProviderTimeouts } from '../timeouts.js';
import type { TtsEvent, TtsProvider, TtsSession } from '../tts.js';
import { deepgramSetup, sdkSocketEvents, type DeepgramOptions, type SdkSocket } from './client.js';
import type { ControlMessage, SpeakMessage } from './messages.js';
import { SocketConnection } from '../transport/connection.js';
import { SpeakProtocol } from './speak-protocol.js';

/** Options of {@link DeepgramAuraTts}. */
export interface DeepgramTtsOptions extends DeepgramOptions {
  /** Voice model. Default `aura-2-thalia-en`. */
  readonly model?: string;
  /** Output rate (linear16). Default 16000. */
  readonly sampleRate?: number;
}

/** The SDK socket methods a speak session sends with. */
export interface SpeakSocket extends SdkSocket {
  sendText(message: SpeakMessage): void;
  sendFlush(message: ControlMessage): void;
  sendClear(message: ControlMessage): void;
  sendClose(message: ControlMessage): void;
}

/** Deepgram Aura streaming text-to-speech. */
export class DeepgramAuraTts implements TtsProvider {
  readonly name: string;
  readonly sampleRate: number;
  readonly #options: DeepgramTtsOptions;

  constructor(options: DeepgramTtsOptions = {}) {
    this.#options = options;
    this.name = options.name ?? 'deepgram';
    this.sampleRate = options.sampleRate ?? 16000;
  }

  async connect(signal: AbortSignal): Promise<TtsSession> {
    const options = this.#options;
    const setup = await deepgramSetup(options);
    const socket = await setup.client.speak.v1.connect({
      model: options.model ?? 'aura-2-thalia-en',
      encoding: 'linear16',
      sample_rate: String(this.sampleRate),
      reconnectAttempts: options.reconnectAttempts ?? 0,
      ...(options.query ? { queryParams: { ...options.query } } : {}),
    });
    return bindSpeakSession(socket, new SpeakProtocol(setup.errors, this.sampleRate), setup, options.timeouts ?? {}, signal);
  }
}

/**
 * Connects `socket` (an SDK speak socket, or one that plays a recording) and makes it a session
 * driving `protocol`: what the adapter does after the SDK has made the socket.
 */
export async function bindSpeakSession(
  socket: SpeakSocket,
  protocol: SpeakProtocol,
  setup: { readonly errors: ErrorFactory; readonly clock: Clock },
  timeouts: ProviderTimeouts,
  signal: AbortSignal,
): Promise<TtsSession> {
  const connection = await SocketConnection.open(sdkSocketEvents(socket), setup.errors, setup.clock, timeouts.connectMs, signal);
  return new AuraSession(connection, socket, protocol, setup.errors, setup.clock, timeouts);
}

class AuraSession implements TtsSession {
  readonly #connection: SocketConnection;
  readonly #socket: SpeakSocket;
  readonly #protocol: SpeakProtocol;
  readonly #errors: ErrorFactory;
  readonly #timeouts: ProviderTimeouts;
  readonly #listeners = new SessionEvents<TtsEvent>();
  readonly #progress: Watchdog;
  #closed = false;
  #waitingFirstByte = false;

  constructor(connection: SocketConnection, socket: SpeakSocket, protocol: SpeakProtocol, errors: ErrorFactory, clock: Clock, timeouts: ProviderTimeouts) {
    this.#connection = connection;
    this.#socket = socket;
    this.#protocol = protocol;
    this.#errors = errors;
    this.#timeouts = timeouts;
    this.#progress = new Watchdog(clock);
    connection.onMessage((message) => this.#receive(message));
    connection.onEnd((error) => this.#end(error));
  }

  subscribe(listener: (event: TtsEvent) => void): () => void {
    return this.#listeners.subscribe(listener);
  }

  pushText(text: string): void {
    if (this.#closed || text === '') return;
    const message = this.#protocol.speak(text);
    this.#connection.send(() => this.#socket.sendText(message));
  }

  flush(): void {
    if (this.#closed) return;
    const message = this.#protocol.flush();
    this.#connection.send(() => this.#socket.sendFlush(message));
    if (!this.#progress.armed) this.#armFirstByte();
  }

  clear(): void {
    if (this.#closed) return;
    const message = this.#protocol.clear();
    this.#progress.clear();
    this.#waitingFirstByte = false;
    this.#connection.send(() => this.#socket.sendClear(message));
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    const message = this.#protocol.close();
    this.#connection.send(() => this.#socket.sendClose(message));
    this.#connection.close();
  }

  #receive(message: unknown): void {
    const events = this.#protocol.receive(message);
    if (events.some((e) => e.type === 'audio')) this.#waitingFirstByte = false;
    // While flushes are outstanding the server owes audio: keep the watchdog on it.
    if (this.#protocol.pendingFlushes > 0 && !this.#protocol.clearing) {
      if (this.#waitingFirstByte) this.#armFirstByte();
      else this.#armStall();
    } else {
      this.#progress.clear();
    }
    for (const event of events) this.#emit(event);
  }

  #armFirstByte(): void {
    const ms = this.#timeouts.firstByteMs;
    this.#waitingFirstByte = true;
    if (ms === undefined) return this.#armStall();
    if (this.#progress.armed) return;
    this.#progress.arm(ms, () => this.#connection.fail(timeoutError(this.#errors, 'first-byte', ms, 'no audio after a flush')));
  }

  #armStall(): void {
    const ms = this.#timeouts.stallMs;
    if (ms === undefined) return this.#progress.clear();
    this.#progress.arm(ms, () => this.#connection.fail(timeoutError(this.#errors, 'stall', ms, 'no message mid-stream')));
  }

  #end(error: ProviderError | undefined): void {
    this.#progress.clear();
    if (error) this.#emit({ type: 'error', error });
    this.#emit({ type: 'closed' });
    this.#closed = true;
  }

  #emit(event: TtsEvent): void {
    if (!this.#closed) this.#listeners.emit(event);
  }
}
