import { RandomStreams, type Random } from '../../random/random.js';

/** Options of {@link speechLike}. */
export interface SpeechLikeOptions {
  readonly sampleRate: number;
  readonly durationMs: number;
  /** RMS level while voiced, dBFS. */
  readonly levelDb: number;
  readonly seed: number;
  /** Resonances (Hz) that colour the voice; different talkers, different resonances. */
  readonly formantsHz: readonly number[];
}

/**
 * A deterministic stand-in for speech, for testing signal processing without audio files:
 * pulses at a pitch plus noise, coloured by resonators, in syllables of 120–300 ms separated by
 * short gaps, with a pause of 300–600 ms every few syllables.
 */
export function speechLike(options: SpeechLikeOptions): Float32Array {
  const { sampleRate, durationMs, levelDb, seed, formantsHz } = options;
  const random: Random = new RandomStreams(seed).stream('speech-like');
  const n = Math.round((durationMs * sampleRate) / 1000);
  const source = new Float32Array(n);
  const envelope = new Float32Array(n);
  let i = 0;
  let syllables = 0;
  while (i < n) {
    const voiced = Math.round((random.uniform(120, 300) * sampleRate) / 1000);
    const pitch = sampleRate / random.uniform(90, 220);
    for (let j = 0; j < voiced && i + j < n; j++) {
      const phase = j / voiced;
      envelope[i + j] = Math.sin(Math.PI * phase) ** 0.5;
      source[i + j] = (j % Math.round(pitch) === 0 ? 1 : 0) + 0.3 * (random.float() - 0.5);
    }
    i += voiced;
    syllables++;
    const gapMs = syllables % 4 === 0 ? random.uniform(300, 600) : random.uniform(20, 80);
    i += Math.round((gapMs * sampleRate) / 1000);
  }
  let signal: Float32Array = source;
  for (const hz of formantsHz) signal = resonate(signal, hz, 120, sampleRate);
  for (let k = 0; k < n; k++) signal[k] = signal[k]! * envelope[k]!;
  return scaleToLevel(signal, levelDb);
}

/** A two-pole resonator at `hz` with bandwidth `bandwidthHz`. */
function resonate(input: Float32Array, hz: number, bandwidthHz: number, sampleRate: number): Float32Array {
  const r = Math.exp((-Math.PI * bandwidthHz) / sampleRate);
  const a1 = 2 * r * Math.cos((2 * Math.PI * hz) / sampleRate);
  const a2 = -r * r;
  const out = new Float32Array(input.length);
  let y1 = 0;
  let y2 = 0;
  for (let k = 0; k < input.length; k++) {
    const y = input[k]! + a1 * y1 + a2 * y2;
    out[k] = y;
    y2 = y1;
    y1 = y;
  }
  return out;
}

/** Scales so that the RMS over the non-silent samples is `levelDb` dBFS. */
function scaleToLevel(signal: Float32Array, levelDb: number): Float32Array {
  let sum = 0;
  let count = 0;
  for (const v of signal) {
    if (v !== 0) {
      sum += v * v;
      count++;
    }
  }
  const gain = count === 0 ? 0 : 10 ** (levelDb / 20) / Math.sqrt(sum / count);
  for (let k = 0; k < signal.length; k++) signal[k] = signal[k]! * gain;
  return signal;
}

/** RMS level of `samples[from, to)` in dBFS (−Infinity for silence). */
export function levelDb(samples: ArrayLike<number>, from = 0, to = samples.length): number {
  let sum = 0;
  for (let k = from; k < to; k++) sum += samples[k]! * samples[k]!;
  return 10 * Math.log10(sum / Math.max(1, to - from));
}
