import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { sleep } from '../core/clock/clock.js';
import { RealClock } from '../core/clock/real-clock.js';
import { AgentSession } from '../core/session/agent-session.js';
import { Trace } from '../core/trace/trace.js';
import { DeepgramFakeServer } from './deepgram/fake-server.js';
import { DeepgramStt } from './deepgram/stt.js';
import { DeepgramAuraTts } from './deepgram/tts.js';
import { ElevenLabsFakeServer } from './elevenlabs/fake-server.js';
import { ElevenLabsHttpTts } from './elevenlabs/http-tts.js';
import { ElevenLabsWsTts } from './elevenlabs/ws-tts.js';
import { ProviderError } from './errors.js';
import { FailoverLlm, FailoverTts } from './failover.js';
import type { LlmEvent } from './llm.js';
import { OpenAiFakeServer } from './openai/fake-server.js';
import { OpenAiLlm } from './openai/llm.js';
import { redact, resolveCredentials } from './secrets.js';
import type { SttEvent } from './stt.js';
import { closedAfterEach } from './test-support/cleanup.js';
import { audio, EventLog, eventually } from './test-support/events.js';
import type { TtsEvent } from './tts.js';
import { withoutProviderEnv } from './test-support/env.js';

withoutProviderEnv();

const SECRET = 'sk-test-SECRET-123';
const later = closedAfterEach();

/** Everything an error exposes when printed, logged or serialized. */
function exposed(error: ProviderError): string {
  return [error.message, String(error), inspect(error, { depth: 5 }), JSON.stringify(error)].join('\n');
}

describe('credentials', () => {
  it('resolve from options, then the environment; a missing key names the variable', () => {
    const variables = { key: 'X_API_KEY', baseUrl: 'X_BASE_URL' };
    expect(resolveCredentials('x', { apiKey: 'a', env: { X_API_KEY: 'b' } }, variables)).toEqual({ apiKey: 'a', baseUrl: undefined });
    expect(resolveCredentials('x', { env: { X_API_KEY: 'b', X_BASE_URL: 'http://h:1/' } }, variables)).toEqual({ apiKey: 'b', baseUrl: 'http://h:1' });
    expect(() => resolveCredentials('x', { env: { X_API_KEY: ' ' } }, variables)).toThrow('x: no API key: set X_API_KEY or pass apiKey');
  });

  it('redact() replaces every occurrence of the secrets', () => {
    expect(redact(`a ${SECRET} b ${SECRET}`, [SECRET])).toBe('a *** b ***');
  });
});

