import { existsSync, mkdirSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadScenarioFile } from '../scenario/load.js';
import { acousticProblems } from './clip-check.js';
import {
  bankDirFor,
  bundledBankDir,
  ClipBank,
  ClipBankError,
  clipKey,
  clipWords,
  isClipBank,
  loadClip,
  missingMessage,
  withFades,
} from './clip-bank.js';
import { speechLevelDb } from './levels.js';
import { packageRoot } from './package-root.js';
import { tempDir, tone, tonesFor, writeBank, writeFile } from './test-support/fixtures.js';

const RATE = 16000;
const root = tempDir('clip-bank');

/** A bank of 16 kHz tones: user word clips of known lengths, a user phrase, and a few agent words. */
const bankDir = join(root, 'bank');
const files = writeBank(bankDir, {
  user: {
    hello: tone(100, 300),
    world: tone(200, 350),
    bye: tone(50, 400),
    now: tone(80, 450),
    and: tone(60, 500),
    or: tone(70, 550),
    "I'd like to book": tone(300, 600),
  },
  agent: tonesFor(['hello', 'there']),
});
const bank = ClipBank.open(bankDir);

/** Opens a bank whose bank.json is `manifest`; returns the ClipBankError it throws. */
function openError(name: string, manifest: string | undefined): { error: unknown; path: string } {
  const dir = join(root, name);
  mkdirSync(dir, { recursive: true });
  if (manifest !== undefined) writeFile(dir, 'bank.json', manifest);
  try {
    ClipBank.open(dir);
  } catch (error) {
    return { error, path: join(dir, 'bank.json') };
  }
  throw new Error(`${name}: the bank opened`);
}

const ms = (samples: number): number => (samples * 1000) / RATE;

describe('clipWords and clipKey', () => {
  it.each([
    ["I'd like", ["i'd", 'like']],
    ['I’d LIKE', ["i'd", 'like']],
    ['‘twas', ['twas']],
    ['Uh-huh.', ['uh-huh']],
    ['Hello, world! How are you?', ['hello', 'world', 'how', 'are', 'you']],
    ['  -well- ', ['well']],
    ["rock 'n' roll", ['rock', 'n', 'roll']],
    ['and/or', ['and', 'or']],
    ['at 6:15, Café', ['at', '6', '15', 'café']],
    ['... — !', []],
  ])('splits %j into %j', (text, words) => {
    expect(clipWords(text)).toEqual(words);
  });

  it('keys a phrase by its words joined by single spaces', () => {
    expect(clipKey('  What time does the LAST ferry leave?  ')).toBe('what time does the last ferry leave');
    expect(clipKey('I’d like — to book!')).toBe("i'd like to book");
    expect(clipKey('?!')).toBe('');
  });
});

describe('ClipBank.open', () => {
  it('fails with a ClipBankError naming bank.json when there is none', () => {
    const { error, path } = openError('empty', undefined);
    expect(error).toBeInstanceOf(ClipBankError);
    expect((error as Error).message).toBe(`${path}: no clip bank here (expected a bank.json listing the clips)`);
  });

  it('fails with a ClipBankError naming bank.json when it is not JSON', () => {
    const { error, path } = openError('not-json', '{ "clips": ');
    expect(error).toBeInstanceOf(ClipBankError);
    expect((error as Error).message).toMatch(new RegExp(`^${escape(path)}: not valid JSON \\(.+\\)$`));
  });

  it.each([
    ['no-clips', '{}', 'clips'],
    ['number-file', '{ "clips": { "user": { "hello": 3 } } }', 'clips.user.hello'],
    ['bad-voice', '{ "clips": { "robot": {} } }', 'clips'],
    ['bad-rate', '{ "voices": { "user": { "espeak": "en", "wpm": 10 } }, "clips": {} }', 'voices.user.wpm'],
    ['extra-key', '{ "clips": {}, "colour": "red" }', 'manifest'],
  ])('fails with a ClipBankError naming bank.json and the faulty key (%s)', (name, manifest, key) => {
    const { error, path } = openError(name, manifest);
    expect(error).toBeInstanceOf(ClipBankError);
    expect((error as Error).message).toMatch(new RegExp(`^${escape(path)}: ${escape(key)}: \\S`));
  });

  it('opens a folder once (the same bank again, also by another spelling of its path) until told to forget', () => {
    expect(ClipBank.open(join(bankDir, '..', 'bank'))).toBe(bank);
    expect(bank.dir).toBe(resolve(bankDir));
    ClipBank.forgetOpened();
    const again = ClipBank.open(bankDir);
    expect(again).not.toBe(bank);
    expect(again.manifest).toEqual(bank.manifest);
  });

  it('tells a bank folder from another folder', () => {
    expect(isClipBank(bankDir)).toBe(true);
    expect(isClipBank(root)).toBe(false);
  });
});

