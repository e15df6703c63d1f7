import { afterEach, describe, expect, it } from 'vitest';
import { ProviderError } from '../errors.js';
import type { TtsEvent, TtsSession } from '../tts.js';
import { EventLog, eventually } from '../test-support/events.js';
import { clearMidSpeech, samples } from '../test-support/tts.js';
import { recordingFactory, type SeenFrame } from '../test-support/recording.js';
import type { WebSocketFactory } from '../transport/websocket.js';
import { ElevenLabsFakeServer } from './fake-server.js';
import { ElevenLabsWsTts, type ElevenLabsWsOptions } from './ws-tts.js';
import { withoutProviderEnv } from '../test-support/env.js';

withoutProviderEnv();

const KEY = 'xi-test-key';
const cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(cleanup.splice(0).map((close) => close()));
});

const FAST = { ms_per_char: '50ms', chunk: '100ms', first_audio: '5ms', chunk_interval: '5ms' };

async function fake(script: unknown = {}): Promise<ElevenLabsFakeServer> {
  const server = await ElevenLabsFakeServer.start({ script: ElevenLabsFakeServer.script({ ...FAST, ...(script as object) }), apiKey: KEY });
  cleanup.push(() => server.close());
  return server;
}

async function open(server: ElevenLabsFakeServer, options: ElevenLabsWsOptions = {}): Promise<{ session: TtsSession; log: EventLog<TtsEvent> }> {
  const session = await new ElevenLabsWsTts({ apiKey: KEY, baseUrl: server.url, env: {}, voiceId: 'voice-1', ...options }).connect(new AbortController().signal);
  cleanup.push(() => session.close());
  return { session, log: new EventLog<TtsEvent>(session) };
}


