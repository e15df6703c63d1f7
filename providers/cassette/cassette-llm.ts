import { ProviderError } from '../errors.js';
import type { LlmEvent, LlmProvider, LlmRequest } from '../llm.js';
import type { ChunkLike } from '../openai/chat-protocol.js';
import { streamChat, type ChatBackend } from '../openai/llm.js';
import type { ErrorFactory } from '../secrets.js';
import type { HttpExchange } from './format.js';
import { ExchangeCursor, ofProtocols, type CassetteProviderOptions } from './cursor.js';
import { replayRequest } from './replay-http.js';
import { SseDataError, sseData } from './sse.js';

/**
 * A chat model from a cassette: the n-th `stream()` gets the n-th recorded OpenAI response, its
 * headers and server-sent chunks at their recorded offsets from when the request is made now,
 * read by the adapter's own stream loop and protocol core (so it ends as it did live: stop,
 * length, the recorded error, or cancelled when the simulation aborts it). A request beyond
 * the recording ends with a `protocol` error naming the cassette.
 */
export class CassetteLlm implements LlmProvider {
  readonly name: string;
  readonly #cursor: ExchangeCursor<HttpExchange>;

  constructor(options: CassetteProviderOptions) {
    this.#cursor = new ExchangeCursor(options, ofProtocols('http', ['openai.chat']));
    this.name = this.#cursor.name;
  }

  stream(request: LlmRequest, signal: AbortSignal): AsyncIterable<LlmEvent> {
    const cursor = this.#cursor;
    const { errors, clock } = cursor;
    const taken = cursor.take('request');
    const backend: ChatBackend = {
      errors,
      create: async (_body, abort) => {
        if ('error' in taken) throw taken.error;
        const cutShort = (): ProviderError => errors.make('protocol', cursor.ranOut(`the rest of request #${taken.number}, which was cancelled while recording`));
        const response = await replayRequest(taken.exchange, clock, abort, cutShort);
        if (response.status >= 400) throw errors.fromStatus(response.status, messageOf(await response.text()));
        return sseData(response.body) as AsyncIterable<ChunkLike>;
      },
      errorOf: (error) => replayError(errors, error),
    };
    return streamChat(backend, request, signal, { clock });
  }
}

/** A ProviderError for what a replayed request threw, worded as the live adapter words it. */
function replayError(errors: ErrorFactory, error: unknown): ProviderError {
  if (error instanceof ProviderError) return error;
  if (error instanceof SseDataError) return errors.make(error.kind, error.message);
  return errors.make('network', `the stream failed: ${error instanceof Error ? error.message : String(error)}`);
}

/** The message of an OpenAI error body (`{"error": {"message"}}`), or the body. */
function messageOf(body: string): string {
  try {
    const message = (JSON.parse(body) as { error?: { message?: unknown } } | null)?.error?.message;
    if (typeof message === 'string') return message;
  } catch {
    // Not JSON: the text itself.
  }
  return body.trim().slice(0, 200);
}
