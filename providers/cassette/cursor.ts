import type { Clock } from '../../core/clock/clock.js';
import type { ProviderError } from '../errors.js';
import { ErrorFactory } from '../secrets.js';
import type { Cassette, Exchange, Protocol } from './format.js';

/** What every replay provider takes. */
export interface CassetteProviderOptions {
  readonly cassette: Cassette;
  /** The simulation's clock (a VirtualClock), on which recorded timing is played. */
  readonly clock: Clock;
  /** How the cassette is named in errors (its path). Default "cassette". */
  readonly label?: string;
  /** The provider's name. Default: the name recorded in the cassette, so errors read as they did live. */
  readonly name?: string;
}

/**
 * The exchanges of a cassette a replay provider takes, in recorded order, one at a time, and
 * the words for running out of them.
 */
export class ExchangeCursor<E extends Exchange> {
  readonly name: string;
  readonly label: string;
  readonly errors: ErrorFactory;
  readonly clock: Clock;
  readonly #exchanges: readonly E[];
  #next = 0;

  constructor(options: CassetteProviderOptions, accept: (exchange: Exchange) => exchange is E) {
    this.name = options.name ?? options.cassette.provider;
    this.label = options.label ?? 'cassette';
    this.errors = new ErrorFactory(this.name, []);
    this.clock = options.clock;
    this.#exchanges = options.cassette.exchanges.filter(accept);
  }

  /** How many exchanges the cassette holds for this provider. */
  get recorded(): number {
    return this.#exchanges.length;
  }

  /** The next exchange and its 1-based number, or the `protocol` error saying the cassette has run out of `what`. */
  take(what: string): { readonly exchange: E; readonly number: number } | { readonly error: ProviderError; readonly number: number } {
    const number = ++this.#next;
    const exchange = this.#exchanges[number - 1];
    if (exchange) return { exchange, number };
    return { error: this.errors.make('protocol', this.ranOut(`${what} #${number}`)), number };
  }

  /** The exchange `index` (0-based) without taking it. */
  peek(index: number): E | undefined {
    return this.#exchanges[index];
  }

  /** "cassette x: nothing recorded for <what> (n recorded)". */
  ranOut(what: string): string {
    return `cassette ${this.label}: nothing recorded for ${what} (${this.recorded} recorded)`;
  }
}

/** A filter for the exchanges of some protocols. */
export function ofProtocols<T extends Exchange['type']>(type: T, protocols: readonly Protocol[]): (exchange: Exchange) => exchange is Extract<Exchange, { type: T }> {
  return (exchange): exchange is Extract<Exchange, { type: T }> => exchange.type === type && protocols.includes(exchange.protocol);
}
