import { afterEach, describe, expect, it } from 'vitest';
import { VirtualClock } from '../../core/clock/virtual-clock.js';
import { ProviderError } from '../errors.js';
import type { SttEvent } from '../stt.js';
import { audio, EventLog, eventually } from '../test-support/events.js';
import { silentServer } from '../test-support/servers.js';
import { recordingFactory, type SeenFrame } from '../test-support/recording.js';
import { DeepgramFakeServer } from './fake-server.js';
import { DeepgramFluxStt, DeepgramStt, type DeepgramListenOptions } from './stt.js';
import { withoutProviderEnv } from '../test-support/env.js';

withoutProviderEnv();

const KEY = 'dg-test-key';
const cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(cleanup.splice(0).map((close) => close()));
});

async function fake(script: unknown = {}): Promise<DeepgramFakeServer> {
  const server = await DeepgramFakeServer.start({ script: DeepgramFakeServer.script(script), apiKey: KEY });
  cleanup.push(() => server.close());
  return server;
}

const BOOK = { listen: { utterances: [{ text: 'Book a table.', at: '100ms', word: '100ms' }] } };

async function open(server: { url: string }, options: DeepgramListenOptions = {}) {
  const stt = new DeepgramStt({ apiKey: KEY, baseUrl: server.url, env: {}, ...options });
  const session = await stt.connect(new AbortController().signal);
  cleanup.push(() => session.close());
  return { session, log: new EventLog<SttEvent>(session) };
}

function send(session: { sendAudio(chunk: ReturnType<typeof audio>[number]): void }, ms: number): void {
  for (const chunk of audio(ms)) session.sendAudio(chunk);
}

async function rejection(promise: Promise<unknown>): Promise<ProviderError> {
  const error = await promise.then(() => undefined, (e: unknown) => e);
  expect(error).toBeInstanceOf(ProviderError);
  return error as ProviderError;
}

