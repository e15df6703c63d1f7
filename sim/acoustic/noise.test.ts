import { describe, expect, it } from 'vitest';
import { rmsDb } from '../../core/audio/mix.js';
import { speechLike } from '../../core/echo/test-support/speech-like.js';
import { RealFft } from '../../core/echo/real-fft.js';
import { RandomStreams, type Random } from '../../core/random/random.js';
import { speechLevelDb } from './levels.js';
import { backgroundNoise, noiseBurst } from './noise.js';

const RATE = 16000;
const random = (seed: number): Random => new RandomStreams(seed).stream('noise');

/** Energy of `samples` between `loHz` and `hiHz`, summed over 1024-sample frames (a crude Welch estimate). */
function bandEnergy(samples: Float32Array, loHz: number, hiHz: number): number {
  const size = 1024;
  const fft = new RealFft(size);
  const frame = new Float64Array(size);
  const spectrum = fft.spectrum();
  let energy = 0;
  for (let at = 0; at + size <= samples.length; at += size) {
    for (let i = 0; i < size; i++) frame[i] = samples[at + i]!;
    fft.forward(frame, spectrum);
    for (let bin = 0; bin <= size / 2; bin++) {
      const hz = (bin * RATE) / size;
      if (hz >= loHz && hz < hiHz) energy += spectrum[2 * bin]! ** 2 + spectrum[2 * bin + 1]! ** 2;
    }
  }
  return energy;
}

/** Whether two signals are the same to the bit (deep equality of 192 000 samples would take a second). */
const same = (a: Float32Array, b: Float32Array): boolean => Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength));

const voices = [1, 2, 3].map((seed) => speechLike({ sampleRate: RATE, durationMs: 1500, levelDb: -20, seed, formantsHz: [500 + 100 * seed, 1500, 2500] }));

describe('backgroundNoise', () => {
  it.each(['white', 'pink', 'babble'] as const)('makes a 12 s loop of %s noise at the asked RMS level', (kind) => {
    for (const levelDb of [-50, -35, -20]) {
      const loop = backgroundNoise(kind, levelDb, RATE, random(1), voices);
      expect(loop).toHaveLength(12 * RATE);
      expect(Math.abs(rmsDb(loop) - levelDb), `${kind} at ${levelDb} dB`).toBeLessThanOrEqual(0.5);
    }
  });

  it('makes pink noise with more energy below 1 kHz than above 4 kHz, unlike white noise', () => {
    const pink = backgroundNoise('pink', -30, RATE, random(2));
    const white = backgroundNoise('white', -30, RATE, random(2));
    expect(bandEnergy(pink, 20, 1000)).toBeGreaterThan(2 * bandEnergy(pink, 4000, 8000));
    expect(bandEnergy(white, 20, 1000)).toBeLessThan(bandEnergy(white, 4000, 8000));
  });

  it('makes babble from the voices given: speech-shaped, unlike white noise', () => {
    const babble = backgroundNoise('babble', -30, RATE, random(3), voices);
    // The voices' resonances are below 3 kHz: hardly anything of them is above 4 kHz.
    expect(bandEnergy(babble, 0, 4000)).toBeGreaterThan(10 * bandEnergy(babble, 4000, 8000));
  });

  it('falls back to white noise for babble without voices', () => {
    expect(same(backgroundNoise('babble', -30, RATE, random(4)), backgroundNoise('white', -30, RATE, random(4)))).toBe(true);
  });

  it('is the same for the same seed and differs between seeds', () => {
    for (const kind of ['white', 'pink', 'babble'] as const) {
      const first = backgroundNoise(kind, -30, RATE, random(5), voices);
      expect(same(backgroundNoise(kind, -30, RATE, random(5), voices), first), kind).toBe(true);
      expect(same(backgroundNoise(kind, -30, RATE, random(6), voices), first), kind).toBe(false);
    }
  });
});

describe('noiseBurst', () => {
  it('lasts the asked time at the asked speech level', () => {
    for (const [durationMs, levelDb] of [[400, -18], [150, -30], [1000, -10]] as const) {
      const burst = noiseBurst(durationMs, levelDb, RATE, random(7));
      expect(burst).toHaveLength((durationMs * RATE) / 1000);
      expect(Math.abs(speechLevelDb(burst, RATE) - levelDb)).toBeLessThanOrEqual(0.5);
    }
  });

  it('rises quickly and decays: loudest near the start, far quieter at the end', () => {
    const burst = noiseBurst(500, -20, RATE, random(8));
    const fifth = burst.length / 5;
    const levels = [0, 1, 2, 3, 4].map((k) => rmsDb(burst, k * fifth, (k + 1) * fifth));
    for (let k = 1; k < 5; k++) expect(levels[k]).toBeLessThan(levels[k - 1]!);
    expect(levels[4]).toBeLessThan(levels[0]! - 10);
    // The attack: the first 20 ms start from nothing.
    expect(Math.abs(burst[0]!)).toBe(0);
    expect(rmsDb(burst, 0, 80)).toBeLessThan(rmsDb(burst, 320, 800) - 6);
  });

  it('is the same for the same seed and differs between seeds', () => {
    expect(noiseBurst(300, -20, RATE, random(9))).toEqual(noiseBurst(300, -20, RATE, random(9)));
    expect(noiseBurst(300, -20, RATE, random(9))).not.toEqual(noiseBurst(300, -20, RATE, random(10)));
  });
});
