import OpenAI from 'openai';
import { afterEach, describe, expect, it } from 'vitest';
import type { LlmEvent } from '../llm.js';
import { OpenAiFakeServer } from './fake-server.js';
import { OpenAiLlm, type OpenAiLlmOptions } from './llm.js';
import { withoutProviderEnv } from '../test-support/env.js';

withoutProviderEnv();

const KEY = 'sk-test-openai';
const servers: OpenAiFakeServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

async function fake(script: unknown = {}): Promise<OpenAiFakeServer> {
  const server = await OpenAiFakeServer.start({ script: OpenAiFakeServer.script({ token_interval: '2ms', first_token: '2ms', ...(script as object) }), apiKey: KEY });
  servers.push(server);
  return server;
}

const USER = [{ role: 'system' as const, content: 'Be brief.' }, { role: 'user' as const, content: 'Can I book a table?' }];

/** Runs a stream to its end, checking the contract: it never throws, and ends with exactly one `end`. */
async function run(llm: OpenAiLlm, signal = new AbortController().signal, onToken?: (n: number) => void): Promise<LlmEvent[]> {
  const events: LlmEvent[] = [];
  for await (const event of llm.stream({ messages: USER }, signal)) {
    events.push(event);
    if (event.type === 'token') onToken?.(events.length);
  }
  expect(events.filter((e) => e.type === 'end')).toHaveLength(1);
  expect(events.at(-1)!.type).toBe('end');
  return events;
}

function llm(server: OpenAiFakeServer, options: OpenAiLlmOptions = {}): OpenAiLlm {
  return new OpenAiLlm({ apiKey: KEY, baseUrl: server.baseUrl, env: {}, ...options });
}

const text = (events: readonly LlmEvent[]): string => events.map((e) => (e.type === 'token' ? e.text : '')).join('');
const end = (events: readonly LlmEvent[]) => events.at(-1) as Extract<LlmEvent, { type: 'end' }>;

