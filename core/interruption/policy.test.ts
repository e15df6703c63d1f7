import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import {
  DEFAULT_BACKCHANNELS,
  classifyOverlap,
  resolveInterruptionConfig,
  type InterruptionOptions,
  type OverlapObservation,
} from './policy.js';

const config = resolveInterruptionConfig();

function observe(partial: Partial<OverlapObservation>): OverlapObservation {
  return { speechMs: 300, ended: false, words: [], agentWords: new Set(), wordsTimedOut: false, ...partial };
}

const AGENT = new Set(['your', 'table', 'for', 'four', 'is', 'booked', 'hello', 'there']);

describe('resolveInterruptionConfig', () => {
  it('fills in the defaults', () => {
    const resolved = resolveInterruptionConfig();
    expect({ ...resolved, backchannels: undefined }).toEqual({
      minDurationMs: 500,
      minWords: 1,
      backchannels: undefined,
      backchannelMaxMs: 1200,
      pauseOnSuspicion: true,
      wordsTimeoutMs: 600,
      echoMaxGainDb: -6,
    });
  });

  it('normalises the backchannel lexicon into word sequences, longest first', () => {
    const { backchannels } = resolveInterruptionConfig();
    expect(backchannels).toHaveLength(DEFAULT_BACKCHANNELS.length);
    // Hyphens split words, so "mm-hmm" and "mm hmm" are the same phrase.
    expect(backchannels.slice(0, 7)).toEqual([
      ['mm', 'hmm'],
      ['mm', 'hmm'],
      ['uh', 'huh'],
      ['uh', 'huh'],
      ['i', 'see'],
      ['got', 'it'],
      ['all', 'right'],
    ]);
    expect(backchannels.slice(7).every((phrase) => phrase.length === 1)).toBe(true);
    expect(backchannels).toContainEqual(['mhm']);
    expect(backchannels).toContainEqual(['yeah']);
  });

  it('normalises custom phrases and drops empty ones', () => {
    expect(resolveInterruptionConfig({ backchannels: ['Oh, wow!', '', '  ', '...', 'Uh-Huh'] }).backchannels).toEqual([
      ['oh', 'wow'],
      ['uh', 'huh'],
    ]);
    expect(resolveInterruptionConfig({ backchannels: [] }).backchannels).toEqual([]);
  });

  it('keeps explicit options, including null echo detection', () => {
    const resolved = resolveInterruptionConfig({
      minDurationMs: 0,
      minWords: 0,
      backchannelMaxMs: 0,
      pauseOnSuspicion: false,
      wordsTimeoutMs: 0,
      echoMaxGainDb: null,
    });
    expect(resolved).toMatchObject({
      minDurationMs: 0,
      minWords: 0,
      backchannelMaxMs: 0,
      pauseOnSuspicion: false,
      wordsTimeoutMs: 0,
      echoMaxGainDb: null,
    });
    expect(resolveInterruptionConfig({ echoMaxGainDb: 3 }).echoMaxGainDb).toBe(3);
  });

  it.each<[InterruptionOptions, string]>([
    [{ minDurationMs: -1 }, 'interruption minDurationMs must be ≥ 0, got -1'],
    [{ minWords: -1 }, 'interruption minWords must be ≥ 0, got -1'],
    [{ backchannelMaxMs: Number.NaN }, 'interruption backchannelMaxMs must be ≥ 0, got NaN'],
    [{ wordsTimeoutMs: -600 }, 'interruption wordsTimeoutMs must be ≥ 0, got -600'],
  ])('rejects %j', (options, message) => {
    expect(() => resolveInterruptionConfig(options)).toThrow(RangeError);
    expect(() => resolveInterruptionConfig(options)).toThrow(message);
  });
});

