/**
 * Recorded websocket connections played back on a clock, behind the two socket shapes the
 * adapters use: {@link ReplaySdkSocket} (a Deepgram SDK socket: `on(…)`, parsed JSON, `sendX`
 * methods) and {@link ReplayTransport} (a {@link WebSocketTransport}, for ElevenLabs
 * stream-input). The adapters' own session code runs on top, unchanged, so what they make of
 * the frames is what they made of them live.
 *
 * @module
 */
import type { Clock } from '../../core/clock/clock.js';
import { HandshakeError, type CloseInfo, type WebSocketTransport } from '../transport/websocket.js';
import { bytesOf } from './format.js';
import { Schedule } from './schedule.js';
import { actionOf, CLIENT_CLOSE, laneOf, lanesDroppedBy, unansweredAction, type Epoch, type ServerEvent, type SocketScript } from './socket-script.js';

/** What a replayed connection reports. */
export interface ReplayListeners {
  open(): void;
  message(frame: string | Uint8Array): void;
  error(error: Error): void;
  close(info: CloseInfo): void;
}

/** How a replayed connection tells that it has no answer to an action (the message names the cassette). */
export type Exhausted = (action: string, n: number) => string;

/** One recorded connection played on a clock: epochs start when their triggers happen (see socket-script.ts). */
export class ReplayConnection {
  readonly #clock: Clock;
  readonly #script: SocketScript;
  readonly #listeners: ReplayListeners;
  readonly #exhausted: Exhausted;
  readonly #lanes = new Map<string, Schedule>();
  readonly #counts = new Map<string, number>();
  #ended = false;

  constructor(clock: Clock, script: SocketScript, listeners: ReplayListeners, exhausted: Exhausted) {
    this.#clock = clock;
    this.#script = script;
    this.#listeners = listeners;
    this.#exhausted = exhausted;
  }

  /** True once the connection has closed. */
  get ended(): boolean {
    return this.#ended;
  }

  /** The connection is asked for now: the handshake and the server's own messages play from here. */
  start(options: { readonly skipOpen?: boolean } = {}): void {
    const open = this.#script.epochs.find((e) => e.trigger === 'open');
    if (open) this.#play(options.skipOpen ? { ...open, events: [] } : open);
  }

