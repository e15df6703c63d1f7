import type { Clock, TimerHandle } from '../../core/clock/clock.js';

/**
 * Deliveries at given times on a clock, in the order they were queued: an item is never
 * delivered before one queued earlier (a frame due "before" its predecessor waits for it, as
 * frames on one connection do). Items due at the same time are delivered by one timer, in order;
 * items already due are delivered in a microtask. Times are absolute clock readings.
 */
export class Schedule {
  readonly #clock: Clock;
  readonly #queue: { readonly atMs: number; readonly deliver: () => void }[] = [];
  #lastMs = -Infinity;
  #timer: TimerHandle | undefined;
  #microtask = false;
  #cancelled = false;

  constructor(clock: Clock) {
    this.#clock = clock;
  }

  /** Queues `deliver` for `atMs` (or when everything queued before it has been delivered, if later). */
  at(atMs: number, deliver: () => void): void {
    if (this.#cancelled) return;
    this.#lastMs = Math.max(this.#lastMs, atMs);
    this.#queue.push({ atMs: this.#lastMs, deliver });
    if (this.#queue.length === 1) this.#arm();
  }

  /** Drops everything not yet delivered; later `at` calls do nothing. */
  cancel(): void {
    this.#cancelled = true;
    this.#queue.length = 0;
    if (this.#timer !== undefined) this.#clock.clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  #arm(): void {
    const head = this.#queue[0];
    if (!head || this.#timer !== undefined || this.#microtask) return;
    const delay = head.atMs - this.#clock.now();
    if (delay <= 0) {
      this.#microtask = true;
      queueMicrotask(() => {
        this.#microtask = false;
        this.#drain();
      });
      return;
    }
    this.#timer = this.#clock.setTimeout(() => {
      this.#timer = undefined;
      this.#drain();
    }, delay);
  }

  #drain(): void {
    // Whole milliseconds on a virtual clock: anything due within this one goes now.
    const now = this.#clock.now() + 0.5;
    while (!this.#cancelled && this.#queue.length > 0 && this.#queue[0]!.atMs <= now) this.#queue.shift()!.deliver();
    this.#arm();
  }
}
