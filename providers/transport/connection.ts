/**
 * Binds one client socket (a {@link WebSocketTransport}, or a Deepgram SDK socket seen through
 * the same listener interface) to an adapter: opens it under a connect timeout and an abort
 * signal, delivers server messages in arrival order (binary frames that come as Blobs are read
 * before anything after them), keeps what arrives before the adapter listens, and reports the
 * end of the connection once, as a clean close or a ProviderError.
 *
 * The Deepgram SDK reports a refused handshake as a close (1000) followed by the error
 * "Unexpected server response: 401", and a socket error after opening also as a close then an
 * error; `ws` reports an error then a close. Both orders are folded into one outcome here.
 *
 * @module
 */
import type { Clock } from '../../core/clock/clock.js';
import type { ProviderError } from '../errors.js';
import { kindOfCloseCode, type ErrorFactory } from '../secrets.js';
import { timeoutError, Watchdog } from '../timeouts.js';
import { handshakeStatusOf, messageBytes, type CloseInfo } from './websocket.js';

/** The listener side of a client socket, and how to start and stop it. */
export interface SocketEvents {
  onOpen(listener: () => void): void;
  onMessage(listener: (message: unknown) => void): void;
  onError(listener: (error: Error) => void): void;
  onClose(listener: (event: CloseInfo) => void): void;
  /** Starts connecting, for sockets that wait to be told (the Deepgram SDK's). */
  start?(): void;
  close(): void;
}

/**
 * A server message as delivered: text (parsed JSON when the socket parses it, e.g. the Deepgram
 * SDK's; raw text otherwise) or binary bytes.
 */
export type ServerMessage = unknown;

/** One client socket, open. */
export class SocketConnection {
  readonly #socket: SocketEvents;
  readonly #errors: ErrorFactory;
  readonly #clock: Clock;
  #onMessage: ((message: ServerMessage) => void) | undefined;
  #onEnd: ((error: ProviderError | undefined) => void) | undefined;
  /** Messages (and the end) that came before the adapter listened: kept, then delivered in order. */
  readonly #early: ServerMessage[] = [];
  #earlyEnd: { readonly error: ProviderError | undefined } | undefined;
  #queue: Promise<void> = Promise.resolve();
  #opened = false;
  #ended = false;
  #closingByUs = false;
  #lastError: Error | undefined;
  #lastClose: { readonly code?: number; readonly reason?: string } | undefined;

  private constructor(socket: SocketEvents, errors: ErrorFactory, clock: Clock) {
    this.#socket = socket;
    this.#errors = errors;
    this.#clock = clock;
  }

  /**
   * Connects `socket` and resolves once it is open. Rejects with a ProviderError: `auth` for a
   * refused key, `timeout` after `connectMs`, `cancelled` when `signal` aborts, else by the
   * handshake status or close code.
   */
  static open(socket: SocketEvents, errors: ErrorFactory, clock: Clock, connectMs: number | undefined, signal: AbortSignal): Promise<SocketConnection> {
    const connection = new SocketConnection(socket, errors, clock);
    return connection.#open(connectMs, signal);
  }

