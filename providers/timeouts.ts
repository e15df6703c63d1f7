/**
 * Time limits of the real adapters. Each is off unless set, and fires through the injected
 * Clock, so a virtual clock drives them in replay exactly as the wall clock does live.
 *
 * @module
 */
import type { Clock, TimerHandle } from '../core/clock/clock.js';
import type { ProviderError } from './errors.js';
import type { ErrorFactory } from './secrets.js';

/** How long a provider may keep the adapter waiting. */
export interface ProviderTimeouts {
  /** Opening the connection: the websocket handshake, or an HTTP request up to its response headers. */
  readonly connectMs?: number;
  /** From a request (a TTS flush, a chat request) to its first audio or token. */
  readonly firstByteMs?: number;
  /** Longest gap between two messages of a response in progress (or, for STT, while audio flows). */
  readonly stallMs?: number;
}

/** Which timeout fired. */
export type TimeoutName = 'connect' | 'first-byte' | 'first-token' | 'stall';

/** The ProviderError of kind `timeout` for `name`: says which timeout fired, its limit, and what was missing. */
export function timeoutError(errors: ErrorFactory, name: TimeoutName, ms: number, missing: string): ProviderError {
  return errors.make('timeout', `${name} timeout after ${ms} ms: ${missing}`);
}

/** One re-armable timer on a clock; arming it again replaces the pending one. */
export class Watchdog {
  readonly #clock: Clock;
  #handle: TimerHandle | undefined;

  constructor(clock: Clock) {
    this.#clock = clock;
  }

  /** Calls `fire` after `ms`, unless cleared or re-armed first. Does nothing when `ms` is undefined. */
  arm(ms: number | undefined, fire: () => void): void {
    this.clear();
    if (ms === undefined) return;
    this.#handle = this.#clock.setTimeout(() => {
      this.#handle = undefined;
      fire();
    }, ms);
  }

  /** True while a timer is pending. */
  get armed(): boolean {
    return this.#handle !== undefined;
  }

  clear(): void {
    if (this.#handle !== undefined) this.#clock.clearTimeout(this.#handle);
    this.#handle = undefined;
  }
}

/**
 * The limits of one streamed request (an HTTP response): `connectMs` until the response
 * headers, `firstByteMs` until the first token or audio, then `stallMs` between pieces (from the
 * headers on when there is no first-byte limit). The first to fire is kept in {@link timedOut}
 * and handed to `onTimeout` (which aborts the request).
 */
export class RequestDeadlines {
  readonly #errors: ErrorFactory;
  readonly #timeouts: ProviderTimeouts;
  readonly #first: { readonly name: 'first-byte' | 'first-token'; readonly missing: string };
  readonly #onTimeout: () => void;
  readonly #connect: Watchdog;
  readonly #progress: Watchdog;
  #started = false;
  /** The timeout that fired, if one did. */
  timedOut: ProviderError | undefined;

  constructor(clock: Clock, errors: ErrorFactory, timeouts: ProviderTimeouts, first: { readonly name: 'first-byte' | 'first-token'; readonly missing: string }, onTimeout: () => void) {
    this.#errors = errors;
    this.#timeouts = timeouts;
    this.#first = first;
    this.#onTimeout = onTimeout;
    this.#connect = new Watchdog(clock);
    this.#progress = new Watchdog(clock);
  }

  /** The request goes out. */
  start(): void {
    const { connectMs, firstByteMs } = this.#timeouts;
    this.#connect.arm(connectMs, () => this.#fire(timeoutError(this.#errors, 'connect', connectMs ?? 0, 'no response headers')));
    this.#progress.arm(firstByteMs, () => this.#fire(timeoutError(this.#errors, this.#first.name, firstByteMs ?? 0, this.#first.missing)));
  }

  /** The response headers arrived. */
  connected(): void {
    this.#connect.clear();
    if (this.#timeouts.firstByteMs === undefined) this.#armStall();
  }

  /** A piece of the response arrived; `useful` when it carried a token or audio (the first one ends the first-byte wait). */
  received(useful: boolean): void {
    if (useful) this.#started = true;
    if (this.#started || this.#timeouts.firstByteMs === undefined) this.#armStall();
  }

  clear(): void {
    this.#connect.clear();
    this.#progress.clear();
  }

  #armStall(): void {
    const ms = this.#timeouts.stallMs;
    if (ms === undefined) return this.#progress.clear();
    this.#progress.arm(ms, () => this.#fire(timeoutError(this.#errors, 'stall', ms, 'no data mid-stream')));
  }

  #fire(error: ProviderError): void {
    this.timedOut ??= error;
    this.#onTimeout();
  }
}
