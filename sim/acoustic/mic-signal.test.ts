import { describe, expect, it } from 'vitest';
import { RandomStreams } from '../../core/random/random.js';
import { MicSignal, type EchoPathSamples } from './mic-signal.js';
import { SampleTrack } from './sample-track.js';

const RATE = 100;

/** `n` seeded random samples in [-0.25, 0.25). */
function noise(n: number, seed: number): Float32Array {
  const random = new RandomStreams(seed).stream('mic-signal-test');
  return Float32Array.from({ length: n }, () => random.uniform(-0.25, 0.25));
}

function render(mic: MicSignal, from: number, n: number): Float32Array {
  const out = new Float32Array(n);
  mic.render(from, out);
  return out;
}

/** Equal to float precision (sums of float32 samples are rounded at each step). */
function expectNear(actual: Float32Array, expected: readonly number[]): void {
  expect(actual).toHaveLength(expected.length);
  actual.forEach((v, i) => expect(v, `sample ${i}`).toBeCloseTo(expected[i]!, 6));
}

/** Renders [0, total) in consecutive blocks of the given sizes (cycled). */
function renderInBlocks(mic: MicSignal, total: number, sizes: readonly number[]): Float32Array {
  const out = new Float32Array(total);
  for (let at = 0, i = 0; at < total; i++) {
    const n = Math.min(sizes[i % sizes.length]!, total - at);
    mic.render(at, out.subarray(at, at + n));
    at += n;
  }
  return out;
}

describe('MicSignal', () => {
  it('sums placed sounds at their samples, overlapping ones added', () => {
    const mic = new MicSignal({});
    mic.place(2, Float32Array.from([0.1, 0.2, 0.3]));
    mic.place(3, Float32Array.from([0.5, 0.5]));
    mic.place(9, Float32Array.from([-0.25]));
    expectNear(render(mic, 0, 10), [0, 0, 0.1, 0.2 + 0.5, 0.3 + 0.5, 0, 0, 0, 0, -0.25]);
  });

  it('fills a block with silence when nothing sounds in it (whatever it held)', () => {
    const mic = new MicSignal({});
    mic.place(100, Float32Array.from([1]));
    const out = new Float32Array(5).fill(0.7);
    mic.render(0, out);
    expect(out).toEqual(new Float32Array(5));
  });

  it('renders in consecutive blocks exactly as at once, echo and background included', () => {
    const make = (): MicSignal => {
      const ear = new SampleTrack(RATE);
      ear.write(10, noise(300, 1));
      const echo: EchoPathSamples = { ear, delaySamples: 17, gain: 0.5, taps: [{ delaySamples: 0, gain: 0.8 }, { delaySamples: 5, gain: -0.6 }] };
      const mic = new MicSignal({ echo, background: noise(37, 2) });
      mic.place(0, noise(50, 3));
      mic.place(40, noise(120, 4));
      mic.place(290, noise(80, 5));
      return mic;
    };
    const whole = render(make(), 0, 400);
    expect(renderInBlocks(make(), 400, [7])).toEqual(whole);
    expect(renderInBlocks(make(), 400, [1, 64, 13, 150])).toEqual(whole);
  });

  it('returns an impulse at the ear after the delay plus each tap delay, at gain × tap gain', () => {
    const ear = new SampleTrack(RATE);
    ear.write(30, Int16Array.from([16384])); // 0.5
    const taps = [{ delaySamples: 0, gain: 0.9 }, { delaySamples: 4, gain: -0.3 }, { delaySamples: 11, gain: 0.1 }];
    const mic = new MicSignal({ echo: { ear, delaySamples: 20, gain: 0.25, taps } });
    const expected = new Array<number>(80).fill(0);
    expected[50] = 0.5 * 0.25 * 0.9;
    expected[54] = 0.5 * 0.25 * -0.3;
    expected[61] = 0.5 * 0.25 * 0.1;
    expectNear(render(mic, 0, 80), expected);
  });

  it('loops the background noise around its end', () => {
    const background = Float32Array.from([0.1, 0.2, 0.3]);
    const mic = new MicSignal({ background });
    expectNear(render(mic, 4, 7), [0.2, 0.3, 0.1, 0.2, 0.3, 0.1, 0.2]);
  });

  it('cuts sounds short at a hang-up, sparing those that end before it', () => {
    const mic = new MicSignal({});
    mic.place(0, Float32Array.from([0.1, 0.1]));
    mic.place(3, Float32Array.from([0.2, 0.2, 0.2, 0.2]));
    mic.place(9, Float32Array.from([0.3]));
    mic.cutAt(5);
    expectNear(render(mic, 0, 10), [0.1, 0.1, 0, 0.2, 0.2, 0, 0, 0, 0, 0]);
  });
});
