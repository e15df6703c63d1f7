import { describe, expect, it } from 'vitest';
import { VirtualClock } from '../../core/clock/virtual-clock.js';
import { RandomStreams, type Random } from '../../core/random/random.js';
import { fixed } from '../distribution.js';
import { Link, LossProcess, survivingParts } from './channel.js';

function stream(seed: number, name = 'loss'): Random {
  return new RandomStreams(seed).stream(name);
}

/** A stream that counts its uniform draws (the only kind LossProcess makes). */
function counting(seed: number): { random: Random; draws: () => number } {
  const inner = stream(seed);
  let draws = 0;
  const random: Random = {
    float: () => (draws++, inner.float()),
    int: (min, max) => inner.int(min, max),
    uniform: (min, max) => inner.uniform(min, max),
    chance: (p) => inner.chance(p),
    normal: (mean, sd) => inner.normal(mean, sd),
    pick: (items) => inner.pick(items),
  };
  return { random, draws: () => draws };
}

describe('Link', () => {
  it('draws a transit time of latency plus jitter', () => {
    const link = new Link(new VirtualClock(), fixed(40), fixed(7), stream(1));
    expect(link.transitMs()).toBe(47);
  });

  it('delivers at sent + transit, but never before the previous delivery', async () => {
    const clock = new VirtualClock();
    const link = new Link(clock, fixed(0), fixed(0), stream(1));
    const delivered: { id: string; nowMs: number; arrivedMs: number }[] = [];
    const returned: Record<string, number> = {};
    const sends: [id: string, sentMs: number, transitMs: number][] = [
      ['a', 0, 100],
      ['b', 10, 30], // would arrive at 40: held until 100
      ['c', 20, 90], // 110: after a
      ['d', 30, 50], // 80: held until 110
      ['e', 200, 20], // 220: the link is free again
    ];
    for (const [id, sentMs, transitMs] of sends) {
      clock.setTimeout(() => {
        returned[id] = link.send(clock.now(), (arrivedMs) => delivered.push({ id, nowMs: clock.now(), arrivedMs }), transitMs);
      }, sentMs);
    }
    await clock.runUntilIdle();
    expect(returned).toEqual({ a: 100, b: 100, c: 110, d: 110, e: 220 });
    expect(delivered).toEqual([
      { id: 'a', nowMs: 100, arrivedMs: 100 },
      { id: 'b', nowMs: 100, arrivedMs: 100 },
      { id: 'c', nowMs: 110, arrivedMs: 110 },
      { id: 'd', nowMs: 110, arrivedMs: 110 },
      { id: 'e', nowMs: 220, arrivedMs: 220 },
    ]);
  });

  it('never delivers before now, even for something sent in the past', async () => {
    const clock = new VirtualClock();
    const link = new Link(clock, fixed(0), fixed(0), stream(1));
    await clock.runUntil(500);
    const at: number[] = [];
    expect(link.send(100, () => at.push(clock.now()), 50)).toBe(500);
    await clock.runUntilIdle();
    expect(at).toEqual([500]);
  });

  it('keeps sending order under heavy jitter: arrival = max(sent + transit, previous arrival)', async () => {
    const clock = new VirtualClock();
    const link = new Link(clock, fixed(40), { kind: 'normal', mean: 30, sd: 60 }, stream(3, 'uplink'));
    const order: number[] = [];
    const expected: number[] = [];
    let previous = -Infinity;
    let reordered = 0;
    let lastRaw = -Infinity;
    for (let i = 0; i < 300; i++) {
      clock.setTimeout(() => {
        const transit = link.transitMs();
        const raw = clock.now() + transit;
        if (raw < lastRaw) reordered++;
        lastRaw = raw;
        const arrivedMs = link.send(clock.now(), () => {
          order.push(i);
          expect(clock.now()).toBe(Math.round(arrivedMs));
        }, transit);
        expect(arrivedMs).toBe(Math.max(raw, previous));
        previous = arrivedMs;
        expected.push(arrivedMs);
      }, i * 20);
    }
    await clock.runUntilIdle();
    // The jitter would have reordered many packets; the link delivered all of them in order.
    expect(reordered).toBeGreaterThan(50);
    expect(order).toEqual([...Array(300).keys()]);
    expect(expected).toEqual([...expected].sort((a, b) => a - b));
  });
});

