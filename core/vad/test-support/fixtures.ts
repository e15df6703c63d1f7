import { readFileSync } from 'node:fs';
import { readWavFile } from '../../audio/wav.js';
import { toPipeline } from '../../audio/pipeline.js';
import type { SpeechSegment } from '../segments.js';

/** Path of a speech fixture. */
export function speechFixture(name: string): string {
  return new URL(`../test-fixtures/${name}`, import.meta.url).pathname;
}

/** The true speech bounds of each fixture (written by make-fixtures.sh). */
export const TRUE_SPEECH: Readonly<Record<string, readonly [number, number][]>> = JSON.parse(
  readFileSync(new URL('../test-fixtures/speech.json', import.meta.url), 'utf8'),
) as Record<string, [number, number][]>;

/** A fixture as mono samples at `rate` (left channel of the stereo one). */
export function speechSamples(name: string, rate: 16000 | 8000 = 16000): Float32Array {
  return toPipeline(readWavFile(speechFixture(name)), { channel: 'left', sampleRate: rate });
}

/** The largest distance between found and true bounds, or Infinity when the counts differ. */
export function worstBoundError(found: readonly SpeechSegment[], truth: readonly (readonly [number, number])[]): number {
  if (found.length !== truth.length) return Infinity;
  return Math.max(...found.flatMap((s, i) => [Math.abs(s.startMs - truth[i]![0]), Math.abs(s.endMs - truth[i]![1])]));
}
