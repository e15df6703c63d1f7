import { describe, expect, it } from 'vitest';
import type { FrameVad } from './frame-vad.js';
import { detectSpeechSegments, segmentsFromProbabilities, speechProbabilities } from './segments.js';

/** A VAD that answers from a script and records the windows it was given. */
function scripted(probabilities: readonly number[], windowSamples = 4): FrameVad & { windows: Float32Array[]; resets: number } {
  let i = 0;
  const vad = {
    kind: 'energy' as const,
    sampleRate: 8000 as const,
    windowSamples,
    windows: [] as Float32Array[],
    resets: 0,
    process: async (window: Float32Array) => {
      vad.windows.push(window.slice());
      return probabilities[i++] ?? 0;
    },
    reset: () => {
      vad.resets++;
      i = 0;
    },
    dispose: async () => {},
  };
  return vad;
}

describe('speech segments', () => {
  it('runs every window through the VAD, reset first, the last one padded with zeros', async () => {
    const vad = scripted([0.1, 0.2, 0.3]);
    const samples = Float32Array.from({ length: 10 }, (_, i) => i + 1);
    expect(Array.from(await speechProbabilities(samples, vad))).toEqual([0.1, 0.2, 0.3].map(Math.fround));
    expect(vad.resets).toBe(1);
    expect(vad.windows.map((w) => Array.from(w))).toEqual([[1, 2, 3, 4], [5, 6, 7, 8], [9, 10, 0, 0]]);
  });

  it('turns probabilities into segments through the hysteresis, closing speech at the end', () => {
    const p = Float32Array.from([0, 0.9, 0.9, 0.9, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.9, 0.9, 0.9]);
    // 32 ms windows: speech from 32 ms; 224 ms of silence ends it at 128 ms; again from 352 ms to the end.
    expect(segmentsFromProbabilities(p, 32, 14 * 32 - 10)).toEqual([
      { startMs: 32, endMs: 128 },
      { startMs: 352, endMs: 438 },
    ]);
    // The hysteresis options apply: a longer min silence joins them, a higher threshold drops them.
    expect(segmentsFromProbabilities(p, 32, 448, { minSilenceMs: 300 })).toEqual([{ startMs: 32, endMs: 448 }]);
    expect(segmentsFromProbabilities(p, 32, 448, { activationThreshold: 0.95 })).toEqual([]);
    // A single loud window is shorter than min speech (50 ms): no segment.
    expect(segmentsFromProbabilities(Float32Array.from([0, 0.9, 0, 0, 0, 0, 0, 0, 0]), 32, 288)).toEqual([]);
  });

  it('gives window times from the VAD geometry', async () => {
    // 4-sample windows at 8 kHz: 0.5 ms each.
    const vad = scripted([0, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0], 4);
    expect(await detectSpeechSegments(new Float32Array(4 * 16), vad, { minSpeechMs: 1, minSilenceMs: 2 })).toEqual([{ startMs: 0.5, endMs: 2.5 }]);
  });
});
