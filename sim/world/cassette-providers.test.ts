import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { VirtualClock } from '../../core/clock/virtual-clock.js';
import type { TraceEvent, TraceEventOf } from '../../core/trace/events.js';
import { decodeCassette, bytesOf, type Cassette } from '../../providers/cassette/format.js';
import { ScriptedLlm } from '../../providers/scripted/scripted-llm.js';
import { withoutProviderEnv } from '../../providers/test-support/env.js';
import { frameTimes } from '../../providers/test-support/cassettes.js';
import { runAcousticCall } from '../acoustic/acoustic-call.js';
import { judgeCall, type ScenarioResult } from '../assert/scenario-result.js';
import { PRESETS } from '../config/presets.js';
import { withProviderOverrides } from '../config/resolve.js';
import { loadScenarioFile } from '../scenario/load.js';
import type { Scenario } from '../scenario/model.js';
import { recordLlmCassette, recordSttCassette, recordTtsCassette } from '../test-support/cassette-recordings.js';
import { runCall, setUpCall, type CallResult } from './call.js';

/**
 * A scenario's cassettes as the providers of its calls, in the symbolic and the acoustic world.
 * The cassettes are recorded here, once for the file, by driving the real adapters against the
 * fake servers; the tests compare what the simulation did with what the cassettes hold.
 */

withoutProviderEnv();

const home = process.cwd();
const dir = mkdtempSync(join(tmpdir(), 'parley-cassette-world-'));
const cassettes: Record<'llm' | 'stt' | 'tts', Cassette> = {} as Record<'llm' | 'stt' | 'tts', Cassette>;

const LLM_REPLY = 'Sure, for which day would you like it?';
const STT_WORDS = 'I want to book a table';
const TTS_TEXTS = ['Hello, how can I help? ', 'Sure, for which day? '];

beforeAll(async () => {
  process.chdir(dir);
  const files = {
    llm: await recordLlmCassette({ default_reply: LLM_REPLY, first_token: '300ms', token_interval: '20ms' }, [[{ role: 'user', content: 'Hi, can I book a table for two?' }]]),
    // Flux: the words from 600 ms of audio, a word every 250 ms, EndOfTurn 300 ms after the last.
    stt: await recordSttCassette(
      { listen: { utterances: [{ text: STT_WORDS, at: '600ms', word: '250ms' }], end_after: '300ms' } },
      { flux: true, audioMs: 2600, done: (events) => events.some((e) => e.type === 'turn' && e.signal === 'end_of_turn') },
    ),
    tts: await recordTtsCassette({ speak: { ms_per_char: '40ms', chunk: '100ms', first_audio: '120ms', chunk_interval: '10ms' } }, TTS_TEXTS),
    // The acoustic world's agent speaks with the clip bank's words. Two requests, as the agent
    // makes them: a speculative one on the last interim transcript (discarded when the final one
    // differs), then the reply.
    acousticLlm: await recordLlmCassette({ default_reply: 'Yes, we have a table for two at eight.', first_token: '250ms', token_interval: '20ms' }, [
      [{ role: 'user', content: 'Do you have any tables free' }],
      [{ role: 'user', content: 'Do you have any tables free tonight?' }],
    ]),
  };
  for (const [name, bytes] of Object.entries(files)) writeFileSync(`${name}.cassette.json.gz`, bytes);
  cassettes.llm = decodeCassette(files.llm);
  cassettes.stt = decodeCassette(files.stt);
  cassettes.tts = decodeCassette(files.tts);
}, 30_000);

afterAll(() => {
  process.chdir(home);
  rmSync(dir, { recursive: true, force: true });
});

/** Writes and loads a scenario file (paths relative to the temporary working directory). */
function scenarioOf(file: string, lines: readonly string[]): Scenario {
  writeFileSync(file, `${lines.join('\n')}\n`);
  const loaded = loadScenarioFile(file, file);
  if (!loaded.ok) throw new Error(loaded.errors.map(String).join('\n'));
  return loaded.scenario;
}

async function run(scenario: Scenario, seed = 1): Promise<{ call: CallResult; result: ScenarioResult }> {
  const call = await runCall(scenario, withProviderOverrides(PRESETS.default!, scenario.providers), seed);
  return { call, result: judgeCall(call).result };
}

function ofType<T extends TraceEvent['type']>(events: readonly TraceEvent[], type: T): TraceEventOf<T>[] {
  return events.filter((e): e is TraceEventOf<T> => e.type === type);
}

function failedAssertions(result: ScenarioResult): string[] {
  return result.assertions.filter((a) => !a.passed).map((a) => `${a.id}: ${a.message}`);
}

