/**
 * The audio the fake TTS servers speak: a quiet tone whose length follows the text, cut into
 * chunks, with the character timings of each chunk (relative to the chunk, as ElevenLabs'
 * alignment is). Deterministic: the same text always gives the same bytes.
 *
 * @module
 */

/** One chunk of synthesized audio. */
export interface SpokenChunk {
  /** PCM16 LE. */
  readonly bytes: Uint8Array;
  readonly durationMs: number;
  /** The characters whose start falls in this chunk, with times relative to the chunk. */
  readonly chars: readonly string[];
  readonly charStartMs: readonly number[];
  readonly charDurationMs: readonly number[];
}

/** How the fake speaks. */
export interface Voice {
  readonly sampleRate: number;
  /** Audio length per character of text, ms. */
  readonly msPerChar: number;
  /** Length of each chunk, ms. */
  readonly chunkMs: number;
}

const TONE_HZ = 220;
const AMPLITUDE = 0.1 * 32767;

/** Audio for `text` (leading and trailing spaces are not spoken), in chunks. Empty text gives none. */
export function speak(text: string, voice: Voice): SpokenChunk[] {
  const chars = [...text.trim()];
  const totalMs = chars.length * voice.msPerChar;
  const chunks: SpokenChunk[] = [];
  for (let fromMs = 0; fromMs < totalMs; fromMs += voice.chunkMs) {
    const durationMs = Math.min(voice.chunkMs, totalMs - fromMs);
    const first = Math.round((fromMs * voice.sampleRate) / 1000);
    const samples = Math.round(((fromMs + durationMs) * voice.sampleRate) / 1000) - first;
    const bytes = new Uint8Array(samples * 2);
    const view = new DataView(bytes.buffer);
    for (let i = 0; i < samples; i++) {
      view.setInt16(i * 2, Math.round(AMPLITUDE * Math.sin((2 * Math.PI * TONE_HZ * (first + i)) / voice.sampleRate)), true);
    }
    const picked: string[] = [];
    const starts: number[] = [];
    const durations: number[] = [];
    chars.forEach((char, i) => {
      const startMs = i * voice.msPerChar;
      if (startMs >= fromMs && startMs < fromMs + durationMs) {
        picked.push(char);
        starts.push(startMs - fromMs);
        durations.push(voice.msPerChar);
      }
    });
    chunks.push({ bytes, durationMs, chars: picked, charStartMs: starts, charDurationMs: durations });
  }
  return chunks;
}
