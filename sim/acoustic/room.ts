import type { Random } from '../../core/random/random.js';

/** One path of sound from the loudspeaker to the microphone: its extra delay and its gain. */
export interface RoomTap {
  readonly delaySamples: number;
  readonly gain: number;
}

/** Reflections in a room response (besides the direct path). */
const REFLECTIONS = 6;

/**
 * A short room response: the direct path and a few reflections spread over `roomMs`, their
 * gains decaying exponentially (−20 dB by the end) with random signs, normalised to unit
 * energy so the echo's level is set by its gain alone. Sparse, so rendering it costs a few
 * multiply-adds per sample rather than a convolution.
 */
export function roomTaps(roomMs: number | undefined, sampleRate: number, random: Random): RoomTap[] {
  const taps: { delaySamples: number; gain: number }[] = [{ delaySamples: 0, gain: 1 }];
  if (roomMs !== undefined && roomMs > 0) {
    for (let k = 0; k < REFLECTIONS; k++) {
      const fraction = random.uniform(0.05, 1);
      const delaySamples = Math.max(1, Math.round((fraction * roomMs * sampleRate) / 1000));
      const gain = 0.6 * 10 ** ((-20 * fraction) / 20) * (random.chance(0.5) ? 1 : -1);
      taps.push({ delaySamples, gain });
    }
  }
  const norm = Math.sqrt(taps.reduce((sum, t) => sum + t.gain * t.gain, 0));
  return taps.map((t) => ({ delaySamples: t.delaySamples, gain: t.gain / norm }));
}
