import type { Random } from '../../core/random/random.js';
import type { NoiseKind } from '../scenario/model.js';
import { atSpeechLevel } from './levels.js';

/** Length of a background-noise loop. Long enough that its repetition is not a pattern the VAD could learn. */
const LOOP_SECONDS = 12;

/**
 * Background noise as a loop of samples at `levelDb` (RMS, dBFS): white, pink (−3 dB per
 * octave, Paul Kellet's filter), or babble (several voices from `voices`, each at a random
 * point of its clip, summed; roughly speech-shaped and modulated like a room of talkers).
 */
export function backgroundNoise(kind: NoiseKind, levelDb: number, sampleRate: number, random: Random, voices: readonly Float32Array[] = []): Float32Array {
  const n = LOOP_SECONDS * sampleRate;
  const loop = new Float32Array(n);
  if (kind === 'babble' && voices.length > 0) {
    for (let talker = 0; talker < 6; talker++) {
      let at = Math.floor(random.float() * sampleRate);
      while (at < n) {
        const clip = random.pick(voices);
        for (let i = 0; i < clip.length && at + i < n; i++) loop[at + i] = loop[at + i]! + clip[i]!;
        at += clip.length + Math.floor(random.uniform(0.05, 0.4) * sampleRate);
      }
    }
  } else {
    let b0 = 0, b1 = 0, b2 = 0, b3 = 0, b4 = 0, b5 = 0, b6 = 0;
    for (let i = 0; i < n; i++) {
      const white = random.float() * 2 - 1;
      if (kind === 'white' || kind === 'babble') {
        loop[i] = white;
        continue;
      }
      b0 = 0.99886 * b0 + white * 0.0555179;
      b1 = 0.99332 * b1 + white * 0.0750759;
      b2 = 0.969 * b2 + white * 0.153852;
      b3 = 0.8665 * b3 + white * 0.3104856;
      b4 = 0.55 * b4 + white * 0.5329522;
      b5 = -0.7616 * b5 - white * 0.016898;
      loop[i] = b0 + b1 + b2 + b3 + b4 + b5 + b6 + white * 0.5362;
      b6 = white * 0.115926;
    }
  }
  return atRms(loop, levelDb);
}

/** A cough-like burst: noise through a low resonance, a sharp attack and a decay, at `levelDb` (speech level). */
export function noiseBurst(durationMs: number, levelDb: number, sampleRate: number, random: Random): Float32Array {
  const n = Math.max(1, Math.round((durationMs * sampleRate) / 1000));
  const out = new Float32Array(n);
  const r = Math.exp((-Math.PI * 400) / sampleRate);
  const a1 = 2 * r * Math.cos((2 * Math.PI * random.uniform(300, 700)) / sampleRate);
  const a2 = -r * r;
  let y1 = 0;
  let y2 = 0;
  const attack = Math.round(0.02 * sampleRate);
  for (let i = 0; i < n; i++) {
    const y = random.float() * 2 - 1 + a1 * y1 + a2 * y2;
    y2 = y1;
    y1 = y;
    const envelope = i < attack ? i / attack : Math.exp((-3 * (i - attack)) / Math.max(1, n - attack));
    out[i] = y * envelope;
  }
  return atSpeechLevel(out, sampleRate, levelDb);
}

function atRms(samples: Float32Array, levelDb: number): Float32Array {
  let sum = 0;
  for (let i = 0; i < samples.length; i++) sum += samples[i]! * samples[i]!;
  const rms = Math.sqrt(sum / samples.length);
  const gain = rms > 0 ? 10 ** (levelDb / 20) / rms : 0;
  for (let i = 0; i < samples.length; i++) samples[i] = samples[i]! * gain;
  return samples;
}
