import { copyFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadScenarioFile } from '../scenario/load.js';
import { acousticProblems } from './clip-check.js';
import { packageRoot } from './package-root.js';
import { missingMessage } from './clip-bank.js';
import { tempDir, tone, tonesFor, writeBank, writeFile, writeWav } from './test-support/fixtures.js';

const dir = tempDir('clip-check');
const bankDir = join(dir, 'bank');
writeBank(bankDir, { user: tonesFor(['hello', 'world']), agent: tonesFor(['fine', 'thanks', 'hello']) });

writeWav(dir, 'clips/good.wav', tone(300));
writeWav(dir, 'clips/silent.wav', new Float32Array(1600));
writeWav(dir, 'clips/empty.wav', new Float32Array(0));
writeFile(dir, 'clips/text.wav', 'this is not a WAV file');

let written = 0;

/** Writes a scenario file (its lines joined) into the temp dir; returns its problems as `file:line:col: message`. */
function problemsOf(...lines: string[]): { file: string; problems: string[] } {
  const file = join(dir, `scenario-${++written}.yaml`);
  writeFile(dir, `scenario-${written}.yaml`, `${lines.join('\n')}\n`);
  const loaded = loadScenarioFile(file, file);
  if (!loaded.ok) throw new Error(loaded.errors.map(String).join('\n'));
  return { file, problems: acousticProblems(loaded.scenario).map(String) };
}

const HEAD = ['name: check', 'acoustic:', '  clips: bank'];
const AGENT = ['agent:', '  default_reply: "Fine, thanks."'];
const EXPECT = ['expect:', '  - turns: 1'];

describe('acousticProblems', () => {
  it('finds nothing when the bank says everything and every clip is good', () => {
    const { problems } = problemsOf(...HEAD, 'user:', '  - say: "Hello, world!"', '  - say: "anything at all"', '    clip: clips/good.wav', ...AGENT, ...EXPECT);
    expect(problems).toEqual([]);
  });

  it('asks for a TTS cassette beside an LLM cassette: the bank cannot say recorded replies', () => {
    copyFileSync(join(packageRoot(), 'scenarios/cassettes/table-for-two.llm.cassette.json.gz'), join(dir, 'llm.cassette.json.gz'));
    const { file, problems } = problemsOf(...HEAD, 'providers:', '  llm: { cassette: llm.cassette.json.gz }', 'user:', '  - say: "hello"', ...AGENT, ...EXPECT);
    expect(problems).toEqual([expect.stringMatching(new RegExp(`^${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:5:\\d+: an acoustic scenario whose LLM is a cassette needs a TTS cassette too`))]);
  });

  it('checks nothing in a scenario that is not acoustic', () => {
    const { problems } = problemsOf('name: symbolic', 'user:', '  - say: "words no bank has"', ...EXPECT);
    expect(problems).toEqual([]);
  });

  it('reports a folder without a bank at its acoustic.clips', () => {
    const { file, problems } = problemsOf('name: check', 'acoustic:', '  clips: nowhere', 'user:', '  - say: "hello"', ...AGENT, ...EXPECT);
    expect(problems).toEqual([`${file}:3:10: ${join(dir, 'nowhere', 'bank.json')}: no clip bank here (expected a bank.json listing the clips)`]);
  });

  it('reports each text the bank cannot say where it is written: the user action, the agent reply', () => {
    const { file, problems } = problemsOf(
      ...HEAD,
      'user:',
      '  - say: "hello world"',
      '  - filler: "um"',
      'agent:',
      '  greeting: "Hello"',
      '  replies:',
      '    - when: world',
      '      say: "Thanks, world."',
      '  default_reply: "Fine, thanks."',
      ...EXPECT,
    );
    expect(problems).toEqual([
      `${file}:6:5: ${missingMessage(bankDir, 'user', 'um', ['um'])}`,
      `${file}:11:12: ${missingMessage(bankDir, 'agent', 'Thanks, world.', ['world'])}`,
    ]);
  });

  it('reports a clip that is missing, not a WAV file, empty or silent, at its clip key', () => {
    const { file, problems } = problemsOf(
      ...HEAD,
      'user:',
      '  - say: "one"',
      '    clip: clips/missing.wav',
      '  - say: "two"',
      '    clip: clips/text.wav',
      '  - backchannel: "three"',
      '    clip: clips/empty.wav',
      '  - say: "four"',
      '    clip: clips/silent.wav',
      ...AGENT,
      ...EXPECT,
    );
    const clip = (name: string): string => join(dir, 'clips', name);
    expect(problems).toEqual([
      `${file}:6:11: clip ${clip('missing.wav')}: no such file`,
      expect.stringMatching(new RegExp(`^${file}:8:11: clip ${clip('text.wav')}: not a WAV file`)),
      `${file}:10:11: clip ${clip('empty.wav')}: empty (no samples)`,
      `${file}:12:11: clips/silent.wav: silent (no speech in the clip)`,
    ]);
  });

  it('reports a clip file the bank lists but does not have', () => {
    const gappy = join(dir, 'gappy');
    writeFile(gappy, 'bank.json', JSON.stringify({ clips: { user: { hello: 'user/hello.wav' }, agent: { fine: 'agent/fine.wav', thanks: 'agent/thanks.wav' } } }));
    writeWav(gappy, 'agent/fine.wav', tone(100));
    writeWav(gappy, 'agent/thanks.wav', tone(100));
    const { problems } = problemsOf('name: check', 'acoustic:', '  clips: gappy', 'user:', '  - say: "hello"', ...AGENT, ...EXPECT);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toContain(join(gappy, 'user/hello.wav'));
  });
});
