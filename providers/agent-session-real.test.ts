import { afterEach, describe, expect, it } from 'vitest';
import { sleep } from '../core/clock/clock.js';
import { RealClock } from '../core/clock/real-clock.js';
import { AgentSession } from '../core/session/agent-session.js';
import type { TraceEvent } from '../core/trace/events.js';
import { DeepgramFakeServer } from './deepgram/fake-server.js';
import { DeepgramFluxStt, DeepgramStt } from './deepgram/stt.js';
import { DeepgramAuraTts } from './deepgram/tts.js';
import { ElevenLabsFakeServer } from './elevenlabs/fake-server.js';
import { ElevenLabsWsTts } from './elevenlabs/ws-tts.js';
import { OpenAiFakeServer } from './openai/fake-server.js';
import { OpenAiLlm } from './openai/llm.js';
import type { SttProvider } from './stt.js';
import { audio, eventually } from './test-support/events.js';
import type { TtsProvider } from './tts.js';
import { withoutProviderEnv } from './test-support/env.js';

withoutProviderEnv();

const KEY = 'test-key';
const cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(cleanup.splice(0).map((close) => close()));
});

const USER = 'Book a table for two.';
const REPLY = 'Sure, two it is.';

async function fakes() {
  const deepgram = await DeepgramFakeServer.start({
    script: DeepgramFakeServer.script({
      listen: { utterances: [{ text: USER, at: '100ms', word: '100ms' }], interim_every: '100ms', eager_after: '100ms', end_after: '200ms' },
      speak: { ms_per_char: '20ms', chunk: '100ms', first_audio: '10ms', chunk_interval: '5ms' },
    }),
  });
  const openai = await OpenAiFakeServer.start({ script: OpenAiFakeServer.script({ replies: [{ when: 'table', say: REPLY }], first_token: '20ms', token_interval: '5ms' }) });
  const eleven = await ElevenLabsFakeServer.start({ script: ElevenLabsFakeServer.script({ ms_per_char: '20ms', chunk: '100ms', first_audio: '10ms', chunk_interval: '5ms' }) });
  cleanup.push(() => deepgram.close(), () => openai.close(), () => eleven.close());
  return { deepgram, openai, eleven };
}

/**
 * One exchange on the wall clock: 20 ms chunks of microphone audio sent as they would be
 * captured, VAD decisions at the speech's edges, and the rest left to the session.
 */
async function exchange(stt: SttProvider, tts: TtsProvider, openaiUrl: string): Promise<{ events: readonly TraceEvent[]; session: AgentSession }> {
  const clock = new RealClock();
  const llm = new OpenAiLlm({ apiKey: KEY, baseUrl: openaiUrl, env: {}, clock });
  const session = new AgentSession({ clock, stt, llm, tts, instructions: 'You take restaurant bookings.' });
  cleanup.push(() => session.close());
  await session.start();
  const origin = clock.now();
  const chunks = audio(900);
  for (const [i, chunk] of chunks.entries()) {
    session.pushAudio(chunk);
    if (i === 6) session.handleVad({ type: 'speech_start', onsetMs: origin + 100 });
    if (i === 40) session.handleVad({ type: 'speech_end', speechEndMs: origin + 600 });
    await sleep(clock, 20);
  }
  const events = session.trace.events;
  await eventually(() => events.some((e) => e.type === 'history.commit' && e.role === 'assistant'), 8000, 'the reply to be played');
  return { events, session };
}

function order(events: readonly TraceEvent[], ...types: TraceEvent['type'][]): number[] {
  return types.map((type) => events.findIndex((e) => e.type === type));
}

function expectExchange(events: readonly TraceEvent[], session: AgentSession): void {
  expect(events.filter((e) => e.type.endsWith('.error'))).toEqual([]);
  const indices = order(events, 'stt.final', 'endpoint.end', 'llm.first_token', 'llm.done', 'tts.first_byte', 'tts.flushed', 'playout.start', 'playout.stop');
  expect(indices.every((i) => i >= 0)).toBe(true);
  // Causal order along the pipeline (the LLM may start early on an eager end of turn).
  expect(indices[0]!).toBeLessThan(indices[1]!);
  expect(indices[2]!).toBeLessThan(indices[3]!);
  expect(indices[4]!).toBeLessThan(indices[5]!);
  expect(indices[4]!).toBeLessThan(indices[6]!);
  expect(indices[6]!).toBeLessThan(indices[7]!);
  expect(events.find((e) => e.type === 'endpoint.end')).toMatchObject({ transcript: USER });
  expect(events.find((e) => e.type === 'llm.done')).toMatchObject({ reason: 'stop', text: REPLY });
  expect(events.find((e) => e.type === 'playout.stop')).toMatchObject({ cause: 'drained' });
  expect(session.history).toEqual([
    { role: 'user', content: USER },
    { role: 'assistant', content: REPLY },
  ]);
}

describe('AgentSession with the real adapters against the fakes, on the wall clock', () => {
  it('Deepgram Nova + OpenAI + ElevenLabs stream-input: audio in, transcript, endpoint, tokens, audio, playout', async () => {
    const { deepgram, openai, eleven } = await fakes();
    const stt = new DeepgramStt({ apiKey: KEY, baseUrl: deepgram.url, env: {}, endpointingMs: 100 });
    const tts = new ElevenLabsWsTts({ apiKey: KEY, baseUrl: eleven.url, env: {} });
    const { events, session } = await exchange(stt, tts, openai.baseUrl);
    expectExchange(events, session);
    await session.close();
    // The session closed its providers: CloseStream went out, and the sockets are closed.
    expect(deepgram.connections[0]!.received).toContain('{"type":"CloseStream"}');
  });

  it('Deepgram Flux (turn events) + OpenAI + Deepgram Aura', async () => {
    const { deepgram, openai } = await fakes();
    const stt = new DeepgramFluxStt({ apiKey: KEY, baseUrl: deepgram.url, env: {}, eagerEotThreshold: 0.5 });
    const tts = new DeepgramAuraTts({ apiKey: KEY, baseUrl: deepgram.url, env: {} });
    const { events, session } = await exchange(stt, tts, openai.baseUrl);
    expectExchange(events, session);
    expect(events.filter((e) => e.type === 'stt.turn').map((e) => (e as { signal: string }).signal)).toEqual(expect.arrayContaining(['start_of_turn', 'end_of_turn']));
  });
});
