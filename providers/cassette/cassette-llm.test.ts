import { afterEach, describe, expect, it } from 'vitest';
import { VirtualClock } from '../../core/clock/virtual-clock.js';
import type { LlmEvent, LlmProvider } from '../llm.js';
import { OpenAiFakeServer } from '../openai/fake-server.js';
import { OpenAiLlm } from '../openai/llm.js';
import { withoutProviderEnv } from '../test-support/env.js';
import { CassetteLlm } from './cassette-llm.js';
import type { Cassette } from './format.js';
import { expectSameTimes, FAKE_KEY, keyFreeCassette, liveRecorder } from '../test-support/cassettes.js';

withoutProviderEnv();

const servers: OpenAiFakeServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

const MESSAGES = [{ role: 'user' as const, content: 'Can I book a table?' }];

async function collect(llm: LlmProvider, signal = new AbortController().signal): Promise<LlmEvent[]> {
  const events: LlmEvent[] = [];
  for await (const event of llm.stream({ messages: MESSAGES }, signal)) events.push(event);
  return events;
}

/** Records `requests` live requests against a fake with `script`. */
async function recordLive(script: unknown, requests = 1): Promise<{ cassette: Cassette; events: LlmEvent[][] }> {
  const server = await OpenAiFakeServer.start({ script: OpenAiFakeServer.script({ first_token: '40ms', token_interval: '15ms', ...(script as object) }), apiKey: FAKE_KEY });
  servers.push(server);
  const { recorder } = liveRecorder('llm', 'openai');
  const llm = new OpenAiLlm({ apiKey: FAKE_KEY, baseUrl: server.baseUrl, env: {}, fetch: recorder.fetch() });
  const events: LlmEvent[][] = [];
  for (let i = 0; i < requests; i++) events.push(await collect(llm));
  return { cassette: keyFreeCassette(recorder), events };
}

/** Streams on a virtual clock; each event with its time. */
async function replayOnce(llm: CassetteLlm, clock: VirtualClock, abortAtMs?: number): Promise<{ events: LlmEvent[]; times: number[] }> {
  const controller = new AbortController();
  if (abortAtMs !== undefined) clock.setTimeout(() => controller.abort(), abortAtMs - clock.now());
  const start = clock.now();
  const events: LlmEvent[] = [];
  const times: number[] = [];
  let done = false;
  void (async () => {
    for await (const event of llm.stream({ messages: MESSAGES }, controller.signal)) {
      events.push(event);
      times.push(clock.now() - start);
    }
    done = true;
  })();
  while (!done) await clock.advance(1);
  return { events, times };
}

describe('CassetteLlm', () => {
  it('replays the recorded tokens and end, each chunk at its recorded offset from the request', async () => {
    const live = await recordLive({ default_reply: 'Sure, for which day?' });
    const exchange = live.cassette.exchanges[0]!;
    expect(exchange).toMatchObject({ type: 'http', protocol: 'openai.chat', method: 'POST', requestHeaders: { authorization: '[REDACTED]' }, response: { status: 200 } });
    const clock = new VirtualClock();
    const replayed = await replayOnce(new CassetteLlm({ cassette: live.cassette, clock }), clock);
    expect(replayed.events).toEqual(live.events[0]);
    if (exchange.type !== 'http') throw new Error('not http');
    // One token per chunk (the fake sends one event a write), each when its chunk came.
    const tokenChunks = exchange.chunks.filter((c) => 'text' in c && c.text.includes('"content":"') && !c.text.includes('"content":""'));
    const tokenTimes = replayed.times.filter((_, i) => replayed.events[i]!.type === 'token');
    expectSameTimes(tokenTimes, tokenChunks.map((c) => c.t - exchange.startMs));
  });

  it('a request beyond the recording ends with a protocol error naming the cassette; a recorded error replays as it was', async () => {
    const live = await recordLive({ default_reply: 'Hi.', faults: [{ handshake: 503, on: [2] }] }, 2);
    expect(live.events[1]!.at(-1)).toMatchObject({ type: 'end', reason: 'error', error: { kind: 'server', code: 503 } });
    const clock = new VirtualClock();
    const llm = new CassetteLlm({ cassette: live.cassette, clock, label: 'llm.cassette.json.gz' });
    expect((await replayOnce(llm, clock)).events).toEqual(live.events[0]);
    expect((await replayOnce(llm, clock)).events).toEqual(live.events[1]);
    const third = await replayOnce(llm, clock);
    expect(third.events).toEqual([
      { type: 'end', reason: 'error', error: expect.objectContaining({ kind: 'protocol', message: 'openai: cassette llm.cassette.json.gz: nothing recorded for request #3 (2 recorded)' }) },
    ]);
  });

  it('aborting a replayed stream ends it as cancelled', async () => {
    const live = await recordLive({ default_reply: 'one two three four five six seven' });
    const clock = new VirtualClock();
    const exchange = live.cassette.exchanges[0]!;
    if (exchange.type !== 'http') throw new Error('not http');
    const replayed = await replayOnce(new CassetteLlm({ cassette: live.cassette, clock }), clock, Math.round(exchange.chunks[2]!.t - exchange.startMs) + 1);
    expect(replayed.events.at(-1)).toEqual({ type: 'end', reason: 'cancelled' });
    expect(replayed.events.filter((e) => e.type === 'token').length).toBeLessThan(7);
  });
});