describe(`a known key (${SECRET}) never leaks`, () => {
  it('into the errors of any adapter, even when the server repeats it', async () => {
    const echo = `the key ${SECRET} is not valid`;
    const errors: ProviderError[] = [];

    const openai = later(await OpenAiFakeServer.start({ script: OpenAiFakeServer.script({ faults: [{ handshake: 401, message: echo, on: [1] }] }) }));
    const llm = new OpenAiLlm({ apiKey: SECRET, baseUrl: openai.baseUrl, env: {} });
    for (let i = 0; i < 2; i++) {
      const events: LlmEvent[] = [];
      for await (const event of llm.stream({ messages: [{ role: 'user', content: 'hi' }] }, new AbortController().signal)) events.push(event);
      const end = events.at(-1) as Extract<LlmEvent, { type: 'end' }>;
      if (end.error) errors.push(end.error);
    }
    // The second request goes through: the key really was sent, and accepted.
    expect(openai.requests[1]!.headers.authorization).toBe(`Bearer ${SECRET}`);

    const deepgram = later(await DeepgramFakeServer.start({ script: DeepgramFakeServer.script({ faults: [{ close: 1011, reason: echo, after: { audio: '100ms' } }] }) }));
    const stt = await new DeepgramStt({ apiKey: SECRET, baseUrl: deepgram.url, env: {} }).connect(new AbortController().signal);
    const sttLog = new EventLog<SttEvent>(stt);
    for (const chunk of audio(200)) stt.sendAudio(chunk);
    await sttLog.until((events) => events.some((e) => e.type === 'closed'));
    errors.push(...sttLog.of('error').map((e) => e.error));
    const refused = later(await DeepgramFakeServer.start({ script: DeepgramFakeServer.script({ faults: [{ handshake: 401, message: echo }] }) }));
    errors.push((await new DeepgramAuraTts({ apiKey: SECRET, baseUrl: refused.url, env: {} }).connect(new AbortController().signal).catch((e: unknown) => e)) as ProviderError);

    const eleven = later(await ElevenLabsFakeServer.start({ script: ElevenLabsFakeServer.script({ faults: [{ handshake: 401, message: echo, on: [1] }, { close: 1011, reason: echo, after: { messages: 1 } }] }) }));
    const http = await new ElevenLabsHttpTts({ apiKey: SECRET, baseUrl: eleven.url, env: {} }).connect(new AbortController().signal);
    const httpLog = new EventLog<TtsEvent>(http);
    http.pushText('Hello. ');
    http.flush();
    await httpLog.until((events) => events.some((e) => e.type === 'error'));
    errors.push(...httpLog.of('error').map((e) => e.error));
    const ws = await new ElevenLabsWsTts({ apiKey: SECRET, baseUrl: eleven.url, env: {} }).connect(new AbortController().signal);
    const wsLog = new EventLog<TtsEvent>(ws);
    ws.pushText('Hello there. ');
    ws.flush();
    await wsLog.until((events) => events.some((e) => e.type === 'error'));
    errors.push(...wsLog.of('error').map((e) => e.error));
    await Promise.all([http.close(), ws.close()]);

    expect(errors.map((e) => [e.provider, e.kind])).toEqual([
      ['openai', 'auth'],
      ['deepgram', 'server'],
      ['deepgram', 'auth'],
      ['elevenlabs', 'auth'],
      ['elevenlabs', 'server'],
    ]);
    // The servers' messages made it into the errors, with the key blanked out.
    expect(errors[0]!.message).toContain('the key *** is not valid');
    expect(errors[1]!.message).toContain('the key *** is not valid');
    for (const error of errors) expect(exposed(error)).not.toContain('SECRET');
  });

  it('into the trace of a session whose providers fail (errors, failovers)', async () => {
    const echo = `rejected ${SECRET}`;
    const openai = later(await OpenAiFakeServer.start({ script: OpenAiFakeServer.script({ faults: [{ handshake: 500, message: echo }] }) }));
    const deepgram = later(await DeepgramFakeServer.start({ script: DeepgramFakeServer.script({ listen: { utterances: [{ text: 'Hello there.', at: '60ms', word: '60ms' }] }, faults: [{ handshake: 401, message: echo, on: [2] }] }) }));
    const eleven = later(await ElevenLabsFakeServer.start({ script: ElevenLabsFakeServer.script({ faults: [{ handshake: 403, message: echo }] }) }));
    const clock = new RealClock();
    const trace = new Trace(clock);
    const llm = new FailoverLlm([new OpenAiLlm({ apiKey: SECRET, baseUrl: openai.baseUrl, env: {}, name: 'openai-a' }), new OpenAiLlm({ apiKey: SECRET, baseUrl: openai.baseUrl, env: {}, name: 'openai-b' })], { trace });
    const tts = new FailoverTts([new DeepgramAuraTts({ apiKey: SECRET, baseUrl: deepgram.url, env: {} }), new ElevenLabsHttpTts({ apiKey: SECRET, baseUrl: eleven.url, env: {} })], { trace });
    const stt = new DeepgramStt({ apiKey: SECRET, baseUrl: deepgram.url, env: {}, endpointingMs: 50 });
    const session = new AgentSession({ clock, stt, llm, tts, trace });
    later(session);
    await session.start();
    session.handleVad({ type: 'speech_start', onsetMs: clock.now() });
    for (const chunk of audio(400)) session.pushAudio(chunk);
    await sleep(clock, 50);
    session.handleVad({ type: 'speech_end', speechEndMs: clock.now() });
    await eventually(() => trace.events.some((e) => e.type === 'turn.failed'), 5000, 'the turn to fail');
    await session.close();
    const types = trace.events.map((e) => e.type);
    expect(types).toContain('provider.failover');
    expect(types).toContain('llm.error');
    expect(JSON.stringify(trace.events)).toContain('***');
    expect(JSON.stringify(trace.events)).not.toContain('SECRET');
  });
});