  /** We sent `frame` now: its answer, if it is an action the recording answered, plays from here. */
  sent(frame: string | Uint8Array): void {
    if (this.#ended) return;
    const action = actionOf(this.#script.protocol, frame);
    if (action !== undefined) this.#act(action);
  }

  /** We closed the socket now: the recorded close follows (or a plain one at once). */
  clientClose(code: number | undefined, reason: string | undefined): void {
    if (this.#ended) return;
    if (!this.#act(CLIENT_CLOSE)) this.#deliver({ t: 0, type: 'close', code: code ?? 1005, ...(reason !== undefined ? { reason } : {}) });
  }

  /** Ends the connection without reporting anything more (the socket was dropped). */
  stop(): void {
    this.#ended = true;
    for (const lane of this.#lanes.values()) lane.cancel();
  }

  /** Plays the answer to the n-th `action`; false when the recording has none. */
  #act(action: string): boolean {
    const n = (this.#counts.get(action) ?? 0) + 1;
    this.#counts.set(action, n);
    for (const lane of lanesDroppedBy(this.#script.protocol, action)) {
      this.#lanes.get(lane)?.cancel();
      this.#lanes.delete(lane);
    }
    const epoch = this.#script.epochs.find((e) => e.trigger !== 'open' && e.trigger.action === action && e.trigger.n === n);
    if (epoch) {
      this.#play(epoch);
      return true;
    }
    // An unanswered action fails (or is answered) after what is already on its way on its lane.
    const unanswered = unansweredAction(this.#script.protocol, action);
    if (unanswered === 'ignore') return false;
    const event: ServerEvent = unanswered === 'fail' ? { t: 0, type: 'close', code: 1008, reason: this.#exhausted(action, n) } : { t: 0, type: 'in', text: unanswered.answer };
    this.#lane(laneOf(this.#script.protocol, { action, n })).at(this.#clock.now(), () => this.#deliver(event));
    return false;
  }

  #play(epoch: Epoch): void {
    const anchor = this.#clock.now();
    const lane = this.#lane(epoch.lane);
    for (const event of epoch.events) lane.at(anchor + (event.t - epoch.atMs), () => this.#deliver(event));
  }

  #lane(name: string): Schedule {
    let lane = this.#lanes.get(name);
    if (!lane) {
      lane = new Schedule(this.#clock);
      this.#lanes.set(name, lane);
    }
    return lane;
  }

  #deliver(event: ServerEvent): void {
    if (this.#ended) return;
    switch (event.type) {
      case 'open':
        return this.#listeners.open();
      case 'in':
        return this.#listeners.message('text' in event ? event.text : bytesOf(event));
      case 'error':
        return this.#listeners.error(event.status !== undefined ? new HandshakeError(event.status, '') : new Error(event.message));
      case 'close':
        this.stop();
        return this.#listeners.close({ ...(event.code !== undefined ? { code: event.code } : {}), ...(event.reason !== undefined ? { reason: event.reason } : {}) });
    }
  }
}

type SdkEvent = 'open' | 'message' | 'close' | 'error';

/**
 * A Deepgram SDK socket (as `client.listen.v1.connect()` returns) playing a recorded
 * connection: text frames arrive parsed (raw text when not JSON), `close()` reports code 1000
 * at once, as the SDK's sockets do.
 */
export class ReplaySdkSocket {
  readonly #connection: ReplayConnection;
  readonly #handlers: Partial<Record<SdkEvent, (value: never) => void>> = {};

  constructor(clock: Clock, script: SocketScript, exhausted: Exhausted) {
    this.#connection = new ReplayConnection(
      clock,
      script,
      {
        open: () => this.#emit('open', undefined),
        message: (frame) => this.#emit('message', typeof frame === 'string' ? parseOrRaw(frame) : frame),
        error: (error) => this.#emit('error', error),
        close: (info) => this.#emit('close', info),
      },
      exhausted,
    );
  }

  on(event: 'open', callback: () => void): void;
  on(event: 'message', callback: (message: unknown) => void): void;
  on(event: 'close', callback: (event: CloseInfo) => void): void;
  on(event: 'error', callback: (error: Error) => void): void;
  on(event: SdkEvent, callback: (value: never) => void): void {
    this.#handlers[event] = callback;
  }

  connect(): this {
    this.#connection.start();
    return this;
  }

  close(): void {
    if (this.#connection.ended) return;
    this.#connection.stop();
    this.#emit('close', { code: 1000 });
  }

  sendMedia(frame: ArrayBufferView): void {
    this.#connection.sent(new Uint8Array(frame.buffer, frame.byteOffset, frame.byteLength));
  }

  // The control messages of every Deepgram socket: all JSON text frames.
  readonly sendCloseStream = (message: object): void => this.#json(message);
  readonly sendKeepAlive = (message: object): void => this.#json(message);
  readonly sendFinalize = (message: object): void => this.#json(message);
  readonly sendText = (message: object): void => this.#json(message);
  readonly sendFlush = (message: object): void => this.#json(message);
  readonly sendClear = (message: object): void => this.#json(message);
  readonly sendClose = (message: object): void => this.#json(message);

  #json(message: object): void {
    if (this.#connection.ended) throw new Error('Socket is not open.');
    this.#connection.sent(JSON.stringify(message));
  }

  #emit(event: SdkEvent, value: unknown): void {
    (this.#handlers[event] as ((value: unknown) => void) | undefined)?.(value);
  }
}

/**
 * A {@link WebSocketTransport} playing a recorded connection. It can open before it knows
 * which one: `bind` is asked for the recording when the first frame that needs an answer goes
 * out (`undefined` binds it at once), and says why not when there is none left (the socket then
 * closes with 1008 and that reason).
 */
export class ReplayTransport implements WebSocketTransport {
  readonly #clock: Clock;
  readonly #bind: () => SocketScript | string;
  readonly #exhausted: Exhausted;
  readonly #needsAnswer: (frame: string | Uint8Array) => boolean;
  readonly #listeners: { open: (() => void)[]; message: ((m: string | Uint8Array) => void)[]; error: ((e: Error) => void)[]; close: ((e: CloseInfo) => void)[] } = {
    open: [],
    message: [],
    error: [],
    close: [],
  };
  #connection: ReplayConnection | undefined;
  #open = false;
  #closed = false;

  /** Opens after `openAfterMs`; binds to a recording on the first frame that `needsAnswer`. */
  constructor(clock: Clock, options: { readonly openAfterMs: number; readonly bind: () => SocketScript | string; readonly needsAnswer: (frame: string | Uint8Array) => boolean; readonly exhausted: Exhausted }) {
    this.#clock = clock;
    this.#bind = options.bind;
    this.#exhausted = options.exhausted;
    this.#needsAnswer = options.needsAnswer;
    clock.setTimeout(() => {
      if (this.#closed) return;
      this.#open = true;
      for (const listener of this.#listeners.open) listener();
    }, options.openAfterMs);
  }

  send(data: string | ArrayBuffer | ArrayBufferView | Blob): void {
    if (!this.#open || this.#closed) throw new Error('the socket is not open');
    if (data instanceof Blob) throw new TypeError('ReplayTransport cannot send a Blob');
    const frame = typeof data === 'string' ? data : data instanceof ArrayBuffer ? new Uint8Array(data) : new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
    if (!this.#connection && this.#needsAnswer(frame)) {
      const script = this.#bind();
      if (typeof script === 'string') {
        queueMicrotask(() => this.#close({ code: 1008, reason: script }));
        return;
      }
      this.#connection = new ReplayConnection(
        this.#clock,
        script,
        {
          open: () => {},
          message: (message) => this.#listeners.message.forEach((listener) => listener(message)),
          error: (error) => this.#listeners.error.forEach((listener) => listener(error)),
          close: (info) => this.#close(info),
        },
        this.#exhausted,
      );
      this.#connection.start({ skipOpen: true });
    }
    this.#connection?.sent(frame);
  }

  onOpen(listener: () => void): void {
    this.#listeners.open.push(listener);
  }

  onMessage(listener: (message: string | Uint8Array) => void): void {
    this.#listeners.message.push(listener);
  }

  onError(listener: (error: Error) => void): void {
    this.#listeners.error.push(listener);
  }

  onClose(listener: (event: CloseInfo) => void): void {
    this.#listeners.close.push(listener);
  }

  isOpen(): boolean {
    return this.#open && !this.#closed;
  }

  close(code?: number, reason?: string): void {
    if (this.#closed) return;
    if (this.#connection) return this.#connection.clientClose(code, reason);
    queueMicrotask(() => this.#close({ code: code ?? 1005, ...(reason !== undefined ? { reason } : {}) }));
  }

  #close(info: CloseInfo): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#open = false;
    for (const listener of this.#listeners.close) listener(info);
  }
}

/** A text frame as the Deepgram SDK hands it over: parsed JSON, or the raw text. */
function parseOrRaw(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}
