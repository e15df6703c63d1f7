import { describe, expect, it } from 'vitest';
import { RandomStreams } from '../random/random.js';
import { dbToGain, mixInto } from '../audio/mix.js';
import { createEnergyVad } from './energy-vad.js';
import { detectSpeechSegments, speechProbabilities } from './segments.js';
import { speechSamples, TRUE_SPEECH, worstBoundError } from './test-support/fixtures.js';

/** A window of constant level `db` dBFS RMS (a square wave). */
function level(db: number, n = 512): Float32Array {
  const g = dbToGain(db);
  return Float32Array.from({ length: n }, (_, i) => (i % 2 === 0 ? g : -g));
}

describe('energy VAD', () => {
  it.each([
    ['speech-one.wav', 16000],
    ['speech-two.wav', 16000],
    ['stereo-left.wav', 16000],
    ['speech-one.wav', 8000],
    ['speech-two.wav', 8000],
  ] as const)('finds the speech of clean %s at %i Hz within 100 ms of its true bounds', async (name, rate) => {
    const vad = createEnergyVad({ sampleRate: rate });
    expect(vad).toMatchObject({ kind: 'energy', sampleRate: rate, windowSamples: rate === 16000 ? 512 : 256 });
    const segments = await detectSpeechSegments(speechSamples(name, rate), vad);
    expect(worstBoundError(segments, TRUE_SPEECH[name]!), JSON.stringify(segments)).toBeLessThanOrEqual(100);
  });

  it('maps level to probability as documented: a logistic around max(floor + 12 dB, −50 dBFS)', () => {
    const vad = createEnergyVad();
    // Floor at −70: the threshold is the absolute −50 dBFS. (Each window also moves the floor: reset.)
    const at = (db: number): number => {
      vad.reset();
      return vad.processSync(level(db));
    };
    expect(at(-50)).toBeCloseTo(0.5, 6);
    expect(at(-44)).toBeCloseTo(1 / (1 + Math.exp(-2)), 6);
    expect(at(-56)).toBeCloseTo(1 / (1 + Math.exp(2)), 6);
    expect(at(-20)).toBeGreaterThan(0.9999);
    expect(vad.processSync(new Float32Array(512))).toBe(0);
    // After half a minute of a steady −40 dBFS the floor has risen to it: the threshold is −28.
    vad.reset();
    for (let i = 0; i < 1000; i++) vad.processSync(level(-40));
    expect(vad.processSync(level(-28))).toBeCloseTo(0.5, 2);
  });

  it('learns a steady noise within a few seconds, and still hears speech 20 dB above it', async () => {
    const random = new RandomStreams(3).stream('noise');
    const noiseSd = dbToGain(-45);
    const signal = Float32Array.from({ length: 16000 * 8 }, () => random.normal(0, noiseSd));
    const speech = speechSamples('speech-one.wav');
    mixInto(signal, speech, { offset: 16000 * 5, gainDb: 0 });
    const segments = await detectSpeechSegments(signal, createEnergyVad());
    // Noise from the start counts as speech until the floor has caught up (under 4 s)...
    expect(segments[0]!.startMs).toBe(0);
    expect(segments[0]!.endMs).toBeLessThan(4000);
    // ...then only the speech is found, at 5.5 s to 8.14 s.
    const rest = segments.slice(1);
    expect(worstBoundError(rest, [[5500, 8143]])).toBeLessThanOrEqual(150);
  });

  it('is deterministic, sync and async alike', async () => {
    const samples = speechSamples('speech-two.wav');
    const vad = createEnergyVad();
    const a = await speechProbabilities(samples, vad);
    const b = await speechProbabilities(samples, vad);
    expect(b).toEqual(a);
    vad.reset();
    const sync = Float32Array.from({ length: a.length - 1 }, (_, i) => vad.processSync(samples.subarray(512 * i, 512 * (i + 1))));
    expect(sync).toEqual(a.subarray(0, a.length - 1));
  });

  it('takes exactly one window, and checks its options', async () => {
    const vad = createEnergyVad({ windowSamples: 320 });
    expect(vad.windowSamples).toBe(320);
    expect(() => vad.processSync(new Float32Array(512))).toThrow('energy VAD: a window is 320 samples, got 512');
    await expect(vad.process(new Float32Array(10))).rejects.toThrow(RangeError);
    expect(() => createEnergyVad({ slopeDb: 0 })).toThrow(RangeError);
    expect(() => createEnergyVad({ sampleRate: 22050 as 16000 })).toThrow(RangeError);
    await vad.dispose();
  });
});
