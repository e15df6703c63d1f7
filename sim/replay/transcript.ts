import { readFileSync } from 'node:fs';
import * as z from 'zod';
import type { TimedWord } from '../../core/session/user-transcript.js';
import { readProblem } from '../load/read.js';
import { cassetteConnections, isGzip } from './cassette-transcript.js';
import { TranscriptError } from './transcript-error.js';

export { TranscriptError } from './transcript-error.js';

const deepgramWord = z.object({ word: z.string(), start: z.number(), end: z.number(), punctuated_word: z.string().optional() });
const deepgramAlternative = z.object({ words: z.array(deepgramWord) });

/** Deepgram's pre-recorded response: one entry in `results.channels` per audio channel. */
const prerecorded = z.object({ results: z.object({ channels: z.array(z.object({ alternatives: z.array(deepgramAlternative).min(1) })).min(1) }) });

/** One message of Deepgram's streaming API; only final `Results` carry words that stay. */
const streamingMessage = z.object({
  type: z.string().optional(),
  is_final: z.boolean().optional(),
  channel_index: z.array(z.number()).optional(),
  channel: z.object({ alternatives: z.array(deepgramAlternative) }).optional(),
});

/** A plain list of timed stretches of text. */
const plainSegment = z.strictObject({ startMs: z.number().min(0), endMs: z.number().min(0), text: z.string() });

/**
 * Reads a transcript sidecar: Deepgram pre-recorded JSON (`results.channels[].alternatives[0].words`),
 * Deepgram streaming messages (a JSON array or one message per line; the final `Results`), or a
 * plain JSON list of `{ startMs, endMs, text }` (words spread over each stretch), or an STT
 * cassette of a Deepgram listen v1 session (see cassette-transcript.ts). `channel` picks
 * the channel of a multichannel transcript (0 left, 1 right). Words are in ms from the start of
 * the recording, in order; a word that ends after `durationMs` means the transcript does not fit
 * the audio. Throws a TranscriptError naming the file and what is wrong.
 */
export function readTranscript(path: string, channel: number, durationMs: number): TimedWord[] {
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (error) {
    throw new TranscriptError(`${path}: ${readProblem(error)}`);
  }
  const parsed = isGzip(bytes) ? cassetteWords(bytes, path) : parseTranscript(bytes.toString('utf8'), path, channel);
  const words = parsed.sort((a, b) => a.startMs - b.startMs || a.endMs - b.endMs);
  const late = words.find((w) => w.endMs > durationMs + FIT_SLACK_MS);
  if (late) {
    throw new TranscriptError(
      `${path}: does not fit the audio: the word ${JSON.stringify(late.word)} ends at ${(late.endMs / 1000).toFixed(2)} s, after the recording's end at ${(durationMs / 1000).toFixed(2)} s`,
    );
  }
  return words;
}

/** How far past the audio's end a word may reach (rounding of the transcript's times). */
const FIT_SLACK_MS = 50;

/** The words of a transcript's text (see {@link readTranscript}). */
export function parseTranscript(text: string, path: string, channel: number): TimedWord[] {
  const values = parseJsonOrLines(text, path);
  if (Array.isArray(values) && values.every((v) => plainSegment.safeParse(v).success)) {
    return values.flatMap((v) => spread(plainSegment.parse(v)));
  }
  const messages = Array.isArray(values) ? values : [values];
  if (!Array.isArray(values)) {
    const parsed = prerecorded.safeParse(values);
    if (parsed.success) {
      const channels = parsed.data.results.channels;
      const picked = channels[Math.min(channel, channels.length - 1)]!;
      return picked.alternatives[0]!.words.map(fromDeepgram);
    }
  }
  const { words, results } = streamingWords(messages, path, channel);
  if (results === 0) {
    throw new TranscriptError(
      `${path}: not a transcript parley reads (expected Deepgram pre-recorded JSON, Deepgram streaming Results messages, or a list of { startMs, endMs, text })`,
    );
  }
  return words;
}

/**
 * The final words of Deepgram streaming messages (of `channel`, in a multichannel stream), and
 * how many `Results` there were. Other messages (Metadata, SpeechStarted, UtteranceEnd) are
 * passed over before they are checked: their fields have other shapes.
 */
function streamingWords(messages: readonly unknown[], path: string, channel: number): { words: TimedWord[]; results: number } {
  const words: TimedWord[] = [];
  let results = 0;
  messages.forEach((message, index) => {
    const type = typeof message === 'object' && message !== null ? (message as { type?: unknown }).type : undefined;
    if (type !== undefined && type !== 'Results') return;
    const parsed = streamingMessage.safeParse(message);
    if (!parsed.success) {
      throw new TranscriptError(`${path}: message ${index + 1} is not a Deepgram message (${parsed.error.issues[0]?.message ?? 'invalid'})`);
    }
    const { is_final: isFinal, channel_index: channelIndex, channel: content } = parsed.data;
    if (!content) return;
    results++;
    if (isFinal === false) return;
    if (channelIndex && channelIndex[0] !== undefined && channelIndex[1]! > 1 && channelIndex[0] !== channel) return;
    words.push(...(content.alternatives[0]?.words ?? []).map(fromDeepgram));
  });
  return { words, results };
}

/** The caller's words from an STT cassette: each connection's final results, moved onto the call's time line. */
function cassetteWords(bytes: Uint8Array, path: string): TimedWord[] {
  return cassetteConnections(bytes, path).flatMap(({ originMs, messages }) =>
    streamingWords(messages, path, 0).words.map((w) => ({ ...w, startMs: Math.round(originMs + w.startMs), endMs: Math.round(originMs + w.endMs) })),
  );
}

function parseJsonOrLines(text: string, path: string): unknown {
  try {
    return JSON.parse(text);
  } catch (whole) {
    const lines = text.split('\n').filter((line) => line.trim() !== '');
    if (lines.length <= 1) throw new TranscriptError(`${path}: not valid JSON (${(whole as Error).message})`);
    return lines.map((line, i) => {
      try {
        return JSON.parse(line);
      } catch (error) {
        throw new TranscriptError(`${path}:${i + 1}: not valid JSON (${(error as Error).message})`);
      }
    });
  }
}

function fromDeepgram(word: z.output<typeof deepgramWord>): TimedWord {
  return { word: word.punctuated_word ?? word.word, startMs: Math.round(word.start * 1000), endMs: Math.round(word.end * 1000) };
}

/** A stretch's words spread over it in proportion to their length. */
function spread(segment: z.output<typeof plainSegment>): TimedWord[] {
  const tokens = segment.text.split(/\s+/).filter((t) => t !== '');
  const weights = tokens.map((t) => t.length + 1);
  const total = weights.reduce((a, b) => a + b, 0);
  let at = segment.startMs;
  return tokens.map((word, i) => {
    const length = ((segment.endMs - segment.startMs) * weights[i]!) / total;
    const timed = { word, startMs: Math.round(at), endMs: Math.round(at + length) };
    at += length;
    return timed;
  });
}