describe('classifyOverlap', () => {
  describe('barge-in', () => {
    it('on a word outside the backchannel lexicon, at once', () => {
      expect(classifyOverlap(observe({ words: ['actually'] }), config)).toEqual({
        decided: true,
        kind: 'barge_in',
        why: 'said "actually"',
      });
    });

    it('on the words left after removing backchannels', () => {
      expect(classifyOverlap(observe({ words: ['Yeah,', 'wait', 'mm-hmm', 'STOP.'] }), config)).toEqual({
        decided: true,
        kind: 'barge_in',
        why: 'said "wait stop"',
      });
    });

    it('needs minWords words outside the lexicon', () => {
      const two = resolveInterruptionConfig({ minWords: 2 });
      expect(classifyOverlap(observe({ words: ['yeah', 'wait'] }), two)).toEqual({ decided: false, echoLikely: false });
      expect(classifyOverlap(observe({ words: ['no', 'wait'] }), two)).toEqual({ decided: true, kind: 'barge_in', why: 'said "no wait"' });
      expect(classifyOverlap(observe({ words: ['wait'], ended: true }), two)).toEqual({
        decided: true,
        kind: 'backchannel',
        why: 'too few words for a barge-in ("wait")',
      });
    });

    it('when too long for a backchannel (strictly more than backchannelMaxMs)', () => {
      expect(classifyOverlap(observe({ words: ['mhm'], speechMs: 1200 }), config)).toEqual({ decided: false, echoLikely: false });
      expect(classifyOverlap(observe({ words: ['mhm'], speechMs: 1200.4 }), config)).toEqual({
        decided: true,
        kind: 'barge_in',
        why: 'spoke for 1200 ms, too long for a backchannel',
      });
      expect(classifyOverlap(observe({ words: [], speechMs: 1500, ended: true }), config)).toEqual({
        decided: true,
        kind: 'barge_in',
        why: 'spoke for 1500 ms, too long for a backchannel',
      });
    });

    it('on duration alone with minWords 0, once minDurationMs has passed with no words yet', () => {
      const durationOnly = resolveInterruptionConfig({ minWords: 0, minDurationMs: 500 });
      expect(classifyOverlap(observe({ speechMs: 499 }), durationOnly)).toEqual({ decided: false, echoLikely: false });
      expect(classifyOverlap(observe({ speechMs: 500 }), durationOnly)).toEqual({ decided: true, kind: 'barge_in', why: 'spoke for 500 ms' });
      // Words already heard decide instead: a backchannel does not become a barge-in by duration.
      expect(classifyOverlap(observe({ speechMs: 700, words: ['mhm'] }), durationOnly)).toEqual({ decided: false, echoLikely: false });
      expect(classifyOverlap(observe({ speechMs: 700, words: ['mhm'], ended: true }), durationOnly)).toEqual({
        decided: true,
        kind: 'backchannel',
        why: '"mhm" is a backchannel',
      });
      expect(classifyOverlap(observe({ speechMs: 100, words: ['stop'] }), durationOnly)).toEqual({
        decided: true,
        kind: 'barge_in',
        why: 'said "stop"',
      });
    });

    it('an empty lexicon makes "mhm" a barge-in', () => {
      const none = resolveInterruptionConfig({ backchannels: [] });
      expect(classifyOverlap(observe({ words: ['mhm'] }), none)).toEqual({ decided: true, kind: 'barge_in', why: 'said "mhm"' });
    });
  });

  describe('backchannel', () => {
    it('waits while the words so far begin a backchannel phrase ("I" of "I see", "got" of "got it")', () => {
      for (const words of [['I'], ['got'], ['all'], ['uh']]) {
        expect(classifyOverlap(observe({ words, speechMs: 450 }), config), words.join(' ')).toEqual({ decided: false, echoLikely: false });
      }
      expect(classifyOverlap(observe({ words: ['I', 'see'], speechMs: 600, ended: true }), config)).toMatchObject({ kind: 'backchannel' });
      expect(classifyOverlap(observe({ words: ['I', 'want'], speechMs: 600 }), config)).toMatchObject({ kind: 'barge_in', why: 'said "i want"' });
      // Ended, but the final transcript may still add "see": wait.
      expect(classifyOverlap(observe({ words: ['I'], speechMs: 700, ended: true }), config)).toEqual({ decided: false, echoLikely: false });
      // Once the words are final (or none came in time), an unfinished phrase is just words.
      expect(classifyOverlap(observe({ words: ['got'], speechMs: 300, ended: true, wordsFinal: true }), config)).toMatchObject({ kind: 'barge_in', why: 'said "got"' });
      expect(classifyOverlap(observe({ words: ['got'], speechMs: 300, ended: true, wordsTimedOut: true }), config)).toMatchObject({ kind: 'barge_in' });
    });

    it.each<[string[], string]>([
      [['mhm'], 'mhm'],
      [['uh-huh'], 'uh huh'],
      [['Uh', 'huh.'], 'uh huh'],
      [['yeah', 'okay'], 'yeah okay'],
      [['Yeah, okay.'], 'yeah okay'],
      [['mm-hmm', 'right'], 'mm hmm right'],
      [['I', 'see'], 'i see'],
      [['oh', 'wow', 'great'], 'oh wow great'],
    ])('%j, once the speech has ended', (words, said) => {
      expect(classifyOverlap(observe({ words }), config)).toEqual({ decided: false, echoLikely: false });
      expect(classifyOverlap(observe({ words, ended: true, speechMs: 400 }), config)).toEqual({
        decided: true,
        kind: 'backchannel',
        why: `"${said}" is a backchannel`,
      });
    });

    it('matches multi-word phrases longest first', () => {
      const custom = resolveInterruptionConfig({ backchannels: ['oh', 'oh my god'] });
      expect(classifyOverlap(observe({ words: ['oh', 'my', 'god'], ended: true }), custom)).toEqual({
        decided: true,
        kind: 'backchannel',
        why: '"oh my god" is a backchannel',
      });
      expect(classifyOverlap(observe({ words: ['oh', 'my'], ended: true }), custom)).toEqual({
        decided: true,
        kind: 'barge_in',
        why: 'said "my"',
      });
    });
  });

  describe('echo', () => {
    // Default gain −6 dB: at most −26 dBFS against a −20 dBFS reference.
    const quiet = { levelDb: -30, referenceLevelDb: -20, agentWords: AGENT };

    it('is likely while a quiet speech goes on, and decided with matching words once it ends', () => {
      const words = ['Table', 'for', 'four'];
      expect(classifyOverlap(observe({ ...quiet, words }), config)).toEqual({ decided: false, echoLikely: true });
      expect(classifyOverlap(observe({ ...quiet, words, ended: true }), config)).toEqual({
        decided: true,
        kind: 'echo',
        why: 'quiet and repeats the agent ("table for four")',
      });
    });

    it('is decided by level alone once no words came in time', () => {
      expect(classifyOverlap(observe({ ...quiet, ended: true }), config)).toEqual({ decided: false, echoLikely: true });
      expect(classifyOverlap(observe({ ...quiet, ended: true, wordsTimedOut: true }), config)).toEqual({
        decided: true,
        kind: 'echo',
        why: "no louder than the agent's own audio −6 dB",
      });
    });

    it('includes the level at exactly reference + gain', () => {
      expect(classifyOverlap(observe({ ...quiet, levelDb: -26, words: ['booked'], ended: true }), config)).toMatchObject({ kind: 'echo' });
      expect(classifyOverlap(observe({ ...quiet, levelDb: -25.9, words: ['booked'], ended: true }), config)).toEqual({
        decided: true,
        kind: 'barge_in',
        why: 'said "booked"',
      });
    });

    it('needs at least half of the words to match the agent', () => {
      expect(classifyOverlap(observe({ ...quiet, words: ['hello', 'stop'], ended: true }), config)).toMatchObject({ kind: 'echo' });
      expect(classifyOverlap(observe({ ...quiet, words: ['stop', 'now', 'hello'] }), config)).toEqual({
        decided: true,
        kind: 'barge_in',
        why: 'said "stop now hello"',
      });
    });

    it('is not echo when the words do not match the agent', () => {
      expect(classifyOverlap(observe({ ...quiet, words: ['actually'] }), config)).toEqual({
        decided: true,
        kind: 'barge_in',
        why: 'said "actually"',
      });
      expect(classifyOverlap(observe({ ...quiet, words: ['mhm'], ended: true }), config)).toEqual({
        decided: true,
        kind: 'backchannel',
        why: '"mhm" is a backchannel',
      });
    });

    it('is not echo when the speech is louder', () => {
      const loud = { ...quiet, levelDb: -20 };
      expect(classifyOverlap(observe({ ...loud, words: ['hello', 'there'] }), config)).toEqual({
        decided: true,
        kind: 'barge_in',
        why: 'said "hello there"',
      });
      expect(classifyOverlap(observe({ ...loud }), config)).toEqual({ decided: false, echoLikely: false });
    });

    it('is off without levels or with echoMaxGainDb null', () => {
      const words = ['hello', 'there'];
      const barge = { decided: true, kind: 'barge_in', why: 'said "hello there"' };
      expect(classifyOverlap(observe({ agentWords: AGENT, referenceLevelDb: -20, words }), config)).toEqual(barge);
      expect(classifyOverlap(observe({ agentWords: AGENT, levelDb: -40, words }), config)).toEqual(barge);
      const off = resolveInterruptionConfig({ echoMaxGainDb: null });
      expect(classifyOverlap(observe({ ...quiet, words }), off)).toEqual(barge);
      expect(classifyOverlap(observe({ ...quiet, ended: true, wordsTimedOut: true }), off)).toEqual({
        decided: true,
        kind: 'noise',
        why: '300 ms of sound with no words',
      });
    });

    it('formats a positive gain with a plus sign', () => {
      const plus = resolveInterruptionConfig({ echoMaxGainDb: 3 });
      expect(classifyOverlap(observe({ levelDb: -18, referenceLevelDb: -20, agentWords: AGENT, ended: true, wordsTimedOut: true }), plus)).toEqual({
        decided: true,
        kind: 'echo',
        why: "no louder than the agent's own audio +3 dB",
      });
    });
  });

  describe('noise', () => {
    it('after the words timed out on speech with no words', () => {
      expect(classifyOverlap(observe({ speechMs: 320.6, ended: true }), config)).toEqual({ decided: false, echoLikely: false });
      expect(classifyOverlap(observe({ speechMs: 320.6, ended: true, wordsTimedOut: true }), config)).toEqual({
        decided: true,
        kind: 'noise',
        why: '321 ms of sound with no words',
      });
    });

    it('but duration-only barge-in wins with minWords 0', () => {
      const durationOnly = resolveInterruptionConfig({ minWords: 0 });
      expect(classifyOverlap(observe({ speechMs: 600, ended: true, wordsTimedOut: true }), durationOnly)).toEqual({
        decided: true,
        kind: 'barge_in',
        why: 'spoke for 600 ms',
      });
      expect(classifyOverlap(observe({ speechMs: 200, ended: true, wordsTimedOut: true }), durationOnly)).toEqual({
        decided: true,
        kind: 'noise',
        why: '200 ms of sound with no words',
      });
    });
  });

  it('is pure and total: any observation gives a well-formed verdict, twice the same', () => {
    const wordArb = fc.constantFrom('mhm', 'uh-huh', 'yeah', 'okay', 'actually', 'stop', 'table', 'four', 'Hello,', '', '...', 'wait');
    const obsArb = fc.record({
      speechMs: fc.double({ min: 0, max: 3000, noNaN: true }),
      ended: fc.boolean(),
      words: fc.array(wordArb, { maxLength: 5 }),
      levelDb: fc.option(fc.double({ min: -80, max: 0, noNaN: true }), { nil: undefined }),
      referenceLevelDb: fc.option(fc.double({ min: -80, max: 0, noNaN: true }), { nil: undefined }),
      wordsTimedOut: fc.boolean(),
    });
    const optArb = fc.record({
      minWords: fc.integer({ min: 0, max: 3 }),
      minDurationMs: fc.integer({ min: 0, max: 1000 }),
      echoMaxGainDb: fc.option(fc.integer({ min: -12, max: 6 }), { nil: null }),
    });
    fc.assert(
      fc.property(obsArb, optArb, (raw, options) => {
        const { levelDb, referenceLevelDb, ...rest } = raw;
        const observation: OverlapObservation = {
          ...rest,
          ...(levelDb !== undefined ? { levelDb } : {}),
          ...(referenceLevelDb !== undefined ? { referenceLevelDb } : {}),
          agentWords: AGENT,
        };
        const resolved = resolveInterruptionConfig(options);
        const verdict = classifyOverlap(observation, resolved);
        expect(classifyOverlap(observation, resolved)).toEqual(verdict);
        // Speech longer than backchannelMaxMs is never left undecided unless it may be echo.
        if (!verdict.decided && !verdict.echoLikely) expect(observation.speechMs).toBeLessThanOrEqual(resolved.backchannelMaxMs);
        // Once ended with the words timed out, there is always a verdict.
        if (observation.ended && observation.wordsTimedOut) expect(verdict.decided).toBe(true);
        if (verdict.decided && verdict.kind === 'echo') expect(resolved.echoMaxGainDb).not.toBeNull();
      }),
      { numRuns: 500 },
    );
  });
});
