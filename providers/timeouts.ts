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
