import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { RandomStreams, deriveSeed, type Random } from './random.js';

const floats = (random: Random, n: number): number[] => Array.from({ length: n }, () => random.float());

describe('RandomStreams', () => {
  it('gives the same sequence for the same (seed, name)', () => {
    const a = new RandomStreams(42).stream('user');
    const b = new RandomStreams(42).stream('user');
    const drawsA = [...floats(a, 20), a.int(0, 1000), a.normal(0, 1), a.uniform(5, 6), a.pick(['x', 'y', 'z'])];
    const drawsB = [...floats(b, 20), b.int(0, 1000), b.normal(0, 1), b.uniform(5, 6), b.pick(['x', 'y', 'z'])];
    expect(drawsA).toEqual(drawsB);
  });

  it('returns the same stream object for a name', () => {
    const streams = new RandomStreams(1);
    expect(streams.stream('a')).toBe(streams.stream('a'));
    expect(streams.stream('a')).not.toBe(streams.stream('b'));
    expect(streams.seed).toBe(1);
  });

  it('gives different sequences for different names', () => {
    const streams = new RandomStreams(7);
    const names = ['stt', 'tts', 'llm', 'user', 'network', 'user2', 'a', 'b', ''];
    const sequences = names.map((name) => floats(streams.stream(name), 8).join(','));
    expect(new Set(sequences).size).toBe(names.length);
  });

  it('gives different sequences for different seeds', () => {
    const seeds = [0, 1, 2, 3, 42, 1000, 123456789, Number.MAX_SAFE_INTEGER];
    const sequences = seeds.map((seed) => floats(new RandomStreams(seed).stream('user'), 8).join(','));
    expect(new Set(sequences).size).toBe(seeds.length);
  });

  it('gives different sequences for small negative seeds and seeds of 2³² and more', () => {
    // Regression: the high half of the seed used to be XORed in raw, so seed −1 gave the same
    // streams as 0, −2 as 1, and 2³² as 1.
    const seeds = [0, -1, 1, -2, 2, 2 ** 32, 2 ** 32 + 1, -(2 ** 32), Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER];
    const derived = seeds.map((seed) => deriveSeed(seed, 'user'));
    expect(new Set(derived).size).toBe(seeds.length);
    const sequences = seeds.map((seed) => floats(new RandomStreams(seed).stream('user'), 4).join(','));
    expect(new Set(sequences).size).toBe(seeds.length);
  });

  it('keeps the derived seeds of seeds in [0, 2³²) (existing streams do not shift)', () => {
    expect(deriveSeed(0, 'user')).toBe(1313568230);
    expect(deriveSeed(1, 'user')).toBe(-2009307665);
  });

  it('drawing from one stream does not shift another', () => {
    const reference = floats(new RandomStreams(99).stream('tts'), 10);

    const streams = new RandomStreams(99);
    const stt = streams.stream('stt');
    floats(stt, 3);
    const tts = streams.stream('tts');
    const interleaved: number[] = [];
    for (let i = 0; i < 10; i++) {
      stt.normal(0, 1);
      stt.int(0, 10);
      streams.stream(`late-${i}`).float(); // components added along the way
      interleaved.push(tts.float());
    }
    expect(interleaved).toEqual(reference);
  });

  it('rejects seeds that are not safe integers', () => {
    expect(() => new RandomStreams(1.5)).toThrow(RangeError);
    expect(() => new RandomStreams(Number.NaN)).toThrow(RangeError);
    expect(() => new RandomStreams(2 ** 53)).toThrow(RangeError);
    expect(() => new RandomStreams(-1)).not.toThrow();
  });

  it('deriveSeed is a deterministic 32-bit integer that depends on the name', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 31 - 1 }), fc.string(), (seed, name) => {
        const derived = deriveSeed(seed, name);
        expect(derived).toBe(deriveSeed(seed, name));
        expect(Number.isInteger(derived)).toBe(true);
        expect(derived).toBeGreaterThanOrEqual(-(2 ** 31));
        expect(derived).toBeLessThan(2 ** 31);
      }),
      { numRuns: 200 },
    );
    expect(deriveSeed(1, 'stt')).not.toBe(deriveSeed(1, 'stu'));
    expect(deriveSeed(1, 'stt')).not.toBe(deriveSeed(2, 'stt'));
  });
});

