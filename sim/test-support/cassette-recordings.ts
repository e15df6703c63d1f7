/**
 * Cassettes for the scenario tests, recorded the way a user records one: the real adapters
 * (OpenAI, Deepgram listen v1 / Flux / Aura) driven against the local fake servers on the wall
 * clock, through a {@link CassetteRecorder}. Each returns the file bytes.
 *
 * Also the recipe of the bundled example's cassette (`scenarios/cassettes/`), so a test can show
 * that the committed file is what recording it now gives.
 *
 * @module
 */
import type { ChatMessage } from '../../providers/llm.js';
import { sleep } from '../../core/clock/clock.js';
import { DeepgramFakeServer } from '../../providers/deepgram/fake-server.js';
import { DeepgramFluxStt, DeepgramStt } from '../../providers/deepgram/stt.js';
import { DeepgramAuraTts } from '../../providers/deepgram/tts.js';
import { OpenAiFakeServer } from '../../providers/openai/fake-server.js';
import { OpenAiLlm } from '../../providers/openai/llm.js';
import type { SttEvent } from '../../providers/stt.js';
import type { TtsEvent } from '../../providers/tts.js';
import { FAKE_KEY, liveRecorder } from '../../providers/test-support/cassettes.js';
import { audio, EventLog } from '../../providers/test-support/events.js';

/**
 * Records one chat request per entry of `requests` (each the messages sent) against the OpenAI
 * fake running `script` (the fake's YAML shape: replies, first_token, token_interval, faults).
 */
export async function recordLlmCassette(script: Record<string, unknown>, requests: readonly (readonly ChatMessage[])[]): Promise<Buffer> {
  const server = await OpenAiFakeServer.start({ script: OpenAiFakeServer.script(script), apiKey: FAKE_KEY });
  try {
    const { recorder } = liveRecorder('llm', 'openai');
    const llm = new OpenAiLlm({ apiKey: FAKE_KEY, baseUrl: server.baseUrl, env: {}, fetch: recorder.fetch() });
    for (const messages of requests) {
      for await (const _event of llm.stream({ messages }, new AbortController().signal));
    }
    return recorder.encode();
  } finally {
    await server.close();
  }
}

/**
 * Records a Deepgram session (listen v1, or Flux with `flux`) against the fake running `script`:
 * connect, send `audioMs` of audio in real time (20 ms frames), wait until `done` holds for the
 * events, close.
 */
export async function recordSttCassette(
  script: Record<string, unknown>,
  options: { readonly flux?: boolean; readonly audioMs: number; readonly done: (events: readonly SttEvent[]) => boolean },
): Promise<Buffer> {
  const server = await DeepgramFakeServer.start({ script: DeepgramFakeServer.script(script), apiKey: FAKE_KEY });
  try {
    const { recorder, clock } = liveRecorder('stt', 'deepgram');
    const transportFactory = recorder.deepgramTransportFactory();
    const provider = options.flux
      ? new DeepgramFluxStt({ apiKey: FAKE_KEY, baseUrl: server.url, env: {}, transportFactory })
      : new DeepgramStt({ apiKey: FAKE_KEY, baseUrl: server.url, env: {}, transportFactory, endpointingMs: 300, utteranceEndMs: false });
    const session = await provider.connect(new AbortController().signal);
    const log = new EventLog<SttEvent>(session);
    // In real time, each frame at its own moment from the start (so late timers do not add up).
    const start = clock.now();
    for (const [i, chunk] of audio(options.audioMs).entries()) {
      const wait = start + i * 20 - clock.now();
      if (wait > 0) await sleep(clock, wait);
      session.sendAudio(chunk);
    }
    await log.until(options.done);
    await session.close();
    return recorder.encode();
  } finally {
    await server.close();
  }
}

/** Records a Deepgram Aura session against the fake running `script`: one flush per text, each awaited. */
export async function recordTtsCassette(script: Record<string, unknown>, texts: readonly string[]): Promise<Buffer> {
  const server = await DeepgramFakeServer.start({ script: DeepgramFakeServer.script(script), apiKey: FAKE_KEY });
  try {
    const { recorder } = liveRecorder('tts', 'deepgram');
    const tts = new DeepgramAuraTts({ apiKey: FAKE_KEY, baseUrl: server.url, env: {}, transportFactory: recorder.deepgramTransportFactory() });
    const session = await tts.connect(new AbortController().signal);
    const log = new EventLog<TtsEvent>(session);
    for (const [i, text] of texts.entries()) {
      session.pushText(text);
      session.flush();
      await log.until((events) => events.filter((e) => e.type === 'flushed').length === i + 1);
    }
    await session.close();
    return recorder.encode();
  } finally {
    await server.close();
  }
}

/** The bundled example's cassette: where it is and how it was recorded. */
export const BUNDLED_LLM_CASSETTE = {
  path: 'scenarios/cassettes/table-for-two.llm.cassette.json.gz',
  /** The OpenAI fake's script: a reply after 350 ms, a token every 25 ms. */
  script: {
    replies: [{ when: 'table', say: 'Of course. A table for two at eight tonight is free. Shall I book it?' }],
    first_token: '350ms',
    token_interval: '25ms',
  },
  /** The one request the scenario makes: the greeting and the caller's turn. */
  requests: [
    [
      { role: 'assistant', content: "Good evening, Luigi's. How can I help?" },
      { role: 'user', content: 'Hi, could I get a table for two tonight, around eight?' },
    ],
  ] as const satisfies readonly (readonly ChatMessage[])[],
} as const;