describe('ElevenLabsWsTts (stream-input) against the fake', () => {
  it('speaks each flush on its own socket, in order: audio with per-chunk alignment, then flushed', async () => {
    const server = await fake();
    const { session, log } = await open(server, { voiceSettings: { stability: 0.5, similarity_boost: 0.8 }, chunkLengthSchedule: [50, 90] });
    session.pushText('Hello there. ');
    session.flush();
    session.pushText('Bye now. ');
    session.flush();
    await log.until((events) => events.filter((e) => e.type === 'flushed').length === 2);
    const firstFlush = log.events.findIndex((e) => e.type === 'flushed');
    expect(samples(log.events.slice(0, firstFlush))).toBe(12 * 50 * 16);
    expect(samples(log.events)).toBe((12 + 8) * 50 * 16);
    const [first] = log.of('audio');
    expect(first!.chunk.sampleRate).toBe(16000);
    expect(first!.alignment).toEqual({ chars: ['H', 'e'], charStartMs: [0, 50], charDurationMs: [50, 50] });
    // The socket opened by connect() spoke the first text; one more was opened ahead each time.
    const sockets = server.connections;
    expect(sockets.length).toBeGreaterThanOrEqual(2);
    const [a] = sockets;
    expect(a!.path).toBe('/v1/text-to-speech/voice-1/stream-input');
    expect(Object.fromEntries(a!.query)).toEqual({ model_id: 'eleven_flash_v2_5', output_format: 'pcm_16000' });
    expect(a!.headers['xi-api-key']).toBe(KEY);
    expect(a!.received.map((f) => JSON.parse(f as string))).toEqual([
      { text: ' ', voice_settings: { stability: 0.5, similarity_boost: 0.8 }, generation_config: { chunk_length_schedule: [50, 90] } },
      { text: 'Hello there. ' },
      { text: '' },
    ]);
    expect(a!.closed?.code).toBe(1000);
  });

  it('a flush with no text is acknowledged in its turn, without a socket', async () => {
    const server = await fake();
    const { session, log } = await open(server);
    session.flush();
    await log.until((events) => events.some((e) => e.type === 'flushed'));
    expect(log.events).toEqual([{ type: 'flushed' }]);
    expect(server.connections).toHaveLength(1);
  });

  it('clear(): nothing of the cleared text arrives after it; cleared; new text speaks again', async () => {
    const server = await fake({ chunk_interval: '30ms' });
    const { session, log } = await open(server);
    const after = await clearMidSpeech(session, log, 'A sentence long enough to take a while. ', 'Okay. ');
    expect(after[0]).toEqual({ type: 'cleared' });
    expect(samples(after)).toBe(5 * 50 * 16);
    expect(log.of('flushed')).toHaveLength(1);
  });

  it('keeps idle sockets alive with a single space; without, an open segment dies of inactivity (1008)', async () => {
    const server = await fake({ faults: [{ inactivity: '400ms' }] });
    const { log } = await open(server, { keepAliveMs: 40 });
    await eventually(() => server.connections[0]!.received.filter((f) => f === '{"text":" "}').length >= 5, 5000, 'keep-alives');
    expect(server.connections[0]!.closed).toBeUndefined();
    expect(log.events).toEqual([]);

    const quiet = await fake({ faults: [{ inactivity: '100ms' }] });
    const idle = await open(quiet, { keepAliveMs: false });
    idle.session.pushText('Half a sentence ');
    await idle.log.until((events) => events.some((e) => e.type === 'error'));
    expect(idle.log.of('error')[0]!.error).toMatchObject({ provider: 'elevenlabs', kind: 'protocol', code: 1008 });
    expect(idle.log.of('error')[0]!.error.message).toMatch(/^elevenlabs: connection closed with code 1008 \(Have not received a new text message/);
  });

  it('a refused key rejects connect (401); a missing key names ELEVENLABS_API_KEY', async () => {
    const server = await fake();
    const error = await new ElevenLabsWsTts({ apiKey: 'wrong', baseUrl: server.url, env: {} }).connect(new AbortController().signal).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ProviderError);
    expect(error).toMatchObject({ provider: 'elevenlabs', kind: 'auth', code: 401 });
    expect((error as Error).message).toMatch(/^elevenlabs: HTTP 401/);
    const missing = await new ElevenLabsWsTts({ baseUrl: server.url, env: {} }).connect(new AbortController().signal).catch((e: unknown) => e);
    expect((missing as Error).message).toContain('ELEVENLABS_API_KEY');
    expect(server.connections).toHaveLength(1);
  });

  it('a close 1011 mid-stream is an error; the session goes on with new text', async () => {
    const server = await fake({ faults: [{ close: 1011, after: { messages: 2 }, on: [1] }] });
    const { session, log } = await open(server);
    session.pushText('Hello there, how are you? ');
    session.flush();
    await log.until((events) => events.some((e) => e.type === 'error'));
    expect(log.of('error')[0]!.error).toMatchObject({ kind: 'server', code: 1011 });
    session.pushText('Again. ');
    session.flush();
    await log.until((events) => events.some((e) => e.type === 'flushed'));
    expect(log.of('closed')).toEqual([]);
  });

  it('a malformed message is a protocol error', async () => {
    const server = await fake({ faults: [{ malformed: true, after: { messages: 1 } }] });
    const { session, log } = await open(server);
    session.pushText('Hello there. ');
    session.flush();
    await log.until((events) => events.some((e) => e.type === 'error'));
    expect(log.of('error')[0]!.error).toMatchObject({ kind: 'protocol' });
    expect(log.of('error')[0]!.error.message).toMatch(/^elevenlabs: malformed message/);
  });

  it('first-byte and stall timeouts fire through the clock', async () => {
    const slow = await fake({ faults: [{ first_byte_delay: '2s' }] });
    const a = await open(slow, { timeouts: { firstByteMs: 100 } });
    a.session.pushText('Hello. ');
    a.session.flush();
    await a.log.until((events) => events.some((e) => e.type === 'error'));
    expect(a.log.of('error')[0]!.error.message).toBe('elevenlabs: first-byte timeout after 100 ms: no audio after a flush');
    const stalled = await fake({ faults: [{ stall: true, after: { messages: 2 } }] });
    const b = await open(stalled, { timeouts: { stallMs: 100 } });
    b.session.pushText('Hello there, how are you? ');
    b.session.flush();
    await b.log.until((events) => events.some((e) => e.type === 'error'));
    expect(b.log.of('error')[0]!.error).toMatchObject({ kind: 'timeout', message: 'elevenlabs: stall timeout after 100 ms: no message mid-stream' });
  });

  it('the websocket factory seam sees every frame both ways', async () => {
    const server = await fake();
    const frames: SeenFrame[] = [];
    const urls: string[] = [];
    const recording: WebSocketFactory = (url, headers) => {
      urls.push(url);
      return recordingFactory(frames)(url, headers);
    };
    const { session, log } = await open(server, { webSocketFactory: recording });
    session.pushText('Hi. ');
    session.flush();
    await log.until((events) => events.some((e) => e.type === 'flushed'));
    expect(urls[0]).toMatch(/^ws:\/\/127\.0\.0\.1:\d+\/v1\/text-to-speech\/voice-1\/stream-input\?model_id=/);
    expect(frames).toContainEqual({ dir: 'out', frame: '{"text":"Hi. "}' });
    expect(frames).toContainEqual({ dir: 'out', frame: '{"text":""}' });
    expect(frames.some((f) => f.dir === 'in' && typeof f.frame === 'string' && f.frame.startsWith('{"audio":"'))).toBe(true);
    expect(frames).toContainEqual({ dir: 'in', frame: '{"isFinal":true}' });
  });
});
