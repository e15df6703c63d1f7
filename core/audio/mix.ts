/**
 * Levels and mixing on float samples (full scale ±1): decibel conversions, RMS level in dBFS,
 * and adding one signal into another at an offset and gain.
 *
 * @module
 */

/** Linear amplitude gain of `db` decibels: 10^(db/20). −Infinity gives 0. */
export function dbToGain(db: number): number {
  return Math.pow(10, db / 20);
}

/** Decibels of a linear amplitude gain: 20·log10(gain). 0 gives −Infinity. */
export function gainToDb(gain: number): number {
  return 20 * Math.log10(gain);
}

/**
 * RMS level of `samples[start, end)` in dBFS, where a full-scale square wave is 0 dBFS and a
 * full-scale sine −3.01 dBFS. Silence (or an empty range) is −Infinity.
 */
export function rmsDb(samples: Float32Array, start = 0, end = samples.length): number {
  const from = Math.max(0, start);
  const to = Math.min(samples.length, end);
  if (to <= from) return -Infinity;
  let sum = 0;
  for (let i = from; i < to; i++) {
    const s = samples[i]!;
    sum += s * s;
  }
  return 10 * Math.log10(sum / (to - from));
}

/** Options of {@link mixInto}. */
export interface MixOptions {
  /** Where `source[0]` lands in `target`, in samples; negative drops the start of `source`. */
  readonly offset: number;
  /** Gain applied to `source`, in dB (0: as is; −Infinity: nothing is added). */
  readonly gainDb: number;
}

/**
 * Adds `source`, scaled by `gainDb`, into `target` starting at `target[offset]`. Only the
 * overlap is touched; nothing is clipped (the caller decides what to do above full scale).
 * Returns `target`.
 */
export function mixInto(target: Float32Array, source: Float32Array, options: MixOptions): Float32Array {
  const offset = options.offset;
  if (!Number.isInteger(offset)) throw new RangeError(`offset must be a whole number of samples, got ${offset}`);
  const gain = dbToGain(options.gainDb);
  if (gain === 0) return target;
  const from = Math.max(0, -offset);
  const to = Math.min(source.length, target.length - offset);
  if (gain === 1) {
    for (let i = from; i < to; i++) target[i + offset]! += source[i]!;
  } else {
    for (let i = from; i < to; i++) target[i + offset]! += source[i]! * gain;
  }
  return target;
}
