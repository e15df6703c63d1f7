/**
 * One connection (websocket or HTTP request) to a fake server, as the fake and its tests see
 * it: a record of what the client sent, and for websockets a {@link FakeSocket} whose outgoing
 * frames pass through the script's faults and which closes on inactivity.
 *
 * @module
 */
import type { IncomingHttpHeaders, IncomingMessage } from 'node:http';
import type { WebSocket } from 'ws';
import type { Clock } from '../../core/clock/clock.js';
import type { Frame } from '../transport/websocket.js';
import { ConnectionFaults, Outbox } from './faults.js';
import type { Fault } from './script.js';

/** What a fake server saw of one connection or request. */
export interface ConnectionRecord {
  /** 1-based, in order of arrival over the server's life (refused ones included). */
  readonly number: number;
  readonly path: string;
  readonly query: URLSearchParams;
  readonly headers: IncomingHttpHeaders;
  /** Frames (or the request body) the client sent, in order: text as strings, binary as bytes. */
  readonly received: Frame[];
  /** The HTTP status it was refused with, if it was. */
  refused?: number;
  /** How a websocket ended. */
  closed?: { readonly code: number; readonly reason: string; readonly by: 'client' | 'server' };
}

/** A new connection: its record, its faults, and how to keep what the client sends. */
export interface OpenedConnection {
  readonly record: ConnectionRecord;
  readonly faults: ConnectionFaults;
  /** Adds a frame (or body) to the record's `received`, unless the log keeps none. */
  readonly keep: (frame: Frame) => void;
}

/**
 * Numbers connections and keeps their records. With `keepFrames` false (a fake that serves for
 * hours), what clients send is not kept.
 */
export class ConnectionLog {
  readonly records: ConnectionRecord[] = [];
  readonly #keepFrames: boolean;

  constructor(keepFrames = true) {
    this.#keepFrames = keepFrames;
  }

  /** Records a new connection. */
  open(request: IncomingMessage, faults: readonly Fault[] | undefined): OpenedConnection {
    const url = new URL(request.url ?? '/', 'http://fake');
    const record: ConnectionRecord = { number: this.records.length + 1, path: url.pathname, query: url.searchParams, headers: request.headers, received: [] };
    this.records.push(record);
    const keep = this.#keepFrames ? (frame: Frame) => void record.received.push(frame) : () => {};
    return { record, faults: new ConnectionFaults(faults, record.number), keep };
  }
}

/** Close code and reason a fake uses when the client goes quiet, and after how long when the script does not say. */
export interface InactivityClose {
  readonly code: number;
  readonly reason: string;
  /** The provider's own limit, applied without an `inactivity` fault. Default: none. */
  readonly ms?: number;
}

/** What goes out of a fake websocket: a frame, or the server's close after the frames before it. */
export type Outgoing = Frame | { readonly close: number; readonly reason: string };

/**
 * The server side of one fake websocket: records client frames, sends through an
 * {@link Outbox} (so faults apply), and closes when the client is inactive for the script's
 * `inactivity` (with the provider's code unless the script gives one).
 */
export class FakeSocket {
  readonly record: ConnectionRecord;
  readonly outbox: Outbox<Outgoing>;
  readonly #socket: WebSocket;
  readonly #clock: Clock;
  readonly #inactivity: { readonly ms: number; readonly code: number; readonly reason: string } | undefined;
  #inactivityTimer: ReturnType<Clock['setTimeout']> | undefined;
  #frameHandler: (frame: Frame) => void = () => {};
  #closeHandlers: (() => void)[] = [];
  #closed = false;

  constructor(socket: WebSocket, { record, faults, keep }: OpenedConnection, clock: Clock, inactivity: InactivityClose) {
    this.#socket = socket;
    this.record = record;
    this.#clock = clock;
    const configured = faults.inactivity;
    const ms = configured?.ms ?? inactivity.ms;
    this.#inactivity = ms === undefined ? undefined : { ms, code: configured?.code ?? inactivity.code, reason: configured?.reason ?? inactivity.reason };
    this.outbox = new Outbox<Outgoing>(clock, faults, {
      write: (frame) => (typeof frame === 'object' && 'close' in frame ? this.close(frame.close, frame.reason) : socket.send(frame)),
      writeMalformed: () => socket.send('{"type": "Res'),
      drop: (code, reason) => this.close(code, reason),
      counts: (frame) => typeof frame !== 'object' || !('close' in frame),
    });
    socket.on('message', (data, isBinary) => {
      const bytes = Array.isArray(data) ? Buffer.concat(data) : Buffer.isBuffer(data) ? data : Buffer.from(data);
      const frame: Frame = isBinary ? new Uint8Array(bytes) : bytes.toString('utf8');
      keep(frame);
      this.#armInactivity();
      if (!this.#closed) this.#frameHandler(frame);
    });
    socket.on('close', (code, reason) => {
      record.closed ??= { code, reason: reason.toString('utf8'), by: 'client' };
      this.#finish();
    });
    socket.on('error', () => this.#finish());
    this.#armInactivity();
  }

  /** Handles each client frame. */
  onFrame(handler: (frame: Frame) => void): void {
    this.#frameHandler = handler;
  }

  /** Called once when the connection ends, whoever ended it. */
  onClose(handler: () => void): void {
    this.#closeHandlers.push(handler);
  }

  /** True once closed (or closing). */
  get closed(): boolean {
    return this.#closed;
  }

  /** Sends a JSON text frame (through the faults). */
  sendJson(value: unknown): void {
    this.outbox.send(JSON.stringify(value));
  }

  /** Sends a binary frame (through the faults). */
  sendBinary(bytes: Uint8Array): void {
    this.outbox.send(bytes);
  }

  /** Closes the websocket once the frames sent before have gone out (so never after a stall). */
  closeAfterSent(code: number, reason: string): void {
    this.outbox.send({ close: code, reason });
  }

  /** Closes the websocket from the server side, now. */
  close(code: number, reason: string): void {
    if (this.#closed) return;
    this.record.closed = { code, reason, by: 'server' };
    this.#socket.close(code, reason);
    this.#finish();
  }

  #armInactivity(): void {
    const inactivity = this.#inactivity;
    if (!inactivity || this.#closed) return;
    if (this.#inactivityTimer !== undefined) this.#clock.clearTimeout(this.#inactivityTimer);
    this.#inactivityTimer = this.#clock.setTimeout(() => this.close(inactivity.code, inactivity.reason), inactivity.ms);
  }

  #finish(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.outbox.end();
    if (this.#inactivityTimer !== undefined) this.#clock.clearTimeout(this.#inactivityTimer);
    for (const handler of this.#closeHandlers.splice(0)) handler();
  }
}
