import { describe, expect, it } from 'vitest';
import { dbToGain, gainToDb, mixInto, rmsDb } from './mix.js';
import { fitSine, sine } from './test-support/signals.js';

describe('levels', () => {
  it('converts between dB and gain', () => {
    expect(dbToGain(0)).toBe(1);
    expect(dbToGain(-6.02)).toBeCloseTo(0.5, 3);
    expect(dbToGain(20)).toBeCloseTo(10, 10);
    expect(dbToGain(-Infinity)).toBe(0);
    expect(gainToDb(0.5)).toBeCloseTo(-6.0206, 4);
    expect(gainToDb(0)).toBe(-Infinity);
    expect(gainToDb(dbToGain(-17.5))).toBeCloseTo(-17.5, 10);
  });

  it('measures RMS in dBFS: a full-scale sine is −3.01, silence −Infinity', () => {
    expect(rmsDb(sine(1000, 16000, 16000, 1))).toBeCloseTo(-3.0103, 3);
    expect(rmsDb(sine(1000, 16000, 16000, 0.1))).toBeCloseTo(-23.0103, 3);
    expect(rmsDb(new Float32Array(100).fill(1))).toBe(0);
    expect(rmsDb(new Float32Array(100))).toBe(-Infinity);
    expect(rmsDb(new Float32Array(0))).toBe(-Infinity);
    const half = new Float32Array(200);
    half.fill(0.5, 100);
    expect(rmsDb(half, 100, 200)).toBeCloseTo(-6.0206, 4);
    expect(rmsDb(half, 0, 100)).toBe(-Infinity);
    expect(rmsDb(half, 150, 150)).toBe(-Infinity);
  });
});

describe('mixInto', () => {
  it('adds two sines: each is still there at its own amplitude', () => {
    const target = sine(440, 16000, 16000, 0.3);
    mixInto(target, sine(1000, 16000, 16000, 0.2), { offset: 0, gainDb: 0 });
    expect(fitSine(target, 440, 16000).amplitude).toBeCloseTo(0.3, 3);
    expect(fitSine(target, 1000, 16000).amplitude).toBeCloseTo(0.2, 3);
  });

  it('lands a delayed impulse on the right sample, and −6.02 dB halves it', () => {
    const target = new Float32Array(100);
    const impulse = new Float32Array(10);
    impulse[0] = 0.8;
    expect(mixInto(target, impulse, { offset: 37, gainDb: -6.0206 })).toBe(target);
    expect(target.findIndex((v) => v !== 0)).toBe(37);
    expect(target[37]).toBeCloseTo(0.4, 6);
    expect(target.filter((v) => v !== 0)).toHaveLength(1);
  });

  it('takes a negative offset as dropping the start of the source, and keeps to the target', () => {
    const target = new Float32Array(5);
    const ramp = new Float32Array([1, 2, 3, 4, 5, 6, 7]);
    mixInto(target, ramp, { offset: -2, gainDb: 0 });
    expect(Array.from(target)).toEqual([3, 4, 5, 6, 7]);
    mixInto(target, ramp, { offset: 3, gainDb: 0 });
    expect(Array.from(target)).toEqual([3, 4, 5, 7, 9]);
    mixInto(target, ramp, { offset: 10, gainDb: 0 });
    mixInto(target, ramp, { offset: -10, gainDb: 0 });
    mixInto(target, ramp, { offset: 0, gainDb: -Infinity });
    expect(Array.from(target)).toEqual([3, 4, 5, 7, 9]);
  });

  it('does not clip', () => {
    const target = new Float32Array([0.9]);
    mixInto(target, new Float32Array([0.9]), { offset: 0, gainDb: 0 });
    expect(target[0]).toBeCloseTo(1.8, 6);
  });

  it('refuses a fractional offset', () => {
    expect(() => mixInto(new Float32Array(4), new Float32Array(2), { offset: 1.5, gainDb: 0 })).toThrow(RangeError);
  });
});
