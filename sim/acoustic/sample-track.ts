import { floatSampleToPcm16 } from '../../core/audio/pcm.js';

/**
 * A mono signal on a call's absolute sample timeline (sample `i` at `i / sampleRate` s), kept as
 * PCM16 in one-second blocks: written where it happens, read back anywhere, silence where
 * nothing was written. PCM16 because that is what gets recorded, and it halves the memory of a
 * long call.
 */
export class SampleTrack {
  readonly sampleRate: number;
  readonly #blocks = new Map<number, Int16Array>();
  #end = 0;

  constructor(sampleRate: number) {
    this.sampleRate = sampleRate;
  }

  /** Index just past the last sample written. */
  get end(): number {
    return this.#end;
  }

  /** Writes `samples[from, to)` (floats in [-1, 1], clipped; or PCM16) at index `at`, replacing what was there. */
  write(at: number, samples: Float32Array | Int16Array, from = 0, to = samples.length): void {
    const float = samples instanceof Float32Array;
    for (let i = from; i < to; ) {
      const index = at + i - from;
      const block = this.#block(index);
      const offset = index % this.sampleRate;
      const n = Math.min(to - i, this.sampleRate - offset);
      // Sample by sample, not through subarray views: a call writes thousands of packets.
      if (float) for (let k = 0; k < n; k++) block[offset + k] = floatSampleToPcm16(samples[i + k]!);
      else for (let k = 0; k < n; k++) block[offset + k] = samples[i + k]!;
      i += n;
    }
    this.#end = Math.max(this.#end, at + (to - from));
  }

  /** Silences [from, to). */
  clear(from: number, to: number): void {
    for (let index = Math.max(0, from); index < to; ) {
      const block = this.#blocks.get(Math.floor(index / this.sampleRate));
      const offset = index % this.sampleRate;
      const n = Math.min(to - index, this.sampleRate - offset);
      block?.fill(0, offset, offset + n);
      index += n;
    }
  }

  /** Adds samples [from, from + out.length) times `gain` into `out` (floats). */
  addInto(from: number, out: Float32Array, gain = 1): void {
    const scale = gain / 32768;
    for (let i = 0; i < out.length; ) {
      const index = from + i;
      if (index < 0) {
        i = Math.min(out.length, -from);
        continue;
      }
      const offset = index % this.sampleRate;
      const n = Math.min(out.length - i, this.sampleRate - offset);
      const block = this.#blocks.get(Math.floor(index / this.sampleRate));
      if (block) for (let k = 0; k < n; k++) out[i + k] = out[i + k]! + block[offset + k]! * scale;
      i += n;
    }
  }

  /** Samples [0, length) as PCM16 (for a WAV). */
  pcm16(length = this.#end): Int16Array {
    const out = new Int16Array(length);
    for (const [number, block] of this.#blocks) {
      const start = number * this.sampleRate;
      if (start >= length) continue;
      out.set(block.subarray(0, Math.min(this.sampleRate, length - start)), start);
    }
    return out;
  }

  #block(index: number): Int16Array {
    const number = Math.floor(index / this.sampleRate);
    let block = this.#blocks.get(number);
    if (!block) {
      block = new Int16Array(this.sampleRate);
      this.#blocks.set(number, block);
    }
    return block;
  }
}
