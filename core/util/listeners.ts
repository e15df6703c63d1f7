/** A set of listeners of one event type, called synchronously in subscription order. */
export class Listeners<E> {
  readonly #listeners = new Set<(event: E) => void>();

  /** Adds a listener; returns the function that removes it. */
  add(listener: (event: E) => void): () => void {
    this.#listeners.add(listener);
    return () => {
      this.#listeners.delete(listener);
    };
  }

  emit(event: E): void {
    for (const listener of this.#listeners) listener(event);
  }

  get size(): number {
    return this.#listeners.size;
  }
}