describe('ClipBank.plan', () => {
  it('speaks a phrase from its clip, whatever its case and punctuation', () => {
    expect(bank.plan('user', 'I’d like to BOOK!')).toEqual({ kind: 'phrase', file: files.user["I'd like to book"] });
  });

  it('joins word clips, in order and repeated, when there is no phrase clip', () => {
    expect(bank.plan('user', 'Hello, hello world!')).toEqual({ kind: 'words', files: [files.user.hello, files.user.hello, files.user.world] });
  });

  it('lists each missing word once, in order', () => {
    expect(bank.plan('user', 'hello cat, dog and cat')).toEqual({ kind: 'missing', words: ['cat', 'dog'] });
  });

  it('has nothing to say for a text without words', () => {
    expect(bank.plan('user', '… !')).toEqual({ kind: 'missing', words: [] });
  });

  it('keeps the voices apart', () => {
    expect(bank.plan('agent', 'hello there')).toEqual({ kind: 'words', files: [files.agent.hello, files.agent.there] });
    expect(bank.plan('agent', 'hello world')).toEqual({ kind: 'missing', words: ['world'] });
    expect(bank.plan('user', 'hello there')).toEqual({ kind: 'missing', words: ['there'] });
    expect(bank.keys('agent')).toEqual(new Set(['hello', 'there']));
  });
});

describe('ClipBank.render', () => {
  it('speaks a phrase clip, its words spread over its length by their letters', () => {
    const speech = bank.render('user', 'I’d like to BOOK.', RATE);
    expect(speech.samples).toBe(bank.clip(files.user["I'd like to book"]!, RATE));
    expect(speech.samples).toHaveLength(300 * 16);
    expect(speech.words.map((w) => w.word)).toEqual(['I’d', 'like', 'to', 'BOOK.']);
    // Weights: letters + 2 = 4, 6, 4, 6 of 20.
    const bounds = [0, 60, 150, 210, 300];
    speech.words.forEach((w, i) => {
      expect(w.startMs).toBeCloseTo(bounds[i]!, 9);
      expect(w.endMs).toBeCloseTo(bounds[i + 1]!, 9);
    });
  });

  it('joins word clips with 40 ms between words, 180 ms after a comma and 320 ms after a sentence', () => {
    const speech = bank.render('user', 'Hello, world. Bye now', RATE);
    expect(speech.words).toEqual([
      { word: 'Hello,', startMs: 0, endMs: 100 },
      { word: 'world.', startMs: 280, endMs: 480 },
      { word: 'Bye', startMs: 800, endMs: 850 },
      { word: 'now', startMs: 890, endMs: 970 },
    ]);
    const expected = new Float32Array(970 * 16);
    for (const [w, text] of [[0, 'hello'], [1, 'world'], [2, 'bye'], [3, 'now']] as const) {
      expected.set(bank.clip(files.user[text]!, RATE), speech.words[w]!.startMs * 16);
    }
    expect(speech.samples).toEqual(expected);
  });

  it.each([
    ['hello; world', 180],
    ['hello: world', 180],
    ['hello— world', 180],
    ['hello? world', 320],
    ['hello! world', 320],
    ['hello." world', 320],
    ['hello?) world', 320],
    ['hello world', 40],
  ])('leaves the right gap in %j', (text, gapMs) => {
    const [first, second] = bank.render('user', text, RATE).words;
    expect(second!.startMs - first!.endMs).toBe(gapMs);
  });

  it('times one word per whitespace token as written, a token of two clip words spanning both', () => {
    const speech = bank.render('user', '  hello   and/or\tbye ', RATE);
    expect(speech.words).toEqual([
      { word: 'hello', startMs: 0, endMs: 100 },
      { word: 'and/or', startMs: 140, endMs: 270 },
      { word: 'bye', startMs: 310, endMs: 360 },
    ]);
    expect(ms(speech.samples.length)).toBe(360);
  });

  it('renders at another rate from the same clips', () => {
    const speech = bank.render('user', 'hello world', 8000);
    expect(speech.sampleRate).toBe(8000);
    expect(speech.samples).toHaveLength(340 * 8);
    expect(speech.words.at(-1)!.endMs).toBe(340);
  });

  it('renders at a speech level once, then gives the same render for the same voice, text, rate and level', () => {
    const loud = bank.renderAt('user', 'hello world', RATE, -20);
    expect(speechLevelDb(loud.samples, RATE)).toBeCloseTo(-20, 6);
    expect(loud.words).toEqual(bank.render('user', 'hello world', RATE).words);
    expect(bank.renderAt('user', 'hello world', RATE, -20)).toBe(loud);
    const quiet = bank.renderAt('user', 'hello world', RATE, -30);
    expect(quiet).not.toBe(loud);
    expect(speechLevelDb(quiet.samples, RATE)).toBeCloseTo(-30, 6);
    expect(bank.renderAt('user', 'hello world', 8000, -20).sampleRate).toBe(8000);
  });

  it('throws a ClipBankError with the missing words when the bank cannot say the text', () => {
    expect(() => bank.render('user', 'hello cat', RATE)).toThrow(new ClipBankError(missingMessage(bank.dir, 'user', 'hello cat', ['cat'])));
  });

  it('throws a ClipBankError naming a broken clip file', () => {
    const dir = join(root, 'broken');
    writeFile(dir, 'user/hello.wav', 'not audio');
    writeFile(dir, 'bank.json', JSON.stringify({ clips: { user: { hello: 'user/hello.wav' } } }));
    const render = (): unknown => ClipBank.open(dir).render('user', 'hello', RATE);
    expect(render).toThrow(join(dir, 'user/hello.wav'));
    expect(render).toThrow(ClipBankError);
  });

  it('fades each clip in and out, and decodes it once per rate', () => {
    const clip = bank.clip(files.user.world!, RATE);
    expect(bank.clip(files.user.world!, RATE)).toBe(clip);
    const raw = loadClip(join(bankDir, files.user.world!), RATE);
    expect(clip).toEqual(withFades(raw, RATE));
    expect(clip).not.toEqual(raw);
  });
});

