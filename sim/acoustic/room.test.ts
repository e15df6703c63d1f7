import { describe, expect, it } from 'vitest';
import { RandomStreams } from '../../core/random/random.js';
import { roomTaps, type RoomTap } from './room.js';

const RATE = 16000;
const taps = (roomMs: number | undefined, seed = 1): RoomTap[] => roomTaps(roomMs, RATE, new RandomStreams(seed).stream('room'));
const energy = (response: readonly RoomTap[]): number => response.reduce((sum, t) => sum + t.gain * t.gain, 0);

describe('roomTaps', () => {
  it('is the direct path alone, at unit gain, without a room', () => {
    expect(taps(undefined)).toEqual([{ delaySamples: 0, gain: 1 }]);
    expect(taps(0)).toEqual([{ delaySamples: 0, gain: 1 }]);
  });

  it.each([5, 20, 80])('has unit energy, the direct path first with no delay, and six reflections within %i ms', (roomMs) => {
    for (const seed of [1, 2, 3, 4, 5]) {
      const response = taps(roomMs, seed);
      expect(response).toHaveLength(7);
      expect(energy(response)).toBeCloseTo(1, 12);
      expect(response[0]!.delaySamples).toBe(0);
      expect(response[0]!.gain).toBeGreaterThan(0);
      for (const reflection of response.slice(1)) {
        expect(Number.isInteger(reflection.delaySamples)).toBe(true);
        expect(reflection.delaySamples).toBeGreaterThanOrEqual(1);
        expect(reflection.delaySamples).toBeLessThanOrEqual((roomMs * RATE) / 1000);
        // Each reflection is quieter than the direct path.
        expect(Math.abs(reflection.gain)).toBeLessThan(response[0]!.gain);
      }
    }
  });

  it('makes later reflections no louder than earlier ones (an exponential decay)', () => {
    const reflections = taps(50, 7).slice(1).sort((a, b) => a.delaySamples - b.delaySamples);
    for (let i = 1; i < reflections.length; i++) {
      expect(Math.abs(reflections[i]!.gain)).toBeLessThanOrEqual(Math.abs(reflections[i - 1]!.gain) + 1e-12);
    }
  });

  it('gives reflections of both signs over seeds', () => {
    const signs = new Set([1, 2, 3, 4].flatMap((seed) => taps(30, seed).slice(1).map((t) => Math.sign(t.gain))));
    expect(signs).toEqual(new Set([1, -1]));
  });

  it('is the same for the same seed and differs between seeds', () => {
    expect(taps(30, 42)).toEqual(taps(30, 42));
    expect(taps(30, 42)).not.toEqual(taps(30, 43));
  });
});
