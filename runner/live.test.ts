import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { decodeCassette } from '../providers/cassette/format.js';
import { readTranscript } from '../sim/replay/transcript.js';
import { FAKE_SERVERS, type FakeServerName, type RunningFake } from '../providers/fake-servers.js';
import { inTemporaryDirectory, parley, writeLines } from './test-support/cli.js';

const KEYS = { DEEPGRAM_API_KEY: 'dg-test-SECRET-7f3a9', OPENAI_API_KEY: 'sk-test-SECRET-7f3a9', ELEVENLABS_API_KEY: 'xi-test-SECRET-7f3a9' } as const;
const VARIABLES = [...Object.keys(KEYS), 'DEEPGRAM_BASE_URL', 'OPENAI_BASE_URL', 'ELEVENLABS_BASE_URL'];

/** Sets environment variables for one test, restoring the previous values after it. */
function useEnv(): (values: Record<string, string | undefined>) => void {
  const saved = new Map<string, string | undefined>();
  afterEach(() => {
    for (const [name, value] of saved) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
    saved.clear();
  });
  return (values) => {
    for (const [name, value] of Object.entries(values)) {
      if (!saved.has(name)) saved.set(name, process.env[name]);
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  };
}

/** A short acoustic call: one question, the bundled clip bank, nothing the fakes cannot answer. */
function writeScenario(path: string, extra: string[] = [], head: string[] = ['acoustic: true']): string {
  return writeLines(
    path,
    'name: live — one question',
    ...head,
    'max_duration: 15s',
    'user:',
    `  - say: "I'd like to book an appointment for Tuesday morning."`,
    'expect:',
    '  - every_turn_answered',
    '  - agent_said: "parley fake server"',
    ...extra,
  );
}

/** Starts the named fakes (with optional script files) and points the adapters at them. */
async function startFakes(setEnv: (values: Record<string, string | undefined>) => void, scripts: Partial<Record<FakeServerName, string>> = {}): Promise<RunningFake[]> {
  const fakes: RunningFake[] = [];
  for (const name of Object.keys(FAKE_SERVERS) as FakeServerName[]) {
    const kind = FAKE_SERVERS[name];
    const launched = await kind.launch(scripts[name] !== undefined ? { scriptFile: scripts[name] } : {});
    if (!launched.ok) throw new Error(launched.errors.map(String).join('\n'));
    fakes.push(launched.fake);
    setEnv({ [kind.baseUrlVariable]: launched.fake.baseUrl });
  }
  return fakes;
}

/** Everything written to the console (what an SDK would log) from now until the test ends. */
function captureConsole(): () => string {
  const lines: string[] = [];
  for (const method of ['log', 'info', 'warn', 'error', 'debug'] as const) {
    vi.spyOn(console, method).mockImplementation((...args: unknown[]) => void lines.push(args.map(String).join(' ')));
  }
  return () => lines.join('\n');
}

/** Every file under `dir`, as text (gzip files unpacked). */
function everyFileText(dir: string): string {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => {
      const bytes = readFileSync(join(entry.parentPath, entry.name));
      return (entry.name.endsWith('.gz') ? gunzipSync(bytes) : bytes).toString('latin1');
    })
    .join('\n');
}

