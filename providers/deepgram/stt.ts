/**
 * Deepgram streaming STT adapters over the official SDK: {@link DeepgramStt} (live
 * transcription, `listen.v1`, Nova models) and {@link DeepgramFluxStt} (Flux, `listen.v2`, turn
 * events for the endpointer). Each session is a {@link ListenProtocol} core (sans-I/O) bound to
 * one SDK socket; see `client.ts` for the transport seam.
 *
 * The sessions send `KeepAlive` (v1) after `keepAliveMs` without audio, `CloseStream` on close
 * (waiting briefly for the last results), and report failures as `error` events followed by
 * `closed`. Nothing reconnects: a failover wrapper decides what happens next.
 *
 * @module
 */
import type { AudioChunk } from '../../core/audio/chunk.js';
import type { Clock } from '../../core/clock/clock.js';
import { SessionEvents } from '../session-events.js';
import type { ProviderError } from '../errors.js';
import type { SttEvent, SttProvider, SttSession } from '../stt.js';
import { timeoutError, Watchdog, type ProviderTimeouts } from '../timeouts.js';
import type { ErrorFactory } from '../secrets.js';
import { AudioTimeline } from './audio-timeline.js';
import { deepgramSetup, sdkSocketEvents, type DeepgramOptions, type DeepgramSetup, type SdkSocket } from './client.js';
import { ListenV1Protocol } from './listen-v1-protocol.js';
import { ListenV2Protocol } from './listen-v2-protocol.js';
import type { ControlMessage } from './messages.js';
import { SocketConnection } from '../transport/connection.js';

/** Options of the Deepgram STT adapters. */
export interface DeepgramSttOptions extends DeepgramOptions {
  /** Model. Default `nova-3` (v1) or `flux-general-en` (Flux). */
  readonly model?: string;
  /** Rate of the PCM16 audio the session sends. Default 16000. */
  readonly sampleRate?: number;
  /** Send `KeepAlive` after this long without audio (v1). Default 4000 ms; `false` never. */
  readonly keepAliveMs?: number | false;
  /** How long `close()` waits for the server's last results after `CloseStream`. Default 1000 ms. */
  readonly closeGraceMs?: number;
}

/** Options of {@link DeepgramStt} (`listen.v1`). */
export interface DeepgramListenOptions extends DeepgramSttOptions {
  /** Interim results. Default true. */
  readonly interimResults?: boolean;
  /** Silence (ms) that ends a segment with `speech_final`, or false. Default 300. */
  readonly endpointingMs?: number | false;
  /** Gap (ms) after the last word that sends `UtteranceEnd`, or false. Default 1000. */
  readonly utteranceEndMs?: number | false;
  /** `SpeechStarted` messages. Default true. */
  readonly vadEvents?: boolean;
  /** Punctuation and formatting. Default true. */
  readonly smartFormat?: boolean;
}

/** Options of {@link DeepgramFluxStt} (`listen.v2`). */
export interface DeepgramFluxOptions extends DeepgramSttOptions {
  /** Confidence for EagerEndOfTurn (0.3–0.9), or undefined for no eager events. */
  readonly eagerEotThreshold?: number;
  /** Confidence for EndOfTurn (0.5–0.9). */
  readonly eotThreshold?: number;
  /** Longest silence before EndOfTurn whatever the confidence, ms. */
  readonly eotTimeoutMs?: number;
}

/** The parts of a protocol core a listen session drives. */
export interface ListenProtocol {
  audio(chunk: AudioChunk): { readonly frames: readonly Uint8Array[] } | { readonly error: SttEvent };
  keepAlive(): ControlMessage | undefined;
  finalize(): ControlMessage | undefined;
  closeStream(): ControlMessage;
  receive(message: unknown): SttEvent[];
  takeRemainder?(): Uint8Array | undefined;
}

/** The SDK socket methods a listen session sends with. */
export interface ListenSocket extends SdkSocket {
  sendMedia(message: ArrayBufferView): void;
  sendCloseStream(message: { type: 'CloseStream' }): void;
  sendKeepAlive?(message: { type: 'KeepAlive' }): void;
  sendFinalize?(message: { type: 'Finalize' }): void;
}