describe('LossProcess', () => {
  /** Lost time in [0, horizon), and the bursts. */
  function lossOver(rate: number, burstMs: number, seed: number, horizonMs: number) {
    const bursts = new LossProcess(rate, burstMs, stream(seed)).lostBetween(0, horizonMs);
    const lost = bursts.reduce((sum, b) => sum + Math.min(b.endMs, horizonMs) - Math.max(b.startMs, 0), 0);
    return { bursts, fraction: lost / horizonMs, meanBurstMs: bursts.reduce((sum, b) => sum + b.endMs - b.startMs, 0) / bursts.length };
  }

  it.each([1, 2, 3])('loses about `rate` of the time over a long horizon, in bursts of about burstMs (seed %i)', (seed) => {
    // 2 % in 60 ms bursts over 3 hours: about 3,600 bursts.
    const { bursts, fraction, meanBurstMs } = lossOver(0.02, 60, seed, 3 * 3600_000);
    expect(bursts.length).toBeGreaterThan(3000);
    expect(bursts.length).toBeLessThan(4200);
    expect(fraction).toBeGreaterThan(0.018);
    expect(fraction).toBeLessThan(0.022);
    expect(meanBurstMs).toBeGreaterThan(56);
    expect(meanBurstMs).toBeLessThan(64);
  });

  it('follows a higher rate and longer bursts too', () => {
    const { fraction, meanBurstMs } = lossOver(0.1, 200, 9, 3 * 3600_000);
    expect(fraction).toBeGreaterThan(0.09);
    expect(fraction).toBeLessThan(0.11);
    expect(meanBurstMs).toBeGreaterThan(185);
    expect(meanBurstMs).toBeLessThan(215);
  });

  it('gives bursts in time order, not overlapping, starting after 0', () => {
    const { bursts } = lossOver(0.05, 80, 4, 600_000);
    expect(bursts[0]!.startMs).toBeGreaterThan(0);
    for (let i = 0; i < bursts.length; i++) {
      expect(bursts[i]!.endMs).toBeGreaterThan(bursts[i]!.startMs);
      if (i > 0) expect(bursts[i]!.startMs).toBeGreaterThan(bursts[i - 1]!.endMs);
    }
  });

  it('never loses anything at a zero rate, and draws nothing', () => {
    const { random, draws } = counting(1);
    const loss = new LossProcess(0, 60, random);
    expect(loss.lostBetween(0, 3600_000)).toEqual([]);
    expect(draws()).toBe(0);
  });

  it('returns only bursts overlapping the range asked for', () => {
    const loss = new LossProcess(0.05, 60, stream(6));
    const all = loss.lostBetween(0, 60_000);
    const some = loss.lostBetween(20_000, 40_000);
    expect(some.length).toBeGreaterThan(0);
    expect(some).toEqual(all.filter((b) => b.endMs > 20_000 && b.startMs < 40_000));
  });

  it('is generated lazily and consistently: [0, 10 s) then [10 s, 20 s) is [0, 20 s) split', () => {
    const { random, draws } = counting(7);
    const split = new LossProcess(0.05, 60, random);
    const first = split.lostBetween(0, 10_000);
    const drawsForFirst = draws();
    // Only as far as needed: a good and a bad period per burst, and the period crossing 10 s.
    expect(drawsForFirst).toBeGreaterThanOrEqual(2 * first.length);
    expect(drawsForFirst).toBeLessThanOrEqual(2 * first.length + 2);
    expect(split.lostBetween(0, 10_000)).toEqual(first);
    expect(draws()).toBe(drawsForFirst);
    const second = split.lostBetween(10_000, 20_000);
    expect(draws()).toBeGreaterThan(drawsForFirst);

    const whole = new LossProcess(0.05, 60, stream(7)).lostBetween(0, 20_000);
    // A burst straddling 10 s is in both halves.
    const merged = [...first, ...second.filter((b) => !first.some((f) => f.startMs === b.startMs))];
    expect(merged).toEqual(whole);
    expect(whole.length).toBeGreaterThan(5);
  });
});

describe('survivingParts', () => {
  const part = (startMs: number, endMs: number) => ({ startMs, endMs });
  it.each([
    ['nothing lost', [], [part(0, 100)]],
    ['a burst in the middle', [part(30, 50)], [part(0, 30), part(50, 100)]],
    ['two bursts', [part(10, 20), part(40, 60)], [part(0, 10), part(20, 40), part(60, 100)]],
    ['a burst over the start', [part(-10, 20)], [part(20, 100)]],
    ['a burst starting at the start', [part(0, 10)], [part(10, 100)]],
    ['a burst over the end', [part(80, 120)], [part(0, 80)]],
    ['a burst ending at the end', [part(80, 100)], [part(0, 80)]],
    ['a burst over everything', [part(-5, 200)], []],
    ['adjacent bursts', [part(10, 20), part(20, 30)], [part(0, 10), part(30, 100)]],
    ['a burst before the range', [part(-50, -10)], [part(0, 100)]],
    ['a burst after the range', [part(150, 200)], [part(0, 100)]],
    ['a burst before and one inside', [part(-50, -10), part(90, 95)], [part(0, 90), part(95, 100)]],
  ])('%s', (_name, lost, expected) => {
    expect(survivingParts(0, 100, lost)).toEqual(expected);
  });
});
