import { afterEach, describe, expect, it } from 'vitest';
import { ProviderError } from '../errors.js';
import type { TtsEvent, TtsSession } from '../tts.js';
import { EventLog } from '../test-support/events.js';
import { clearMidSpeech, samples } from '../test-support/tts.js';
import { ElevenLabsFakeServer } from './fake-server.js';
import { ElevenLabsHttpTts, type ElevenLabsHttpOptions } from './http-tts.js';
import { withoutProviderEnv } from '../test-support/env.js';

withoutProviderEnv();

const KEY = 'xi-test-key';
const cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(cleanup.splice(0).map((close) => close()));
});

async function setup(script: unknown = {}, options: ElevenLabsHttpOptions = {}): Promise<{ server: ElevenLabsFakeServer; session: TtsSession; log: EventLog<TtsEvent> }> {
  const server = await ElevenLabsFakeServer.start({ script: ElevenLabsFakeServer.script({ ms_per_char: '50ms', chunk: '100ms', first_audio: '5ms', chunk_interval: '5ms', ...(script as object) }), apiKey: KEY });
  cleanup.push(() => server.close());
  const session = await new ElevenLabsHttpTts({ apiKey: KEY, baseUrl: server.url, env: {}, voiceId: 'voice-2', ...options }).connect(new AbortController().signal);
  cleanup.push(() => session.close());
  return { server, session, log: new EventLog<TtsEvent>(session) };
}


describe('ElevenLabsHttpTts (textToSpeech.stream) against the fake', () => {
  it('speaks each flush as one streamed request, in order, then flushed', async () => {
    const { server, session, log } = await setup();
    session.pushText('Hello there. ');
    session.flush();
    session.pushText('Bye. ');
    session.flush();
    await log.until((events) => events.filter((e) => e.type === 'flushed').length === 2);
    const firstFlush = log.events.findIndex((e) => e.type === 'flushed');
    expect(samples(log.events.slice(0, firstFlush))).toBe(12 * 50 * 16);
    expect(samples(log.events)).toBe(16 * 50 * 16);
    const [request] = server.connections;
    expect(request!.path).toBe('/v1/text-to-speech/voice-2/stream');
    expect(request!.query.get('output_format')).toBe('pcm_16000');
    expect(request!.headers['xi-api-key']).toBe(KEY);
    expect(JSON.parse(request!.received[0] as string)).toEqual({ text: 'Hello there. ', model_id: 'eleven_flash_v2_5' });
  });

  it('clear() aborts the request in flight (the SDK\'s AbortError is expected) and answers cleared', async () => {
    const { session, log } = await setup({ chunk_interval: '30ms' });
    const after = await clearMidSpeech(session, log, 'A sentence long enough to take a while to say. ', 'Okay. ');
    expect(log.of('error')).toEqual([]);
    expect(after[0]).toEqual({ type: 'cleared' });
    expect(samples(after)).toBe(5 * 50 * 16);
  });

  it('HTTP errors, dropped connections and stalls are error events; later flushes still speak', async () => {
    const { session, log } = await setup({ faults: [{ handshake: 401, on: [1] }, { close: 1011, after: { messages: 2 }, on: [2] }, { stall: true, after: { messages: 2 }, on: [3] }] }, { timeouts: { stallMs: 300 } });
    for (let i = 0; i < 4; i++) {
      session.pushText('Hello there, friend. ');
      session.flush();
      await log.until((events) => events.filter((e) => e.type === 'error' || e.type === 'flushed').length > i);
    }
    const [auth, dropped, stalled] = log.of('error').map((e) => e.error);
    expect(auth).toMatchObject({ provider: 'elevenlabs', kind: 'auth', code: 401, message: 'elevenlabs: HTTP 401: Invalid API key' });
    expect(dropped).toMatchObject({ kind: 'network' });
    expect(stalled).toMatchObject({ kind: 'timeout', message: 'elevenlabs: stall timeout after 300 ms: no data mid-stream' });
    expect(log.of('flushed')).toHaveLength(1);
  });

  it('a missing key is an auth error naming ELEVENLABS_API_KEY, before any request', async () => {
    const error = await new ElevenLabsHttpTts({ env: {} }).connect(new AbortController().signal).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ProviderError);
    expect((error as ProviderError).message).toContain('ELEVENLABS_API_KEY');
  });
});
