/**
 * A recorded websocket connection cut into what a replay plays and when. Server-side events
 * (`open`, `in` frames, `close`, `error`) are grouped into epochs, each started by something:
 *
 * - the `open` epoch, by the connection being asked for: the handshake, then whatever the
 *   server sends on its own (all of it, for the listen protocols);
 * - an action epoch, by the n-th client action of a kind (the first `CloseStream`, the third
 *   `Flush` …): what the server sent in answer.
 *
 * A replay plays each epoch when its trigger happens in the replay, at the recorded offsets
 * from the trigger. Which server events answer which action is protocol knowledge:
 *
 * | protocol | actions | what answers an action |
 * |---|---|---|
 * | listen v1/v2 | `CloseStream`, close | everything after it |
 * | speak v1 | `Flush`, `Clear`, `Close`, close | a flush: the frames up to its `Flushed` (flushes answer in order); a clear: up to `Cleared`; close: the rest |
 * | stream-input | first `Text`, `EndOfInput`, close | everything after it, until the next action |
 *
 * @module
 */
import type { Protocol, WebSocketExchange, WsEvent } from './format.js';

/** What starts an epoch: the connection request, or the n-th (1-based) client action of a kind. */
export type Trigger = 'open' | { readonly action: string; readonly n: number };

/** Server-side events played together from a trigger. */
export interface Epoch {
  readonly trigger: Trigger;
  /** Recorded time of the trigger. */
  readonly atMs: number;
  /**
   * Epochs on one lane are delivered in order (an answer never overtakes an earlier one: a
   * second flush's audio waits for the first's); epochs on different lanes are independent.
   */
  readonly lane: string;
  readonly events: readonly ServerEvent[];
}

/** The events a server (or the socket) produces. */
export type ServerEvent = Exclude<WsEvent, { type: 'out' | 'client-close' }>;

/** A recorded connection, ready to replay. */
export interface SocketScript {
  readonly protocol: Protocol;
  readonly epochs: readonly Epoch[];
  /** The first binary frame we sent, relative to the connection request (for audio timelines). */
  readonly firstAudio: { readonly afterMs: number; readonly bytes: number } | undefined;
}

/** The action a frame we sent is, in `protocol` (undefined: not one that the server answers). */
export function actionOf(protocol: Protocol, frame: string | Uint8Array): string | undefined {
  if (typeof frame !== 'string') return undefined;
  let message: unknown;
  try {
    message = JSON.parse(frame);
  } catch {
    return undefined;
  }
  if (typeof message !== 'object' || message === null) return undefined;
  if (protocol === 'elevenlabs.stream-input') {
    const text = (message as { text?: unknown }).text;
    if (typeof text !== 'string') return undefined;
    if (text === '') return 'EndOfInput';
    return text.trim() === '' ? undefined : 'Text';
  }
  const type = (message as { type?: unknown }).type;
  return typeof type === 'string' ? type : undefined;
}

/** The close a client makes, as an action. */
export const CLIENT_CLOSE = 'close';

/** Cuts a recorded connection into epochs (see the module documentation). */
export function socketScript(exchange: WebSocketExchange): SocketScript {
  const { protocol } = exchange;
  const epochs: MutableEpoch[] = [];
  const epoch = (trigger: Trigger, atMs: number): MutableEpoch => {
    const made: MutableEpoch = { trigger, atMs, lane: laneOf(protocol, trigger), events: [] };
    epochs.push(made);
    return made;
  };
  const counts = new Map<string, number>();
  const count = (action: string): number => {
    const n = (counts.get(action) ?? 0) + 1;
    counts.set(action, n);
    return n;
  };
  const open = epoch('open', exchange.startMs);
  let firstAudio: SocketScript['firstAudio'];
  const route = routerFor(protocol, open);
  for (const event of exchange.events) {
    if (event.type === 'out') {
      if ('binary' in event) {
        firstAudio ??= { afterMs: event.t - exchange.startMs, bytes: Buffer.byteLength(event.binary, 'base64') };
        continue;
      }
      const action = actionOf(protocol, event.text);
      if (action !== undefined) {
        const n = count(action);
        route.action(action, () => epoch({ action, n }, event.t));
      }
      continue;
    }
    if (event.type === 'client-close') {
      const n = count(CLIENT_CLOSE);
      route.action(CLIENT_CLOSE, () => epoch({ action: CLIENT_CLOSE, n }, event.t));
      continue;
    }
    route.server(event);
  }
  return { protocol, epochs: epochs.filter((e) => e.trigger === 'open' || e.events.length > 0), firstAudio };
}

