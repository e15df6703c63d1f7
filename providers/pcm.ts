/**
 * PCM16 little-endian bytes, as the providers send and take them, to and from AudioChunks.
 *
 * @module
 */
import type { AudioChunk } from '../core/audio/chunk.js';

/** The bytes of a chunk (PCM16 LE); silence of the chunk's length when it carries no samples. */
export function chunkBytes(chunk: AudioChunk): Uint8Array {
  const bytes = new Uint8Array(chunk.samples * 2);
  if (chunk.pcm) {
    const view = new DataView(bytes.buffer);
    const n = Math.min(chunk.samples, chunk.pcm.length);
    for (let i = 0; i < n; i++) view.setInt16(i * 2, chunk.pcm[i]!, true);
  }
  return bytes;
}

/** RMS level of samples in dBFS (−Infinity for silence). */
export function levelDbOf(pcm: Int16Array): number {
  if (pcm.length === 0) return -Infinity;
  let sum = 0;
  for (const sample of pcm) sum += sample * sample;
  return 20 * Math.log10(Math.sqrt(sum / pcm.length) / 32768);
}

/**
 * Turns a stream of PCM16 LE byte buffers into AudioChunks. A buffer may end in the middle of a
 * sample; the odd byte is kept for the next one.
 */
export class Pcm16Decoder {
  readonly sampleRate: number;
  #carry: number | undefined;

  constructor(sampleRate: number) {
    this.sampleRate = sampleRate;
  }

  /** The chunk of the whole samples available after `bytes`, or undefined when there are none. */
  push(bytes: Uint8Array): AudioChunk | undefined {
    let data = bytes;
    if (this.#carry !== undefined) {
      data = new Uint8Array(bytes.length + 1);
      data[0] = this.#carry;
      data.set(bytes, 1);
      this.#carry = undefined;
    }
    if (data.length % 2 === 1) {
      this.#carry = data[data.length - 1];
      data = data.subarray(0, data.length - 1);
    }
    if (data.length === 0) return undefined;
    const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
    const pcm = new Int16Array(data.length / 2);
    for (let i = 0; i < pcm.length; i++) pcm[i] = view.getInt16(i * 2, true);
    const levelDb = levelDbOf(pcm);
    return { sampleRate: this.sampleRate, samples: pcm.length, pcm, ...(Number.isFinite(levelDb) ? { levelDb } : {}) };
  }

  /** Forgets a pending odd byte (after a clear). */
  reset(): void {
    this.#carry = undefined;
  }
}
