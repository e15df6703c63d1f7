import type { ConnectionLog, ConnectionRecord } from './connection.js';
import type { Listening } from './listen.js';

/** What every fake server has: where it listens, what it saw, and how to stop it. */
export abstract class FakeServer {
  readonly #listening: Listening;
  readonly #log: ConnectionLog;

  protected constructor(listening: Listening, log: ConnectionLog) {
    this.#listening = listening;
    this.#log = log;
  }

  /** `http://127.0.0.1:<port>`. */
  get url(): string {
    return this.#listening.url;
  }

  /** Every connection (or HTTP request) so far, in order, refused ones included. */
  get connections(): readonly ConnectionRecord[] {
    return this.#log.records;
  }

  /** Stops listening and ends every connection. */
  close(): Promise<void> {
    return this.#listening.close();
  }
}
