/**
 * The network side shared by the fake servers: an HTTP server on 127.0.0.1 (an ephemeral port
 * unless one is asked for) that also accepts websocket upgrades, and that closes every socket
 * it ever accepted when it is closed, so tests leave nothing behind.
 *
 * @module
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';

/** What a fake does with requests: plain HTTP, and websocket upgrades (accept or refuse). */
export interface FakeHandlers {
  readonly request?: (request: IncomingMessage, response: ServerResponse) => void;
  /** Decide on an upgrade: call `accept` to open the websocket, or `refuse` with a status. */
  readonly upgrade?: (request: IncomingMessage, accept: (onOpen: (socket: WebSocket) => void) => void, refuse: (status: number, body: string) => void) => void;
}

/** A listening fake server. */
export interface Listening {
  /** `http://127.0.0.1:<port>`. */
  readonly url: string;
  readonly port: number;
  /** Stops listening and ends every connection. */
  close(): Promise<void>;
}

const STATUS_TEXT: Readonly<Record<number, string>> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
};

/** Starts an HTTP (and websocket) server on 127.0.0.1:`port` (0: any free port). */
export async function listen(handlers: FakeHandlers, port = 0): Promise<Listening> {
  const sockets = new Set<Socket>();
  const wss = new WebSocketServer({ noServer: true });
  const server: Server = createServer((request, response) => {
    if (handlers.request) handlers.request(request, response);
    else response.writeHead(404).end();
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  server.on('upgrade', (request: IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on('error', () => socket.destroy());
    const refuse = (status: number, body: string): void => {
      const text = STATUS_TEXT[status] ?? 'Error';
      socket.end(
        `HTTP/1.1 ${status} ${text}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
      );
    };
    if (!handlers.upgrade) return refuse(404, '{"error":"not found"}');
    handlers.upgrade(request, (onOpen) => wss.handleUpgrade(request, socket, head, onOpen), refuse);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const actual = (server.address() as AddressInfo).port;
  let closing: Promise<void> | undefined;
  return {
    url: `http://127.0.0.1:${actual}`,
    port: actual,
    close: () =>
      (closing ??= new Promise<void>((resolve) => {
        for (const client of wss.clients) client.terminate();
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      })),
  };
}