describe('Random draws', () => {
  const random = (name = 'test', seed = 2024): Random => new RandomStreams(seed).stream(name);

  it('float is in [0, 1)', () => {
    for (const x of floats(random(), 5000)) {
      expect(x).toBeGreaterThanOrEqual(0);
      expect(x).toBeLessThan(1);
    }
  });

  it('int covers [min, max] with both bounds included and nothing outside', () => {
    const r = random();
    const counts = new Map<number, number>();
    for (let i = 0; i < 3000; i++) {
      const x = r.int(-2, 2);
      expect(Number.isInteger(x)).toBe(true);
      counts.set(x, (counts.get(x) ?? 0) + 1);
    }
    expect([...counts.keys()].sort((a, b) => a - b)).toEqual([-2, -1, 0, 1, 2]);
    // Roughly uniform: 600 expected each; a fixed seed makes this deterministic.
    for (const count of counts.values()) {
      expect(count).toBeGreaterThan(450);
      expect(count).toBeLessThan(750);
    }
  });

  it('int with min === max returns that value', () => {
    const r = random();
    for (let i = 0; i < 20; i++) expect(r.int(7, 7)).toBe(7);
  });

  it('int bounds hold for any range (property)', () => {
    const r = random('prop');
    fc.assert(
      fc.property(fc.integer({ min: -1_000_000, max: 1_000_000 }), fc.integer({ min: 0, max: 1_000_000 }), (min, span) => {
        const x = r.int(min, min + span);
        return Number.isInteger(x) && x >= min && x <= min + span;
      }),
      { numRuns: 500 },
    );
  });

  it('uniform is in [min, max)', () => {
    const r = random();
    let sum = 0;
    for (let i = 0; i < 4000; i++) {
      const x = r.uniform(10, 20);
      expect(x).toBeGreaterThanOrEqual(10);
      expect(x).toBeLessThan(20);
      sum += x;
    }
    expect(sum / 4000).toBeGreaterThan(14.7);
    expect(sum / 4000).toBeLessThan(15.3);
  });

  it('normal has roughly the requested mean and standard deviation', () => {
    const r = random('normal');
    const n = 20_000;
    const xs = Array.from({ length: n }, () => r.normal(100, 15));
    const mean = xs.reduce((a, b) => a + b, 0) / n;
    const sd = Math.sqrt(xs.reduce((a, b) => a + (b - mean) ** 2, 0) / (n - 1));
    // Standard error of the mean is 15 / √20000 ≈ 0.11; these bounds are ~9 standard errors wide.
    expect(mean).toBeGreaterThan(99);
    expect(mean).toBeLessThan(101);
    expect(sd).toBeGreaterThan(14.4);
    expect(sd).toBeLessThan(15.6);
    // About 68 % within one sd, 95 % within two.
    const within1 = xs.filter((x) => Math.abs(x - 100) <= 15).length / n;
    const within2 = xs.filter((x) => Math.abs(x - 100) <= 30).length / n;
    expect(within1).toBeGreaterThan(0.66);
    expect(within1).toBeLessThan(0.70);
    expect(within2).toBeGreaterThan(0.94);
    expect(within2).toBeLessThan(0.96);
    expect(xs.every(Number.isFinite)).toBe(true);
  });

  it('normal with sd 0 returns the mean', () => {
    const r = random();
    for (let i = 0; i < 10; i++) expect(r.normal(3.5, 0)).toBe(3.5);
  });

  it('chance(0) is never true and chance(1) always is', () => {
    const r = random();
    for (let i = 0; i < 1000; i++) {
      expect(r.chance(0)).toBe(false);
      expect(r.chance(1)).toBe(true);
      expect(r.chance(-0.5)).toBe(false);
    }
  });

  it('chance(p) is true about p of the time', () => {
    const r = random('chance');
    let hits = 0;
    for (let i = 0; i < 10_000; i++) if (r.chance(0.3)) hits++;
    expect(hits).toBeGreaterThan(2850);
    expect(hits).toBeLessThan(3150);
  });

  it('pick returns elements of the array, each reachable', () => {
    const r = random();
    const items = ['a', 'b', 'c', 'd'] as const;
    const seen = new Set<string>();
    for (let i = 0; i < 400; i++) {
      const x = r.pick(items);
      expect(items).toContain(x);
      seen.add(x);
    }
    expect([...seen].sort()).toEqual(['a', 'b', 'c', 'd']);
    expect(r.pick(['only'])).toBe('only');
  });

  it('pick from an empty array throws', () => {
    expect(() => random().pick([])).toThrow(RangeError);
  });
});
