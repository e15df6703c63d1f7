/**
 * A recorded HTTP request answered again on a clock: the response headers at their recorded
 * offset from when the request is made now, then the body chunks at theirs, and the end the
 * recording had (complete, failed, or cut short by our own abort while recording).
 *
 * @module
 */
import { sleep, type Clock } from '../../core/clock/clock.js';
import type { HttpExchange } from './format.js';
import { bytesOf } from './format.js';

/** A replayed response. */
export interface ReplayedResponse {
  readonly status: number;
  /** The body, chunk by chunk at the recorded times. Aborting the request's signal makes it throw an AbortError. */
  readonly body: AsyncIterable<Uint8Array>;
  /** The whole body as text (after its last chunk's time). */
  text(): Promise<string>;
}

/**
 * Replays `exchange` from now. Rejects as the recording did when it failed before its
 * response (`cutShort()` when the recording was cancelled by us), or with an AbortError when
 * `signal` aborts first.
 */
export async function replayRequest(exchange: HttpExchange, clock: Clock, signal: AbortSignal, cutShort: () => Error): Promise<ReplayedResponse> {
  const anchor = clock.now() - exchange.startMs;
  const until = (recordedMs: number): Promise<void> => waitUntil(clock, anchor + recordedMs, signal);
  const ending = async (): Promise<void> => {
    await until(exchange.end.t);
    if (exchange.end.how === 'error') throw new Error(exchange.end.message ?? 'the request failed');
    if (exchange.end.how === 'aborted') throw cutShort();
  };
  const { response } = exchange;
  if (!response) {
    await ending();
    throw cutShort();
  }
  await until(response.t);
  async function* body(): AsyncGenerator<Uint8Array> {
    for (const chunk of exchange.chunks) {
      await until(chunk.t);
      yield 'text' in chunk ? new TextEncoder().encode(chunk.text) : bytesOf(chunk);
    }
    await ending();
  }
  return {
    status: response.status,
    body: body(),
    text: async () => {
      await ending();
      return exchange.chunks.map((chunk) => ('text' in chunk ? chunk.text : Buffer.from(bytesOf(chunk)).toString('utf8'))).join('');
    },
  };
}

/** Resolves at `atMs` on the clock (at once when it has passed); rejects when `signal` aborts. */
async function waitUntil(clock: Clock, atMs: number, signal: AbortSignal): Promise<void> {
  signal.throwIfAborted();
  const delay = atMs - clock.now();
  // The virtual clock counts whole milliseconds: less than half of one is now.
  if (delay >= 0.5) await sleep(clock, delay, signal);
}
