/**
 * The sans-I/O core of OpenAI streaming chat completions: the request body for a conversation,
 * and the LlmEvents that the stream's `chat.completion.chunk`s mean. It tells the ways a stream
 * can stop apart (the SDK cannot: aborting mid-stream just ends its `for await`):
 *
 * - a `finish_reason` arrived: `stop` (or `length`);
 * - we aborted because the caller asked: `cancelled`;
 * - we aborted because a timeout fired: `error` with kind `timeout`;
 * - the stream ended with no `finish_reason`: `error` (the connection was cut short).
 *
 * A replayer feeds recorded chunks to {@link ChatStreamProtocol.receive} and calls
 * {@link ChatStreamProtocol.end} the way the recording ended.
 *
 * @module
 */
import type { ProviderError } from '../errors.js';
import type { ChatMessage, LlmEvent } from '../llm.js';
import type { ErrorFactory } from '../secrets.js';

/** The request body (streaming). */
export interface ChatRequestBody {
  readonly model: string;
  readonly messages: readonly { readonly role: ChatMessage['role']; readonly content: string }[];
  readonly stream: true;
  readonly max_completion_tokens?: number;
  readonly temperature?: number;
}

/** Options that shape the body. */
export interface ChatRequestOptions {
  readonly model: string;
  readonly maxTokens?: number;
  readonly temperature?: number;
}

/** The body of a streaming request for `messages`. */
export function chatRequestBody(messages: readonly ChatMessage[], options: ChatRequestOptions): ChatRequestBody {
  return {
    model: options.model,
    messages: messages.map((m) => ({ role: m.role, content: m.content })),
    stream: true,
    ...(options.maxTokens !== undefined ? { max_completion_tokens: options.maxTokens } : {}),
    ...(options.temperature !== undefined ? { temperature: options.temperature } : {}),
  };
}

/** The part of a `chat.completion.chunk` read here. */
export interface ChunkLike {
  readonly choices?: readonly { readonly delta?: { readonly content?: string | null } | null; readonly finish_reason?: string | null }[];
}

/** How the stream stopped, as the adapter saw it. */
export type StreamEnding =
  | { readonly how: 'ended' }
  | { readonly how: 'cancelled' }
  | { readonly how: 'failed'; readonly error: ProviderError };

/** The sans-I/O core of one streaming request. */
export class ChatStreamProtocol {
  readonly #errors: ErrorFactory;
  #finishReason: string | undefined;
  #tokens = 0;

  constructor(errors: ErrorFactory) {
    this.#errors = errors;
  }

  /** Content tokens seen so far. */
  get tokens(): number {
    return this.#tokens;
  }

  /** The token events of one chunk (a chunk with no content gives none). */
  receive(chunk: ChunkLike): LlmEvent[] {
    const choice = chunk.choices?.[0];
    if (!choice) return [];
    if (choice.finish_reason) this.#finishReason = choice.finish_reason;
    const text = choice.delta?.content;
    if (typeof text !== 'string' || text === '') return [];
    this.#tokens++;
    return [{ type: 'token', text }];
  }

  /** The one `end` event, given how the stream stopped. */
  end(ending: StreamEnding): LlmEvent {
    if (ending.how === 'cancelled') return { type: 'end', reason: 'cancelled' };
    if (ending.how === 'failed') return { type: 'end', reason: 'error', error: ending.error };
    switch (this.#finishReason) {
      case undefined:
        return { type: 'end', reason: 'error', error: this.#errors.make('network', `the stream ended without a finish_reason after ${this.#tokens} tokens`) };
      case 'length':
        return { type: 'end', reason: 'length' };
      case 'content_filter':
        return { type: 'end', reason: 'error', error: this.#errors.make('protocol', 'the reply was stopped by the content filter') };
      default:
        return { type: 'end', reason: 'stop' };
    }
  }
}
