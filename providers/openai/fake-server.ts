/**
 * A local OpenAI chat completions endpoint (`POST /v1/chat/completions`) on 127.0.0.1: streamed
 * (`stream: true`, server-sent events of `chat.completion.chunk` ending in `data: [DONE]`, with
 * a usage chunk when `stream_options.include_usage` is set) or not, `Authorization: Bearer`
 * checked (401 with OpenAI's error body), `max_completion_tokens`/`max_tokens` honoured
 * (`finish_reason: "length"`), replies picked by the script, and the script's faults.
 *
 * Point the SDK at it with `new OpenAI({ apiKey, baseURL: server.baseUrl })` or
 * `OPENAI_BASE_URL`.
 *
 * @module
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Clock, TimerHandle } from '../../core/clock/clock.js';
import { RealClock } from '../../core/clock/real-clock.js';
import { tokenize } from '../scripted/scripted-llm.js';
import { keyAccepted } from '../fake/auth.js';
import { ConnectionLog, type ConnectionRecord, type OpenedConnection } from '../fake/connection.js';
import { httpOutbox, readBody } from '../fake/http-outbox.js';
import { FakeServer } from '../fake/fake-server.js';
import { listen } from '../fake/listen.js';
import { scriptFrom } from '../fake/script.js';
import { DEFAULT_REPLY, openAiScriptSchema, type OpenAiScript } from './fake-script.js';

/** Options of {@link OpenAiFakeServer.start}. */
export interface OpenAiFakeOptions {
  readonly script?: OpenAiScript;
  /** Port on 127.0.0.1; default: any free port. */
  readonly port?: number;
  /** The only key accepted; default: any non-empty key. */
  readonly apiKey?: string;
  readonly clock?: Clock;
  /** Keep request bodies in `requests[i].received` (default true; off for long-running fakes). */
  readonly keepFrames?: boolean;
}

/** The fields of a chat request the fake reads. */
interface ChatRequest {
  readonly model?: unknown;
  readonly messages?: unknown;
  readonly stream?: unknown;
  readonly max_tokens?: unknown;
  readonly max_completion_tokens?: unknown;
  readonly stream_options?: { readonly include_usage?: unknown } | null;
}

/** A running OpenAI fake. */
export class OpenAiFakeServer extends FakeServer {
  /** Validates a script given as a plain value (durations as strings, like the YAML). */
  static script(value: unknown): OpenAiScript {
    return scriptFrom(openAiScriptSchema, value, 'openai script');
  }

  /** Starts a fake on 127.0.0.1. */
  static async start(options: OpenAiFakeOptions = {}): Promise<OpenAiFakeServer> {
    const script = options.script ?? {};
    const clock = options.clock ?? new RealClock();
    const log = new ConnectionLog(options.keepFrames);
    const listening = await listen(
      {
        request: (request, response) => {
          void handle(request, response, log.open(request, script.faults), script, options.apiKey, clock).catch(() => response.socket?.destroy());
        },
      },
      options.port,
    );
    return new OpenAiFakeServer(listening, log);
  }

  /** `http://127.0.0.1:<port>/v1`: the `baseURL` for the SDK, or `OPENAI_BASE_URL`. */
  get baseUrl(): string {
    return `${this.url}/v1`;
  }

  /** Every request so far, in order (the body is the one `received` entry). */
  get requests(): readonly ConnectionRecord[] {
    return this.connections;
  }
}