describe('parley run --live', () => {
  const { dir } = inTemporaryDirectory('live');
  const setEnv = useEnv();
  let fakes: RunningFake[] = [];
  beforeEach(() => setEnv(Object.fromEntries(VARIABLES.map((name) => [name, undefined]))));
  afterEach(async () => {
    vi.restoreAllMocks();
    await Promise.all(fakes.map((fake) => fake.close()));
    fakes = [];
  });

  it('a missing key stops the run before anything connects, naming the variable', async () => {
    writeScenario('call.yaml');
    setEnv({ DEEPGRAM_API_KEY: KEYS.DEEPGRAM_API_KEY, ELEVENLABS_API_KEY: KEYS.ELEVENLABS_API_KEY });
    const { code, errLines } = await parley('run', '--live', 'call.yaml');
    expect(code).toBe(2);
    expect(errLines).toEqual([expect.stringMatching(/^--live: OPENAI_API_KEY is not set: .*llm \(openai\) in config default.*nothing was connected$/)]);
    expect(readdirSync(dir())).toEqual(['call.yaml']);
  });

  it('a refused key is a clear error naming the provider; the call goes on without it', async () => {
    fakes = await startFakes(setEnv, { deepgram: writeLines('deepgram.yaml', 'faults:', '  - handshake: 401') });
    setEnv(KEYS);
    writeScenario('call.yaml');
    const { code, out } = await parley('run', '--live', 'call.yaml', '--report-dir', 'report');
    expect(code).toBe(1);
    const [run] = JSON.parse(readFileSync('report/report.json', 'utf8')).scenarios;
    expect(run.live.providerErrors).toEqual([{ atMs: expect.any(Number), role: 'stt', provider: 'deepgram', message: expect.stringMatching(/^deepgram: .*401/) }]);
    expect(out).toMatch(/✗ live — one question.*\n {4}stt error at \d+\.\d\d s: deepgram: .*401/);
    expect((everyFileText('report') + out).includes(KEYS.DEEPGRAM_API_KEY)).toBe(false);
  }, 60_000);

  it('the cassettes of a live call replay in the simulator: the same words, deterministically', async () => {
    fakes = await startFakes(setEnv);
    setEnv(KEYS);
    writeScenario('call.yaml');
    expect((await parley('run', '--live', 'call.yaml', '--report-dir', 'live')).code).toBe(0);
    const [live] = JSON.parse(readFileSync('live/report.json', 'utf8')).scenarios;
    for (const fake of fakes) await fake.close();
    fakes = [];
    setEnv(Object.fromEntries(VARIABLES.map((name) => [name, undefined])));

    const cassettes = live.live.cassettes;
    writeScenario('replay.yaml', [], [
      'providers:',
      `  stt: { cassette: live/${cassettes.stt} }`,
      `  llm: { cassette: live/${cassettes.llm} }`,
      `  tts: { cassette: live/${cassettes.tts} }`,
    ]);
    const first = await parley('run', 'replay.yaml', '--report-dir', 'replay-1');
    expect(first.code).toBe(0);
    const [replayed] = JSON.parse(readFileSync('replay-1/report.json', 'utf8')).scenarios;
    expect(replayed.assertions.filter((a: { passed: boolean }) => !a.passed)).toEqual([]);
    expect(replayed.stack).toEqual({ stt: `cassette live/${cassettes.stt}`, llm: `cassette live/${cassettes.llm}`, tts: `cassette live/${cassettes.tts}` });
    // The recorded reply was heard: the agent said what the live LLM said, in the live TTS's audio.
    expect(replayed.turns).toEqual([expect.objectContaining({ index: 1, voiceToVoiceMs: expect.any(Number) })]);
    expect((await parley('run', 'replay.yaml', '--report-dir', 'replay-2')).code).toBe(0);
    expect(readFileSync('replay-2/report.json', 'utf8')).toBe(readFileSync('replay-1/report.json', 'utf8'));

    // parley replay of the live call's recording finds the caller's words in its STT cassette.
    const replay = await parley('replay', `live/${live.acoustic.audio}`, '--report-dir', 'recorded');
    expect(replay.err).toBe('');
    const [call] = JSON.parse(readFileSync('recorded/report.json', 'utf8')).calls;
    expect(call.transcript).toBe(true);
    // Those are the words the live STT sent, on the recording's time line.
    const words = readTranscript(join('live', cassettes.stt), 0, live.durationMs);
    expect(words.map((w) => w.word).join(' ')).toContain('Hello from the parley fake server.');
    expect(words[0]!.startMs).toBeGreaterThanOrEqual(0);
  }, 60_000);

  it('a TTS failover chain moves on when its first provider refuses, and the report says so', async () => {
    fakes = await startFakes(setEnv, { elevenlabs: writeLines('elevenlabs.yaml', 'faults:', '  - handshake: 401') });
    setEnv(KEYS);
    writeLines('agent.yaml', 'live:', '  tts:', '    - { provider: elevenlabs }', '    - { provider: deepgram }');
    writeScenario('call.yaml');
    const { code } = await parley('run', '--live', 'call.yaml', '--config', 'agent.yaml', '--report-dir', 'report');
    const [run] = JSON.parse(readFileSync('report/report.json', 'utf8')).scenarios;
    expect(run.live.providers.tts).toBe('elevenlabs-ws>deepgram-aura');
    expect(run.live.failovers).toEqual([{ atMs: expect.any(Number), role: 'tts', from: 'elevenlabs-ws', to: 'deepgram-aura', why: expect.stringMatching(/401/) }]);
    expect(run.turns[0].agentAudioStartMs).toBeGreaterThan(0);
    expect(code).toBe(0);
  }, 60_000);

  it('a stalled reply trips the configured stall timeout, and the trace says so', async () => {
    fakes = await startFakes(setEnv, { openai: writeLines('openai.yaml', 'faults:', '  - stall: true', '    after: { messages: 2 }') });
    setEnv(KEYS);
    writeLines('agent.yaml', 'live:', '  llm: { provider: openai, timeouts: { stall: 400ms } }');
    writeScenario('call.yaml');
    const { code } = await parley('run', '--live', 'call.yaml', '--config', 'agent.yaml', '--report-dir', 'report');
    expect(code).toBe(1);
    const [run] = JSON.parse(readFileSync('report/report.json', 'utf8')).scenarios;
    expect(run.live.providerErrors).toContainEqual({ atMs: expect.any(Number), role: 'llm', provider: 'openai', message: expect.stringMatching(/^openai: stall timeout after 400 ms/) });
    const timeline = readFileSync(join('report/timelines', readdirSync('report/timelines')[0]!), 'utf8');
    expect(timeline).toMatch(/stall timeout after 400 ms/);
  }, 60_000);

  it('a scenario without clips cannot run live', async () => {
    writeLines('plain.yaml', 'name: plain', 'user:', '  - say: "Hello there."', 'expect:', '  - every_turn_answered');
    setEnv(KEYS);
    const { code, errLines } = await parley('run', '--live', 'plain.yaml');
    expect(code).toBe(2);
    expect(errLines[0]).toMatch(/^plain\.yaml: live mode streams the caller's clips.*acoustic: true/);
  });

  it('runs a call on the wall clock against the fakes: a report marked live, cassettes, and no key anywhere', async () => {
    fakes = await startFakes(setEnv);
    setEnv(KEYS);
    writeScenario('call.yaml');
    const logged = captureConsole();
    const { code, out, err } = await parley('run', '--live', 'call.yaml', '--report-dir', 'report');
    expect(err).toBe('');
    const report = JSON.parse(readFileSync('report/report.json', 'utf8'));
    expect(report.live).toBe(true);
    const [run] = report.scenarios;
    expect(run.live.providers).toEqual({ stt: 'deepgram', llm: 'openai', tts: 'elevenlabs-ws' });
    expect(run.stack).toEqual(run.live.providers);
    expect(run.live.providerErrors).toEqual([]);
    // The fake Deepgram transcribed the clip, the fake OpenAI answered it, the fake ElevenLabs spoke.
    // The fake Deepgram transcribed the clip, the fake OpenAI answered, the fake ElevenLabs spoke
    // it, and the turn was measured from the caller's speech end to the agent's audio.
    expect(run.assertions.find((a: { id: string }) => a.id === 'agent_said')).toMatchObject({ passed: true });
    const [turn] = run.turns;
    expect(turn.llmFirstTokenMs).toBeGreaterThan(turn.userSpeechEndMs);
    expect(turn.agentAudioStartMs).toBeGreaterThan(turn.llmFirstTokenMs);
    // Each figure is rounded on its own from wall-clock times: they agree to a millisecond.
    expect(Math.abs(turn.voiceToVoiceMs - (turn.agentAudioStartMs - turn.userSpeechEndMs))).toBeLessThanOrEqual(1);
    expect(code).toBe(0);
    expect(out).toMatch(/✓ live — one question/);

    for (const role of ['stt', 'llm', 'tts']) {
      const path = join('report', run.live.cassettes[role]);
      const cassette = decodeCassette(readFileSync(path));
      expect(cassette.role).toBe(role);
      expect(cassette.exchanges.length).toBeGreaterThan(0);
    }
    expect(readFileSync('report/summary.md', 'utf8')).toMatch(/Live run \(real providers, wall clock\)/);
    // The keys reached the fakes (they check for one) but no file, line or log the run left.
    const everything = everyFileText('report') + out + err + logged();
    for (const key of Object.values(KEYS)) expect(everything.includes(key), `${key} leaked`).toBe(false);
    // The cassettes kept where a key went, without it.
    const tts = decodeCassette(readFileSync(join('report', run.live.cassettes.tts)));
    expect(tts.exchanges[0]).toMatchObject({ type: 'websocket', headers: { 'xi-api-key': '[REDACTED]' } });
  }, 60_000);
});
