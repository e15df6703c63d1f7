import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { withoutProviderEnv } from '../../providers/test-support/env.js';
import { loadConfigFile } from '../config/load.js';
import { recordLlmCassette } from '../test-support/cassette-recordings.js';
import { cassetteFile } from './cassettes.js';
import { loadScenarioFile, scenarioFromObject, type ScenarioLoad } from './load.js';

/**
 * `providers: { stt | llm | tts: { cassette: path } }` in scenario files: the syntax, where the
 * path leads, and the errors for a cassette that cannot be used. Each test runs in a temporary
 * working directory, so paths in messages are relative to it as they are for a user.
 */

withoutProviderEnv();

let llmCassette: Buffer;
beforeAll(async () => {
  llmCassette = await recordLlmCassette({ default_reply: 'Sure, for which day?', first_token: '40ms', token_interval: '10ms' }, [[{ role: 'user', content: 'Can I book a table?' }]]);
});

const home = process.cwd();
let dir = '';
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'parley-cassettes-'));
  process.chdir(dir);
  mkdirSync('scenarios/calls', { recursive: true });
  writeFileSync('scenarios/calls/llm.cassette.json.gz', llmCassette);
});
afterEach(() => {
  process.chdir(home);
  rmSync(dir, { recursive: true, force: true });
});
afterAll(() => process.chdir(home));

/** Writes `scenarios/s.yaml` with `providers` lines spliced in, and loads it as `parley run` does. */
function load(...providers: string[]): ScenarioLoad {
  const lines = ['name: cassettes', 'providers:', ...providers.map((line) => `  ${line}`), 'user:', '  - say: "Can I book a table?"', 'expect:', '  - every_turn_answered'];
  writeFileSync('scenarios/s.yaml', `${lines.join('\n')}\n`);
  return loadScenarioFile('scenarios/s.yaml', 'scenarios/s.yaml');
}

function errorsOf(loaded: ScenarioLoad): string[] {
  if (loaded.ok) throw new Error('expected errors, the scenario loaded');
  return loaded.errors.map(String);
}

