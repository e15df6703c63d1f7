import fc from 'fast-check';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { act, scenario } from '../test-support/scenarios.js';
import { timeWords, type TruthWord } from '../world/sound.js';
import { ClipBank, loadClip, withFades } from './clip-bank.js';
import { atSpeechLevel, speechLevelDb } from './levels.js';
import { speakAction, tempDir, tonesFor, writeBank, writeWav } from './test-support/fixtures.js';
import { agentVoice, charTimings, trimSilence, userSpeech } from './voices.js';

const RATE = 16000;
const dir = tempDir('voices');
writeBank(dir, { user: tonesFor(['hello', 'world']), agent: tonesFor(['good', 'morning', 'to', 'you']) });
const bank = ClipBank.open(dir);

/** The checks every char timing must pass, for `text` (trimmed) and its words. */
function expectConsistent(text: string, words: readonly TruthWord[]): void {
  const { charStartMs, charDurationMs } = charTimings(text, words);
  const chars = [...text];
  expect(charStartMs).toHaveLength(chars.length);
  expect(charDurationMs).toHaveLength(chars.length);
  for (let i = 1; i < chars.length; i++) expect(charStartMs[i]).toBeGreaterThanOrEqual(charStartMs[i - 1]! - 1e-9);
  let word = -1;
  chars.forEach((char, i) => {
    if (/\s/.test(char)) {
      // Spaces: no time of their own, at the end of the word before.
      expect(charDurationMs[i]).toBe(0);
      expect(charStartMs[i]).toBe(words[word]!.endMs);
      return;
    }
    if (i === 0 || /\s/.test(chars[i - 1]!)) word++;
    const span = words[word]!;
    expect(charStartMs[i]).toBeGreaterThanOrEqual(span.startMs - 1e-9);
    expect(charStartMs[i]! + charDurationMs[i]!).toBeLessThanOrEqual(span.endMs + 1e-9);
  });
  expect(word).toBe(words.length - 1);
}

/** Word times to a nanosecond (sums of the same times in another order differ in the last bits). */
const rounded = (words: readonly TruthWord[]): TruthWord[] => words.map((w) => ({ word: w.word, startMs: Number(w.startMs.toFixed(6)), endMs: Number(w.endMs.toFixed(6)) }));

describe('charTimings', () => {
  it('spreads each token over its word and puts the spaces at the end of the word before', () => {
    const words = [
      { word: 'Hi', startMs: 0, endMs: 100 },
      { word: 'there,', startMs: 140, endMs: 440 },
      { word: 'you', startMs: 620, endMs: 710 },
    ];
    const { charStartMs, charDurationMs } = charTimings('Hi there,  you', words);
    expect(charStartMs).toEqual([0, 50, 100, 140, 190, 240, 290, 340, 390, 440, 440, 620, 650, 680]);
    expect(charDurationMs).toEqual([50, 50, 0, 50, 50, 50, 50, 50, 50, 0, 0, 30, 30, 30]);
  });

  it('times one entry per character (code point), in order, each inside its word', () => {
    const token = fc.array(fc.constantFrom('a', 'B', 'é', '👍', ',', '.', "'"), { minLength: 1, maxLength: 8 }).map((c) => c.join(''));
    const space = fc.constantFrom(' ', '  ', '\t', ' \n ');
    fc.assert(
      fc.property(fc.array(fc.tuple(token, space, fc.nat(300), fc.nat(300)), { minLength: 1, maxLength: 10 }), (parts) => {
        let text = '';
        let atMs = 0;
        const words: TruthWord[] = [];
        parts.forEach(([word, gap, pauseMs, lengthMs], i) => {
          text += (i === 0 ? '' : gap) + word;
          words.push({ word, startMs: atMs + pauseMs, endMs: atMs + pauseMs + lengthMs });
          atMs += pauseMs + lengthMs;
        });
        expectConsistent(text, words);
      }),
      { numRuns: 300 },
    );
  });

  it('agrees with the words the bank renders', () => {
    const text = 'Good morning,  to you.';
    expectConsistent(text, bank.render('agent', text, RATE).words);
  });
});

