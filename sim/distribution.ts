import type { Random } from '../core/random/random.js';

/**
 * A value that is fixed or drawn from a seeded distribution each time it is used: latencies,
 * delays, levels. Parameters are in the value's unit (ms for durations).
 */
export type Distribution =
  | { readonly kind: 'fixed'; readonly value: number }
  | { readonly kind: 'uniform'; readonly min: number; readonly max: number }
  | { readonly kind: 'normal'; readonly mean: number; readonly sd: number }
  /** Log-normal: the log of the value is normal with mean `mu` and deviation `sigma`. */
  | { readonly kind: 'lognormal'; readonly mu: number; readonly sigma: number };

/** A fixed value. */
export function fixed(value: number): Distribution {
  return { kind: 'fixed', value };
}

/** A log-normal distribution with the given median and 95th percentile. */
export function lognormalP50P95(p50: number, p95: number): Distribution {
  return { kind: 'lognormal', mu: Math.log(p50), sigma: (Math.log(p95) - Math.log(p50)) / 1.6448536269514722 };
}

/** Draws a value, never negative (latencies and delays cannot be). */
export function draw(distribution: Distribution, random: Random): number {
  switch (distribution.kind) {
    case 'fixed':
      return Math.max(0, distribution.value);
    case 'uniform':
      return Math.max(0, random.uniform(distribution.min, distribution.max));
    case 'normal':
      return Math.max(0, random.normal(distribution.mean, distribution.sd));
    case 'lognormal':
      return Math.exp(random.normal(distribution.mu, distribution.sigma));
  }
}

/** Draws a signed value (levels in dB may be negative). */
export function drawSigned(distribution: Distribution, random: Random): number {
  switch (distribution.kind) {
    case 'fixed':
      return distribution.value;
    case 'uniform':
      return random.uniform(distribution.min, distribution.max);
    case 'normal':
      return random.normal(distribution.mean, distribution.sd);
    case 'lognormal':
      return Math.exp(random.normal(distribution.mu, distribution.sigma));
  }
}

/** The median of a distribution, for documentation and summaries. */
export function median(distribution: Distribution): number {
  switch (distribution.kind) {
    case 'fixed':
      return distribution.value;
    case 'uniform':
      return (distribution.min + distribution.max) / 2;
    case 'normal':
      return distribution.mean;
    case 'lognormal':
      return Math.exp(distribution.mu);
  }
}