/** Within 1 ms, pairwise (recorded times are rounded to 0.01 ms, the clock to whole ms). */
function expectSameTimes(replayed: readonly number[], recorded: readonly number[]): void {
  expect(replayed.length, `${replayed.length} replayed, ${recorded.length} recorded`).toBe(recorded.length);
  replayed.forEach((t, i) => expect(Math.abs(t - recorded[i]!), `time ${i}: replayed ${t}, recorded ${recorded[i]}`).toBeLessThanOrEqual(1));
}

const LLM_SCENARIO = [
  'name: recorded reply',
  'providers:',
  '  llm: { cassette: llm.cassette.json.gz }',
  'user:',
  '  - say: "Hi, can I book a table for two?"',
  '    at: 500ms',
  'agent:',
  '  replies:',
  '    - when: table',
  '      say: "A scripted reply that the cassette replaces."',
  'expect:',
  '  - every_turn_answered',
  `  - agent_said: "${LLM_REPLY}"`,
  '  - agent_never_said: "scripted reply"',
];

describe('an LLM cassette', () => {
  it('the agent says the recorded reply, each token at its recorded offset from the request', async () => {
    const { call, result } = await run(scenarioOf('llm.yaml', LLM_SCENARIO));
    expect(failedAssertions(result)).toEqual([]);
    // The report names what answered: the cassette, not the configured profile.
    expect(result.stack).toMatchObject({ llm: expect.stringMatching(/^cassette .*llm\.cassette\.json\.gz$/), stt: 'fast-stt' });

    const done = ofType(call.events, 'llm.done');
    expect(done.map((d) => [d.reason, d.text])).toEqual([['stop', LLM_REPLY]]);
    const request = ofType(call.events, 'llm.request').find((r) => r.speech === done[0]!.speech)!;
    const exchange = cassettes.llm.exchanges[0]!;
    if (exchange.type !== 'http') throw new Error('not http');
    const tokenChunks = exchange.chunks.filter((c) => 'text' in c && /"content":"[^"]/.test(c.text));
    expectSameTimes(done[0]!.tokenTimesMs.map((t) => t - request.t), tokenChunks.map((c) => c.t - exchange.startMs));

    // In the report: the turn's first token is the recorded one (about 300 ms after the request).
    const [turn] = result.turns;
    expect(turn!.llmFirstTokenMs).toBe(Math.round(done[0]!.tokenTimesMs[0]!));
    expect(turn!.llmFirstTokenMs! - request.t).toBeGreaterThanOrEqual(300);
  });

  it('runs out: a request beyond the recording fails its turn with a protocol error naming the cassette, and the call carries on to its end', async () => {
    const scenario = scenarioOf('llm-runs-out.yaml', [
      'name: more turns than recorded',
      'providers:',
      '  llm: { cassette: llm.cassette.json.gz }',
      'user:',
      '  - say: "Hi, can I book a table for two?"',
      '    at: 500ms',
      '  - say: "Tomorrow evening, please."',
      '    at: agent.speech.end + 500ms',
      '  - say: "Hello? Are you there?"',
      '    at: previous.end + 3s',
      'expect:',
      '  - failed_turns: 2',
      '  - every_turn_answered',
    ]);
    const { call, result } = await run(scenario);
    expect(call.endReason).toBe('script_done');
    expect(call.unrun).toEqual([]);
    const failed = ofType(call.events, 'turn.failed');
    expect(failed.map((f) => f.turn)).toEqual([2, 3]);
    for (const f of failed) expect(f.why).toMatch(/^LLM error: openai: cassette llm\.cassette\.json\.gz: nothing recorded for request #\d+ \(1 recorded\)$/);
    expect(ofType(call.events, 'llm.error').every((e) => e.provider === 'openai')).toBe(true);
    // As the report shows it: the count holds, and "every turn answered" says why it does not.
    expect(Object.fromEntries(result.assertions.map((a) => [a.id, a.passed]))).toEqual({ failed_turns: true, every_turn_answered: false, script_completed: true });
    expect(failedAssertions(result).join('\n')).toContain('cassette llm.cassette.json.gz: nothing recorded for request #');
  });
});

