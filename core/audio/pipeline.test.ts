import { describe, expect, it } from 'vitest';
import { selectChannel, toPipeline } from './pipeline.js';
import { fitSine, sine } from './test-support/signals.js';
import type { DecodedAudio } from './wav.js';

const audio = (sampleRate: number, ...channels: Float32Array[]): DecodedAudio => ({
  sampleRate,
  channels,
  durationMs: (channels[0]!.length * 1000) / sampleRate,
  encoding: 'float32',
});

describe('selectChannel', () => {
  const left = new Float32Array([1, 0.5, 0]);
  const right = new Float32Array([0, 0.5, -1]);

  it('picks left or right, or averages them', () => {
    const stereo = audio(16000, left, right);
    expect(selectChannel(stereo, 'left')).toBe(left);
    expect(selectChannel(stereo, 'right')).toBe(right);
    expect(Array.from(selectChannel(stereo, 'mix'))).toEqual([0.5, 0.5, -0.5]);
  });

  it('returns the only channel of mono audio whatever the choice', () => {
    const mono = audio(16000, left);
    for (const which of ['left', 'right', 'mix'] as const) expect(selectChannel(mono, which)).toBe(left);
  });
});

describe('toPipeline', () => {
  it('gives mono at 16 kHz by default, or 8 kHz', () => {
    const stereo = audio(44100, sine(1000, 44100, 44100, 0.4), sine(1000, 44100, 44100, 0.2));
    const mono16 = toPipeline(stereo);
    expect(mono16).toHaveLength(16000);
    expect(fitSine(mono16, 1000, 16000, 800, 15200).amplitude).toBeCloseTo(0.3, 3);
    const left8 = toPipeline(stereo, { channel: 'left', sampleRate: 8000 });
    expect(left8).toHaveLength(8000);
    expect(fitSine(left8, 1000, 8000, 400, 7600).amplitude).toBeCloseTo(0.4, 3);
  });

  it('passes audio already at the rate through', () => {
    const samples = sine(300, 16000, 320);
    expect(toPipeline(audio(16000, samples))).toBe(samples);
  });
});