  /** Handles server messages, those already received first, in order. */
  onMessage(handler: (message: ServerMessage) => void): void {
    this.#onMessage = handler;
    for (const message of this.#early.splice(0)) handler(message);
  }

  /** Called once when the connection ends: `undefined` for a clean close (ours, or the server's 1000). */
  onEnd(handler: (error: ProviderError | undefined) => void): void {
    this.#onEnd = handler;
    if (this.#earlyEnd) handler(this.#earlyEnd.error);
  }

  /** True once the connection has ended. */
  get ended(): boolean {
    return this.#ended;
  }

  /** Runs `send` (a send call on the socket); a socket that closed meanwhile is not an error. */
  send(send: () => void | Promise<void>): void {
    if (this.#ended) return;
    const failed = (error: unknown): void => {
      if (!this.#ended && !this.#closingByUs) this.fail(this.#errors.make('network', `send failed: ${describe(error)}`));
    };
    try {
      const result = send();
      if (result instanceof Promise) result.catch(failed);
    } catch (error) {
      failed(error);
    }
  }

  /** Closes the socket; ends the connection cleanly (after messages already received). */
  close(): void {
    if (this.#ended || this.#closingByUs) return;
    this.#closingByUs = true;
    this.#socket.close();
  }

  /** Ends the connection with `error` (e.g. a timeout) and closes the socket. */
  fail(error: ProviderError): void {
    if (this.#ended) return;
    this.#closingByUs = true;
    this.#end(error);
    this.#socket.close();
  }

  #open(connectMs: number | undefined, signal: AbortSignal): Promise<SocketConnection> {
    return new Promise<SocketConnection>((resolve, reject) => {
      const watchdog = new Watchdog(this.#clock);
      let settled = false;
      const onAbort = (): void => fail(this.#errors.make('cancelled', 'connect aborted'));
      const settle = (): void => {
        settled = true;
        watchdog.clear();
        signal.removeEventListener('abort', onAbort);
      };
      const fail = (error: ProviderError): void => {
        if (settled) return;
        settle();
        this.#ended = true;
        this.#closingByUs = true;
        this.#socket.close();
        reject(error);
      };
      let deciding = false;
      const failSoon = (): void => {
        // The SDK reports a close and then, synchronously, the error that caused it.
        if (deciding) return;
        deciding = true;
        queueMicrotask(() => fail(this.#connectFailure()));
      };
      this.#socket.onOpen(() => {
        if (settled) return;
        settle();
        this.#opened = true;
        resolve(this);
      });
      this.#socket.onMessage((message) => this.#enqueue(async () => this.#deliver(isBinary(message) ? await messageBytes(message) : message)));
      this.#socket.onError((error) => {
        this.#lastError = error;
        if (!this.#opened) failSoon();
        else this.#enqueue(() => this.#endFromSocket());
      });
      this.#socket.onClose((event) => {
        this.#lastClose = event;
        if (!this.#opened) failSoon();
        else this.#enqueue(() => this.#endFromSocket());
      });
      if (signal.aborted) return onAbort();
      signal.addEventListener('abort', onAbort, { once: true });
      watchdog.arm(connectMs, () => fail(timeoutError(this.#errors, 'connect', connectMs ?? 0, 'the websocket did not open')));
      this.#socket.start?.();
    });
  }

  #connectFailure(): ProviderError {
    const status = handshakeStatusOf(this.#lastError);
    if (status !== undefined) return this.#errors.fromStatus(status, 'the websocket handshake was refused');
    const code = this.#lastClose?.code;
    // The Deepgram SDK's own connection timeout (10 s unless our connect timeout fires first).
    if (this.#lastError?.message === 'TIMEOUT') return this.#errors.make('timeout', 'connect timeout: the websocket did not open (SDK limit)');
    if (this.#lastError) return this.#errors.make('network', `could not connect: ${describe(this.#lastError)}`);
    return this.#errors.make('network', `the websocket closed before it opened${code !== undefined ? ` (code ${code})` : ''}`, code);
  }

  #endFromSocket(): void {
    if (this.#ended) return;
    if (this.#closingByUs) return this.#end(undefined);
    const code = this.#lastClose?.code;
    const reason = this.#lastClose?.reason ? ` (${this.#lastClose.reason})` : '';
    if (this.#lastError) return this.#end(this.#errors.make('network', `connection failed: ${describe(this.#lastError)}`));
    if (code === undefined || code === 1000) return this.#end(undefined);
    this.#end(this.#errors.make(kindOfCloseCode(code), `connection closed with code ${code}${reason}`, code));
  }

  #deliver(message: ServerMessage): void {
    if (this.#onMessage) this.#onMessage(message);
    else this.#early.push(message);
  }

  #end(error: ProviderError | undefined): void {
    if (this.#ended) return;
    this.#ended = true;
    if (this.#onEnd) this.#onEnd(error);
    else this.#earlyEnd = { error };
  }

  #enqueue(task: () => void | Promise<void>): void {
    this.#queue = this.#queue.then(async () => {
      if (!this.#ended) await task();
    }).catch((error: unknown) => this.#end(this.#errors.wrap(error)));
  }
}

function isBinary(message: unknown): message is Blob | ArrayBuffer | ArrayBufferView {
  return message instanceof Blob || message instanceof ArrayBuffer || ArrayBuffer.isView(message);
}

function describe(error: unknown): string {
  const message = (error as { message?: unknown } | null)?.message;
  return typeof message === 'string' && message !== '' ? message : String(error);
}
