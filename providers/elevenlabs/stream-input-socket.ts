/**
 * One ElevenLabs `stream-input` websocket, open: a {@link StreamInputProtocol} core on a
 * {@link SocketConnection}, sending the settings first and a single space as a keep-alive after
 * `keepAliveMs` without text (the server closes with 1008 after 20 s without any).
 *
 * @module
 */
import type { Clock } from '../../core/clock/clock.js';
import type { ProviderError } from '../errors.js';
import type { ErrorFactory } from '../secrets.js';
import { Watchdog } from '../timeouts.js';
import { SocketConnection } from '../transport/connection.js';
import type { WebSocketFactory, WebSocketTransport } from '../transport/websocket.js';
import { StreamInputProtocol, type StreamInputEvent, type VoiceSettings } from './stream-input-protocol.js';

/** Everything needed to open stream-input sockets of one session. */
export interface StreamInputSetup {
  readonly url: string;
  readonly headers: Record<string, string>;
  readonly factory: WebSocketFactory;
  readonly errors: ErrorFactory;
  readonly clock: Clock;
  readonly sampleRate: number;
  readonly connectMs: number | undefined;
  readonly keepAliveMs: number | undefined;
  readonly voiceSettings: VoiceSettings | undefined;
  readonly chunkLengthSchedule: readonly number[] | undefined;
}

/** What a socket reports: the protocol's events, and its end (with the error, if it failed). */
export type SocketEvent = StreamInputEvent | { readonly type: 'ended'; readonly error: ProviderError | undefined };

/** One open stream-input socket. */
export class StreamInputSocket {
  readonly #transport: WebSocketTransport;
  readonly #connection: SocketConnection;
  readonly #protocol: StreamInputProtocol;
  readonly #keepAlive: Watchdog;
  readonly #keepAliveMs: number | undefined;
  #handler: (event: SocketEvent) => void = () => {};
  #inputEnded = false;

  private constructor(transport: WebSocketTransport, connection: SocketConnection, protocol: StreamInputProtocol, setup: StreamInputSetup) {
    this.#transport = transport;
    this.#connection = connection;
    this.#protocol = protocol;
    this.#keepAlive = new Watchdog(setup.clock);
    this.#keepAliveMs = setup.keepAliveMs;
  }

  /** Opens a socket and sends the settings; rejects with a ProviderError. */
  static async open(setup: StreamInputSetup, signal: AbortSignal): Promise<StreamInputSocket> {
    const transport = await setup.factory(setup.url, setup.headers);
    const connection = await SocketConnection.open(transport, setup.errors, setup.clock, setup.connectMs, signal);
    const protocol = new StreamInputProtocol(setup.errors, setup.sampleRate);
    const socket = new StreamInputSocket(transport, connection, protocol, setup);
    connection.onMessage((message) => {
      for (const event of protocol.receive(message as string | Uint8Array)) socket.#handler(event);
    });
    connection.onEnd((error) => {
      socket.#keepAlive.clear();
      socket.#handler({ type: 'ended', error });
    });
    socket.#send(protocol.init(setup.voiceSettings, setup.chunkLengthSchedule));
    return socket;
  }

  /** Receives the socket's events from now on. */
  onEvent(handler: (event: SocketEvent) => void): void {
    this.#handler = handler;
  }

  /** True once the socket has closed. */
  get ended(): boolean {
    return this.#connection.ended;
  }

  /** Sends text to speak. */
  text(text: string): void {
    this.#send(this.#protocol.text(text));
  }

  /** Ends the input: the server speaks what is left, sends `isFinal` and closes. */
  endInput(): void {
    this.#inputEnded = true;
    this.#keepAlive.clear();
    this.#send(this.#protocol.endOfInput());
  }

  /** Closes the socket (its end is reported as clean). */
  close(): void {
    this.#keepAlive.clear();
    this.#connection.close();
  }

  #send(data: string): void {
    this.#connection.send(() => this.#transport.send(data));
    if (this.#inputEnded || this.#keepAliveMs === undefined) return;
    this.#keepAlive.arm(this.#keepAliveMs, () => this.#send(this.#protocol.keepAlive()));
  }
}