/** Deepgram live transcription (`listen.v1`). */
export class DeepgramStt implements SttProvider {
  readonly name: string;
  readonly #options: DeepgramListenOptions;

  constructor(options: DeepgramListenOptions = {}) {
    this.#options = options;
    this.name = options.name ?? 'deepgram';
  }

  connect(signal: AbortSignal): Promise<SttSession> {
    const options = this.#options;
    return openListenSession(options, signal, ListenV1Protocol, (client, sampleRate) =>
      client.listen.v1.connect({
        model: options.model ?? 'nova-3',
        encoding: 'linear16',
        sample_rate: sampleRate,
        channels: 1,
        interim_results: String(options.interimResults ?? true),
        endpointing: options.endpointingMs ?? 300,
        ...(options.utteranceEndMs !== false ? { utterance_end_ms: options.utteranceEndMs ?? 1000 } : {}),
        vad_events: String(options.vadEvents ?? true),
        smart_format: String(options.smartFormat ?? true),
        reconnectAttempts: options.reconnectAttempts ?? 0,
        ...(options.query ? { queryParams: { ...options.query } } : {}),
      }),
    );
  }
}

/** Deepgram Flux (`listen.v2`): transcripts with turn events. */
export class DeepgramFluxStt implements SttProvider {
  readonly name: string;
  readonly #options: DeepgramFluxOptions;

  constructor(options: DeepgramFluxOptions = {}) {
    this.#options = options;
    this.name = options.name ?? 'deepgram';
  }

  connect(signal: AbortSignal): Promise<SttSession> {
    const options = this.#options;
    return openListenSession({ ...options, keepAliveMs: false }, signal, ListenV2Protocol, (client, sampleRate) =>
      client.listen.v2.connect({
        model: options.model ?? 'flux-general-en',
        encoding: 'linear16',
        sample_rate: sampleRate,
        ...(options.eagerEotThreshold !== undefined ? { eager_eot_threshold: options.eagerEotThreshold } : {}),
        ...(options.eotThreshold !== undefined ? { eot_threshold: options.eotThreshold } : {}),
        ...(options.eotTimeoutMs !== undefined ? { eot_timeout_ms: options.eotTimeoutMs } : {}),
        reconnectAttempts: options.reconnectAttempts ?? 0,
        ...(options.query ? { queryParams: { ...options.query } } : {}),
      }),
    );
  }
}

/** Opens a listen socket (`connect` makes it with the SDK client), binds it, and wraps it in a session with its protocol core. */
async function openListenSession(
  options: DeepgramSttOptions,
  signal: AbortSignal,
  Protocol: new (timeline: AudioTimeline, errors: ErrorFactory, sampleRate: number) => ListenProtocol,
  connect: (client: DeepgramSetup['client'], sampleRate: number) => Promise<ListenSocket>,
): Promise<SttSession> {
  const setup = await deepgramSetup(options);
  const sampleRate = options.sampleRate ?? 16000;
  const socket = await connect(setup.client, sampleRate);
  return bindListenSession(socket, new Protocol(new AudioTimeline(setup.clock), setup.errors, sampleRate), setup, options, signal);
}

/**
 * Connects `socket` (an SDK listen socket, or one that plays a recording) and makes it a
 * session driving `protocol`: what the adapters do after the SDK has made the socket.
 */
export async function bindListenSession(
  socket: ListenSocket,
  protocol: ListenProtocol,
  setup: { readonly errors: ErrorFactory; readonly clock: Clock },
  options: DeepgramSttOptions,
  signal: AbortSignal,
): Promise<SttSession> {
  const connection = await SocketConnection.open(sdkSocketEvents(socket), setup.errors, setup.clock, options.timeouts?.connectMs, signal);
  return new DeepgramListenSession(connection, socket, protocol, setup.errors, setup.clock, options);
}

