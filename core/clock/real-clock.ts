import type { Clock, TimerHandle } from './clock.js';

/**
 * Wall-clock time, for live sessions. This is the one module in core/, sim/ and providers/
 * allowed to read the system clock and the global timers (checked by determinism.test.ts).
 */
export class RealClock implements Clock {
  readonly #origin = performance.now();

  now(): number {
    return performance.now() - this.#origin;
  }

  setTimeout(callback: () => void, delayMs: number): TimerHandle {
    return setTimeout(callback, Math.max(0, delayMs));
  }

  clearTimeout(handle: TimerHandle): void {
    clearTimeout(handle as ReturnType<typeof setTimeout>);
  }
}
