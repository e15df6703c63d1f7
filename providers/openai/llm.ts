/**
 * OpenAI streaming chat completions through the official SDK (`openai` 6.x), as an LlmProvider:
 * the stream never throws and ends with exactly one `end` event (see {@link ChatStreamProtocol}
 * for how the end reason is decided).
 *
 * Transport seam: the SDK's `fetch` option. A recorder passes a `fetch` that calls the real one
 * and tees the response body (the SSE bytes); a replayer passes one that answers with a recorded
 * body, or feeds the recorded chunks straight to {@link ChatStreamProtocol}.
 *
 * Timeouts fire through the Clock: `connectMs` until the response headers, `firstByteMs` until
 * the first token, `stallMs` between chunks. A timeout aborts the request and ends the stream
 * with an error of kind `timeout`.
 *
 * @module
 */
import type OpenAI from 'openai';
import type { Clock } from '../../core/clock/clock.js';
import { RealClock } from '../../core/clock/real-clock.js';
import type { ProviderError } from '../errors.js';
import type { LlmEvent, LlmProvider, LlmRequest } from '../llm.js';
import { ErrorFactory, resolveCredentials, type Credentials } from '../secrets.js';
import { RequestDeadlines, type ProviderTimeouts } from '../timeouts.js';
import { ChatStreamProtocol, chatRequestBody, type ChatRequestBody, type ChunkLike, type StreamEnding } from './chat-protocol.js';

/** Environment variables the OpenAI adapter reads. */
export const OPENAI_ENV = { key: 'OPENAI_API_KEY', baseUrl: 'OPENAI_BASE_URL' } as const;

/** The public API, used when neither the options nor OPENAI_BASE_URL name another. */
const DEFAULT_BASE_URL = 'https://api.openai.com/v1';

/** Options of {@link OpenAiLlm}. */
export interface OpenAiLlmOptions extends Credentials {
  /** Model. Default `gpt-4o-mini`. */
  readonly model?: string;
  readonly maxTokens?: number;
  readonly temperature?: number;
  readonly clock?: Clock;
  readonly timeouts?: ProviderTimeouts;
  /** Retries of the SDK. Default 0: a failure surfaces (failover decides what next). */
  readonly maxRetries?: number;
  /** The transport seam: a `fetch` for the SDK to use. */
  readonly fetch?: typeof fetch;
  /** The SDK's log level. Default `off`: its messages could quote server data. */
  readonly logLevel?: 'off' | 'error' | 'warn' | 'info' | 'debug';
  /** Name in errors and traces. Default "openai". */
  readonly name?: string;
}

/** OpenAI streaming chat completions. */
export class OpenAiLlm implements LlmProvider {
  readonly name: string;
  readonly #options: OpenAiLlmOptions;
  readonly #clock: Clock;
  #client: Client | undefined;

  constructor(options: OpenAiLlmOptions = {}) {
    this.#options = options;
    this.name = options.name ?? 'openai';
    this.#clock = options.clock ?? new RealClock();
  }

