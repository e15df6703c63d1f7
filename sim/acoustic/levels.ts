/** Length of the frames speech levels are measured over. */
const FRAME_MS = 20;
/** Frames this far below the loudest are pauses, not speech, for the level. */
const ACTIVE_RANGE_DB = 30;

/**
 * The level of speech in dBFS: the RMS over its active frames (those within 30 dB of the
 * loudest 20 ms frame), so the pauses between words do not pull it down. −Infinity for silence.
 */
export function speechLevelDb(samples: Float32Array, sampleRate: number): number {
  const frame = Math.max(1, Math.round((FRAME_MS * sampleRate) / 1000));
  const powers: number[] = [];
  for (let at = 0; at < samples.length; at += frame) {
    let sum = 0;
    const end = Math.min(samples.length, at + frame);
    for (let i = at; i < end; i++) sum += samples[i]! * samples[i]!;
    powers.push(sum / (end - at));
  }
  const loudest = Math.max(0, ...powers);
  if (loudest === 0) return -Infinity;
  const floor = loudest * 10 ** (-ACTIVE_RANGE_DB / 10);
  const active = powers.filter((p) => p >= floor);
  return 10 * Math.log10(active.reduce((a, b) => a + b, 0) / active.length);
}

/** A copy of `samples` scaled so that its speech level is `levelDb`. */
export function atSpeechLevel(samples: Float32Array, sampleRate: number, levelDb: number): Float32Array {
  const current = speechLevelDb(samples, sampleRate);
  const out = new Float32Array(samples.length);
  if (!Number.isFinite(current)) return out;
  const gain = 10 ** ((levelDb - current) / 20);
  for (let i = 0; i < samples.length; i++) out[i] = samples[i]! * gain;
  return out;
}
