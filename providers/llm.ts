import type { ProviderError } from './errors.js';

/** A message of the conversation. */
export interface ChatMessage {
  readonly role: 'system' | 'user' | 'assistant';
  readonly content: string;
}

/** How a generation ended. */
export type LlmEndReason = 'stop' | 'length' | 'cancelled' | 'error';

/** What a streaming generation yields: tokens, then exactly one `end`. */
export type LlmEvent =
  | { readonly type: 'token'; readonly text: string }
  | { readonly type: 'end'; readonly reason: LlmEndReason; readonly error?: ProviderError };

/** A request for one reply. */
export interface LlmRequest {
  readonly messages: readonly ChatMessage[];
}

/** A streaming chat model. */
export interface LlmProvider {
  readonly name: string;
  /**
   * Streams one reply. The stream ends with one `end` event and never throws: failures end it
   * with `reason: 'error'`, and aborting `signal` ends it with `reason: 'cancelled'`.
   */
  stream(request: LlmRequest, signal: AbortSignal): AsyncIterable<LlmEvent>;
}
