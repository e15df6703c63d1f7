import { describe, expect, it } from 'vitest';
import { rmsDb } from './mix.js';
import { resample, Resampler } from './resample.js';
import { fitSine, sine } from './test-support/signals.js';

/** The middle of a signal, away from the zeros assumed outside it. */
const middle = (samples: Float32Array, rate: number): [number, number] => [Math.round(rate * 0.05), samples.length - Math.round(rate * 0.05)];

describe('resample', () => {
  it.each([
    [48000, 16000, 1000],
    [48000, 16000, 6000],
    [16000, 8000, 1000],
    [16000, 8000, 3400],
    [8000, 16000, 1000],
    [8000, 16000, 3400],
    [44100, 16000, 1000],
    [44100, 16000, 6500],
    [16000, 44100, 5000],
    [44056, 16000, 2500], // 2000 phases: the interpolated filter
  ])('%i Hz → %i Hz keeps a %i Hz sine: same frequency, amplitude within 0.5 dB', (from, to, frequency) => {
    const input = sine(frequency, from, from, 0.5, 0.3);
    const output = resample(input, from, to);
    const [start, end] = middle(output, to);
    const fit = fitSine(output, frequency, to, start, end);
    expect(Math.abs(20 * Math.log10(fit.amplitude / 0.5))).toBeLessThan(0.5);
    // Nothing but that sine: a shifted frequency, aliases or images would all be left over.
    expect(fit.residualDb).toBeLessThan(-60);
  });

  it.each([
    [48000, 16000, 10000],
    [48000, 16000, 8600],
    [16000, 8000, 5000],
    [16000, 8000, 4300],
    [44100, 16000, 11025],
    [48000, 8000, 12000],
  ])('%i Hz → %i Hz attenuates a %i Hz tone (above the new Nyquist) by ≥ 30 dB', (from, to, frequency) => {
    const input = sine(frequency, from, from, 0.5);
    const output = resample(input, from, to);
    const [start, end] = middle(output, to);
    expect(rmsDb(output, start, end) - rmsDb(input)).toBeLessThan(-30);
  });

  it('gives round(n·to/from) samples', () => {
    for (const [from, to] of [[48000, 16000], [16000, 8000], [8000, 16000], [44100, 16000], [22050, 16000], [16000, 44100]] as const) {
      for (const n of [0, 1, 2, 7, 441, 1000, 4801]) {
        expect(resample(new Float32Array(n), from, to).length, `${from}→${to}, n=${n}`).toBe(Math.round((n * to) / from));
      }
    }
  });

  it('passes DC at unit gain and is time-aligned', () => {
    const dc = resample(new Float32Array(4410).fill(0.5), 44100, 16000);
    for (let i = 200; i < 1400; i++) expect(dc[i]).toBeCloseTo(0.5, 5);
    // An impulse at 30 ms comes out centred at 30 ms.
    const impulse = new Float32Array(4800);
    impulse[1440] = 1;
    const out = resample(impulse, 48000, 16000);
    expect(out.indexOf(Math.max(...out))).toBe(480);
  });

  it('returns a copy for equal rates and rejects bad rates', () => {
    const input = sine(440, 16000, 100);
    const same = resample(input, 16000, 16000);
    expect(same).toEqual(input);
    expect(same).not.toBe(input);
    expect(() => resample(input, 0, 16000)).toThrow(RangeError);
    expect(() => resample(input, 16000, 22050.5)).toThrow(RangeError);
  });

  it('is deterministic', () => {
    const input = sine(1234, 44100, 44100, 0.7, 1);
    expect(resample(input, 44100, 16000)).toEqual(resample(input.slice(), 44100, 16000));
  });
});

describe('Resampler (streaming)', () => {
  /** Feeds `input` in frames of the given sizes (cycled); returns the joined output. */
  function stream(resampler: Resampler, input: Float32Array, sizes: readonly number[]): Float32Array {
    const parts: Float32Array[] = [];
    for (let at = 0, k = 0; at < input.length; k++) {
      const size = Math.min(sizes[k % sizes.length]!, input.length - at);
      parts.push(resampler.process(input.subarray(at, at + size)));
      at += size;
    }
    return Float32Array.from(parts.flatMap((part) => Array.from(part)));
  }

  it.each([
    [16000, 8000],
    [8000, 16000],
    [48000, 16000],
  ])('%i → %i Hz: 20 ms in, 20 ms out, the whole-signal result delayed by delaySamples', (from, to) => {
    const input = sine(700, from, from / 2, 0.5, 0.2);
    const resampler = new Resampler(from, to);
    const frame = from / 50;
    const sizes: number[] = [];
    for (let at = 0; at < input.length; at += frame) sizes.push(resampler.outputLength(frame) === to / 50 ? frame : -1);
    resampler.reset();
    expect(sizes.every((s) => s === frame)).toBe(true);
    const streamed = stream(resampler, input, [frame]);
    expect(streamed.length).toBe(input.length * (to / from));
    const whole = resample(input, from, to);
    const shift = (resampler.delaySamples * to) / from;
    expect(Number.isInteger(shift)).toBe(true);
    let worst = 0;
    for (let j = 0; j + shift < streamed.length; j++) worst = Math.max(worst, Math.abs(streamed[j + shift]! - whole[j]!));
    expect(worst).toBeLessThan(1e-6);
    expect(rmsDb(streamed, 0, shift)).toBeLessThan(-40); // the delay: (nearly) silence
  });

  it('gives the same output whatever the frame sizes', () => {
    const input = sine(900, 44100, 22050, 0.5);
    const a = stream(new Resampler(44100, 16000), input, [882]);
    const b = stream(new Resampler(44100, 16000), input, [1, 7, 100, 1000, 3]);
    const c = new Resampler(44100, 16000).process(input);
    expect(b).toEqual(a);
    expect(c).toEqual(a);
  });

  it('flushes the tail and starts over after reset()', () => {
    const resampler = new Resampler(16000, 8000);
    const input = sine(500, 16000, 1600);
    const first = resampler.process(input);
    const tail = resampler.flush();
    expect(first.length + tail.length).toBe(800 + resampler.delaySamples / 2);
    expect(resampler.delayMs).toBe(4);
    resampler.reset();
    expect(resampler.process(input)).toEqual(first);
  });

  it('writes into a given buffer', () => {
    const resampler = new Resampler(16000, 8000);
    const out = new Float32Array(160);
    expect(resampler.processInto(sine(500, 16000, 320), out)).toBe(160);
    expect(() => resampler.processInto(sine(500, 16000, 640), out)).toThrow(RangeError);
  });
});
