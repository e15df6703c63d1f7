import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readWavFile } from '../core/audio/wav.js';
import { STANDARD_USER_PHRASES } from '../sim/acoustic/clip-needs.js';
import { tempDir, tone, writeBank, writeFile } from '../sim/acoustic/test-support/fixtures.js';
import { trimSilence } from '../sim/acoustic/voices.js';
import { displayPath } from '../sim/config/load.js';
import { loadScenarioFile } from '../sim/scenario/load.js';
import { CLIPS_USAGE } from './clips-command.js';
import { parley } from './test-support/cli.js';

const dir = tempDir('clips');
/** A folder as `parley clips` names it: relative to where it runs. */
const named = (path: string): string => relative(process.cwd(), path);

/** Clips for every text (a short tone each: `--check` reads only bank.json, a run would read these). */
const clipsFor = (texts: readonly string[]): Record<string, Float32Array> => Object.fromEntries(texts.map((text) => [text, tone(50)]));

/** A scenario that asks its bank for one user phrase and the agent words of its default reply. */
function writeScenario(folder: string, bank: string, say: string, reply: string): string {
  return writeFile(
    dir,
    `${folder}/call.yaml`,
    ['name: clips', 'acoustic:', `  clips: ../${bank}`, 'user:', `  - say: ${JSON.stringify(say)}`, 'agent:', `  default_reply: ${JSON.stringify(reply)}`, 'expect:', '  - turns: 1', ''].join('\n'),
  );
}

const bank = join(dir, 'bank');
writeBank(bank, { user: clipsFor([...STANDARD_USER_PHRASES, 'What time is it?']), agent: clipsFor(['it', 'is', 'late']) });
writeScenario('complete', 'bank', 'what time is it', 'It is late.');
writeScenario('missing', 'bank', 'Where is the station?', 'It is far, late.');
writeFile(dir, 'symbolic/call.yaml', 'name: symbolic\nuser:\n  - say: "hello"\nexpect:\n  - turns: 1\n');
writeFile(dir, 'bad/call.yaml', 'name: bad\nuser:\n  - say: 42\n  - pause: soon\nexpect:\n  - turns: 1\n');

describe('parley clips --check', () => {
  it('says a bank is complete when it has everything the scenarios need', async () => {
    const { code, out, err } = await parley('clips', '--check', join(dir, 'complete'));
    expect(err).toBe('');
    expect(out).toBe(`clip bank ${named(bank)}: complete\n`);
    expect(code).toBe(0);
  });

  it('lists what is missing, user phrases whole and agent words one by one, and exits 1', async () => {
    const { code, out } = await parley('clips', '--check', join(dir, 'missing'));
    expect(out).toBe(`clip bank ${named(bank)}: 2 missing\n  user: "Where is the station?"\n  agent: "far"\n`);
    expect(code).toBe(1);
  });

  it('lists the standard fillers and backchannels a bank lacks', async () => {
    const sparse = join(dir, 'sparse-bank');
    writeBank(sparse, { user: clipsFor(['what time is it', 'um', 'uh', 'hmm', 'mhm', 'uh-huh', 'yeah', 'okay', 'right', 'sure']), agent: clipsFor(['it', 'is', 'late']) });
    const { code, out } = await parley('clips', '--check', join(dir, 'complete'), '--bank', sparse);
    expect(out).toBe(`clip bank ${named(sparse)}: 2 missing\n  user: "I see"\n  user: "got it"\n`);
    expect(code).toBe(1);
  });

  it('checks every scenario against the bank given with --bank', async () => {
    const other = join(dir, 'other-bank');
    writeBank(other, { user: clipsFor([...STANDARD_USER_PHRASES, 'where is the station']), agent: clipsFor(['it', 'is', 'far', 'late']) });
    const { code, out } = await parley('clips', '--check', '--bank', other, join(dir, 'missing'));
    expect(out).toBe(`clip bank ${named(other)}: complete\n`);
    expect(code).toBe(0);
  });

  it('says so when no scenario is acoustic', async () => {
    const { code, out } = await parley('clips', '--check', join(dir, 'symbolic'));
    expect(out).toBe('no acoustic scenarios among these files: nothing needs clips\n');
    expect(code).toBe(0);
  });

  it('exits 2 with one line per error in a scenario', async () => {
    const file = join(dir, 'bad', 'call.yaml');
    const loaded = loadScenarioFile(file, displayPath(file));
    expect(loaded.ok).toBe(false);
    const errors = loaded.ok ? [] : loaded.errors.map(String);
    expect(errors).toHaveLength(2);
    const { code, out, errLines } = await parley('clips', '--check', join(dir, 'bad'));
    expect(out).toBe('');
    expect(errLines).toHaveLength(errors.length);
    errors.forEach((error, i) => expect(errLines[i]).toContain(error));
    expect(code).toBe(2);
  });

  it('exits 2 for a path that does not exist', async () => {
    const { code, errLines } = await parley('clips', '--check', join(dir, 'nowhere'));
    expect(errLines).toEqual([`${join(dir, 'nowhere')}: no such file or directory`]); // as parley run prints it
    expect(code).toBe(2);
  });

  it.each([
    [[], 'parley clips: expected scenario files or directories (try: parley clips --help)'],
    [['--check'], 'parley clips: expected scenario files or directories (try: parley clips --help)'],
    [['--bank', '', join(dir, 'complete')], 'parley clips: --bank expects a directory'],
    [['--colour', join(dir, 'complete')], 'parley clips: unknown option "--colour" (try: parley clips --help)'],
  ])('exits 2 on a usage error (%j)', async (args, message) => {
    const { code, out, errLines } = await parley('clips', ...args);
    expect(errLines).toEqual([message]);
    expect(out).toBe('');
    expect(code).toBe(2);
  });

  it('prints its usage with --help', async () => {
    const { code, out } = await parley('clips', '--help');
    expect(out).toBe(`${CLIPS_USAGE}\n`);
    expect(code).toBe(0);
  });
});

