/**
 * From decoded audio to the pipeline's format: one channel, at 16 kHz (or 8 kHz for telephony).
 *
 * @module
 */
import { resample } from './resample.js';
import type { DecodedAudio } from './wav.js';

/** Which channel of a stereo file to use: left, right, or their average. */
export type ChannelChoice = 'left' | 'right' | 'mix';

/** Sample rates of the pipeline. */
export type PipelineRate = 16000 | 8000;

/**
 * One channel of `audio`. Mono audio is returned as it is whatever the choice (a mono file has
 * no right channel to be missing). `mix` averages left and right, so each is 6 dB down in the
 * result. Returns the decoded array itself (not a copy) for mono, left and right.
 */
export function selectChannel(audio: DecodedAudio, which: ChannelChoice): Float32Array {
  const [left, right] = audio.channels;
  if (!left) throw new RangeError('audio without channels');
  if (!right) return left;
  if (which === 'left') return left;
  if (which === 'right') return right;
  const mixed = new Float32Array(left.length);
  for (let i = 0; i < mixed.length; i++) mixed[i] = (left[i]! + right[i]!) / 2;
  return mixed;
}

/** Options of {@link toPipeline}. */
export interface PipelineOptions {
  /** Default 'mix'. */
  readonly channel?: ChannelChoice;
  /** Default 16000. */
  readonly sampleRate?: PipelineRate;
}

/**
 * Mono float samples at the pipeline rate: the chosen channel, resampled (band-limited, see
 * {@link resample}) if needed. Audio already mono at that rate comes back as the same array.
 */
export function toPipeline(audio: DecodedAudio, options: PipelineOptions = {}): Float32Array {
  const samples = selectChannel(audio, options.channel ?? 'mix');
  const rate = options.sampleRate ?? 16000;
  return audio.sampleRate === rate ? samples : resample(samples, audio.sampleRate, rate);
}