describe('an STT cassette', () => {
  it('its transcripts and turn events drive the endpointer, at their recorded times (the script only moves the VAD)', async () => {
    const scenario = scenarioOf('stt.yaml', [
      'name: recorded transcripts',
      'providers:',
      '  stt: { cassette: stt.cassette.json.gz }',
      'user:',
      '  - say: "Good morning, how are you today?"',
      '    at: 600ms',
      '    rate: 200wpm',
      'agent:',
      '  replies:',
      '    - when: book a table',
      '      say: "Sure, for which day?"',
      '    - when: good morning',
      '      say: "Good morning to you."',
      'expect:',
      '  - every_turn_answered',
      '  - agent_said: "for which day"',
      '  - agent_never_said: "Good morning to you"',
    ]);
    const { call, result } = await run(scenario);
    expect(failedAssertions(result)).toEqual([]);
    expect(ofType(call.events, 'stt.final').map((e) => e.text)).toEqual([STT_WORDS]);
    const ends = ofType(call.events, 'endpoint.end');
    expect(ends.map((e) => [e.reason, e.transcript])).toEqual([['provider', STT_WORDS]]);
    // The connection was requested at 0: EndOfTurn comes when it came, counted from the request.
    const [endOfTurn] = frameTimes(cassettes.stt, 0, (text) => text.includes('"EndOfTurn"'));
    expectSameTimes([ends[0]!.t], [endOfTurn!]);
    const turnEvents = ofType(call.events, 'stt.turn').map((e) => e.signal);
    expect(turnEvents).toEqual(['start_of_turn', 'end_of_turn']);
  });
});

describe('a TTS cassette', () => {
  it('each flush plays the recorded audio of the same flush, its first byte at the recorded delay', async () => {
    const scenario = scenarioOf('tts.yaml', [
      'name: recorded voice',
      'providers:',
      '  tts: { cassette: tts.cassette.json.gz }',
      'user:',
      '  - say: "Can I book a table?"',
      '    at: agent.speech.end + 300ms',
      'agent:',
      `  greeting: "${TTS_TEXTS[0]!.trim()}"`,
      '  replies:',
      '    - when: table',
      `      say: "${TTS_TEXTS[1]!.trim()}"`,
      'expect:',
      '  - every_turn_answered',
      '  - turns: 1',
    ]);
    const { call, result } = await run(scenario);
    expect(failedAssertions(result)).toEqual([]);
    const recorded = recordedFlushes(cassettes.tts);
    expect(recorded).toHaveLength(2);
    const requests = ofType(call.events, 'tts.request');
    const firstBytes = ofType(call.events, 'tts.first_byte');
    expect(requests.map((r) => r.text)).toEqual(TTS_TEXTS.map((t) => t.trim()));
    // The greeting's text waits for the connection, which opens when it did (from 0, when it was requested).
    const openedAt = openDelay(cassettes.tts);
    expectSameTimes(
      firstBytes.map((b) => b.t),
      recorded.map((f, i) => Math.max(requests[i]!.t, openedAt) + f.firstAudioMs),
    );
    // What played is what was recorded, to the sample.
    const played = ofType(call.events, 'playout.stop').map((s) => s.playedMs);
    expectSameTimes(played, recorded.map((f) => f.audioMs));
  });

  it('runs out: a flush beyond the recording fails that reply with a protocol error naming the cassette; the call ends', async () => {
    const scenario = scenarioOf('tts-runs-out.yaml', [
      'name: more speech than recorded',
      'providers:',
      '  tts: { cassette: tts.cassette.json.gz }',
      'user:',
      '  - say: "Can I book a table?"',
      '    at: agent.speech.end + 300ms',
      '  - say: "Tomorrow at eight."',
      '    at: agent.speech.end + 300ms',
      'agent:',
      `  greeting: "${TTS_TEXTS[0]!.trim()}"`,
      '  replies:',
      '    - when: table',
      `      say: "${TTS_TEXTS[1]!.trim()}"`,
      '    - when: eight',
      '      say: "Booked for eight."',
      'expect:',
      '  - failed_turns: 1',
    ]);
    const { call, result } = await run(scenario);
    expect(failedAssertions(result)).toEqual([]);
    expect(call.endReason).toBe('script_done');
    const errors = ofType(call.events, 'tts.error').map((e) => e.message);
    expect(errors[0]).toBe('deepgram: connection closed with code 1008 (cassette tts.cassette.json.gz: nothing recorded for Flush #3 on connection 1 (1 recorded))');
    expect(ofType(call.events, 'turn.failed').map((f) => [f.turn, f.why.startsWith('TTS error: deepgram: connection closed with code 1008 (cassette tts.cassette.json.gz')])).toEqual([[2, true]]);
  });
});

