/** Opaque handle of a scheduled timer. */
export type TimerHandle = number | object;

/**
 * The only source of time for core/, sim/ and providers/.
 *
 * Times are milliseconds. A virtual clock starts at 0 (the start of the call); the real clock
 * starts at 0 when it is created, so traces from both worlds read the same way.
 */
export interface Clock {
  /** Milliseconds since the clock's origin. */
  now(): number;
  /** Calls `callback` once after `delayMs` (clamped to ≥ 0). */
  setTimeout(callback: () => void, delayMs: number): TimerHandle;
  /** Cancels a timer; unknown or already-fired handles are ignored. */
  clearTimeout(handle: TimerHandle): void;
}

/** Resolves after `delayMs` on `clock`; rejects with the signal's reason if it is aborted first. */
export function sleep(clock: Clock, delayMs: number, signal?: AbortSignal): Promise<void> {
  if (signal?.aborted) return Promise.reject(abortReason(signal));
  return new Promise<void>((resolve, reject) => {
    const onAbort = (): void => {
      clock.clearTimeout(handle);
      reject(abortReason(signal!));
    };
    const handle = clock.setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, delayMs);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

function abortReason(signal: AbortSignal): unknown {
  return signal.reason ?? new DOMException('aborted', 'AbortError');
}
