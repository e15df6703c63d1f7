import type { DeepgramTransportFactory } from '@deepgram/sdk';
import { afterEach, describe, expect, it } from 'vitest';
import { sleep } from '../../core/clock/clock.js';
import { VirtualClock } from '../../core/clock/virtual-clock.js';
import { DeepgramFakeServer } from '../deepgram/fake-server.js';
import { DeepgramFluxStt, DeepgramStt } from '../deepgram/stt.js';
import { ProviderError } from '../errors.js';
import type { SttEvent, SttProvider, SttSession } from '../stt.js';
import { withoutProviderEnv } from '../test-support/env.js';
import { audio, EventLog } from '../test-support/events.js';
import { CassetteStt } from './cassette-stt.js';
import type { Cassette } from './format.js';
import { expectSameTimes, FAKE_KEY, frameTimes, keyFreeCassette, liveRecorder } from '../test-support/cassettes.js';

withoutProviderEnv();

const cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(cleanup.splice(0).map((close) => close()));
});

/** What the tests compare: everything but word times (which depend on when audio was sent). */
function shape(event: SttEvent): unknown {
  switch (event.type) {
    case 'transcript':
      return { type: event.type, isFinal: event.isFinal, text: event.text, words: event.words.map((w) => w.word) };
    case 'error':
      return { type: event.type, kind: event.error.kind, message: event.error.message };
    case 'speech_started':
      return { type: event.type };
    default:
      return event;
  }
}

/** Records a live session: connect, send `ms` of audio, wait for `done`, close. */
async function recordLive(
  make: (url: string, transportFactory: DeepgramTransportFactory) => SttProvider,
  script: unknown,
  ms: number,
  done: (events: readonly SttEvent[]) => boolean,
  paced = false,
): Promise<{ cassette: Cassette; events: SttEvent[] }> {
  const server = await DeepgramFakeServer.start({ script: DeepgramFakeServer.script(script), apiKey: FAKE_KEY });
  cleanup.push(() => server.close());
  const { recorder, clock } = liveRecorder('stt', 'deepgram');
  const session = await make(server.url, recorder.deepgramTransportFactory()).connect(new AbortController().signal);
  const log = new EventLog<SttEvent>(session);
  for (const chunk of audio(ms)) {
    session.sendAudio(chunk);
    if (paced) await sleep(clock, 20);
  }
  await log.until(done);
  await session.close();
  return { cassette: keyFreeCassette(recorder), events: log.events };
}

/** Replays on a virtual clock: connect at 0, send the same audio at once, run to `untilMs`, close. */
async function replay(cassette: Cassette, ms: number, untilMs: number, send: 'burst' | 'paced' | 'none' = 'burst'): Promise<{ events: SttEvent[]; times: number[]; clock: VirtualClock; session: SttSession }> {
  const clock = new VirtualClock();
  const stt = new CassetteStt({ cassette, clock, label: 'stt.cassette.json.gz' });
  const connecting = stt.connect(new AbortController().signal);
  const session = await settle(clock, connecting);
  const times: number[] = [];
  const events: SttEvent[] = [];
  session.subscribe((event) => {
    events.push(event);
    times.push(clock.now());
  });
  if (send === 'burst') for (const chunk of audio(ms)) session.sendAudio(chunk);
  if (send === 'paced') audio(ms).forEach((chunk, i) => clock.setTimeout(() => session.sendAudio(chunk), i * 20));
  await clock.runUntil(untilMs);
  const closing = session.close();
  await clock.runUntil(untilMs + 2000);
  await closing;
  return { events, times, clock, session };
}

/** Runs the virtual clock until `promise` settles. */
async function settle<T>(clock: VirtualClock, promise: Promise<T>): Promise<T> {
  let done = false;
  void promise.then(
    () => (done = true),
    () => (done = true),
  );
  while (!done) await clock.advance(1);
  return promise;
}

const BOOK = { listen: { utterances: [{ text: 'Book a table for two.', at: '100ms', word: '80ms' }] } };