describe('cassettes and the rest of the world', () => {
  const ALL = [
    'name: all three recorded',
    'providers:',
    '  stt: { cassette: stt.cassette.json.gz }',
    '  llm: { cassette: llm.cassette.json.gz }',
    '  tts: { cassette: tts.cassette.json.gz }',
    'user:',
    '  - say: "Good morning, how are you today?"',
    '    at: 600ms',
    '    rate: 240wpm',
    'channel:',
    '  jitter: { mean: 20ms, sd: 10ms }',
    'expect:',
    '  - every_turn_answered',
  ];

  it('the same scenario, seed and cassettes give the same call, event for event', async () => {
    const scenario = scenarioOf('all.yaml', ALL);
    const first = await run(scenario, 7);
    const second = await run(scenario, 7);
    expect(JSON.stringify(second.call.events)).toBe(JSON.stringify(first.call.events));
    expect(second.result).toEqual(first.result);
    // The recorded providers were the ones used: the recorded transcript, reply and voice.
    expect(ofType(first.call.events, 'endpoint.end').map((e) => e.transcript)).toEqual([STT_WORDS]);
    expect(ofType(first.call.events, 'llm.done').map((e) => e.text)).toEqual([LLM_REPLY]);
    expect(ofType(first.call.events, 'tts.first_byte')).toHaveLength(1);
  });

  it("providers the world gives win over the scenario's cassettes (which are then not read)", async () => {
    const scenario = scenarioOf('given.yaml', LLM_SCENARIO);
    rmSync('gone.cassette.json.gz', { force: true });
    const gone: Scenario = { ...scenario, cassettes: { llm: { ...scenario.cassettes!.llm!, file: 'gone.cassette.json.gz' } } };
    const clock = new VirtualClock();
    const llm = new ScriptedLlm({ clock, replies: [], defaultReply: 'From the world.' });
    const call = setUpCall(gone, PRESETS.default!, 1, { clock, providers: { llm } });
    await call.start();
    while (!call.finished()) await clock.runUntil(clock.now() + 1000);
    const result = await call.finish();
    expect(ofType(result.events, 'llm.done').map((e) => e.text)).toEqual(['From the world.']);
    // Without them, a cassette that has gone since the scenario was loaded is an error naming it.
    expect(() => setUpCall(gone, PRESETS.default!, 1, { clock: new VirtualClock() })).toThrow(
      'given.yaml:3:20: llm cassette "llm.cassette.json.gz": no such file (looked for gone.cassette.json.gz',
    );
  });

  it('in the acoustic world too: the agent speaks the recorded reply', async () => {
    const scenario = scenarioOf('acoustic.yaml', [
      'name: recorded reply, heard',
      'acoustic: true',
      'providers:',
      '  llm: { cassette: acousticLlm.cassette.json.gz }',
      'user:',
      '  - say: "Do you have any tables free tonight?"',
      '    at: 500ms',
      'agent:',
      '  default_reply: "Sure."',
      'expect:',
      '  - every_turn_answered',
      '  - agent_said: "a table for two at eight"',
    ]);
    const call = await runAcousticCall(scenario, withProviderOverrides(PRESETS.default!, scenario.providers), 1);
    const { result } = judgeCall(call);
    expect(failedAssertions(result)).toEqual([]);
    expect(ofType(call.events, 'llm.done').map((e) => e.text)).toEqual(['Yes, we have a table for two at eight.']);
    expect(ofType(call.events, 'llm.request')).toHaveLength(2);
  }, 30_000);
});

/** From the connection request to its open, in the first exchange. */
function openDelay(cassette: Cassette): number {
  const exchange = cassette.exchanges[0]!;
  if (exchange.type !== 'websocket') throw new Error('not a websocket');
  return exchange.events.find((e) => e.type === 'open')!.t - exchange.startMs;
}

/** Per recorded Aura flush: its first audio frame after the Flush, and the audio's length, in ms. */
function recordedFlushes(cassette: Cassette): { firstAudioMs: number; audioMs: number }[] {
  const exchange = cassette.exchanges[0]!;
  if (exchange.type !== 'websocket') throw new Error('not a websocket');
  const flushes: { firstAudioMs: number; audioMs: number }[] = [];
  let flushAt: number | undefined;
  let first: number | undefined;
  let bytes = 0;
  for (const event of exchange.events) {
    if (event.type === 'out' && 'text' in event && event.text.includes('"Flush"')) [flushAt, first, bytes] = [event.t, undefined, 0];
    else if (event.type === 'in' && 'binary' in event && flushAt !== undefined) {
      first ??= event.t - flushAt;
      bytes += bytesOf(event).length;
    } else if (event.type === 'in' && 'text' in event && event.text.includes('"Flushed"') && flushAt !== undefined) {
      flushes.push({ firstAudioMs: first ?? 0, audioMs: bytes / 2 / 16 });
      flushAt = undefined;
    }
  }
  return flushes;
}
