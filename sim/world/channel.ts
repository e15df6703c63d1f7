import type { Clock } from '../../core/clock/clock.js';
import type { Random } from '../../core/random/random.js';
import { draw, type Distribution } from '../distribution.js';

/**
 * One direction of the network: each delivery takes a latency plus jitter drawn from the seeded
 * stream, and deliveries on the same link never overtake each other (a jitter buffer's order).
 */
export class Link {
  readonly #clock: Clock;
  readonly #latency: Distribution;
  readonly #jitter: Distribution;
  readonly #random: Random;
  #lastDeliveryMs = -Infinity;

  constructor(clock: Clock, latency: Distribution, jitter: Distribution, random: Random) {
    this.#clock = clock;
    this.#latency = latency;
    this.#jitter = jitter;
    this.#random = random;
  }

  /** A fresh transit time for one delivery, in ms. */
  transitMs(): number {
    return draw(this.#latency, this.#random) + draw(this.#jitter, this.#random);
  }

  /**
   * Runs `deliver` when something sent at `sentMs` arrives; returns the arrival time. Arrivals
   * keep their sending order.
   */
  send(sentMs: number, deliver: (arrivedMs: number) => void, transitMs = this.transitMs()): number {
    const arrivedMs = Math.max(sentMs + transitMs, this.#lastDeliveryMs, this.#clock.now());
    this.#lastDeliveryMs = arrivedMs;
    this.#clock.setTimeout(() => deliver(arrivedMs), arrivedMs - this.#clock.now());
    return arrivedMs;
  }
}

/**
 * Bursty packet loss (Gilbert–Elliott): alternating good and bad periods with exponential
 * lengths, so the long-run loss rate is `rate` and bursts last `burstMs` on average.
 * Periods are generated lazily, in time order, from the seeded stream.
 */
export class LossProcess {
  readonly #random: Random;
  readonly #goodMeanMs: number;
  readonly #burstMeanMs: number;
  /** Bad periods generated so far, in order. */
  readonly #bursts: { startMs: number; endMs: number }[] = [];
  #generatedUntilMs = 0;

  constructor(rate: number, burstMs: number, random: Random) {
    this.#random = random;
    this.#burstMeanMs = Math.max(1, burstMs);
    this.#goodMeanMs = rate > 0 ? (this.#burstMeanMs * (1 - rate)) / rate : Infinity;
  }

  /** Lost intervals overlapping [fromMs, toMs). */
  lostBetween(fromMs: number, toMs: number): { startMs: number; endMs: number }[] {
    if (!Number.isFinite(this.#goodMeanMs)) return [];
    while (this.#generatedUntilMs < toMs) {
      const startMs = this.#generatedUntilMs + this.#exponential(this.#goodMeanMs);
      const endMs = startMs + this.#exponential(this.#burstMeanMs);
      this.#bursts.push({ startMs, endMs });
      this.#generatedUntilMs = endMs;
    }
    return this.#bursts.filter((b) => b.endMs > fromMs && b.startMs < toMs);
  }

  #exponential(mean: number): number {
    return -mean * Math.log(1 - this.#random.float());
  }
}

/** The parts of [startMs, endMs) that are not lost. */
export function survivingParts(startMs: number, endMs: number, lost: readonly { startMs: number; endMs: number }[]): { startMs: number; endMs: number }[] {
  const parts: { startMs: number; endMs: number }[] = [];
  let cursor = startMs;
  for (const burst of lost) {
    if (burst.startMs > cursor) parts.push({ startMs: cursor, endMs: Math.min(burst.startMs, endMs) });
    cursor = Math.max(cursor, burst.endMs);
    if (cursor >= endMs) break;
  }
  if (cursor < endMs) parts.push({ startMs: cursor, endMs });
  return parts.filter((p) => p.endMs > p.startMs);
}
