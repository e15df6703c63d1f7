/**
 * The websocket seam of the adapters that speak websockets themselves (ElevenLabs stream-input)
 * and, through the Deepgram SDK's `transportFactory` option, of the Deepgram adapters.
 *
 * A {@link WebSocketTransport} is the smallest interface a client socket needs: send, listen,
 * close. It has the shape of the Deepgram SDK's `DeepgramTransport`, so one factory serves both.
 * A recorder wraps a factory and sees every frame in both directions (and the handshake URL,
 * with the headers it chooses to keep); a replayer passes a factory whose sockets play recorded
 * server frames. {@link openWebSocket} is the real one, on `ws`.
 *
 * @module
 */
import WebSocket from 'ws';

/** A frame as sent or received: text (JSON) or binary. */
export type Frame = string | Uint8Array;

/** Close code and reason of a socket. */
export interface CloseInfo {
  readonly code?: number;
  readonly reason?: string;
}

/** A client websocket, as the adapters use it. Listeners may be registered before it opens. */
export interface WebSocketTransport {
  /** Sends a text or binary frame (only once open). */
  send(data: string | ArrayBuffer | ArrayBufferView | Blob): void | Promise<void>;
  onOpen(listener: () => void): void;
  /** Text frames arrive as strings, binary frames as Uint8Array (or ArrayBuffer/Blob from other transports). */
  onMessage(listener: (message: string | ArrayBuffer | ArrayBufferView | Blob) => void): void;
  /** A failure; a failed handshake's error has `status`, the HTTP status of the refusal. */
  onError(listener: (error: Error) => void): void;
  onClose(listener: (event: CloseInfo) => void): void;
  isOpen(): boolean;
  close(code?: number, reason?: string): void | Promise<void>;
}

/** Opens a client websocket to `url` with `headers` (credentials included). */
export type WebSocketFactory = (url: string, headers: Record<string, string>) => WebSocketTransport | Promise<WebSocketTransport>;

/** An Error from a refused handshake, with the HTTP status and the start of the response body. */
export class HandshakeError extends Error {
  override readonly name = 'HandshakeError';
  readonly status: number;

  constructor(status: number, body: string) {
    super(`handshake refused with HTTP ${status}${body ? `: ${body}` : ''}`);
    this.status = status;
  }
}

/**
 * The HTTP status of a refused handshake, from a {@link HandshakeError}, an SDK's "Unexpected
 * server response: 401", or a HandshakeError's message re-wrapped by an SDK (the Deepgram SDK
 * passes a transport's errors on as `new Error(message)`).
 */
export function handshakeStatusOf(error: unknown): number | undefined {
  if (error instanceof HandshakeError) return error.status;
  const message = (error as { message?: unknown } | null)?.message;
  const match = typeof message === 'string' ? /(?:Unexpected server response: |handshake refused with HTTP )(\d{3})/.exec(message) : null;
  return match ? Number(match[1]) : undefined;
}

/** The real transport: a `ws` client socket. */
export const openWebSocket: WebSocketFactory = (url, headers) => new WsTransport(url, headers);

const MAX_BODY = 300;

class WsTransport implements WebSocketTransport {
  readonly #socket: WebSocket;
  readonly #errorListeners: ((error: Error) => void)[] = [];

  constructor(url: string, headers: Record<string, string>) {
    this.#socket = new WebSocket(url, { headers });
    this.#socket.binaryType = 'nodebuffer';
    this.#socket.on('unexpected-response', (_request, response) => {
      // Read a little of the refusal for the error message, then give up on the socket.
      let body = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => {
        if (body.length < MAX_BODY) body += chunk;
      });
      response.on('end', () => this.#fail(new HandshakeError(response.statusCode ?? 0, body.slice(0, MAX_BODY).trim())));
      response.on('error', () => this.#fail(new HandshakeError(response.statusCode ?? 0, '')));
    });
    this.#socket.on('error', (error) => this.#fail(error));
  }

  #failed = false;

  #fail(error: Error): void {
    if (this.#failed) return;
    this.#failed = true;
    for (const listener of this.#errorListeners) listener(error);
    this.#socket.terminate();
  }

  send(data: string | ArrayBuffer | ArrayBufferView | Blob): void {
    if (data instanceof Blob) throw new TypeError('WsTransport cannot send a Blob');
    this.#socket.send(data);
  }

  onOpen(listener: () => void): void {
    this.#socket.on('open', listener);
  }

  onMessage(listener: (message: string | Uint8Array) => void): void {
    this.#socket.on('message', (data, isBinary) => {
      const bytes = Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data as ArrayBuffer);
      listener(isBinary ? new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength) : bytes.toString('utf8'));
    });
  }

  onError(listener: (error: Error) => void): void {
    this.#errorListeners.push(listener);
  }

  onClose(listener: (event: CloseInfo) => void): void {
    this.#socket.on('close', (code, reason) => listener({ code, reason: reason.toString('utf8') }));
  }

  isOpen(): boolean {
    return this.#socket.readyState === WebSocket.OPEN;
  }

  close(code?: number, reason?: string): void {
    if (this.#socket.readyState === WebSocket.CONNECTING) {
      this.#socket.terminate();
      return;
    }
    this.#socket.close(code, reason);
  }
}

/** The bytes of a binary message from any transport (Blobs are read asynchronously). */
export async function messageBytes(message: ArrayBuffer | ArrayBufferView | Blob): Promise<Uint8Array> {
  if (message instanceof Blob) return new Uint8Array(await message.arrayBuffer());
  if (message instanceof ArrayBuffer) return new Uint8Array(message);
  return new Uint8Array(message.buffer, message.byteOffset, message.byteLength);
}