interface MutableEpoch extends Epoch {
  readonly events: ServerEvent[];
}

/** Speech answers share a lane (in order); everything else is a lane of its own. */
export function laneOf(protocol: Protocol, trigger: Trigger): string {
  if (trigger === 'open') return 'open';
  const speech = protocol === 'deepgram.speak.v1' ? ['Flush'] : protocol === 'elevenlabs.stream-input' ? ['Text', 'EndOfInput'] : [];
  return speech.includes(trigger.action) ? 'speech' : `${trigger.action}#${trigger.n}`;
}

/** Lanes whose undelivered events a client action drops: an Aura `Clear` drops the speech in flight. */
export function lanesDroppedBy(protocol: Protocol, action: string): readonly string[] {
  return protocol === 'deepgram.speak.v1' && action === 'Clear' ? ['speech'] : [];
}

/**
 * What a replay does with a client action the recording holds no answer to: most need none
 * (the server's answer may simply not have been recorded), an Aura `Flush` must be answered (the
 * session would wait for ever), and an Aura `Clear` is acknowledged (dropping needs no data).
 */
export function unansweredAction(protocol: Protocol, action: string): 'ignore' | 'fail' | { readonly answer: string } {
  if (protocol !== 'deepgram.speak.v1') return 'ignore';
  if (action === 'Flush') return 'fail';
  if (action === 'Clear') return { answer: '{"type":"Cleared","sequence_id":0}' };
  return 'ignore';
}

/** Where server events go: `action` sees each client action (and makes its epoch when one answers it). */
interface Router {
  action(action: string, make: () => MutableEpoch): void;
  server(event: ServerEvent): void;
}

function routerFor(protocol: Protocol, open: MutableEpoch): Router {
  return protocol === 'deepgram.speak.v1' ? new SpeakRouter(open) : new AfterActionRouter(open, protocol === 'elevenlabs.stream-input' ? ['Text', 'EndOfInput', CLIENT_CLOSE] : ['CloseStream', CLIENT_CLOSE]);
}

/** Everything after an action answers it, until the next action (each kind once). */
class AfterActionRouter implements Router {
  #current: MutableEpoch;
  readonly #actions: Set<string>;

  constructor(open: MutableEpoch, actions: readonly string[]) {
    this.#current = open;
    this.#actions = new Set(actions);
  }

  action(action: string, make: () => MutableEpoch): void {
    if (this.#actions.delete(action)) this.#current = make();
  }

  server(event: ServerEvent): void {
    this.#current.events.push(event);
  }
}

/** Aura: flushes answered in order up to their `Flushed`, a clear up to `Cleared`, then the close. */
class SpeakRouter implements Router {
  readonly #open: MutableEpoch;
  #pending: MutableEpoch[] = [];
  #clearing: MutableEpoch | undefined;
  #closing: MutableEpoch | undefined;

  constructor(open: MutableEpoch) {
    this.#open = open;
  }

  action(action: string, make: () => MutableEpoch): void {
    switch (action) {
      case 'Flush':
        this.#pending.push(make());
        break;
      case 'Clear':
        this.#pending = [];
        this.#clearing = make();
        break;
      case 'Close':
      case CLIENT_CLOSE:
        this.#closing ??= make();
        break;
    }
  }

  server(event: ServerEvent): void {
    const target = this.#closing ?? this.#clearing ?? this.#pending[0] ?? this.#open;
    target.events.push(event);
    const type = event.type === 'in' && 'text' in event ? typeOf(event.text) : undefined;
    if (target === this.#clearing && type === 'Cleared') this.#clearing = undefined;
    if (target === this.#pending[0] && type === 'Flushed') this.#pending.shift();
  }
}

function typeOf(text: string): string | undefined {
  try {
    const type = (JSON.parse(text) as { type?: unknown } | null)?.type;
    return typeof type === 'string' ? type : undefined;
  } catch {
    return undefined;
  }
}
