import { afterEach, describe, expect, it } from 'vitest';
import { ProviderError } from '../errors.js';
import type { TtsEvent, TtsSession } from '../tts.js';
import { EventLog } from '../test-support/events.js';
import { clearMidSpeech, samples } from '../test-support/tts.js';
import { DeepgramFakeServer } from './fake-server.js';
import { DeepgramAuraTts, type DeepgramTtsOptions } from './tts.js';
import { withoutProviderEnv } from '../test-support/env.js';

withoutProviderEnv();

const KEY = 'dg-test-key';
const cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(cleanup.splice(0).map((close) => close()));
});

async function setup(script: unknown = {}, options: DeepgramTtsOptions = {}): Promise<{ server: DeepgramFakeServer; session: TtsSession; log: EventLog<TtsEvent> }> {
  const server = await DeepgramFakeServer.start({ script: DeepgramFakeServer.script(script), apiKey: KEY });
  cleanup.push(() => server.close());
  const session = await new DeepgramAuraTts({ apiKey: KEY, baseUrl: server.url, env: {}, ...options }).connect(new AbortController().signal);
  cleanup.push(() => session.close());
  return { server, session, log: new EventLog<TtsEvent>(session) };
}

const FAST = { speak: { ms_per_char: '50ms', chunk: '100ms', first_audio: '5ms', chunk_interval: '5ms' } };

describe('DeepgramAuraTts (speak.v1) against the fake', () => {
  it('speaks flushed text: PCM audio whose length follows the text, then one flushed per flush, in order', async () => {
    const { server, session, log } = await setup(FAST);
    session.pushText('Hello there. ');
    session.flush();
    session.pushText('Bye. ');
    session.flush();
    await log.until((events) => events.filter((e) => e.type === 'flushed').length === 2);
    const types = log.events.map((e) => e.type);
    // All of the first text's audio, flushed, then the second's, flushed.
    expect(types.indexOf('flushed')).toBeGreaterThan(0);
    const first = log.events.slice(0, types.indexOf('flushed'));
    expect(samples(first)).toBe(12 * 50 * 16); // "Hello there." at 50 ms a character, 16 kHz
    expect(samples(log.events)).toBe((12 + 4) * 50 * 16);
    const audio = log.of('audio')[0]!.chunk;
    expect(audio.sampleRate).toBe(16000);
    expect(audio.pcm?.length).toBe(audio.samples);
    const record = server.connections[0]!;
    expect(record.path).toBe('/v1/speak');
    expect(Object.fromEntries(record.query)).toMatchObject({ model: 'aura-2-thalia-en', encoding: 'linear16', sample_rate: '16000' });
    expect(record.received).toEqual([
      '{"type":"Speak","text":"Hello there. "}',
      '{"type":"Flush"}',
      '{"type":"Speak","text":"Bye. "}',
      '{"type":"Flush"}',
    ]);
  });

  it('clear(): audio still in flight before Cleared is dropped; then cleared; later text speaks again', async () => {
    const { session, log } = await setup({ speak: { ms_per_char: '50ms', chunk: '100ms', first_audio: '5ms', chunk_interval: '40ms', audio_after_clear: 2 } });
    const after = await clearMidSpeech(session, log, 'A long sentence that takes a while to say. ', 'Okay. ');
    // The two in-flight frames the fake sent between Clear and Cleared never reached the session.
    expect(after[0]).toEqual({ type: 'cleared' });
    expect(samples(after)).toBe(5 * 50 * 16);
    expect(log.of('flushed')).toHaveLength(1);
  });

  it('a close 1011 mid-stream is an error, then closed', async () => {
    const { session, log } = await setup({ ...FAST, faults: [{ close: 1011, after: { messages: 3 } }] });
    session.pushText('Hello there, how are you? ');
    session.flush();
    await log.until((events) => events.some((e) => e.type === 'closed'));
    expect(log.of('error')[0]!.error).toMatchObject({ provider: 'deepgram', kind: 'server', code: 1011 });
    expect(log.events.at(-1)!.type).toBe('closed');
    expect(log.of('flushed')).toEqual([]);
  });

  it('the first-byte timeout fires when the audio is slow to come', async () => {
    const { session, log } = await setup({ ...FAST, faults: [{ first_byte_delay: '2s' }] }, { timeouts: { firstByteMs: 100 } });
    session.pushText('Hello. ');
    session.flush();
    await log.until((events) => events.some((e) => e.type === 'closed'));
    const error = log.of('error')[0]!.error;
    expect(error.kind).toBe('timeout');
    expect(error.message).toBe('deepgram: first-byte timeout after 100 ms: no audio after a flush');
  });

  it('the stall timeout fires when the audio stops mid-stream', async () => {
    const { session, log } = await setup({ ...FAST, faults: [{ stall: true, after: { messages: 3 } }] }, { timeouts: { firstByteMs: 1000, stallMs: 100 } });
    session.pushText('Hello there, how are you today? ');
    session.flush();
    await log.until((events) => events.some((e) => e.type === 'closed'));
    expect(log.of('audio').length).toBeGreaterThan(0);
    expect(log.of('error')[0]!.error.message).toBe('deepgram: stall timeout after 100 ms: no message mid-stream');
  });

  it('a fault placed after a flush: the first text is spoken, the connection dies at the second flush', async () => {
    const { session, log } = await setup({ ...FAST, faults: [{ close: 1011, after: { flushes: 2 } }] });
    session.pushText('One. ');
    session.flush();
    await log.until((events) => events.some((e) => e.type === 'flushed'));
    session.pushText('Two. ');
    session.flush();
    await log.until((events) => events.some((e) => e.type === 'closed'));
    expect(log.of('flushed')).toHaveLength(1);
    expect(log.of('error')[0]!.error).toMatchObject({ kind: 'server', code: 1011 });
  });

  it('a malformed message is a protocol error, and the stream goes on', async () => {
    const { session, log } = await setup({ ...FAST, faults: [{ malformed: true, after: { messages: 2 } }] });
    session.pushText('Hello. ');
    session.flush();
    await log.until((events) => events.some((e) => e.type === 'flushed'));
    expect(log.of('error')[0]!.error.kind).toBe('protocol');
  });

  it('a refused handshake rejects connect; so does a missing key (before connecting)', async () => {
    const server = await DeepgramFakeServer.start({ script: DeepgramFakeServer.script({ faults: [{ handshake: 503, on: [1] }] }) });
    cleanup.push(() => server.close());
    const tts = new DeepgramAuraTts({ apiKey: KEY, baseUrl: server.url, env: {} });
    const refused = await tts.connect(new AbortController().signal).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(ProviderError);
    expect(refused).toMatchObject({ kind: 'server', code: 503 });
    // Only the first connection was refused.
    const session = await tts.connect(new AbortController().signal);
    await session.close();
    const missing = await new DeepgramAuraTts({ baseUrl: server.url, env: {} }).connect(new AbortController().signal).catch((e: unknown) => e);
    expect((missing as ProviderError).message).toContain('DEEPGRAM_API_KEY');
    expect(server.connections).toHaveLength(2);
  });
});
