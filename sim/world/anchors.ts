import type { AnchorEvent } from '../scenario/model.js';

/** Events the scripted user can wait for, other than its own actions and the call start. */
export type WorldEvent = Extract<AnchorEvent, 'agent.speech.start' | 'agent.speech.end' | 'agent.turn.end' | 'endpoint'>;

/**
 * Remembers when world events happened and wakes up those waiting for the next one after a
 * given time.
 */
export class WorldEvents {
  readonly #occurrences = new Map<WorldEvent, number[]>();
  #waiters: { event: WorldEvent; afterMs: number; wake: (atMs: number) => void }[] = [];

  /** Records that `event` happened at `atMs` (called at that time). */
  record(event: WorldEvent, atMs: number): void {
    const list = this.#occurrences.get(event) ?? [];
    list.push(atMs);
    this.#occurrences.set(event, list);
    const ready = this.#waiters.filter((w) => w.event === event && w.afterMs <= atMs);
    this.#waiters = this.#waiters.filter((w) => !ready.includes(w));
    for (const waiter of ready) waiter.wake(atMs);
  }

  /** Calls `wake` with the first occurrence of `event` at or after `afterMs`, now or when it happens. */
  next(event: WorldEvent, afterMs: number, wake: (atMs: number) => void): void {
    const past = this.#occurrences.get(event)?.find((t) => t >= afterMs);
    if (past !== undefined) {
      wake(past);
      return;
    }
    this.#waiters.push({ event, afterMs, wake });
  }

  /** What is still being waited for. */
  get waiting(): readonly { event: WorldEvent; afterMs: number }[] {
    return this.#waiters;
  }
}
