/**
 * Applying a script's faults to one connection (or HTTP request) of a fake server: which faults
 * apply to it, and an {@link Outbox} that every outgoing message goes through, so delays,
 * stalls, malformed frames and mid-stream closes happen at their causal triggers whatever the
 * protocol.
 *
 * @module
 */
import type { Clock, TimerHandle } from '../../core/clock/clock.js';
import type { Fault, Trigger } from './script.js';

/** What a connection has done so far, for triggers. */
export interface Counters {
  /** Messages the server has sent. */
  messages: number;
  /** Audio received from the client, ms. */
  audioMs: number;
  /** Flushes (or ends of input) received from the client. */
  flushes: number;
}

/** The faults of a script that apply to connection number `connection` (from 1). */
export class ConnectionFaults {
  readonly #faults: readonly Fault[];

  constructor(faults: readonly Fault[] | undefined, connection: number) {
    this.#faults = (faults ?? []).filter((f) => f.on === undefined || f.on.includes(connection));
  }

  /** The refusal of the handshake (or request), if the script asks for one. */
  get handshake(): { readonly status: number; readonly message?: string } | undefined {
    const fault = this.#faults.find((f): f is Extract<Fault, { handshake: number }> => 'handshake' in f);
    return fault && { status: fault.handshake, ...(fault.message !== undefined ? { message: fault.message } : {}) };
  }

  /** How long the first message is held back, ms. */
  get firstByteDelayMs(): number | undefined {
    return this.#faults.find((f): f is Extract<Fault, { first_byte_delay: number }> => 'first_byte_delay' in f)?.first_byte_delay;
  }

  /** The inactivity close, if any. */
  get inactivity(): { readonly ms: number; readonly code?: number; readonly reason?: string } | undefined {
    const fault = this.#faults.find((f): f is Extract<Fault, { inactivity: number }> => 'inactivity' in f);
    return fault && { ms: fault.inactivity, ...(fault.code !== undefined ? { code: fault.code } : {}), ...(fault.reason !== undefined ? { reason: fault.reason } : {}) };
  }

  /** The mid-stream faults (close, malformed, stall), in script order. */
  get streamFaults(): readonly StreamFault[] {
    return this.#faults.filter((f): f is StreamFault => 'close' in f || 'malformed' in f || 'stall' in f);
  }
}

/** A fault that fires during the stream at its trigger. */
export type StreamFault = Extract<Fault, { close: number } | { malformed: true } | { stall: true }>;

/** Whether `trigger` is reached (no trigger: at once). */
export function reached(trigger: Trigger | undefined, counters: Counters): boolean {
  if (trigger === undefined) return true;
  if ('messages' in trigger) return counters.messages >= trigger.messages;
  if ('audio' in trigger) return counters.audioMs >= trigger.audio;
  return counters.flushes >= trigger.flushes;
}

/** Where an {@link Outbox} writes. */
export interface Sink<M> {
  write(message: M): void;
  /** Writes something that is not valid JSON where a message is expected. */
  writeMalformed(): void;
  /** Ends the connection abnormally (websocket: close with `code`; HTTP: drop it). */
  drop(code: number, reason: string): void;
  /** Whether `message` counts as a message for triggers (default: every one does). */
  counts?(message: M): boolean;
}

/**
 * The outgoing side of one fake connection. Messages pass through in order; the first is held
 * back by `first_byte_delay`; after a `stall` nothing more goes out; `malformed` and `close`
 * fire as soon as their trigger is reached (checked after every message and counter change).
 */
export class Outbox<M> {
  readonly counters: Counters = { messages: 0, audioMs: 0, flushes: 0 };
  readonly #clock: Clock;
  readonly #sink: Sink<M>;
  readonly #pending: StreamFault[];
  readonly #held: M[] = [];
  #holdTimer: TimerHandle | undefined;
  #stalled = false;
  #closed = false;

  constructor(clock: Clock, faults: ConnectionFaults, sink: Sink<M>) {
    this.#clock = clock;
    this.#sink = sink;
    this.#pending = [...faults.streamFaults];
    const delay = faults.firstByteDelayMs;
    if (delay !== undefined && delay > 0) {
      this.#holdTimer = clock.setTimeout(() => {
        this.#holdTimer = undefined;
        for (const message of this.#held.splice(0)) this.#deliver(message);
      }, delay);
    }
  }

  /** True once the connection is closed (by a fault or {@link end}) or stalled: sending is pointless. */
  get silent(): boolean {
    return this.#closed || this.#stalled;
  }

  /** Checks faults without a message (e.g. `after: { messages: 0 }` right after connecting). */
  start(): void {
    this.#check();
  }

  send(message: M): void {
    if (this.#closed || this.#stalled) return;
    if (this.#holdTimer !== undefined) {
      this.#held.push(message);
      return;
    }
    this.#deliver(message);
  }

  /** Counts received audio, ms, and fires faults it triggers. */
  noteAudio(ms: number): void {
    this.counters.audioMs += ms;
    this.#check();
  }

  /** Counts a flush, and fires faults it triggers. */
  noteFlush(): void {
    this.counters.flushes++;
    this.#check();
  }

  /** The connection ended; nothing more is sent. */
  end(): void {
    this.#closed = true;
    if (this.#holdTimer !== undefined) this.#clock.clearTimeout(this.#holdTimer);
    this.#holdTimer = undefined;
  }

  #deliver(message: M): void {
    if (this.#closed || this.#stalled) return;
    this.#sink.write(message);
    if (this.#sink.counts?.(message) === false) return;
    this.counters.messages++;
    this.#check();
  }

  #check(): void {
    while (!this.#closed && !this.#stalled) {
      const index = this.#pending.findIndex((f) => reached(f.after, this.counters));
      if (index < 0) return;
      const [fault] = this.#pending.splice(index, 1);
      if (!fault) return;
      if ('close' in fault) {
        this.end();
        this.#sink.drop(fault.close, fault.reason ?? 'fault injected by the fake server');
      } else if ('stall' in fault) {
        this.#stalled = true;
      } else {
        this.#sink.writeMalformed();
      }
    }
  }
}