async function handle(
  request: IncomingMessage,
  response: ServerResponse,
  { record, faults, keep }: OpenedConnection,
  script: OpenAiScript,
  apiKey: string | undefined,
  clock: Clock,
): Promise<void> {
  const body = await readBody(request);
  keep(body);
  const requestId = `req_fake${String(record.number).padStart(6, '0')}`;
  if (request.method !== 'POST' || record.path !== '/v1/chat/completions') {
    return sendError(response, record, 404, { message: `Invalid URL (${request.method} ${record.path})`, type: 'invalid_request_error', param: null, code: null }, requestId);
  }
  const key = /^Bearer\s+(.+)$/i.exec(request.headers.authorization ?? '')?.[1];
  if (!keyAccepted(key, apiKey)) {
    return sendError(response, record, 401, { message: `Incorrect API key provided: ${masked(key ?? '')}. You can find your API key at https://platform.openai.com/account/api-keys.`, type: 'invalid_request_error', param: null, code: 'invalid_api_key' }, requestId);
  }
  const refusal = faults.handshake;
  if (refusal) return sendError(response, record, refusal.status, errorBody(refusal.status, refusal.message), requestId);
  let chat: ChatRequest;
  try {
    chat = JSON.parse(body) as ChatRequest;
  } catch {
    return sendError(response, record, 400, { message: 'We could not parse the JSON body of your request.', type: 'invalid_request_error', param: null, code: null }, requestId);
  }
  if (!Array.isArray(chat.messages) || typeof chat.model !== 'string') {
    return sendError(response, record, 400, { message: "Missing required parameter: 'messages' or 'model'.", type: 'invalid_request_error', param: 'messages', code: 'missing_required_parameter' }, requestId);
  }
  const reply = replyTo(script, chat.messages as readonly unknown[]);
  const limit = typeof chat.max_completion_tokens === 'number' ? chat.max_completion_tokens : typeof chat.max_tokens === 'number' ? chat.max_tokens : undefined;
  const all = tokenize(reply);
  const tokens = limit !== undefined ? all.slice(0, limit) : all;
  const finishReason = tokens.length < all.length ? 'length' : 'stop';
  const id = `chatcmpl-fake${String(record.number).padStart(6, '0')}`;
  const usage = { prompt_tokens: promptTokens(chat.messages as readonly unknown[]), completion_tokens: tokens.length, total_tokens: 0 };
  const base = { id, object: 'chat.completion.chunk', created: 1_700_000_000, model: chat.model, system_fingerprint: 'fp_parley_fake' };
  const headers = { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache', 'x-request-id': requestId, 'openai-processing-ms': '1' };
  if (chat.stream !== true) {
    const outbox = httpOutbox(clock, faults, response, { status: 200, headers: { 'content-type': 'application/json', 'x-request-id': requestId } }, '{"id": "chatcmpl-');
    outbox.start();
    outbox.send({
      data: JSON.stringify({
        id,
        object: 'chat.completion',
        created: base.created,
        model: chat.model,
        choices: [{ index: 0, message: { role: 'assistant', content: tokens.join(''), refusal: null }, logprobs: null, finish_reason: finishReason }],
        usage: { ...usage, total_tokens: usage.prompt_tokens + usage.completion_tokens },
      }),
    });
    outbox.send({ end: true });
    return;
  }
  const outbox = httpOutbox(clock, faults, response, { status: 200, headers }, 'data: {"id": "chatcmpl-\n\n');
  const event = (value: unknown): { data: string } => ({ data: `data: ${JSON.stringify(value)}\n\n` });
  const chunk = (delta: object, finish: string | null): { data: string } =>
    event({ ...base, choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }] });
  // Each group goes out at once: the role chunk, each token, then the finish chunk with the rest.
  const groups: { data: string; end?: never }[][] = [
    [chunk({ role: 'assistant', content: '', refusal: null }, null)],
    ...tokens.map((text) => [chunk({ content: text }, null)]),
    [
      chunk({}, finishReason),
      ...(chat.stream_options?.include_usage === true ? [event({ ...base, choices: [], usage: { ...usage, total_tokens: usage.prompt_tokens + usage.completion_tokens } })] : []),
      { data: 'data: [DONE]\n\n' },
    ],
  ];
  outbox.start();
  let timer: TimerHandle | undefined;
  response.on('close', () => {
    if (timer !== undefined) clock.clearTimeout(timer);
  });
  let sent = 0;
  const next = (): void => {
    const group = groups.shift();
    if (!group || outbox.silent) return;
    for (const part of group) outbox.send(part);
    sent++;
    if (groups.length > 0) timer = clock.setTimeout(next, sent === 1 ? (script.first_token ?? 30) : (script.token_interval ?? 15));
    else outbox.send({ end: true });
  };
  next();
}

/** The scripted reply to the last user message. */
function replyTo(script: OpenAiScript, messages: readonly unknown[]): string {
  const last = [...messages].reverse().find((m): m is { role: 'user'; content: unknown } => (m as { role?: unknown }).role === 'user');
  const text = typeof last?.content === 'string' ? last.content.toLowerCase() : '';
  return script.replies?.find((r) => text.includes(r.when.toLowerCase()))?.say ?? script.default_reply ?? DEFAULT_REPLY;
}

function promptTokens(messages: readonly unknown[]): number {
  return messages.reduce<number>((n, m) => n + tokenize(String((m as { content?: unknown }).content ?? '')).length, 0);
}

/** OpenAI's way of quoting a wrong key: the start and end, the middle masked. */
function masked(key: string): string {
  return key.length <= 10 ? '*'.repeat(key.length) : `${key.slice(0, 6)}${'*'.repeat(key.length - 9)}${key.slice(-3)}`;
}

function errorBody(status: number, message: string | undefined): object {
  if (status === 429) return { message: message ?? 'Rate limit reached for requests. Please try again in 1s.', type: 'requests', param: null, code: 'rate_limit_exceeded' };
  if (status >= 500) return { message: message ?? 'The server had an error while processing your request. Sorry about that!', type: 'server_error', param: null, code: null };
  return { message: message ?? 'Invalid request.', type: 'invalid_request_error', param: null, code: null };
}

function sendError(response: ServerResponse, record: ConnectionRecord, status: number, error: object, requestId: string): void {
  record.refused = status;
  response.writeHead(status, { 'content-type': 'application/json', 'x-request-id': requestId }).end(JSON.stringify({ error }));
}