describe('CassetteStt', () => {
  it('listen v1: replays the session the adapter saw live, with the recorded timing', async () => {
    const live = await recordLive(
      (baseUrl, transportFactory) => new DeepgramStt({ apiKey: FAKE_KEY, baseUrl, env: {}, transportFactory, endpointingMs: 100, utteranceEndMs: 300 }),
      BOOK,
      1000,
      (events) => events.some((e) => e.type === 'turn' && e.signal === 'utterance_end'),
      true,
    );
    expect(live.cassette.exchanges).toHaveLength(1);
    expect(live.cassette.exchanges[0]).toMatchObject({ type: 'websocket', protocol: 'deepgram.listen.v1', headers: { authorization: '[REDACTED]' } });
    const replayed = await replay(live.cassette, 1000, 3000, 'paced');
    expect(replayed.events.map(shape)).toEqual(live.events.map(shape));
    // Each transcript comes when its Results frame came, counted from the connection request.
    const transcripts = replayed.events.flatMap((e, i) => (e.type === 'transcript' ? [replayed.times[i]!] : []));
    expectSameTimes(transcripts, frameTimes(live.cassette, 0, (text) => text.includes('"Results"')));
  });

  it('Flux: turn events replay in order, and the same cassette gives the same events twice', async () => {
    const live = await recordLive(
      (baseUrl, transportFactory) => new DeepgramFluxStt({ apiKey: FAKE_KEY, baseUrl, env: {}, transportFactory, eagerEotThreshold: 0.4 }),
      { listen: { utterances: [{ text: 'I want to book a table', at: '100ms', word: '60ms' }], eager_after: '100ms', end_after: '300ms' } },
      1500,
      (events) => events.some((e) => e.type === 'turn' && e.signal === 'end_of_turn'),
    );
    expect(live.cassette.exchanges[0]!.protocol).toBe('deepgram.listen.v2');
    const first = await replay(live.cassette, 1500, 3000);
    expect(first.events.map(shape)).toEqual(live.events.map(shape));
    expect(first.events.flatMap((e) => (e.type === 'turn' ? [e.signal] : []))).toEqual(['start_of_turn', 'eager_end_of_turn', 'end_of_turn']);
    const second = await replay(live.cassette, 1500, 3000);
    expect(second.events).toEqual(first.events);
    expect(second.times).toEqual(first.times);
  });

  it('without audio from the simulation, words are timed from the recording\'s first audio frame', async () => {
    const live = await recordLive(
      (baseUrl, transportFactory) => new DeepgramStt({ apiKey: FAKE_KEY, baseUrl, env: {}, transportFactory, endpointingMs: 100, utteranceEndMs: false }),
      BOOK,
      1000,
      (events) => events.some((e) => e.type === 'transcript' && e.isFinal),
    );
    const exchange = live.cassette.exchanges[0]!;
    if (exchange.type !== 'websocket') throw new Error('not a websocket');
    const firstAudio = exchange.events.find((e) => e.type === 'out' && 'binary' in e)!;
    const replayed = await replay(live.cassette, 1000, 3000, 'none');
    const final = replayed.events.find((e): e is Extract<SttEvent, { type: 'transcript' }> => e.type === 'transcript' && e.isFinal)!;
    // The fake says the first word starts 100 ms into the audio; the audio began one 20 ms frame before it was sent.
    expect(final.words[0]!.startMs).toBe(Math.round(firstAudio.t - exchange.startMs - 20 + 100));
  });

  it('connecting more often than recorded fails with a protocol error naming the cassette', async () => {
    const live = await recordLive(
      (baseUrl, transportFactory) => new DeepgramStt({ apiKey: FAKE_KEY, baseUrl, env: {}, transportFactory }),
      BOOK,
      200,
      () => true,
    );
    const clock = new VirtualClock();
    const stt = new CassetteStt({ cassette: live.cassette, clock, label: 'calls/stt.cassette.json.gz' });
    await settle(clock, stt.connect(new AbortController().signal));
    const error = await stt.connect(new AbortController().signal).then(() => undefined, (e: unknown) => e);
    expect(error).toBeInstanceOf(ProviderError);
    expect(error).toMatchObject({ kind: 'protocol', message: 'deepgram: cassette calls/stt.cassette.json.gz: nothing recorded for connection #2 (1 recorded)' });
  });
});