describe('trimSilence', () => {
  it('cuts what is 40 dB or more below the peak at both ends, and nothing in between', () => {
    const samples = Float32Array.from([0, 0.002, -0.005, 0.3, 0.001, 0, -0.5, 0.02, 0.004, 0]);
    expect(Array.from(trimSilence(samples))).toEqual(Array.from(Float32Array.from([0.3, 0.001, 0, -0.5, 0.02])));
  });

  it('leaves nothing of silence', () => {
    expect(trimSilence(new Float32Array(100))).toHaveLength(0);
    expect(trimSilence(new Float32Array(0))).toHaveLength(0);
  });
});

describe('userSpeech', () => {
  // 200 ms of silence, 300 ms of a tone starting and ending loud (500 Hz from its peak), 200 ms of silence.
  const padded = new Float32Array(RATE * 0.7);
  padded.set(Float32Array.from({ length: RATE * 0.3 }, (_, i) => 0.5 * Math.cos((2 * Math.PI * 500 * i) / RATE)), RATE * 0.2);
  writeWav(dir, 'calls/me.wav', padded);
  const hello = speakAction('Hello, world');
  const withClip = speakAction('Recorded words here', { levelDb: -26, clip: { path: 'me.wav', source: { line: 5, column: 11 } } });
  const call = scenario({ file: join(dir, 'calls', 'call.yaml'), voice: { wpm: 160, levelDb: -20 }, user: [hello, act.pause(300), withClip] });
  const speech = userSpeech(call, bank, RATE);

  it('speaks an utterance without a clip from the bank, at the voice level', () => {
    const samples = speech.samplesOf(0)!;
    expect(samples).toHaveLength(bank.render('user', 'Hello, world', RATE).samples.length);
    expect(speechLevelDb(samples, RATE)).toBeCloseTo(-20, 6);
  });

  it('speaks an utterance from its own clip: trimmed of silence, faded, at its own level', () => {
    const samples = speech.samplesOf(2)!;
    expect(samples).toHaveLength(300 * 16);
    expect(speechLevelDb(samples, RATE)).toBeCloseTo(-26, 6);
    const trimmed = loadClip(join(dir, 'calls', 'me.wav'), RATE).subarray(RATE * 0.2, RATE * 0.5);
    expect(samples).toEqual(atSpeechLevel(withFades(trimmed, RATE), RATE, -26));
  });

  it('has nothing for actions that are not speech', () => {
    expect(speech.samplesOf(1)).toBeUndefined();
    expect(() => speech.voice.speak(1, hello, 0)).toThrow('no rendered speech for user action 2');
  });

  it('times an utterance by its audio, from when it starts', () => {
    const spoken = speech.voice.speak(2, withClip, 1000);
    expect(spoken.endMs).toBe(1300);
    expect(rounded(spoken.words)).toEqual(rounded(timeWords('Recorded words here', 1000, 1300)));
    const fromBank = speech.voice.speak(0, hello, 500);
    expect(rounded(fromBank.words)).toEqual(rounded(bank.render('user', 'Hello, world', RATE).words.map((w) => ({ ...w, startMs: w.startMs + 500, endMs: w.endMs + 500 }))));
  });
});

describe('agentVoice', () => {
  it('speaks any text from the bank at the level asked, its characters timed by word, once per text', () => {
    const say = agentVoice(bank, RATE, -24);
    const spoken = say(' Good morning to you ');
    expect(speechLevelDb(spoken.samples, RATE)).toBeCloseTo(-24, 6);
    expect(spoken.charStartMs).toHaveLength('Good morning to you'.length);
    expect(spoken.charStartMs).toEqual(charTimings('Good morning to you', bank.render('agent', 'Good morning to you', RATE).words).charStartMs);
    expect(say(' Good morning to you ')).toBe(spoken);
  });
});
