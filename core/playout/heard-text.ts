/** Character timings relative to a chunk's first sample (the TTS alignment shape). */
export interface CharTimings {
  readonly chars: readonly string[];
  readonly charStartMs: readonly number[];
  readonly charDurationMs: readonly number[];
}

/** The audio of one text segment as the playout buffer received it. */
export interface SegmentAudio {
  readonly text: string;
  /** Chunks in order: their length and, when the TTS gave it, their alignment. */
  readonly chunks: readonly { readonly durationMs: number; readonly alignment?: CharTimings }[];
  /** True once the TTS said the segment's audio is all there. */
  readonly complete: boolean;
}

/** Used to estimate a segment's length while its audio is still arriving: about 15 characters a second. */
export const DEFAULT_MS_PER_CHAR = 65;

/**
 * The text of a segment the listener has heard after `playedMs` of its audio: from the TTS
 * alignment when every chunk has one, else estimated in proportion to the audio played.
 * Only whole words count: a word cut off mid-way was not heard.
 */
export function heardTextOfSegment(segment: SegmentAudio, playedMs: number, msPerChar = DEFAULT_MS_PER_CHAR): string {
  const totalMs = segment.chunks.reduce((sum, c) => sum + c.durationMs, 0);
  if (segment.complete && playedMs >= totalMs) return segment.text.trim();
  if (playedMs <= 0) return '';
  const aligned = segment.chunks.length > 0 && segment.chunks.every((c) => c.alignment !== undefined);
  if (aligned) {
    const { text, played } = alignedChars(segment, playedMs);
    // The aligned text received so far can end mid-word (the rest of the segment's audio has not
    // arrived): read on in the segment's text when it matches, else the text may go on.
    if (segment.text.startsWith(text)) return wholeWordsPrefix(segment.text, played);
    return wholeWordsPrefix(text, played, !segment.complete);
  }
  const estimatedMs = segment.complete ? totalMs : Math.max(totalMs, segment.text.length * msPerChar);
  const chars = Math.floor((segment.text.length * Math.min(playedMs, estimatedMs)) / estimatedMs);
  return wholeWordsPrefix(segment.text, chars);
}

/** The aligned characters received so far, and how many of them have completely played. */
function alignedChars(segment: SegmentAudio, playedMs: number): { text: string; played: number } {
  let text = '';
  let played = 0;
  let chunkStartMs = 0;
  for (const chunk of segment.chunks) {
    const a = chunk.alignment!;
    for (let i = 0; i < a.chars.length; i++) {
      const endMs = chunkStartMs + (a.charStartMs[i] ?? 0) + (a.charDurationMs[i] ?? 0);
      if (endMs <= playedMs && played === text.length) played++;
      text += a.chars[i];
    }
    chunkStartMs += chunk.durationMs;
  }
  return { text, played };
}

/**
 * The first `n` characters of `text`, cut back to the last whole word. `more`: the text may go on
 * after its end, so its last word is whole only if a space or punctuation ends it.
 */
function wholeWordsPrefix(text: string, n: number, more = false): string {
  if (n >= text.length && !more) return text.trim();
  const whole = n < text.length ? /[\s.,!?;:。！？]/.test(text[n] ?? '') : /[\s.,!?;:。！？]$/.test(text);
  if (whole) return text.slice(0, n).trim();
  const cut = text.slice(0, n).search(/\s\S*$/);
  return cut === -1 ? '' : text.slice(0, cut).trim();
}
