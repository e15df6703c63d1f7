import { xoroshiro128plus } from 'pure-rand/generator/xoroshiro128plus';
import { uniformFloat64 } from 'pure-rand/distribution/uniformFloat64';
import { uniformInt } from 'pure-rand/distribution/uniformInt';
import type { RandomGenerator } from 'pure-rand/types/RandomGenerator';

/** A seeded stream of random draws. Every draw advances the stream. */
export interface Random {
  /** Uniform in [0, 1). */
  float(): number;
  /** Uniform integer in [min, max], both included. */
  int(min: number, max: number): number;
  /** Uniform in [min, max). */
  uniform(min: number, max: number): number;
  /** True with probability `p`. */
  chance(p: number): boolean;
  /** Normal (Gaussian) draw. */
  normal(mean: number, sd: number): number;
  /** One element of a non-empty array. */
  pick<T>(items: readonly T[]): T;
}

/**
 * Independent random streams, one per named component, all derived from one seed.
 *
 * A component's stream depends only on (seed, name), so adding a component or drawing more in
 * one never shifts another component's draws.
 */
export class RandomStreams {
  readonly seed: number;
  readonly #streams = new Map<string, Random>();

  constructor(seed: number) {
    if (!Number.isSafeInteger(seed)) throw new RangeError(`seed must be a safe integer, got ${seed}`);
    this.seed = seed;
  }

  /** The stream for `name`; the same object on every call with that name. */
  stream(name: string): Random {
    let random = this.#streams.get(name);
    if (!random) {
      random = new SeededRandom(xoroshiro128plus(deriveSeed(this.seed, name)));
      this.#streams.set(name, random);
    }
    return random;
  }
}

/** A 32-bit seed from (seed, name): FNV-1a over the name, mixed with both halves of the seed. */
export function deriveSeed(seed: number, name: string): number {
  // low + high × (odd constant), mod 2³²: seeds in [0, 2³²) keep their streams, and seeds that
  // collide are far apart. (XORing the halves made seed −1 collide with 0, −2 with 1, 2³² with 1.)
  const folded = ((seed | 0) + Math.imul(Math.floor(seed / 0x1_0000_0000), 0x9e3779b1)) | 0;
  let hash = 0x811c9dc5 ^ folded;
  for (let i = 0; i < name.length; i++) {
    hash ^= name.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  // A final avalanche so that names differing in one character give unrelated seeds.
  hash ^= hash >>> 16;
  hash = Math.imul(hash, 0x85ebca6b);
  hash ^= hash >>> 13;
  return hash | 0;
}

class SeededRandom implements Random {
  readonly #rng: RandomGenerator;

  constructor(rng: RandomGenerator) {
    this.#rng = rng;
  }

  float(): number {
    return uniformFloat64(this.#rng);
  }

  int(min: number, max: number): number {
    return uniformInt(this.#rng, min, max);
  }

  uniform(min: number, max: number): number {
    return min + (max - min) * this.float();
  }

  chance(p: number): boolean {
    return p > 0 && this.float() < p;
  }

  normal(mean: number, sd: number): number {
    // Box–Muller; 1 - u keeps log() away from 0.
    const u = 1 - this.float();
    const v = this.float();
    return mean + sd * Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }

  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new RangeError('cannot pick from an empty array');
    return items[this.int(0, items.length - 1)] as T;
  }
}
