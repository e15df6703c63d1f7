import { afterEach, describe, expect, it } from 'vitest';
import { VirtualClock } from '../../core/clock/virtual-clock.js';
import { DeepgramFakeServer } from '../deepgram/fake-server.js';
import { DeepgramAuraTts } from '../deepgram/tts.js';
import { ElevenLabsFakeServer } from '../elevenlabs/fake-server.js';
import { ElevenLabsHttpTts } from '../elevenlabs/http-tts.js';
import { ElevenLabsWsTts } from '../elevenlabs/ws-tts.js';
import type { TtsEvent, TtsProvider, TtsSession } from '../tts.js';
import { withoutProviderEnv } from '../test-support/env.js';
import { EventLog } from '../test-support/events.js';
import { CassetteTts } from './cassette-tts.js';
import type { Cassette } from './format.js';
import type { CassetteRecorder } from './recorder.js';
import { expectSameTimes, FAKE_KEY, keyFreeCassette, liveRecorder } from '../test-support/cassettes.js';

withoutProviderEnv();

const cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(cleanup.splice(0).map((close) => close()));
});

const TEXTS = ['Hello there. ', 'Bye now. '];
const PACING = { ms_per_char: '20ms', chunk: '100ms', first_audio: '30ms', chunk_interval: '15ms' };

/** What the tests compare: event types, audio lengths and alignments, error kinds and messages. */
function shape(event: TtsEvent): unknown {
  if (event.type === 'audio') return { type: 'audio', samples: event.chunk.samples, rate: event.chunk.sampleRate, ...(event.alignment ? { alignment: event.alignment } : {}) };
  if (event.type === 'error') return { type: 'error', kind: event.error.kind, message: event.error.message };
  return event;
}

/** Speaks `texts`, one flush each, and waits for them all. */
async function speakLive(provider: TtsProvider, recorder: CassetteRecorder, texts: readonly string[] = TEXTS): Promise<{ cassette: Cassette; events: TtsEvent[] }> {
  const session = await provider.connect(new AbortController().signal);
  cleanup.push(() => session.close());
  const log = new EventLog<TtsEvent>(session);
  for (const text of texts) {
    session.pushText(text);
    session.flush();
  }
  await log.until((events) => events.filter((e) => e.type === 'flushed').length === texts.length);
  await session.close();
  return { cassette: keyFreeCassette(recorder), events: log.events };
}

/** Replays on a virtual clock: connect, speak `texts` at once (at `flushAt`), run a while, close. */
async function replay(cassette: Cassette, texts: readonly string[] = TEXTS): Promise<{ events: TtsEvent[]; times: number[]; flushAt: number }> {
  const clock = new VirtualClock();
  const tts = new CassetteTts({ cassette, clock, label: 'tts.cassette.json.gz' });
  let session: TtsSession | undefined;
  void tts.connect(new AbortController().signal).then((s) => (session = s));
  while (!session) await clock.advance(1);
  const events: TtsEvent[] = [];
  const times: number[] = [];
  session.subscribe((event) => {
    events.push(event);
    times.push(clock.now());
  });
  const flushAt = clock.now();
  for (const text of texts) {
    session.pushText(text);
    session.flush();
  }
  await clock.advance(5000);
  await session.close();
  await clock.advance(100);
  return { events, times, flushAt };
}

/** Times of the replayed audio events of the first flush, from the flush. */
function firstSegmentAudio(replayed: { events: TtsEvent[]; times: number[]; flushAt: number }): number[] {
  const end = replayed.events.findIndex((e) => e.type === 'flushed');
  return replayed.events.slice(0, end).flatMap((e, i) => (e.type === 'audio' ? [replayed.times[i]! - replayed.flushAt] : []));
}

