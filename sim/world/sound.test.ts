import { describe, expect, it } from 'vitest';
import { speakingTimeMs, timeWords } from './sound.js';

describe('timeWords', () => {
  it('spreads the words over the interval in proportion to their letters + 2', () => {
    // Weights: "Hi" 2 + 2 = 4, "there," 5 + 2 = 7 (punctuation does not count), "friend" 6 + 2 = 8; 19 in all.
    const words = timeWords('Hi there, friend', 1000, 2900);
    expect(words.map((w) => w.word)).toEqual(['Hi', 'there,', 'friend']);
    expect(words[0]!.startMs).toBe(1000);
    expect(words[0]!.endMs).toBeCloseTo(1400, 9);
    expect(words[1]!.startMs).toBeCloseTo(1400, 9);
    expect(words[1]!.endMs).toBeCloseTo(2100, 9);
    expect(words[2]!.startMs).toBeCloseTo(2100, 9);
    expect(words[2]!.endMs).toBeCloseTo(2900, 9);
  });

  it('gives equal words equal time, back to back', () => {
    expect(timeWords('one two six', 0, 1500)).toEqual([
      { word: 'one', startMs: 0, endMs: 500 },
      { word: 'two', startMs: 500, endMs: 1000 },
      { word: 'six', startMs: 1000, endMs: 1500 },
    ]);
  });

  it('ignores extra whitespace and counts letters of any script and digits', () => {
    // "café" 4 + 2 = 6, "42" 2 + 2 = 4, "—" 0 + 2 = 2: 12 in all.
    const words = timeWords('  café\t42  —\n', 0, 1200);
    expect(words.map((w) => [w.word, Math.round(w.startMs), Math.round(w.endMs)])).toEqual([
      ['café', 0, 600],
      ['42', 600, 1000],
      ['—', 1000, 1200],
    ]);
  });

  it('has no words for empty text', () => {
    expect(timeWords('', 0, 1000)).toEqual([]);
    expect(timeWords('   ', 0, 1000)).toEqual([]);
  });
});

describe('speakingTimeMs', () => {
  it('is words × 60 s / wpm', () => {
    expect(speakingTimeMs('I would like to book a table', 160)).toBe(2625); // 7 words
    expect(speakingTimeMs('one two three four', 120)).toBe(2000);
    expect(speakingTimeMs('  one   two  ', 60)).toBe(2000);
  });

  it('takes at least one word', () => {
    expect(speakingTimeMs('', 160)).toBe(375);
    expect(speakingTimeMs('mhm', 160)).toBe(375);
  });
});
