import { describe, expect, it } from 'vitest';
import { RealClock } from '../core/clock/real-clock.js';
import { Trace } from '../core/trace/trace.js';
import { DeepgramFakeServer } from './deepgram/fake-server.js';
import { DeepgramStt } from './deepgram/stt.js';
import { DeepgramAuraTts } from './deepgram/tts.js';
import { ElevenLabsFakeServer } from './elevenlabs/fake-server.js';
import { ElevenLabsWsTts } from './elevenlabs/ws-tts.js';
import { ProviderError } from './errors.js';
import { FailoverLlm, FailoverStt, FailoverTts } from './failover.js';
import type { LlmEvent } from './llm.js';
import { OpenAiFakeServer } from './openai/fake-server.js';
import { OpenAiLlm } from './openai/llm.js';
import type { SttEvent } from './stt.js';
import { closedAfterEach } from './test-support/cleanup.js';
import { audio, EventLog } from './test-support/events.js';
import type { TtsEvent } from './tts.js';
import { withoutProviderEnv } from './test-support/env.js';

withoutProviderEnv();

const KEY = 'test-key';
const later = closedAfterEach();

async function openai(script: unknown, name: string): Promise<{ server: OpenAiFakeServer; llm: OpenAiLlm }> {
  const server = later(await OpenAiFakeServer.start({ script: OpenAiFakeServer.script({ first_token: '1ms', token_interval: '1ms', ...(script as object) }) }));
  return { server, llm: new OpenAiLlm({ apiKey: KEY, baseUrl: server.baseUrl, env: {}, name }) };
}

async function collect(stream: AsyncIterable<LlmEvent>): Promise<{ text: string; end: Extract<LlmEvent, { type: 'end' }> }> {
  let text = '';
  let end: Extract<LlmEvent, { type: 'end' }> | undefined;
  for await (const event of stream) {
    if (event.type === 'token') text += event.text;
    else end = event;
  }
  return { text, end: end! };
}

const ask = { messages: [{ role: 'user' as const, content: 'hello' }] };

describe('FailoverLlm', () => {
  it('sends a request that failed before its first token to the next provider, and traces the switch', async () => {
    const a = await openai({ faults: [{ handshake: 500 }] }, 'openai-a');
    const b = await openai({ default_reply: 'From B.' }, 'openai-b');
    const trace = new Trace(new RealClock());
    const llm = new FailoverLlm([a.llm, b.llm], { trace });
    expect(llm.name).toBe('openai-a>openai-b');
    expect(await collect(llm.stream(ask, new AbortController().signal))).toEqual({ text: 'From B.', end: { type: 'end', reason: 'stop' } });
    const [failover] = trace.ofType('provider.failover');
    expect(failover).toMatchObject({ role: 'llm', from: 'openai-a', to: 'openai-b' });
    expect(failover!.why).toMatch(/^openai-a: HTTP 500: /);
    // The chain stays on B.
    await collect(llm.stream(ask, new AbortController().signal));
    expect(a.server.requests).toHaveLength(1);
    expect(b.server.requests).toHaveLength(2);
  });

  it('moves on only after N failures in a row; until then the error ends the stream', async () => {
    const a = await openai({ faults: [{ handshake: 503 }] }, 'a');
    const b = await openai({ default_reply: 'B here.' }, 'b');
    const trace = new Trace(new RealClock());
    const llm = new FailoverLlm([a.llm, b.llm], { trace, failuresBeforeSwitch: 2 });
    const first = await collect(llm.stream(ask, new AbortController().signal));
    expect(first.end.error).toMatchObject({ provider: 'a', kind: 'server', code: 503 });
    expect(trace.ofType('provider.failover')).toEqual([]);
    expect((await collect(llm.stream(ask, new AbortController().signal))).text).toBe('B here.');
    expect(trace.ofType('provider.failover')).toHaveLength(1);
  });

  it('a failure after tokens ends the stream with the error (no silent retry); the next request goes elsewhere', async () => {
    const a = await openai({ default_reply: 'one two three four', faults: [{ close: 1011, after: { messages: 3 } }] }, 'a');
    const b = await openai({ default_reply: 'B.' }, 'b');
    const llm = new FailoverLlm([a.llm, b.llm]);
    const first = await collect(llm.stream(ask, new AbortController().signal));
    expect(first.text).toBe('one two');
    expect(first.end.error?.kind).toBe('network');
    expect((await collect(llm.stream(ask, new AbortController().signal))).text).toBe('B.');
  });

  it('a cancelled request is not a failure', async () => {
    const a = await openai({ default_reply: 'slow reply here', token_interval: '50ms' }, 'a');
    const b = await openai({}, 'b');
    const trace = new Trace(new RealClock());
    const llm = new FailoverLlm([a.llm, b.llm], { trace });
    const controller = new AbortController();
    controller.abort();
    expect((await collect(llm.stream(ask, controller.signal))).end.reason).toBe('cancelled');
    expect(trace.ofType('provider.failover')).toEqual([]);
  });
});

