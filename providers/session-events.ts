import { Listeners } from '../core/util/listeners.js';

/**
 * The listeners of a provider session. Events emitted before anyone subscribed (a server may
 * speak as soon as the socket opens, before `connect()` has returned the session) are kept and
 * delivered to the first subscriber, so none is lost.
 */
export class SessionEvents<E> {
  readonly #listeners = new Listeners<E>();
  #early: E[] | undefined = [];

  /** Adds a listener; the first one also gets the events emitted so far. Returns the unsubscribe function. */
  subscribe(listener: (event: E) => void): () => void {
    const unsubscribe = this.#listeners.add(listener);
    const early = this.#early;
    this.#early = undefined;
    for (const event of early ?? []) listener(event);
    return unsubscribe;
  }

  emit(event: E): void {
    if (this.#early) this.#early.push(event);
    else this.#listeners.emit(event);
  }
}
