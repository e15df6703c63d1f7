import { createClock, type TimerId } from '@sinonjs/fake-timers';
import type { Clock, TimerHandle } from './clock.js';

/** Options of {@link VirtualClock}. */
export interface VirtualClockOptions {
  /**
   * How many timers one `runUntilIdle()` / `runUntil()` may fire before it assumes an infinite
   * loop. A long call is hundreds of thousands of timers, so the default is generous.
   */
  readonly loopLimit?: number;
}

/**
 * Simulated time on `@sinonjs/fake-timers`' `createClock()`: its own timer queue, globals untouched.
 *
 * Resolution is 1 ms: delays are rounded to whole milliseconds (schedule against absolute times
 * to avoid drift). As in Node, a zero delay set while timers are running fires 1 ms later, so
 * work that must happen in the same tick is called directly, never deferred through a timer.
 *
 * Time moves only when the runner calls {@link runUntil} or {@link runUntilIdle}. Both use the
 * library's async methods, which let every promise continuation settle after each timer fires,
 * so async code (provider streams, `for await` loops) interleaves with timers in a fixed order.
 */
export class VirtualClock implements Clock {
  readonly #clock: ReturnType<typeof createClock>;

  constructor(options: VirtualClockOptions = {}) {
    this.#clock = createClock(0, options.loopLimit ?? 10_000_000);
  }

  now(): number {
    return this.#clock.now;
  }

  setTimeout(callback: () => void, delayMs: number): TimerHandle {
    return this.#clock.setTimeout(callback, Math.max(0, Math.round(delayMs)));
  }

  clearTimeout(handle: TimerHandle): void {
    this.#clock.clearTimeout(handle as TimerId);
  }

  /** Number of timers still scheduled. */
  pendingTimers(): number {
    return this.#clock.countTimers();
  }

  /**
   * Fires every timer due up to and including `timeMs`, in time order, settling promise
   * continuations after each, and leaves the clock at `timeMs`.
   */
  async runUntil(timeMs: number): Promise<void> {
    const delta = timeMs - this.#clock.now;
    if (delta < 0) throw new RangeError(`cannot run the clock back from ${this.#clock.now} ms to ${timeMs} ms`);
    await this.#clock.tickAsync(delta);
  }

  /** Advances by `deltaMs`; see {@link runUntil}. */
  async advance(deltaMs: number): Promise<void> {
    await this.runUntil(this.#clock.now + deltaMs);
  }

  /**
   * Fires timers until none are left (including those scheduled along the way) and returns the
   * time reached. Throws if more than `loopLimit` timers fire: something reschedules forever.
   */
  async runUntilIdle(): Promise<number> {
    return this.#clock.runAllAsync();
  }
}
