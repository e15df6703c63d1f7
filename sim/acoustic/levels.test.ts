import { describe, expect, it } from 'vitest';
import { rmsDb } from '../../core/audio/mix.js';
import { sine } from '../../core/audio/test-support/signals.js';
import { atSpeechLevel, speechLevelDb } from './levels.js';

const RATE = 16000;
const FRAME = 320; // 20 ms

/** A sine of `frames` 20 ms frames at RMS `levelDb` (whole periods per frame: 400 Hz). */
const toneAt = (levelDb: number, frames: number): Float32Array => sine(400, RATE, frames * FRAME, Math.SQRT2 * 10 ** (levelDb / 20));
const silence = (frames: number): Float32Array => new Float32Array(frames * FRAME);

function concat(...parts: Float32Array[]): Float32Array {
  const out = new Float32Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

describe('speechLevelDb', () => {
  it('is the RMS level of steady speech', () => {
    expect(speechLevelDb(toneAt(-20, 50), RATE)).toBeCloseTo(-20, 3);
  });

  it('is not pulled down by pauses, where the plain RMS is', () => {
    const withPauses = concat(silence(30), toneAt(-20, 10), silence(40), toneAt(-20, 10), silence(25));
    expect(rmsDb(withPauses)).toBeLessThan(-26);
    expect(speechLevelDb(withPauses, RATE)).toBeCloseTo(-20, 3);
  });

  it('leaves out frames more than 30 dB below the loudest, and averages the power of the rest', () => {
    expect(speechLevelDb(concat(toneAt(-20, 10), toneAt(-55, 10)), RATE)).toBeCloseTo(-20, 3);
    const both = 10 * Math.log10((10 ** (-20 / 10) + 10 ** (-45 / 10)) / 2);
    expect(speechLevelDb(concat(toneAt(-20, 10), toneAt(-45, 10)), RATE)).toBeCloseTo(both, 3);
  });

  it('is −Infinity for silence and for nothing', () => {
    expect(speechLevelDb(silence(10), RATE)).toBe(-Infinity);
    expect(speechLevelDb(new Float32Array(0), RATE)).toBe(-Infinity);
  });
});

describe('atSpeechLevel', () => {
  it('scales a copy by one gain so that its speech level is the one asked', () => {
    const speech = concat(silence(5), toneAt(-31, 12), silence(7), toneAt(-25, 9));
    const before = speech.slice();
    for (const levelDb of [-40, -20, -6]) {
      const scaled = atSpeechLevel(speech, RATE, levelDb);
      expect(speechLevelDb(scaled, RATE)).toBeCloseTo(levelDb, 3);
      const gain = 10 ** ((levelDb - speechLevelDb(speech, RATE)) / 20);
      expect(scaled).toEqual(speech.map((v) => v * gain));
    }
    expect(speech).toEqual(before);
  });

  it('gives silence for silence (no gain can give it a level), as a new array', () => {
    const quiet = silence(3);
    const out = atSpeechLevel(quiet, RATE, -20);
    expect(out).toEqual(new Float32Array(quiet.length));
    expect(out).not.toBe(quiet);
  });
});
