/**
 * The caller's words from an STT cassette (a recorded Deepgram `listen.v1` session, e.g. one
 * `parley run --live` wrote): the final `Results` the service sent, their word times moved from
 * "seconds of audio this connection received" to the call's time line.
 *
 * @module
 */
import type { TimedWord } from '../../core/session/user-transcript.js';
import { CassetteFormatError, bytesOf, decodeCassette, type WebSocketExchange } from '../../providers/cassette/format.js';
import { sampleRateOf } from '../../providers/cassette/protocols.js';
import { TranscriptError } from './transcript-error.js';

interface DeepgramResults {
  readonly type?: string;
  readonly is_final?: boolean;
  readonly channel?: { readonly alternatives?: readonly { readonly words?: readonly { word: string; punctuated_word?: string; start: number; end: number }[] }[] };
}

/** True when `bytes` start like a gzip file (a cassette), not a JSON transcript. */
export function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

/**
 * The final words of every Deepgram listen v1 connection in the cassette, in ms of the call:
 * a connection's audio clock starts when its first audio frame was captured (one frame before it
 * was sent), counted from the recorder's start, which a live run sets at the call's start.
 * Throws a TranscriptError naming the file when it is not a cassette or holds no such session.
 */
export function cassetteTranscript(bytes: Uint8Array, path: string): TimedWord[] {
  let exchanges: readonly WebSocketExchange[];
  try {
    exchanges = decodeCassette(bytes).exchanges.filter((e): e is WebSocketExchange => e.type === 'websocket');
  } catch (error) {
    if (error instanceof CassetteFormatError) throw new TranscriptError(`${path}: ${error.message}`);
    throw error;
  }
  const listens = exchanges.filter((e) => e.protocol === 'deepgram.listen.v1');
  if (listens.length === 0) {
    const flux = exchanges.some((e) => e.protocol === 'deepgram.listen.v2');
    throw new TranscriptError(
      flux
        ? `${path}: a Flux (listen v2) cassette carries no word timings; record with Deepgram listen v1 (live: stt: { api: listen.v1 }) or give a transcript sidecar`
        : `${path}: holds no Deepgram listen v1 session to take the caller's words from`,
    );
  }
  return listens.flatMap((exchange) => connectionWords(exchange, path));
}

function connectionWords(exchange: WebSocketExchange, path: string): TimedWord[] {
  const sampleRate = sampleRateOf(exchange.url) ?? 16000;
  const firstAudio = exchange.events.find((e) => e.type === 'out' && 'binary' in e);
  if (!firstAudio || !('binary' in firstAudio)) return [];
  const frameMs = (bytesOf(firstAudio).length / 2 / sampleRate) * 1000;
  const originMs = firstAudio.t - frameMs;
  const words: TimedWord[] = [];
  for (const event of exchange.events) {
    if (event.type !== 'in' || !('text' in event)) continue;
    let message: DeepgramResults;
    try {
      message = JSON.parse(event.text) as DeepgramResults;
    } catch {
      throw new TranscriptError(`${path}: a message at ${event.t} ms is not JSON`);
    }
    if (message.type !== 'Results' || message.is_final !== true) continue;
    for (const w of message.channel?.alternatives?.[0]?.words ?? []) {
      words.push({ word: w.punctuated_word ?? w.word, startMs: Math.round(originMs + w.start * 1000), endMs: Math.round(originMs + w.end * 1000) });
    }
  }
  return words;
}
