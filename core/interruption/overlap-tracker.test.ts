import { describe, it, expect } from 'vitest';
import { VirtualClock } from '../clock/virtual-clock.js';
import { OverlapTracker, type OverlapOutcome, type OverlapStart } from './overlap-tracker.js';
import { resolveInterruptionConfig, type InterruptionOptions } from './policy.js';

const AGENT = new Set(['your', 'table', 'for', 'four', 'is', 'booked']);

/** A tracker created at `createdAt` for speech from `start.onsetMs`; verdicts logged with their clock time. */
async function setup(options: InterruptionOptions = {}, start: Partial<OverlapStart> = {}, createdAt = 1000) {
  const clock = new VirtualClock();
  await clock.runUntil(createdAt);
  const verdicts: (OverlapOutcome & { t: number })[] = [];
  const tracker = new OverlapTracker(
    clock,
    resolveInterruptionConfig(options),
    { onsetMs: 1000, agentWords: AGENT, ...start },
    (outcome) => verdicts.push({ t: clock.now(), ...outcome }),
  );
  const at = async (t: number, action?: () => void): Promise<void> => {
    await clock.runUntil(t);
    action?.();
  };
  return { clock, tracker, verdicts, at };
}

describe('OverlapTracker', () => {
  it('reports a barge-in as soon as a non-backchannel word arrives', async () => {
    const { clock, tracker, verdicts, at } = await setup();
    tracker.begin();
    expect(tracker.decided).toBe(false);
    expect(tracker.onsetMs).toBe(1000);
    await at(1300, () => tracker.onWords(['actually']));
    expect(verdicts).toEqual([
      { t: 1300, kind: 'barge_in', why: 'said "actually"', onsetMs: 1000, speechMs: 300, words: ['actually'], speechEndMs: undefined },
    ]);
    expect(tracker.decided).toBe(true);
    expect(clock.pendingTimers()).toBe(0);
  });

  it('reports once: later input and timers change nothing', async () => {
    const { clock, tracker, verdicts, at } = await setup({ minWords: 0 });
    tracker.begin();
    await at(1100, () => tracker.onWords(['stop']));
    await at(1200, () => {
      tracker.onWords(['stop', 'please']);
      tracker.onSpeechEnd(1150);
      tracker.onSpeechStart(-3);
    });
    await clock.runUntil(10_000);
    expect(verdicts).toHaveLength(1);
    expect(verdicts[0]).toMatchObject({ t: 1100, kind: 'barge_in', words: ['stop'] });
  });

  it('calls a backchannel only once the speech has ended', async () => {
    const { clock, tracker, verdicts, at } = await setup();
    tracker.begin();
    await at(1200, () => tracker.onWords(['mhm']));
    expect(verdicts).toEqual([]);
    await at(1450, () => tracker.onSpeechEnd(1400));
    expect(verdicts).toEqual([
      { t: 1450, kind: 'backchannel', why: '"mhm" is a backchannel', onsetMs: 1000, speechMs: 400, words: ['mhm'], speechEndMs: 1400 },
    ]);
    expect(clock.pendingTimers()).toBe(0);
  });

  it('calls a backchannel that goes on too long a barge-in, 1 ms past backchannelMaxMs', async () => {
    const { clock, tracker, verdicts, at } = await setup();
    tracker.begin();
    await at(1100, () => tracker.onWords(['yeah', 'okay']));
    await clock.runUntil(2200);
    expect(verdicts).toEqual([]);
    await clock.runUntil(5000);
    expect(verdicts).toEqual([
      {
        t: 2201,
        kind: 'barge_in',
        why: 'spoke for 1201 ms, too long for a backchannel',
        onsetMs: 1000,
        speechMs: 1201,
        words: ['yeah', 'okay'],
        speechEndMs: undefined,
      },
    ]);
  });

  it('with minWords 0, calls a barge-in when minDurationMs has passed', async () => {
    const { clock, tracker, verdicts } = await setup({ minWords: 0, minDurationMs: 300 }, {}, 1100);
    tracker.begin();
    await clock.runUntil(1299);
    expect(verdicts).toEqual([]);
    await clock.runUntil(5000);
    expect(verdicts).toEqual([
      { t: 1300, kind: 'barge_in', why: 'spoke for 300 ms', onsetMs: 1000, speechMs: 300, words: [], speechEndMs: undefined },
    ]);
    expect(clock.pendingTimers()).toBe(0);
  });

  it('with minWords 0, does not miss the duration threshold when the onset is not a whole millisecond', async () => {
    // Regression: the check was scheduled `onset + minDurationMs − now` ms ahead; the clock rounds
    // that to the nearest millisecond, so it fired 0.4 ms early, found 499.6 ms < 500 ms and was
    // never repeated: the barge-in came 700 ms late, from the backchannel limit.
    const { clock, tracker, verdicts } = await setup({ minWords: 0, minDurationMs: 500 }, { onsetMs: 1000.4 }, 1100);
    tracker.begin();
    await clock.runUntil(5000);
    expect(verdicts).toEqual([
      { t: 1501, kind: 'barge_in', why: 'spoke for 501 ms', onsetMs: 1000.4, speechMs: 500.6, words: [], speechEndMs: undefined },
    ]);
  });

  it('decides at begin() when the duration threshold is already crossed', async () => {
    const { clock, tracker, verdicts } = await setup({ minWords: 0, minDurationMs: 0 });
    expect(verdicts).toEqual([]); // nothing before begin()
    tracker.begin();
    expect(verdicts).toEqual([
      { t: 1000, kind: 'barge_in', why: 'spoke for 0 ms', onsetMs: 1000, speechMs: 0, words: [], speechEndMs: undefined },
    ]);
    expect(clock.pendingTimers()).toBe(0);
  });

  it('calls speech with no words noise wordsTimeoutMs after its end was reported', async () => {
    const { clock, tracker, verdicts, at } = await setup();
    tracker.begin();
    // The VAD reports at 1500 that speech ended at 1300.
    await at(1500, () => tracker.onSpeechEnd(1300));
    await clock.runUntil(2099);
    expect(verdicts).toEqual([]);
    await clock.runUntil(5000);
    expect(verdicts).toEqual([
      { t: 2100, kind: 'noise', why: '300 ms of sound with no words', onsetMs: 1000, speechMs: 300, words: [], speechEndMs: 1300 },
    ]);
    expect(clock.pendingTimers()).toBe(0);
  });

  it('takes late words before the words timeout', async () => {
    const { clock, tracker, verdicts, at } = await setup();
    tracker.begin();
    await at(1300, () => tracker.onSpeechEnd(1300));
    await at(1800, () => tracker.onWords(['okay']));
    await clock.runUntil(5000);
    expect(verdicts).toEqual([
      { t: 1800, kind: 'backchannel', why: '"okay" is a backchannel', onsetMs: 1000, speechMs: 300, words: ['okay'], speechEndMs: 1300 },
    ]);
  });

  it('speech starting again cancels the words timeout; each stretch is judged on its own length', async () => {
    const { clock, tracker, verdicts, at } = await setup();
    tracker.begin();
    await at(1300, () => tracker.onSpeechEnd(1300));
    await at(1500, () => tracker.onSpeechStart(undefined, 1500));
    // 300 ms of speech, 200 ms of silence, then a stretch that is too long at 1500 + 1201.
    await clock.runUntil(2700);
    expect(verdicts).toEqual([]);
    await clock.runUntil(5000);
    expect(verdicts).toEqual([
      {
        t: 2701,
        kind: 'barge_in',
        why: 'spoke for 1201 ms, too long for a backchannel',
        onsetMs: 1000,
        // All the speech heard: both stretches.
        speechMs: 1501,
        words: [],
        speechEndMs: undefined,
      },
    ]);
  });

  describe('echo', () => {
    const quiet = { levelDb: -30, referenceLevelDb: -20 };

    it('is likely from the start and decided when quiet speech repeating the agent ends', async () => {
      const { clock, tracker, verdicts, at } = await setup({}, quiet);
      tracker.begin();
      expect(tracker.echoLikely).toBe(true);
      await at(1200, () => tracker.onWords(['table', 'for', 'four']));
      expect(verdicts).toEqual([]);
      expect(tracker.echoLikely).toBe(true);
      await at(1500, () => tracker.onSpeechEnd(1500));
      expect(verdicts).toEqual([
        {
          t: 1500,
          kind: 'echo',
          why: 'quiet and repeats the agent ("table for four")',
          onsetMs: 1000,
          speechMs: 500,
          words: ['table', 'for', 'four'],
          speechEndMs: 1500,
        },
      ]);
      expect(clock.pendingTimers()).toBe(0);
    });

    it('is decided by level alone after the words timeout', async () => {
      const { clock, tracker, verdicts, at } = await setup({}, quiet);
      tracker.begin();
      await at(1400, () => tracker.onSpeechEnd(1400));
      await clock.runUntil(5000);
      expect(verdicts).toEqual([
        { t: 2000, kind: 'echo', why: "no louder than the agent's own audio −6 dB", onsetMs: 1000, speechMs: 400, words: [], speechEndMs: 1400 },
      ]);
    });

    it('stops being likely when a louder voice starts over it', async () => {
      const { tracker, verdicts, at } = await setup({}, quiet);
      tracker.begin();
      await at(1100, () => tracker.onWords(['table']));
      expect(tracker.echoLikely).toBe(true);
      await at(1200, () => tracker.onSpeechStart(-12));
      // Louder than −26 dBFS now: "table" is an ordinary word, so a barge-in.
      expect(verdicts).toEqual([
        { t: 1200, kind: 'barge_in', why: 'said "table"', onsetMs: 1000, speechMs: 200, words: ['table'], speechEndMs: undefined },
      ]);
    });

    it('a quieter restart does not lower the level', async () => {
      const { tracker, verdicts, at } = await setup({}, { levelDb: -20, referenceLevelDb: -20 });
      tracker.begin();
      expect(tracker.echoLikely).toBe(false);
      await at(1100, () => tracker.onSpeechStart(-40));
      expect(tracker.echoLikely).toBe(false);
      await at(1200, () => tracker.onWords(['table']));
      expect(verdicts).toMatchObject([{ t: 1200, kind: 'barge_in' }]);
    });
  });

  it('dispose cancels the timers', async () => {
    const { clock, tracker, verdicts, at } = await setup({ minWords: 0 });
    tracker.begin();
    expect(clock.pendingTimers()).toBe(2); // duration threshold and backchannel limit
    await at(1100, () => tracker.onSpeechEnd(1100));
    expect(clock.pendingTimers()).toBe(3); // and the words timeout
    tracker.dispose();
    expect(clock.pendingTimers()).toBe(0);
    await clock.runUntil(10_000);
    expect(verdicts).toEqual([]);
  });

  it('schedules only the backchannel limit without minWords 0', async () => {
    const { clock } = await setup();
    expect(clock.pendingTimers()).toBe(1);
  });
});