/** Aura (on a fake with `script`) backed by ElevenLabs stream-input, traced. */
async function auraThenElevenLabs(script: unknown) {
  const deepgram = later(await DeepgramFakeServer.start({ script: DeepgramFakeServer.script(script) }));
  const eleven = later(await ElevenLabsFakeServer.start({ script: ElevenLabsFakeServer.script({ first_audio: '1ms', chunk_interval: '1ms' }) }));
  const trace = new Trace(new RealClock());
  const tts = new FailoverTts(
    [new DeepgramAuraTts({ apiKey: KEY, baseUrl: deepgram.url, env: {} }), new ElevenLabsWsTts({ apiKey: KEY, baseUrl: eleven.url, env: {} })],
    { trace },
  );
  return { eleven, trace, tts };
}

describe('FailoverTts', () => {
  it('connects to the next provider when the first refuses (Aura 401 → ElevenLabs)', async () => {
    const { trace, tts } = await auraThenElevenLabs({ faults: [{ handshake: 401 }] });
    const session = later(await tts.connect(new AbortController().signal));
    const log = new EventLog<TtsEvent>(session);
    session.pushText('Hello. ');
    session.flush();
    await log.until((events) => events.some((e) => e.type === 'flushed'));
    expect(trace.ofType('provider.failover')).toMatchObject([{ role: 'tts', from: 'deepgram', to: 'elevenlabs', why: 'deepgram: HTTP 401: the websocket handshake was refused' }]);
  });

  it('a provider dying mid-speech: the error is reported, and later text is spoken by the next provider', async () => {
    const { eleven, trace, tts } = await auraThenElevenLabs({ speak: { first_audio: '1ms', chunk_interval: '5ms' }, faults: [{ close: 1011, after: { messages: 3 } }] });
    const session = later(await tts.connect(new AbortController().signal));
    const log = new EventLog<TtsEvent>(session);
    session.pushText('This sentence dies halfway through. ');
    session.flush();
    await log.until((events) => events.some((e) => e.type === 'error'));
    session.clear();
    await log.until((events) => events.some((e) => e.type === 'cleared'));
    session.pushText('Second try. ');
    session.flush();
    await log.until((events) => events.some((e) => e.type === 'flushed'));
    expect(log.of('error')[0]!.error).toMatchObject({ provider: 'deepgram', code: 1011 });
    expect(log.of('closed')).toEqual([]);
    expect(trace.ofType('provider.failover')).toMatchObject([{ role: 'tts', from: 'deepgram', to: 'elevenlabs' }]);
    expect(eleven.connections.some((c) => c.received.includes('{"text":"Second try. "}'))).toBe(true);
  });
});

describe('FailoverStt', () => {
  it('a transcription dying mid-call is reported, and the session goes on with the next provider', async () => {
    const script = { listen: { utterances: [{ text: 'hello there', at: '100ms', word: '100ms' }], repeat: true, gap: '200ms' } };
    const a = later(await DeepgramFakeServer.start({ script: DeepgramFakeServer.script({ ...script, faults: [{ close: 1011, after: { audio: '200ms' } }] }) }));
    const b = later(await DeepgramFakeServer.start({ script: DeepgramFakeServer.script(script) }));
    const trace = new Trace(new RealClock());
    const stt = new FailoverStt([new DeepgramStt({ apiKey: KEY, baseUrl: a.url, env: {}, name: 'nova-a' }), new DeepgramStt({ apiKey: KEY, baseUrl: b.url, env: {}, name: 'nova-b', endpointingMs: 100 })], { trace });
    const session = later(await stt.connect(new AbortController().signal));
    const log = new EventLog<SttEvent>(session);
    for (const chunk of audio(400)) session.sendAudio(chunk);
    await log.until((events) => events.some((e) => e.type === 'error'));
    await new Promise((resolve) => setTimeout(resolve, 50));
    for (const chunk of audio(1000)) session.sendAudio(chunk);
    await log.until((events) => events.some((e) => e.type === 'transcript' && e.isFinal));
    expect(log.of('error')[0]!.error).toMatchObject({ provider: 'nova-a', kind: 'server', code: 1011 });
    expect(log.of('closed')).toEqual([]);
    expect(trace.ofType('provider.failover')).toMatchObject([{ role: 'stt', from: 'nova-a', to: 'nova-b' }]);
    expect(b.connections).toHaveLength(1);
  });

  it('when every provider fails to connect, connect rejects with the last error', async () => {
    const a = later(await DeepgramFakeServer.start({ script: DeepgramFakeServer.script({ faults: [{ handshake: 503 }] }) }));
    const b = later(await DeepgramFakeServer.start({ script: DeepgramFakeServer.script({ faults: [{ handshake: 401 }] }) }));
    const stt = new FailoverStt([new DeepgramStt({ apiKey: KEY, baseUrl: a.url, env: {}, name: 'a' }), new DeepgramStt({ apiKey: KEY, baseUrl: b.url, env: {}, name: 'b' })]);
    const error = await stt.connect(new AbortController().signal).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ProviderError);
    expect(error).toMatchObject({ provider: 'b', kind: 'auth' });
  });
});
