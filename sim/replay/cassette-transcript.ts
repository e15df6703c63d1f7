/**
 * What an STT cassette (a recorded Deepgram `listen.v1` session, e.g. one `parley run --live`
 * wrote) holds of the caller's words: each connection's messages from the service, and where
 * that connection's audio clock starts on the call's time line (Deepgram times words in seconds
 * of the audio the connection received).
 *
 * @module
 */
import { CassetteFormatError, bytesOf, decodeCassette, type WebSocketExchange } from '../../providers/cassette/format.js';
import { sampleRateOf } from '../../providers/cassette/protocols.js';
import { TranscriptError } from './transcript-error.js';

/** One recorded connection: the messages it received, and when its audio started (ms of the call). */
export interface RecordedConnection {
  readonly originMs: number;
  readonly messages: readonly unknown[];
}

/** True when `bytes` start like a gzip file (a cassette), not a JSON transcript. */
export function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

/**
 * Every Deepgram listen v1 connection of the cassette that sent audio. A connection's audio
 * clock starts when its first audio frame was captured (one frame before it was sent), counted
 * from the recorder's start, which a live run sets at the call's start. Throws a TranscriptError
 * naming the file when it is not a cassette or holds no such session.
 */
export function cassetteConnections(bytes: Uint8Array, path: string): RecordedConnection[] {
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
  return listens.flatMap((exchange) => {
    const firstAudio = exchange.events.find((e) => e.type === 'out' && 'binary' in e);
    if (!firstAudio || !('binary' in firstAudio)) return [];
    const frameMs = (bytesOf(firstAudio).length / 2 / (sampleRateOf(exchange.url) ?? 16000)) * 1000;
    const messages = exchange.events.flatMap((event) => {
      if (event.type !== 'in' || !('text' in event)) return [];
      try {
        return [JSON.parse(event.text) as unknown];
      } catch {
        throw new TranscriptError(`${path}: the message received at ${event.t} ms is not JSON`);
      }
    });
    return [{ originMs: firstAudio.t - frameMs, messages }];
  });
}