describe('CassetteTts', () => {
  it('Deepgram Aura: each flush gets its recorded audio and Flushed, timed from the flush', async () => {
    const server = await DeepgramFakeServer.start({ script: DeepgramFakeServer.script({ speak: PACING }), apiKey: FAKE_KEY });
    cleanup.push(() => server.close());
    const { recorder } = liveRecorder('tts', 'deepgram');
    const live = await speakLive(new DeepgramAuraTts({ apiKey: FAKE_KEY, baseUrl: server.url, env: {}, transportFactory: recorder.deepgramTransportFactory() }), recorder);
    const replayed = await replay(live.cassette);
    expect(replayed.events.map(shape)).toEqual(live.events.map(shape));
    const exchange = live.cassette.exchanges[0]!;
    if (exchange.type !== 'websocket') throw new Error('not a websocket');
    const flush = exchange.events.find((e) => e.type === 'out' && 'text' in e && e.text.includes('Flush'))!;
    const flushed = exchange.events.findIndex((e) => e.type === 'in' && 'text' in e && e.text.includes('Flushed'));
    const recorded = exchange.events.slice(0, flushed).filter((e) => e.type === 'in' && 'binary' in e).map((e) => e.t - flush.t);
    expectSameTimes(firstSegmentAudio(replayed), recorded);
  });

  it('Deepgram Aura: a flush beyond the recording closes the session with a protocol error naming the cassette', async () => {
    const server = await DeepgramFakeServer.start({ script: DeepgramFakeServer.script({ speak: PACING }), apiKey: FAKE_KEY });
    cleanup.push(() => server.close());
    const { recorder } = liveRecorder('tts', 'deepgram');
    const live = await speakLive(new DeepgramAuraTts({ apiKey: FAKE_KEY, baseUrl: server.url, env: {}, transportFactory: recorder.deepgramTransportFactory() }), recorder, ['Hi. ']);
    const replayed = await replay(live.cassette, ['Hi. ', 'Again. ']);
    const errors = replayed.events.filter((e) => e.type === 'error');
    expect(errors.map(shape)).toEqual([
      { type: 'error', kind: 'protocol', message: 'deepgram: connection closed with code 1008 (cassette tts.cassette.json.gz: nothing recorded for Flush #2 on connection 1 (1 recorded))' },
    ]);
    expect(replayed.events.filter((e) => e.type === 'flushed')).toHaveLength(1);
  });

  it('ElevenLabs stream-input: each segment replays its recorded socket; sockets opened ahead take none', async () => {
    const server = await ElevenLabsFakeServer.start({ script: ElevenLabsFakeServer.script(PACING), apiKey: FAKE_KEY });
    cleanup.push(() => server.close());
    const { recorder } = liveRecorder('tts', 'elevenlabs');
    const live = await speakLive(new ElevenLabsWsTts({ apiKey: FAKE_KEY, baseUrl: server.url, env: {}, webSocketFactory: recorder.webSocketFactory() }), recorder);
    expect(live.cassette.exchanges.length).toBeGreaterThanOrEqual(2);
    expect(live.cassette.exchanges[0]).toMatchObject({ protocol: 'elevenlabs.stream-input', headers: { 'xi-api-key': '[REDACTED]' } });
    const replayed = await replay(live.cassette);
    expect(replayed.events.map(shape)).toEqual(live.events.map(shape));
    const first = live.cassette.exchanges[0]!;
    if (first.type !== 'websocket') throw new Error('not a websocket');
    const text = first.events.find((e) => e.type === 'out' && 'text' in e && e.text.includes('Hello'))!;
    const recorded = first.events.filter((e) => e.type === 'in' && 'text' in e && e.text.includes('"audio"')).map((e) => e.t - text.t);
    expectSameTimes(firstSegmentAudio(replayed), recorded);
    // A third segment finds nothing recorded: that segment fails, the session carries on.
    const more = await replay(live.cassette, [...TEXTS, 'Third. ']);
    expect(more.events.filter((e) => e.type === 'error').map(shape)).toEqual([
      { type: 'error', kind: 'protocol', message: 'elevenlabs: connection closed with code 1008 (cassette tts.cassette.json.gz: nothing recorded for segment #3 (2 recorded))' },
    ]);
  });

  it('ElevenLabs HTTP: the i-th flush gets the i-th recorded response, its chunks timed from the request', async () => {
    const server = await ElevenLabsFakeServer.start({ script: ElevenLabsFakeServer.script(PACING), apiKey: FAKE_KEY });
    cleanup.push(() => server.close());
    const { recorder } = liveRecorder('tts', 'elevenlabs');
    const live = await speakLive(new ElevenLabsHttpTts({ apiKey: FAKE_KEY, baseUrl: server.url, env: {}, fetch: recorder.fetch() }), recorder);
    expect(live.cassette.exchanges.map((e) => [e.type, e.protocol])).toEqual([
      ['http', 'elevenlabs.tts-stream'],
      ['http', 'elevenlabs.tts-stream'],
    ]);
    expect(live.cassette.exchanges[0]).toMatchObject({ requestHeaders: { 'xi-api-key': '[REDACTED]' }, requestBody: { text: 'Hello there. ' } });
    const replayed = await replay(live.cassette);
    expect(replayed.events.map(shape)).toEqual(live.events.map(shape));
    const first = live.cassette.exchanges[0]!;
    if (first.type !== 'http') throw new Error('not http');
    expectSameTimes(firstSegmentAudio(replayed), first.chunks.map((c) => c.t - first.startMs));
    const more = await replay(live.cassette, [...TEXTS, 'Third. ']);
    expect(more.events.filter((e) => e.type === 'error').map(shape)).toEqual([
      { type: 'error', kind: 'protocol', message: 'elevenlabs: cassette tts.cassette.json.gz: nothing recorded for request #3 (2 recorded)' },
    ]);
  });
});
