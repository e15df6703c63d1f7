import { describe, expect, it } from 'vitest';
import type { TimedWord } from '../../core/session/user-transcript.js';
import type { SpeechSegment } from '../../core/vad/segments.js';
import type { AgentConfig } from '../config/model.js';
import { PRESETS } from '../config/presets.js';
import { decide, type ReplayInput } from './decide.js';
import { describeCall } from './recorded.js';

const WINDOW_MS = 32;
const DEFAULT = PRESETS.default!;
const SILENCE_ONLY = PRESETS['silence-only']!;

/** What a VAD would give for speech at `segments`: a high probability and a level inside them. */
function track(segments: readonly SpeechSegment[], durationMs: number) {
  const windows = Math.ceil(durationMs / WINDOW_MS);
  const probabilities = new Float32Array(windows);
  const levelsDb = new Float32Array(windows).fill(-Infinity);
  for (let i = 0; i < windows; i++) {
    const t = i * WINDOW_MS + WINDOW_MS / 2;
    const speaking = segments.some((s) => t >= s.startMs && t < s.endMs);
    probabilities[i] = speaking ? 0.95 : 0.02;
    if (speaking) levelsDb[i] = -20;
  }
  return { probabilities, levelsDb };
}

function input(user: SpeechSegment[], agent: SpeechSegment[], words: TimedWord[] | undefined, durationMs = 20_000): ReplayInput {
  return { durationMs, windowMs: WINDOW_MS, user: track(user, durationMs), recorded: describeCall(user, agent, words), agentLevelDb: -20, words };
}

const word = (text: string, startMs: number, endMs: number): TimedWord => ({ word: text, startMs, endMs });

/** "I'd like to book a table for" · 1.2 s · "four people tonight." — then the agent answers. */
const HESITATION = {
  user: [{ startMs: 0, endMs: 2000 }, { startMs: 3200, endMs: 4500 }],
  agent: [{ startMs: 5300, endMs: 8000 }],
  words: [
    word("I'd", 0, 200), word('like', 200, 500), word('to', 500, 650), word('book', 650, 1000), word('a', 1000, 1100), word('table', 1100, 1600), word('for', 1600, 2000),
    word('four', 3200, 3600), word('people', 3600, 4000), word('tonight.', 4000, 4500),
  ],
};

describe('decide: endpoints', () => {
  it('a fixed-silence endpointer ends the turn in the hesitation: a premature endpoint; the semantic one waits', async () => {
    const silence = await decide(input(HESITATION.user, HESITATION.agent, HESITATION.words), SILENCE_ONLY);
    expect(silence.counts.prematureEndpoints).toBe(1);
    expect(silence.endpoints.find((e) => e.premature)).toMatchObject({ type: 'end', turn: 1 });
    expect(silence.endpoints.find((e) => e.premature)!.atMs).toBeGreaterThan(2000);
    expect(silence.endpoints.find((e) => e.premature)!.atMs).toBeLessThan(3200);

    const semantic = await decide(input(HESITATION.user, HESITATION.agent, HESITATION.words), DEFAULT);
    expect(semantic.counts.prematureEndpoints).toBe(0);
    const [turn] = semantic.turns;
    expect(turn).toMatchObject({ index: 1, startMs: 0, endMs: 4500, recordedGapMs: 800, prematureEndpoints: 0 });
    // "tonight." reads complete: the minimum delay (250 ms) after the words end, measured from the VAD's end.
    expect(turn!.eouDelayMs).toBeGreaterThanOrEqual(250);
    expect(turn!.eouDelayMs).toBeLessThan(400);
    expect(turn!.responseMs).toBeGreaterThan(turn!.eouDelayMs!);
  });

  it('without a transcript, goes by silence alone', async () => {
    const decisions = await decide(input(HESITATION.user, HESITATION.agent, undefined), DEFAULT);
    expect(decisions.counts.prematureEndpoints).toBe(1);
  });

  it('finds the VAD segments with the config’s hysteresis', async () => {
    const decisions = await decide(input(HESITATION.user, HESITATION.agent, HESITATION.words), DEFAULT);
    expect(decisions.vadSegments).toHaveLength(2);
    expect(decisions.vadSegments[0]!.startMs).toBeLessThanOrEqual(32);
  });
});

/** The agent talks from 2 s to 12 s; the caller says "mhm" at 4 s (the agent talks on), then interrupts at 8 s (it stops). */
const OVERLAPS = {
  user: [{ startMs: 0, endMs: 1500 }, { startMs: 4000, endMs: 4400 }, { startMs: 8000, endMs: 9500 }],
  agent: [{ startMs: 2000, endMs: 8300 }, { startMs: 10_200, endMs: 12_000 }],
  words: [word('Hello.', 0, 1500), word('mhm', 4000, 4400), word('Wait,', 8000, 8400), word('that', 8400, 8700), word('is', 8700, 8900), word('wrong.', 8900, 9500)],
};

describe('decide: the caller over the agent', () => {
  it('the default policy lets the backchannel go and stops for the interruption', async () => {
    const decisions = await decide(input(OVERLAPS.user, OVERLAPS.agent, OVERLAPS.words), DEFAULT);
    expect(decisions.overlaps.map((o) => [o.atMs, o.truth, o.classifiedAs, o.action, o.error])).toEqual([
      [4000, 'backchannel', 'backchannel', 'continue', null],
      [8000, 'bargeIn', 'barge_in', 'stop', null],
    ]);
    expect(decisions.counts).toMatchObject({ falseBargeIns: 0, missedBargeIns: 0 });
  });

  it('a policy with no backchannel lexicon stops for "mhm": a false barge-in', async () => {
    const config: AgentConfig = { ...DEFAULT, interruption: { ...DEFAULT.interruption, backchannels: [], minDurationMs: 0, minWords: 1 } };
    const decisions = await decide(input(OVERLAPS.user, OVERLAPS.agent, OVERLAPS.words), config);
    expect(decisions.overlaps[0]).toMatchObject({ truth: 'backchannel', action: 'stop', error: 'falseBargeIn' });
    expect(decisions.counts.falseBargeIns).toBe(1);
  });

  it('a policy that wants five words talks on through "Wait, that is wrong.": a missed barge-in', async () => {
    const config: AgentConfig = { ...DEFAULT, interruption: { ...DEFAULT.interruption, minWords: 5, backchannelMaxMs: 60_000 } };
    const decisions = await decide(input(OVERLAPS.user, OVERLAPS.agent, OVERLAPS.words), config);
    expect(decisions.overlaps[1]).toMatchObject({ truth: 'bargeIn', action: 'continue', error: 'missedBargeIn' });
    expect(decisions.counts.missedBargeIns).toBe(1);
  });
});