describe('withFades', () => {
  it('ramps linearly over 5 ms at each end, leaving the middle and the input alone', () => {
    const ones = new Float32Array(400).fill(1);
    const faded = withFades(ones, RATE); // 5 ms = 80 samples
    expect(ones).toEqual(new Float32Array(400).fill(1));
    for (const i of [0, 1, 40, 79]) {
      expect(faded[i]).toBeCloseTo(i / 80, 6);
      expect(faded[399 - i]).toBeCloseTo(i / 80, 6);
    }
    expect(faded.subarray(80, 320)).toEqual(new Float32Array(240).fill(1));
  });

  it('fades a clip shorter than two fades over its halves', () => {
    expect(Array.from(withFades(new Float32Array(5).fill(1), RATE))).toEqual([0, 0.5, 1, 0.5, 0]);
    expect(withFades(new Float32Array(0), RATE)).toEqual(new Float32Array(0));
  });
});

describe('missingMessage', () => {
  it('names the phrase, the voice, the bank and the missing words, and what to do', () => {
    const message = missingMessage('/banks/mine', 'agent', 'Hi "there", you', ['there', 'you']);
    expect(message).toContain('no clip for "Hi \\"there\\", you" in the agent voice of the clip bank /banks/mine (no clip for "there", "you")');
    expect(message).toContain('parley clips');
    expect(missingMessage('/b', 'user', '...', [])).toContain('(it has no words)');
  });
});

describe('bankDirFor', () => {
  it('is the bundled bank by default, else the folder named, relative to the scenario file', () => {
    expect(bankDirFor('scenarios/x/a.yaml', undefined)).toBe(bundledBankDir());
    expect(bankDirFor('/calls/x/a.yaml', '../clips')).toBe('/calls/clips');
    expect(bundledBankDir()).toBe(join(packageRoot(), 'scenarios', 'clips'));
  });
});

describe('the bundled clip bank', () => {
  const acousticDir = join(packageRoot(), 'scenarios', 'acoustic');
  const scenarioFiles = (readdirSync(acousticDir, { recursive: true }) as string[]).filter((f) => f.endsWith('.yaml')).sort();

  it('is a bank, and there are acoustic scenarios to check it against', () => {
    expect(isClipBank(bundledBankDir())).toBe(true);
    expect(scenarioFiles.length).toBeGreaterThan(5);
  });

  it.each(scenarioFiles)('says everything %s needs', (file) => {
    const path = join(acousticDir, file);
    const loaded = loadScenarioFile(path, path);
    if (!loaded.ok) throw new Error(loaded.errors.map(String).join('\n'));
    expect(loaded.scenario.acoustic).toBeDefined();
    expect(acousticProblems(loaded.scenario).map(String)).toEqual([]);
  });

  it('has every clip file it lists', () => {
    const { clips } = ClipBank.open(bundledBankDir()).manifest;
    const listed = [...Object.values(clips.user ?? {}), ...Object.values(clips.agent ?? {})];
    expect(listed.length).toBeGreaterThan(100);
    expect(listed.filter((file) => !existsSync(join(bundledBankDir(), file)))).toEqual([]);
  });
});

/** `text` as a literal in a regular expression. */
function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