const hasTools = ['espeak-ng', 'sox'].every((tool) => spawnSync(tool, ['--version']).status === 0);

describe('parley clips (synthesis)', () => {
  // espeak-ng and sox: .ci/run installs them; locally the test is skipped without them.
  it.runIf(!hasTools && process.env.CI)('has espeak-ng and sox to synthesize with (CI is set; .ci/run installs them)', () => {
    throw new Error('espeak-ng or sox not found: apt-get install espeak-ng sox');
  });

  it.runIf(hasTools)('synthesizes the missing clips as 16 kHz mono WAVs, trimmed, and adds them to bank.json in order', async () => {
    const generated = join(dir, 'gen-bank');
    // Keys out of order on purpose: the manifest comes back sorted.
    writeBank(generated, { user: clipsFor(['yeah', ...STANDARD_USER_PHRASES]), agent: clipsFor(['late', 'it', 'is']) });
    writeScenario('gen', 'gen-bank', 'Where is the station?', 'It is far, late.');

    const { code, out, err } = await parley('clips', join(dir, 'gen'));
    expect(err).toBe('');
    expect(out).toBe(
      [`wrote ${named(generated)}/user/where-is-the-station.wav`, `wrote ${named(generated)}/agent/far.wav`, `clip bank ${named(generated)}: 2 clips added to bank.json`, ''].join('\n'),
    );
    expect(code).toBe(0);

    for (const file of ['user/where-is-the-station.wav', 'agent/far.wav']) {
      const audio = readWavFile(join(generated, file));
      expect([audio.sampleRate, audio.channels.length, audio.encoding], file).toEqual([16000, 1, 'pcm16']);
      const samples = audio.channels[0]!;
      expect(samples.length, file).toBeGreaterThan(1600);
      // Peak-normalised to −3 dBFS, and trimmed: hardly any silence is left at either end.
      const peak = samples.reduce((max, v) => Math.max(max, Math.abs(v)), 0);
      expect(20 * Math.log10(peak), file).toBeCloseTo(-3, 0);
      expect(samples.length - trimSilence(samples).length, file).toBeLessThan(16000 * 0.05);
    }

    const manifest = JSON.parse(readFileSync(join(generated, 'bank.json'), 'utf8')) as { clips: Record<'user' | 'agent', Record<string, string>> };
    for (const voice of ['user', 'agent'] as const) {
      const keys = Object.keys(manifest.clips[voice]);
      expect(keys, voice).toEqual([...keys].sort());
    }
    expect(manifest.clips.user['where is the station']).toBe('user/where-is-the-station.wav');
    expect(manifest.clips.agent.far).toBe('agent/far.wav');
    expect(manifest.clips.agent.late).toBe('agent/1.wav');

    const check = await parley('clips', '--check', join(dir, 'gen'));
    expect(check.out).toBe(`clip bank ${named(generated)}: complete\n`);
  });
});