describe('OpenAiLlm against the fake', () => {
  it('streams the scripted reply token by token and ends with stop', async () => {
    const server = await fake({ replies: [{ when: 'book', say: 'Sure, for which day?' }] });
    const events = await run(llm(server));
    expect(events.filter((e) => e.type === 'token').map((e) => (e as { text: string }).text)).toEqual(['Sure,', ' for', ' which', ' day?']);
    expect(end(events)).toEqual({ type: 'end', reason: 'stop' });
    const request = server.requests[0]!;
    expect(request.path).toBe('/v1/chat/completions');
    expect(request.headers.authorization).toBe(`Bearer ${KEY}`);
    expect(JSON.parse(request.received[0] as string)).toEqual({ model: 'gpt-4o-mini', messages: USER, stream: true });
  });

  it('ends with length when max tokens cut the reply', async () => {
    const server = await fake({ default_reply: 'one two three four five' });
    const events = await run(llm(server, { maxTokens: 2 }));
    expect(text(events)).toBe('one two');
    expect(end(events).reason).toBe('length');
  });

  it('aborting mid-stream ends with cancelled (the SDK ends its loop silently)', async () => {
    const server = await fake({ default_reply: 'one two three four five six seven eight', token_interval: '20ms' });
    const controller = new AbortController();
    const events = await run(llm(server), controller.signal, (n) => n === 2 && controller.abort());
    expect(events.filter((e) => e.type === 'token')).toHaveLength(2);
    expect(end(events)).toEqual({ type: 'end', reason: 'cancelled' });
  });

  it('aborting before the response headers ends with cancelled (the SDK throws APIUserAbortError)', async () => {
    const server = await fake({ faults: [{ first_byte_delay: '2s' }] });
    const controller = new AbortController();
    const stream = run(llm(server), controller.signal);
    await new Promise((resolve) => setTimeout(resolve, 50));
    controller.abort();
    expect(end(await stream)).toEqual({ type: 'end', reason: 'cancelled' });
  });

  it('an already aborted signal ends at once with cancelled, without a request', async () => {
    const server = await fake();
    const controller = new AbortController();
    controller.abort();
    expect(await run(llm(server), controller.signal)).toEqual([{ type: 'end', reason: 'cancelled' }]);
    expect(server.requests).toEqual([]);
  });

  it.each([
    [401, 'auth'],
    [429, 'rate_limit'],
    [500, 'server'],
  ] as const)('an HTTP %i ends the stream with an error of kind %s', async (status, kind) => {
    const server = await fake({ faults: [{ handshake: status }] });
    const error = end(await run(llm(server))).error!;
    expect(error).toMatchObject({ provider: 'openai', kind, code: status });
    expect(error.message).toMatch(new RegExp(`^openai: HTTP ${status}: `));
  });

  it('a wrong key is refused with OpenAI\'s message', async () => {
    const server = await fake();
    const error = end(await run(llm(server, { apiKey: 'sk-wrong-key-1234' }))).error!;
    expect(error.kind).toBe('auth');
    expect(error.message).toContain('Incorrect API key provided');
  });

  it('a connection dropped mid-stream ends with a network error', async () => {
    const server = await fake({ default_reply: 'one two three four five', faults: [{ close: 1011, after: { messages: 3 } }] });
    const events = await run(llm(server));
    expect(text(events)).toBe('one two');
    expect(end(events).error).toMatchObject({ provider: 'openai', kind: 'network' });
  });

  it('malformed stream data ends with a protocol error', async () => {
    const server = await fake({ faults: [{ malformed: true, after: { messages: 2 } }] });
    const events = await run(llm(server));
    expect(end(events).error).toMatchObject({ kind: 'protocol' });
    expect(end(events).error!.message).toMatch(/^openai: malformed data in the stream/);
  });

  it('a stalled stream trips the stall timeout', async () => {
    const server = await fake({ default_reply: 'one two three four', faults: [{ stall: true, after: { messages: 3 } }] });
    const events = await run(llm(server, { timeouts: { stallMs: 300 } }));
    expect(text(events)).toBe('one two');
    expect(end(events).error).toMatchObject({ kind: 'timeout', message: 'openai: stall timeout after 300 ms: no data mid-stream' });
  });

  it('slow response headers trip the connect timeout; a slow first token the first-token timeout', async () => {
    const server = await fake({ faults: [{ first_byte_delay: '2s' }] });
    const connect = end(await run(llm(server, { timeouts: { connectMs: 80 } }))).error!;
    expect(connect.message).toBe('openai: connect timeout after 80 ms: no response headers');
    const slow = await fake({ first_token: '2s' });
    const first = end(await run(llm(slow, { timeouts: { firstByteMs: 80, stallMs: 1000 } }))).error!;
    expect(first).toMatchObject({ kind: 'timeout', message: 'openai: first-token timeout after 80 ms: no token yet' });
  });

  it('a missing key ends the stream with an auth error naming OPENAI_API_KEY, before any request', async () => {
    const server = await fake();
    const error = end(await run(new OpenAiLlm({ baseUrl: server.baseUrl, env: {} }))).error!;
    expect(error).toMatchObject({ kind: 'auth', provider: 'openai' });
    expect(error.message).toContain('OPENAI_API_KEY');
    expect(server.requests).toEqual([]);
  });

  it('reads OPENAI_API_KEY and OPENAI_BASE_URL from the environment it is given', async () => {
    const server = await fake();
    const events = await run(new OpenAiLlm({ env: { OPENAI_API_KEY: KEY, OPENAI_BASE_URL: server.baseUrl } }));
    expect(end(events).reason).toBe('stop');
  });

  it('the fetch seam sees the request and the streamed response', async () => {
    const server = await fake({ default_reply: 'Hi there.' });
    const seen: string[] = [];
    const recording: typeof fetch = async (input, init) => {
      seen.push(`${init?.method} ${String(input)}`);
      const response = await fetch(input, init);
      const [mine, theirs] = response.body!.tee();
      void new Response(mine).text().then((body) => seen.push(body));
      return new Response(theirs, { status: response.status, headers: response.headers });
    };
    await run(llm(server, { fetch: recording }));
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(seen[0]).toBe(`POST ${server.baseUrl}/chat/completions`);
    expect(seen[1]).toContain('data: [DONE]');
  });
});

describe('the OpenAI fake, through the SDK directly', () => {
  it('answers non-streaming requests, and streams a usage chunk when asked', async () => {
    const server = await fake({ default_reply: 'Hello you.' });
    const client = new OpenAI({ apiKey: KEY, baseURL: server.baseUrl, maxRetries: 0 });
    const completion = await client.chat.completions.create({ model: 'gpt-4o', messages: [{ role: 'user', content: 'hi' }] });
    expect(completion.choices[0]!.message.content).toBe('Hello you.');
    expect(completion.choices[0]!.finish_reason).toBe('stop');
    const stream = await client.chat.completions.create({ model: 'gpt-4o', messages: [{ role: 'user', content: 'hi' }], stream: true, stream_options: { include_usage: true } });
    const chunks = [];
    for await (const chunk of stream) chunks.push(chunk);
    expect(chunks[0]!.choices[0]!.delta.role).toBe('assistant');
    expect(chunks.at(-1)!.usage).toMatchObject({ completion_tokens: 2 });
    expect(chunks.at(-2)!.choices[0]!.finish_reason).toBe('stop');
  });
});
