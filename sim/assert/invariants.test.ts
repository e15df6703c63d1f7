import { describe, expect, it } from 'vitest';
import type { TraceEvent } from '../../core/trace/events.js';
import { fixed } from '../distribution.js';
import { PRESETS } from '../config/presets.js';
import { analysis, callResult, overlapReport } from '../test-support/calls.js';
import { act, scenario } from '../test-support/scenarios.js';
import { runCall } from '../world/call.js';
import type { Sound } from '../world/sound.js';
import { analyseCall } from './analysis.js';
import { checkInvariants, upperBound } from './invariants.js';

const ev = (t: number, type: TraceEvent['type'], fields: object = {}): TraceEvent => ({ t, type, ...fields }) as TraceEvent;

/** User speech at the microphone; `arrivedMs` null: the network lost all of it. */
const speechSound = (startMs: number, endMs: number, text: string, arrivedMs: number | null = startMs + 40): Sound => ({
  id: startMs,
  kind: 'speech',
  startMs,
  endMs,
  levelDb: -20,
  text,
  action: 0,
  speech: undefined,
  words: () => [],
  ...(arrivedMs !== null ? { arrivedMs } : {}),
});

describe('turn-taking invariants', () => {
  it('hold on a plain call with the default config', async () => {
    const call = await runCall(scenario({ user: [act.say('What time do you open on Saturday?')] }), PRESETS.default!, 1);
    expect(checkInvariants(call, analyseCall(call))).toEqual([]);
  });

  it('turn_answered: an unanswered turn breaks it, unless a failure was reported or it never reached the agent', () => {
    const turn = { index: 1, startMs: 0, endMs: 2000, text: 'hello', segments: [{ startMs: 0, endMs: 2000 }], pauses: [] };
    const call = callResult({ sounds: [speechSound(0, 2000, 'hello')] });
    expect(checkInvariants(call, analysis({ userTurns: [turn] }))).toEqual([
      { invariant: 'turn_answered', atMs: 2000, message: 'user turn 1 ("hello", ended 2.00 s) was neither answered nor reported as failed' },
    ]);
    const failed = callResult({ sounds: call.sounds, events: [ev(2600, 'turn.failed', { turn: 1, why: 'LLM error' })] });
    expect(checkInvariants(failed, analysis({ userTurns: [turn] }))).toEqual([]);
    const lost = callResult({ sounds: [speechSound(0, 2000, 'hello', null)] });
    expect(checkInvariants(lost, analysis({ userTurns: [turn] }))).toEqual([]);
  });

  it('no_takeover: the silence-only endpointer takes the turn in a short hesitation; the semantic one waits', async () => {
    const user = [act.say("I'd like to book a table for"), act.pause(1500), act.say('four people on Friday.')];
    const silenceOnly = await runCall(scenario({ user }), PRESETS['silence-only']!, 1);
    const violations = checkInvariants(silenceOnly, analyseCall(silenceOnly));
    expect(violations.map((v) => v.invariant)).toContain('no_takeover');
    expect(violations.find((v) => v.invariant === 'no_takeover')!.message).toMatch(/during a 1500 ms pause \(shorter than the 2500 ms max delay\) in user turn 1$/);
    const semantic = await runCall(scenario({ user }), PRESETS.default!, 1);
    expect(checkInvariants(semantic, analyseCall(semantic))).toEqual([]);
  });

  it('no_false_stop: stopping for a backchannel breaks it unless user speech was heard with it', () => {
    const stopped = overlapReport({ atMs: 3000, kind: 'backchannel', decision: 'stop', classifiedAs: 'bargeIn', text: 'mhm', decidedAtMs: 3500 });
    expect(checkInvariants(callResult(), analysis({ overlaps: [stopped] }))).toEqual([
      { invariant: 'no_false_stop', atMs: 3000, message: 'the agent stopped for the backchannel "mhm" at 3.00 s' },
    ]);
    expect(checkInvariants(callResult(), analysis({ overlaps: [{ ...stopped, alongside: ['bargeIn'] }] }))).toEqual([]);
    const echo = overlapReport({ atMs: 3000, kind: 'echo', decision: 'stop', classifiedAs: 'bargeIn', decidedAtMs: 3500 });
    expect(checkInvariants(callResult(), analysis({ overlaps: [echo] }))[0]!.message).toBe('the agent stopped for its own echo at 3.00 s');
    // A backchannel heard with the echo takes the blame (it is judged on its own).
    expect(checkInvariants(callResult(), analysis({ overlaps: [{ ...echo, alongside: ['backchannel'] }] }))).toEqual([]);
  });

  it('barge_in_stops: measured from the arrival of the interruption, with the downlink (and lost packets) allowed for', () => {
    const bargeIn = (stopLatencyMs: number | null) => overlapReport({ atMs: 3000, kind: 'bargeIn', decision: 'stop', classifiedAs: 'bargeIn', text: 'wait', stopLatencyMs });
    const call = callResult({ sounds: [speechSound(3000, 3600, 'wait', 3040)] });
    // Default channel: 40 ms downlink, no jitter. 40 ms uplink + 250 + 40 = 330 from the onset.
    expect(checkInvariants(call, analysis({ overlaps: [bargeIn(330)] }))).toEqual([]);
    expect(checkInvariants(call, analysis({ overlaps: [bargeIn(331)] }))).toEqual([
      {
        invariant: 'barge_in_stops',
        atMs: 3000,
        message: 'the barge-in at 3.00 s ("wait") stopped the agent 291 ms after it reached the agent (budget 250 ms + 40 ms downlink)',
      },
    ]);
    expect(checkInvariants(call, analysis({ overlaps: [bargeIn(331)] }), { bargeInBudgetMs: 300 })).toEqual([]);
    expect(checkInvariants(call, analysis({ overlaps: [bargeIn(null)] }))[0]!.message).toBe(
      'the barge-in at 3.00 s ("wait") never stopped the agent (taken for bargeIn)',
    );
    const lossy = callResult({ ...call, scenario: scenario({ user: [], channel: { ...call.scenario.channel, loss: { rate: 0.02, burstMs: 60 } } }) });
    expect(checkInvariants(lossy, analysis({ overlaps: [bargeIn(500)] }))).toEqual([]);
  });

  it('not_stuck: a state other than listening held past the bound breaks it', () => {
    const events = [ev(1000, 'session.state', { from: 'listening', to: 'user_speaking', cause: 'speech started' })];
    expect(checkInvariants(callResult({ events, endMs: 30_000 }), analysis())).toEqual([]);
    expect(checkInvariants(callResult({ events, endMs: 31_001 }), analysis())).toEqual([
      { invariant: 'not_stuck', atMs: 1000, message: 'the session stayed user_speaking from 1.00 s for 30001 ms (bound 30000 ms)' },
    ]);
    expect(checkInvariants(callResult({ events, endMs: 31_001 }), analysis(), { stuckBoundMs: 40_000 })).toEqual([]);
  });

  it('requests_end: an LLM or TTS request that never ends breaks it', () => {
    const events = [
      ev(100, 'llm.request', { speech: 1, turn: 1, speculative: false, messages: 1 }),
      ev(300, 'tts.request', { speech: 1, segment: 1, text: 'Hi.' }),
      ev(400, 'tts.request', { speech: 1, segment: 2, text: 'There.' }),
      ev(500, 'tts.flushed', { speech: 1, segment: 1 }),
    ];
    expect(checkInvariants(callResult({ events }), analysis()).map((v) => v.message)).toEqual([
      'the LLM request of speech 1 at 0.10 s never ended',
      'the TTS request of speech 1 segment 2 at 0.40 s never ended',
    ]);
    const ended = [...events, ev(600, 'llm.aborted', { speech: 1, cause: 'barge_in' }), ev(600, 'tts.clear', { speech: 1 })];
    expect(checkInvariants(callResult({ events: ended }), analysis())).toEqual([]);
  });

  it('upperBound gives a value draws practically never exceed', () => {
    expect(upperBound(fixed(40))).toBe(40);
    expect(upperBound({ kind: 'uniform', min: 10, max: 60 })).toBe(60);
    expect(upperBound({ kind: 'normal', mean: 20, sd: 5 })).toBe(40);
    expect(upperBound({ kind: 'lognormal', mu: 0, sigma: 1 })).toBeCloseTo(Math.exp(4));
  });
});
