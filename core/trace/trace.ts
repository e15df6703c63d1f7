import type { Clock } from '../clock/clock.js';
import type { TraceEvent, TraceEventMap, TraceEventOf, TraceEventType } from './events.js';

/** A listener of trace events. */
export type TraceListener = (event: TraceEvent) => void;

/**
 * The append-only record of a call. Components `emit` into it; the clock stamps each event.
 * Listeners are called synchronously, in subscription order.
 */
export class Trace {
  readonly #clock: Clock;
  readonly #events: TraceEvent[] = [];
  readonly #listeners = new Set<TraceListener>();

  constructor(clock: Clock) {
    this.#clock = clock;
  }

  /** Records an event at the current clock time and returns it. */
  emit<K extends TraceEventType>(type: K, fields: TraceEventMap[K]): TraceEventOf<K> {
    const event = { type, t: this.#clock.now(), ...fields } as unknown as TraceEventOf<K>;
    this.#events.push(event);
    for (const listener of this.#listeners) listener(event);
    return event;
  }

  /** Every event so far, in order. */
  get events(): readonly TraceEvent[] {
    return this.#events;
  }

  /** Events of one type, in order. */
  ofType<K extends TraceEventType>(type: K): TraceEventOf<K>[] {
    return this.#events.filter((e): e is TraceEventOf<K> => e.type === type);
  }

  /** Calls `listener` for every later event; returns the unsubscribe function. */
  subscribe(listener: TraceListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }
}