/** One open listen socket, as an SttSession. */
class DeepgramListenSession implements SttSession {
  readonly #connection: SocketConnection;
  readonly #socket: ListenSocket;
  readonly #protocol: ListenProtocol;
  readonly #errors: ErrorFactory;
  readonly #clock: Clock;
  readonly #listeners = new SessionEvents<SttEvent>();
  readonly #keepAlive: Watchdog;
  readonly #stall: Watchdog;
  readonly #keepAliveMs: number | undefined;
  readonly #timeouts: ProviderTimeouts;
  readonly #closeGraceMs: number;
  #closed = false;
  #closing: Promise<void> | undefined;
  #ended: (() => void) | undefined;

  constructor(connection: SocketConnection, socket: ListenSocket, protocol: ListenProtocol, errors: ErrorFactory, clock: Clock, options: DeepgramSttOptions) {
    this.#connection = connection;
    this.#socket = socket;
    this.#protocol = protocol;
    this.#errors = errors;
    this.#clock = clock;
    this.#keepAlive = new Watchdog(clock);
    this.#stall = new Watchdog(clock);
    this.#keepAliveMs = options.keepAliveMs === false ? undefined : (options.keepAliveMs ?? 4000);
    this.#timeouts = options.timeouts ?? {};
    this.#closeGraceMs = options.closeGraceMs ?? 1000;
    connection.onMessage((message) => this.#receive(message));
    connection.onEnd((error) => this.#end(error));
    this.#armKeepAlive();
  }

  subscribe(listener: (event: SttEvent) => void): () => void {
    return this.#listeners.subscribe(listener);
  }

  sendAudio(chunk: AudioChunk): void {
    if (this.#closed || this.#closing) return;
    const result = this.#protocol.audio(chunk);
    if ('error' in result) return this.#emit(result.error);
    for (const frame of result.frames) this.#connection.send(() => this.#socket.sendMedia(frame));
    this.#armKeepAlive();
    if (!this.#stall.armed && this.#timeouts.stallMs !== undefined) {
      const ms = this.#timeouts.stallMs;
      this.#stall.arm(ms, () => this.#connection.fail(timeoutError(this.#errors, 'stall', ms, 'no message while audio was flowing')));
    }
  }

  finalize(): void {
    if (this.#closed || this.#closing) return;
    const message = this.#protocol.finalize();
    if (message) this.#sendControl(message);
  }

  close(): Promise<void> {
    if (this.#closed) return Promise.resolve();
    this.#closing ??= new Promise<void>((resolve) => {
      // The server answers CloseStream with its last results, then closes; do not wait forever.
      const grace = new Watchdog(this.#clock);
      this.#ended = () => {
        grace.clear();
        resolve();
      };
      const rest = this.#protocol.takeRemainder?.();
      if (rest) this.#connection.send(() => this.#socket.sendMedia(rest));
      this.#sendControl(this.#protocol.closeStream());
      if (!this.#closed) grace.arm(this.#closeGraceMs, () => this.#connection.close());
    });
    return this.#closing;
  }

  #sendControl(message: ControlMessage): void {
    this.#connection.send(() => {
      switch (message.type) {
        case 'KeepAlive':
          return this.#socket.sendKeepAlive?.({ type: 'KeepAlive' });
        case 'Finalize':
          return this.#socket.sendFinalize?.({ type: 'Finalize' });
        default:
          return this.#socket.sendCloseStream({ type: 'CloseStream' });
      }
    });
    this.#armKeepAlive();
  }

  #armKeepAlive(): void {
    const message = this.#protocol.keepAlive();
    if (!message || this.#keepAliveMs === undefined) return;
    this.#keepAlive.arm(this.#keepAliveMs, () => {
      if (!this.#closed && !this.#closing) this.#sendControl(message);
    });
  }

  #receive(message: unknown): void {
    this.#stall.clear();
    for (const event of this.#protocol.receive(message)) this.#emit(event);
  }

  #end(error: ProviderError | undefined): void {
    this.#keepAlive.clear();
    this.#stall.clear();
    if (error) this.#emit({ type: 'error', error });
    this.#emit({ type: 'closed' });
    this.#closed = true;
    this.#ended?.();
  }

  #emit(event: SttEvent): void {
    if (!this.#closed) this.#listeners.emit(event);
  }
}
