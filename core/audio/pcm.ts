/**
 * PCM16 ↔ float conversions. Floats are in [-1, 1]; PCM16 full scale is 32768, so
 * `floatToPcm16(pcm16ToFloat(x))` gives back `x` exactly.
 *
 * Both take an optional output array, so a per-frame caller can reuse one buffer.
 *
 * @module
 */

/**
 * Float samples to PCM16: scaled by 32768, rounded half up (`Math.round`, the same on every
 * machine) and clipped to [-32768, 32767]. NaN becomes 0.
 */
export function floatToPcm16(samples: Float32Array, out: Int16Array = new Int16Array(samples.length)): Int16Array {
  if (out.length < samples.length) throw new RangeError(`output holds ${out.length} samples, ${samples.length} needed`);
  for (let i = 0; i < samples.length; i++) out[i] = floatSampleToPcm16(samples[i]!);
  return out;
}

/** One float sample to PCM16, as {@link floatToPcm16} converts each. */
export function floatSampleToPcm16(sample: number): number {
  const scaled = Math.round(sample * 32768);
  // NaN fails both comparisons and `NaN | 0` is 0.
  return scaled >= 32767 ? 32767 : scaled <= -32768 ? -32768 : scaled | 0;
}

/** PCM16 samples to floats in [-1, 1): each divided by 32768. */
export function pcm16ToFloat(samples: Int16Array, out: Float32Array = new Float32Array(samples.length)): Float32Array {
  if (out.length < samples.length) throw new RangeError(`output holds ${out.length} samples, ${samples.length} needed`);
  for (let i = 0; i < samples.length; i++) out[i] = samples[i]! / 32768;
  return out;
}