describe('DeepgramStt (listen.v1) against the fake', () => {
  it('turns audio into interim and final transcripts, speech_final and utterance_end', async () => {
    const server = await fake(BOOK);
    const { session, log } = await open(server, { endpointingMs: 200, utteranceEndMs: 500 });
    send(session, 1500);
    await log.until((events) => events.some((e) => e.type === 'turn' && e.signal === 'utterance_end'));
    const finals = log.of('transcript').filter((e) => e.isFinal);
    expect(finals.map((e) => e.text)).toEqual(['Book a table.']);
    expect(log.of('transcript').some((e) => !e.isFinal)).toBe(true);
    expect(log.of('turn').map((e) => e.signal)).toEqual(['speech_final', 'utterance_end']);
    // The final comes before its speech_final signal.
    const types = log.events.map((e) => (e.type === 'transcript' ? `${e.type}:${e.isFinal}` : e.type === 'turn' ? e.signal : e.type));
    expect(types.indexOf('transcript:true')).toBeLessThan(types.indexOf('speech_final'));
    expect(log.of('speech_started')).toHaveLength(1);
    await session.close();
    expect(log.events.at(-1)).toEqual({ type: 'closed' });
    const record = server.connections[0]!;
    expect(record.headers.authorization).toBe(`Token ${KEY}`);
    expect(Object.fromEntries(record.query)).toMatchObject({
      model: 'nova-3',
      encoding: 'linear16',
      sample_rate: '16000',
      interim_results: 'true',
      endpointing: '200',
      utterance_end_ms: '500',
      vad_events: 'true',
    });
    expect(record.received.filter((f) => typeof f === 'string')).toContain('{"type":"CloseStream"}');
  });

  it('times words on the session clock: the first audio sample plus the offset Deepgram gives', async () => {
    const server = await fake(BOOK);
    const clock = new VirtualClock();
    await clock.runUntil(5000);
    const { session, log } = await open(server, { clock, endpointingMs: 100 });
    send(session, 1000); // the first 20 ms chunk was captured from 4980 ms
    await log.until((events) => events.some((e) => e.type === 'transcript' && e.isFinal));
    const final = log.of('transcript').find((e) => e.isFinal)!;
    expect(final.words.map((w) => [w.word, w.startMs, w.endMs])).toEqual([
      ['Book', 5080, 5180],
      ['a', 5180, 5280],
      ['table.', 5280, 5380],
    ]);
    expect(log.of('speech_started')[0]!.atMs).toBe(5080);
  });

  it('finalize() asks for a final result of what was heard so far', async () => {
    const server = await fake({ listen: { utterances: [{ text: 'one two three four five six', at: '0ms', word: '200ms' }] } });
    const { session, log } = await open(server, { endpointingMs: false, utteranceEndMs: false });
    send(session, 700);
    session.finalize();
    await log.until((events) => events.some((e) => e.type === 'transcript' && e.isFinal));
    expect(log.of('transcript').find((e) => e.isFinal)!.text).toBe('one two three');
    expect(server.connections[0]!.received).toContain('{"type":"Finalize"}');
    expect(log.of('turn')).toEqual([]);
  });

  it('sends KeepAlive while no audio flows, so the idle connection survives the inactivity close', async () => {
    const server = await fake({ faults: [{ inactivity: '400ms' }] });
    const { log } = await open(server, { keepAliveMs: 40 });
    await eventually(() => server.connections[0]!.received.filter((f) => f === '{"type":"KeepAlive"}').length >= 5, 5000, 'keep-alives');
    expect(log.of('error')).toEqual([]);
    expect(server.connections[0]!.closed).toBeUndefined();
  });

  it('without keep-alives the server closes an idle connection (1011, NET-0001): an error, then closed', async () => {
    const server = await fake({ faults: [{ inactivity: '100ms' }] });
    const { log } = await open(server, { keepAliveMs: false });
    await log.until((events) => events.some((e) => e.type === 'closed'));
    const [error] = log.of('error');
    expect(error!.error).toMatchObject({ provider: 'deepgram', kind: 'server', code: 1011 });
    expect(error!.error.message).toMatch(/^deepgram: connection closed with code 1011 .*net0001/);
    expect(log.events.map((e) => e.type)).toEqual(['error', 'closed']);
  });

  it('a refused handshake (401) rejects connect with an auth error naming the provider', async () => {
    const server = await fake({ faults: [{ handshake: 401 }] });
    const error = await rejection(new DeepgramStt({ apiKey: KEY, baseUrl: server.url, env: {} }).connect(new AbortController().signal));
    expect(error).toMatchObject({ provider: 'deepgram', kind: 'auth', code: 401 });
    expect(error.message).toMatch(/^deepgram: HTTP 401/);
  });

  it('a wrong key is refused by the fake like the real service', async () => {
    const server = await fake();
    const error = await rejection(new DeepgramStt({ apiKey: 'wrong', baseUrl: server.url, env: {} }).connect(new AbortController().signal));
    expect(error.kind).toBe('auth');
    expect(server.connections[0]!.refused).toBe(401);
  });

  it('a missing key is an auth error naming DEEPGRAM_API_KEY, raised before connecting', async () => {
    const server = await fake();
    const error = await rejection(new DeepgramStt({ baseUrl: server.url, env: {} }).connect(new AbortController().signal));
    expect(error).toMatchObject({ kind: 'auth', provider: 'deepgram' });
    expect(error.message).toContain('DEEPGRAM_API_KEY');
    expect(server.connections).toEqual([]);
  });

  it('reads the key and base URL from DEEPGRAM_API_KEY and DEEPGRAM_BASE_URL', async () => {
    const server = await fake(BOOK);
    const session = await new DeepgramStt({ env: { DEEPGRAM_API_KEY: KEY, DEEPGRAM_BASE_URL: server.url } }).connect(new AbortController().signal);
    cleanup.push(() => session.close());
    expect(server.connections[0]!.headers.authorization).toBe(`Token ${KEY}`);
  });

  it('a close 1011 mid-stream is an error then closed; nothing is reported after', async () => {
    const server = await fake({ ...BOOK, faults: [{ close: 1011, after: { audio: '400ms' } }] });
    const { session, log } = await open(server);
    send(session, 1000);
    await log.until((events) => events.some((e) => e.type === 'closed'));
    expect(log.of('error')[0]!.error).toMatchObject({ kind: 'server', code: 1011 });
    const count = log.events.length;
    send(session, 200);
    session.finalize();
    await session.close();
    expect(log.events).toHaveLength(count);
  });

  it('a malformed message is a protocol error; the session keeps transcribing', async () => {
    const server = await fake({ ...BOOK, faults: [{ malformed: true, after: { messages: 0 } }] });
    const { session, log } = await open(server, { endpointingMs: 100 });
    send(session, 1000);
    await log.until((events) => events.some((e) => e.type === 'transcript' && e.isFinal));
    expect(log.of('error')[0]!.error).toMatchObject({ provider: 'deepgram', kind: 'protocol' });
    expect(log.of('error')[0]!.error.message).toMatch(/^deepgram: malformed message/);
    expect(log.of('closed')).toEqual([]);
  });

  it('a server that stops answering while audio flows trips the stall timeout', async () => {
    const server = await fake({ ...BOOK, faults: [{ stall: true, after: { messages: 1 } }] });
    const { session, log } = await open(server, { timeouts: { stallMs: 150 } });
    send(session, 400); // SpeechStarted, then silence from the server
    await log.until((events) => events.some((e) => e.type === 'speech_started'));
    send(session, 400);
    await log.until((events) => events.some((e) => e.type === 'closed'));
    const error = log.of('error')[0]!.error;
    expect(error).toMatchObject({ kind: 'timeout', provider: 'deepgram' });
    expect(error.message).toBe('deepgram: stall timeout after 150 ms: no message while audio was flowing');
  });

  it('a handshake that never completes trips the connect timeout', async () => {
    const silent = await silentServer();
    cleanup.push(() => silent.close());
    const error = await rejection(new DeepgramStt({ apiKey: KEY, baseUrl: silent.url, env: {}, timeouts: { connectMs: 150 } }).connect(new AbortController().signal));
    expect(error.kind).toBe('timeout');
    expect(error.message).toBe('deepgram: connect timeout after 150 ms: the websocket did not open');
  });

  it('aborting the signal while connecting rejects with cancelled', async () => {
    const silent = await silentServer();
    cleanup.push(() => silent.close());
    const controller = new AbortController();
    const connecting = new DeepgramStt({ apiKey: KEY, baseUrl: silent.url, env: {} }).connect(controller.signal);
    controller.abort();
    expect((await rejection(connecting)).kind).toBe('cancelled');
  });

  it('audio at another rate is refused with a protocol error', async () => {
    const server = await fake();
    const { session, log } = await open(server);
    session.sendAudio(audio(20, 8000)[0]!);
    expect(log.of('error')[0]!.error.message).toBe('deepgram: audio at 8000 Hz, the stream was opened at 16000 Hz');
  });

  it('the transport seam sees every frame in both directions', async () => {
    const server = await fake(BOOK);
    const frames: SeenFrame[] = [];
    const recording = recordingFactory(frames);
    const { session, log } = await open(server, { transportFactory: recording, endpointingMs: 100 });
    send(session, 1000);
    await log.until((events) => events.some((e) => e.type === 'transcript' && e.isFinal));
    await session.close();
    expect(frames.some((f) => f.dir === 'out' && f.frame instanceof Uint8Array)).toBe(true);
    expect(frames.some((f) => f.dir === 'out' && f.frame === '{"type":"CloseStream"}')).toBe(true);
    expect(frames.some((f) => f.dir === 'in' && typeof f.frame === 'string' && f.frame.includes('"is_final":true'))).toBe(true);
  });
});