describe('cassettes in scenario files', () => {
  it('a role given as { cassette: path } is resolved against the scenario folder, and the others stay simulated', () => {
    const loaded = load('stt: fast-stt', 'llm: { cassette: calls/llm.cassette.json.gz }', 'tts: { ttfb: 300ms }');
    if (!loaded.ok) throw new Error(loaded.errors.map(String).join('\n'));
    const { scenario } = loaded;
    expect(scenario.cassettes).toEqual({ llm: { path: 'calls/llm.cassette.json.gz', file: 'scenarios/calls/llm.cassette.json.gz', source: { line: 4, column: 20 } } });
    // The LLM is no simulated-profile override; the others are.
    expect(scenario.providers).toEqual({ stt: { profile: 'fast-stt' }, tts: { timeToFirstByteMs: { kind: 'fixed', value: 300 } } });
    // Plain data: a worker thread gets the same scenario (the file is read again there).
    expect(structuredClone(scenario)).toEqual(scenario);
  });

  it('the same from an object (the vitest helper), relative to the name it is given', () => {
    const loaded = scenarioFromObject(
      { name: 'x', providers: { llm: { cassette: 'calls/llm.cassette.json.gz' } }, user: [{ say: 'Hi.' }], expect: ['every_turn_answered'] },
      'scenarios/inline.yaml',
    );
    expect(loaded.ok && loaded.scenario.cassettes?.llm?.file).toBe('scenarios/calls/llm.cassette.json.gz');
  });

  it('paths: relative ones from the scenario\'s folder, normalised; absolute ones as written', () => {
    expect(cassetteFile('scenarios/s.yaml', 'calls/a.cassette.json.gz')).toBe('scenarios/calls/a.cassette.json.gz');
    expect(cassetteFile('scenarios/x/s.yaml', '../calls/./a.cassette.json.gz')).toBe('scenarios/calls/a.cassette.json.gz');
    expect(cassetteFile('s.yaml', 'a.cassette.json.gz')).toBe('a.cassette.json.gz');
    expect(cassetteFile('scenarios/s.yaml', '/data/a.cassette.json.gz')).toBe('/data/a.cassette.json.gz');
  });

  it('a file that does not exist: one line at the cassette, saying where it looked', () => {
    expect(errorsOf(load('llm: { cassette: calls/missing.cassette.json.gz }'))).toEqual([
      'scenarios/s.yaml:3:20: llm cassette "calls/missing.cassette.json.gz": no such file (looked for scenarios/calls/missing.cassette.json.gz; expected a cassette recorded by parley, relative to the scenario file)',
    ]);
  });

  it('a file that is not a cassette, or not one this version reads', () => {
    writeFileSync('scenarios/calls/notes.txt', 'hello\n');
    writeFileSync('scenarios/calls/other.json.gz', gzipSync(JSON.stringify({ some: 'json' })));
    writeFileSync('scenarios/calls/future.cassette.json.gz', gzipSync(JSON.stringify({ format: 'parley-cassette', version: 2 })));
    expect(errorsOf(load('stt: { cassette: calls/notes.txt }', 'llm: { cassette: calls/other.json.gz }', 'tts: { cassette: calls/future.cassette.json.gz }'))).toEqual([
      'scenarios/s.yaml:3:20: stt cassette "calls/notes.txt": not a cassette: not JSON; expected a parley cassette (gzip JSON, *.cassette.json.gz)',
      'scenarios/s.yaml:4:20: llm cassette "calls/other.json.gz": not a cassette: no "format": "parley-cassette"; expected a parley cassette (gzip JSON, *.cassette.json.gz)',
      'scenarios/s.yaml:5:20: tts cassette "calls/future.cassette.json.gz": cassette version 2 is not supported (this parley reads version 1); expected a parley cassette (gzip JSON, *.cassette.json.gz)',
    ]);
  });

  it('a cassette with nothing for its role (an OpenAI chat given as the STT or TTS) names what was expected and what it holds', () => {
    expect(errorsOf(load('stt: { cassette: calls/llm.cassette.json.gz }', 'tts: { cassette: calls/llm.cassette.json.gz }'))).toEqual([
      'scenarios/s.yaml:3:20: stt cassette "calls/llm.cassette.json.gz" holds nothing for the stt: expected a recording of deepgram.listen.v1 or deepgram.listen.v2, found only 1 openai.chat exchange (llm)',
      'scenarios/s.yaml:4:20: tts cassette "calls/llm.cassette.json.gz" holds nothing for the tts: expected a recording of deepgram.speak.v1, elevenlabs.stream-input or elevenlabs.tts-stream, found only 1 openai.chat exchange (llm)',
    ]);
  });

  it('mistakes in the syntax are schema errors at their place', () => {
    expect(errorsOf(load('llm: { casette: calls/llm.cassette.json.gz }'))).toEqual(['scenarios/s.yaml:3:10: unknown key "casette" (did you mean "cassette"?)']);
    expect(errorsOf(load('llm: { cassette: 5 }'))).toEqual(['scenarios/s.yaml:3:20: expected a string, got 5']);
    expect(errorsOf(load('llm: { cassette: calls/llm.cassette.json.gz, ttft: 300ms }'))).toEqual([
      'scenarios/s.yaml:3:8: a cassette replaces the simulated LLM: give "cassette" alone, without profile fields',
    ]);
  });

  it('only scenarios take cassettes: a config file does not', () => {
    writeFileSync('agent.yaml', 'providers:\n  llm: { cassette: calls/llm.cassette.json.gz }\n');
    const loaded = loadConfigFile('agent.yaml', 'agent.yaml');
    expect(loaded.ok ? [] : loaded.errors.map(String)).toEqual([expect.stringMatching(/^agent\.yaml:2:10: unknown key "cassette"/)]);
  });
});
