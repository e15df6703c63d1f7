/**
 * A whole signal through a frame VAD and the hysteresis layer: the speech segments in it.
 *
 * @module
 */
import type { FrameVad } from './frame-vad.js';
import { VadHysteresis, type HysteresisEvent, type VadHysteresisOptions } from './hysteresis.js';

/** A stretch of speech, in ms from the start of the signal. */
export interface SpeechSegment {
  readonly startMs: number;
  readonly endMs: number;
}

/**
 * The speech probability of each window of `samples` (at `vad.sampleRate`), from a reset VAD.
 * A last partial window is padded with zeros.
 */
export async function speechProbabilities(samples: Float32Array, vad: FrameVad): Promise<Float32Array> {
  vad.reset();
  const size = vad.windowSamples;
  const probabilities = new Float32Array(Math.ceil(samples.length / size));
  const padded = new Float32Array(size);
  for (let i = 0, at = 0; at < samples.length; i++, at += size) {
    let window = samples.subarray(at, at + size);
    if (window.length < size) {
      padded.set(window);
      window = padded;
    }
    probabilities[i] = await vad.process(window);
  }
  return probabilities;
}

/**
 * Speech segments from window probabilities through {@link VadHysteresis}: window i covers
 * [i·windowMs, (i+1)·windowMs), the last one ending at `totalMs`; speech still going at the end
 * is closed there. Segment bounds are window bounds (the true onset and end as the hysteresis
 * reports them, not the decision times).
 */
export function segmentsFromProbabilities(
  probabilities: Float32Array,
  windowMs: number,
  totalMs: number,
  hysteresis?: VadHysteresisOptions,
): SpeechSegment[] {
  const layer = new VadHysteresis(hysteresis);
  const segments: SpeechSegment[] = [];
  let startMs: number | undefined;
  const take = (events: readonly HysteresisEvent[]): void => {
    for (const event of events) {
      if (event.type === 'speech_start') startMs = event.onsetMs;
      else if (startMs !== undefined) {
        segments.push({ startMs, endMs: event.speechEndMs });
        startMs = undefined;
      }
    }
  };
  for (let i = 0; i < probabilities.length; i++) {
    const frameStart = i * windowMs;
    take(layer.push({ startMs: frameStart, durationMs: Math.min(windowMs, totalMs - frameStart), probability: probabilities[i]! }));
  }
  take(layer.flush(totalMs));
  return segments;
}

/**
 * Runs a whole signal (mono, at `vad.sampleRate`) through `vad` (reset first) and the
 * hysteresis layer, flushing at the end: the speech segments found.
 */
export async function detectSpeechSegments(samples: Float32Array, vad: FrameVad, hysteresis?: VadHysteresisOptions): Promise<SpeechSegment[]> {
  const probabilities = await speechProbabilities(samples, vad);
  const windowMs = (vad.windowSamples * 1000) / vad.sampleRate;
  return segmentsFromProbabilities(probabilities, windowMs, (samples.length * 1000) / vad.sampleRate, hysteresis);
}