describe('DeepgramFluxStt (listen.v2) against the fake', () => {
  it('reports turn events: start, eager end, resumed after a pause, end of turn', async () => {
    const server = await fake({
      listen: { utterances: [{ text: 'I want to book a table', at: '100ms', word: '100ms', pause: { after_word: 3, for: '400ms' } }], eager_after: '200ms', end_after: '600ms' },
    });
    const stt = new DeepgramFluxStt({ apiKey: KEY, baseUrl: server.url, env: {}, eagerEotThreshold: 0.4 });
    const session = await stt.connect(new AbortController().signal);
    cleanup.push(() => session.close());
    const log = new EventLog<SttEvent>(session);
    send(session, 2500);
    await log.until((events) => events.some((e) => e.type === 'turn' && e.signal === 'end_of_turn'));
    expect(log.of('turn').map((e) => e.signal)).toEqual(['start_of_turn', 'eager_end_of_turn', 'turn_resumed', 'eager_end_of_turn', 'end_of_turn']);
    const turns = log.of('turn');
    expect(turns[1]!.transcript).toBe('I want to');
    expect(turns[3]!.transcript).toBe('I want to book a table');
    expect(turns[4]!.transcript).toBe(turns[3]!.transcript);
    expect(log.of('transcript').filter((e) => e.isFinal).map((e) => e.text)).toEqual(['I want to book a table']);
    const record = server.connections[0]!;
    expect(record.path).toBe('/v2/listen');
    expect(Object.fromEntries(record.query)).toMatchObject({ model: 'flux-general-en', encoding: 'linear16', sample_rate: '16000', eager_eot_threshold: '0.4' });
    // Audio goes out in 80 ms frames (1280 samples, 2560 bytes).
    const binary = record.received.filter((f): f is Uint8Array => typeof f !== 'string');
    expect(new Set(binary.map((f) => f.length))).toEqual(new Set([2560]));
  });
});
