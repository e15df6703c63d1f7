/**
 * A span of mono audio. In the symbolic world it carries no samples, only its length and level;
 * in the acoustic and live worlds `pcm` holds the PCM16 samples.
 */
export interface AudioChunk {
  readonly sampleRate: number;
  /** Number of samples (the chunk's length, with or without `pcm`). */
  readonly samples: number;
  /** PCM16 samples, when the world has them. */
  readonly pcm?: Int16Array;
  /** RMS level in dBFS, when known (the symbolic world states it instead of computing it). */
  readonly levelDb?: number;
}

/** Length of a chunk in milliseconds. */
export function chunkDurationMs(chunk: AudioChunk): number {
  return (chunk.samples * 1000) / chunk.sampleRate;
}

/** Number of samples in `ms` milliseconds at `sampleRate`. */
export function samplesFor(ms: number, sampleRate: number): number {
  return Math.round((ms * sampleRate) / 1000);
}