  async *stream(request: LlmRequest, signal: AbortSignal): AsyncGenerator<LlmEvent> {
    let client: Client;
    try {
      client = await this.#sdk();
    } catch (error) {
      yield { type: 'end', reason: 'error', error: new ErrorFactory(this.name, []).wrap(error, 'auth') };
      return;
    }
    const { sdk, errors, module } = client;
    const backend: ChatBackend = {
      errors,
      create: (body, abort) => sdk.chat.completions.create({ ...body, messages: [...body.messages] }, { signal: abort }),
      errorOf: (error) => errorOf(module, errors, error),
    };
    yield* streamChat(backend, request, signal, { ...this.#options, clock: this.#clock });
  }

  /** The SDK client, made on first use (the SDK is loaded then, so importing parley does not load it). */
  async #sdk(): Promise<Client> {
    if (this.#client) return this.#client;
    const { apiKey, baseUrl } = resolveCredentials(this.name, this.#options, OPENAI_ENV);
    const module = (await import('openai')).default;
    const sdk = new module({
      apiKey,
      baseURL: baseUrl ?? DEFAULT_BASE_URL,
      maxRetries: this.#options.maxRetries ?? 0,
      logLevel: this.#options.logLevel ?? 'off',
      organization: null,
      project: null,
      ...(this.#options.fetch ? { fetch: this.#options.fetch } : {}),
    });
    this.#client = { sdk, module, errors: new ErrorFactory(this.name, [apiKey]) };
    return this.#client;
  }
}

/**
 * Where a chat stream's chunks come from: the SDK (live), or a cassette (replay). `create`
 * resolves once the response headers are in; aborting its signal mid-stream ends the
 * iteration (the SDK ends it silently), before the headers rejects.
 */
export interface ChatBackend {
  readonly errors: ErrorFactory;
  create(body: ChatRequestBody, signal: AbortSignal): Promise<AsyncIterable<ChunkLike>>;
  /** The ProviderError for whatever `create` or the iteration threw. */
  errorOf(error: unknown): ProviderError;
}

/** What shapes a request and its time limits. */
export interface ChatStreamOptions {
  readonly model?: string;
  readonly maxTokens?: number;
  readonly temperature?: number;
  readonly clock: Clock;
  readonly timeouts?: ProviderTimeouts;
}

/**
 * One streamed reply through `backend`, as the LlmProvider contract wants it: tokens, then
 * exactly one `end`, never a throw (see {@link ChatStreamProtocol} for the end reasons).
 */
export async function* streamChat(backend: ChatBackend, request: LlmRequest, signal: AbortSignal, options: ChatStreamOptions): AsyncGenerator<LlmEvent> {
  if (signal.aborted) {
    yield { type: 'end', reason: 'cancelled' };
    return;
  }
  const { errors } = backend;
  const protocol = new ChatStreamProtocol(errors);
  const abort = new AbortController();
  const onAbort = (): void => abort.abort();
  signal.addEventListener('abort', onAbort, { once: true });
  const deadlines = new RequestDeadlines(options.clock, errors, options.timeouts ?? {}, { name: 'first-token', missing: 'no token yet' }, () => abort.abort());
  deadlines.start();
  let ending: StreamEnding = { how: 'ended' };
  try {
    const body = chatRequestBody(request.messages, {
      model: options.model ?? 'gpt-4o-mini',
      ...(options.maxTokens !== undefined ? { maxTokens: options.maxTokens } : {}),
      ...(options.temperature !== undefined ? { temperature: options.temperature } : {}),
    });
    const stream = await backend.create(body, abort.signal);
    deadlines.connected();
    for await (const chunk of stream) {
      const events = protocol.receive(chunk);
      deadlines.received(events.length > 0);
      for (const event of events) yield event;
    }
    // Aborting mid-stream ends the loop without an error: say why it ended.
    if (deadlines.timedOut) ending = { how: 'failed', error: deadlines.timedOut };
    else if (signal.aborted) ending = { how: 'cancelled' };
  } catch (error) {
    if (deadlines.timedOut) ending = { how: 'failed', error: deadlines.timedOut };
    else if (signal.aborted) ending = { how: 'cancelled' };
    else ending = { how: 'failed', error: backend.errorOf(error) };
  } finally {
    deadlines.clear();
    signal.removeEventListener('abort', onAbort);
    // A consumer that stops early (`break`) must not leave the request running.
    abort.abort();
  }
  yield protocol.end(ending);
}

/** The SDK client of one adapter, the SDK's module (for its error classes), and how to word errors. */
interface Client {
  readonly sdk: OpenAI;
  readonly module: typeof OpenAI;
  readonly errors: ErrorFactory;
}

/** A ProviderError for whatever the SDK threw. */
function errorOf(sdk: typeof OpenAI, errors: ErrorFactory, error: unknown): ProviderError {
  if (error instanceof sdk.APIConnectionTimeoutError) return errors.make('timeout', 'the SDK timed out connecting');
  if (error instanceof sdk.APIConnectionError) return errors.make('network', `connection failed: ${error.message}`);
  if (error instanceof sdk.APIError) {
    if (error.status !== undefined) return errors.fromStatus(error.status, error.message.replace(/^\d{3} /, ''));
    return errors.make('server', `error in the stream: ${error.message}`);
  }
  if (error instanceof SyntaxError) return errors.make('protocol', `malformed data in the stream: ${error.message}`);
  return errors.make('network', `the stream failed: ${error instanceof Error ? error.message : String(error)}`);
}
