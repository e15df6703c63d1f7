import { describe, expect, it } from 'vitest';
import type { TraceEventOf } from '../../core/trace/events.js';
import { PRESETS } from '../config/presets.js';
import type { UserAction } from '../scenario/model.js';
import { analysis, callResult, onLine, overlapReport, turnReport, type UnplacedExpectation } from '../test-support/calls.js';
import { act, scenario } from '../test-support/scenarios.js';
import { runCall, type CallResult } from '../world/call.js';
import type { ExecutedAction } from '../world/user.js';
import { analyseCall, type CallAnalysis, type UserTurn } from './analysis.js';
import { evaluate, s, type AssertionResult } from './expectations.js';

/** The verdict on one expectation (placed on line 12) for a hand-built call and analysis. */
function verdict(expectation: UnplacedExpectation, given: Partial<CallAnalysis> = {}, call: Partial<CallResult> = {}): AssertionResult {
  const base = callResult(call);
  const results = evaluate({ ...base, scenario: { ...base.scenario, expect: [onLine(12, expectation)] } }, analysis(given));
  expect(results).toHaveLength(2);
  expect(results[0]!.id).toBe('script_completed');
  return results[1]!;
}

function userTurn(index: number, startMs: number, endMs: number, text: string): UserTurn {
  return { index, startMs, endMs, text, segments: [{ startMs, endMs }], pauses: [] };
}

function ran(kind: ExecutedAction['kind'], startMs: number, line: number): ExecutedAction {
  return { index: 0, kind, startMs, endMs: startMs + 400, text: kind === 'backchannel' ? 'mhm' : undefined, timed: true, source: { line, column: 5 } };
}

function failed(turn: number, t: number, why: string): TraceEventOf<'turn.failed'> {
  return { type: 'turn.failed', t, turn, why };
}

describe('s', () => {
  it('formats ms as seconds with two decimals', () => {
    expect(s(3410)).toBe('3.41 s');
    expect(s(0)).toBe('0.00 s');
    expect(s(12_000)).toBe('12.00 s');
    expect(s(null)).toBe('—');
  });
});

describe('evaluate', () => {
  it('puts the implicit script check first, then each expectation with its line', () => {
    const base = callResult({ actions: [], endMs: 4000 });
    const call = { ...base, scenario: { ...base.scenario, expect: [onLine(7, { kind: 'max_overlap', ms: 100 }), onLine(9, { kind: 'no_self_interruption' })] } };
    const results = evaluate(call, analysis());
    expect(results.map((r) => [r.id, r.line, r.passed])).toEqual([
      ['script_completed', undefined, true],
      ['max_overlap', 7, true],
      ['no_self_interruption', 9, true],
    ]);
  });
});

describe('script_completed', () => {
  const scriptCheck = (call: Partial<CallResult>) => evaluate(callResult(call), analysis())[0]!;

  it('passes when every action ran', () => {
    const base = callResult();
    const result = scriptCheck({
      scenario: { ...base.scenario, user: [act.say('hi'), act.pause(100), act.say('bye')] },
      actions: [ran('say', 0, 1), ran('pause', 400, 2), ran('say', 500, 3)],
      endMs: 6291,
    });
    expect(result).toEqual({ id: 'script_completed', passed: true, message: 'all 3 user actions ran (call ended at 6.29 s: script done)', expected: 3, actual: 3 });
  });

  it('passes with a hang-up', () => {
    const result = scriptCheck({ actions: [ran('say', 0, 1), ran('hangup', 3000, 2)], endMs: 3000, endReason: 'hangup' });
    expect(result.message).toBe('all 2 user actions ran (call ended at 3.00 s: hangup)');
  });

  it('fails naming the first action that never ran and what it waited for', async () => {
    const user: UserAction[] = [
      { ...act.silence(1000), source: { line: 4, column: 5 } },
      { ...act.say('Are you there?', { event: 'agent.speech.start', offsetMs: 500 }), source: { line: 5, column: 5 } },
      { ...act.hangup(), source: { line: 7, column: 5 } },
    ];
    const call = await runCall(scenario({ maxDurationMs: 8000, user }), PRESETS.default!, 1);
    expect(evaluate(call, analyseCall(call))[0]).toEqual({
      id: 'script_completed',
      passed: false,
      message: 'the action at line 5 never ran: it was waiting for agent.speech.start + 500 ms when the call ended at 8.00 s (max duration)',
      expected: 3,
      actual: 1,
    });
  });
});

describe('voice_to_voice and eou_delay', () => {
  const turns = [
    turnReport(1, { userSpeechEndMs: 1000, agentAudioStartMs: 1700, voiceToVoiceMs: 700, endpointMs: 1290, eouDelayMs: 290 }),
    turnReport(2, { userSpeechEndMs: 5000, agentAudioStartMs: 5900, voiceToVoiceMs: 900, endpointMs: 5540, endpointReason: 'silence', eouDelayMs: 540 }),
    turnReport(3, { userSpeechEndMs: 9000, agentAudioStartMs: 10_200, voiceToVoiceMs: 1200, endpointMs: 9300, eouDelayMs: 300 }),
    turnReport(4), // not answered: no latency
  ];

  it('passes within the budget, with the measured percentiles', () => {
    expect(verdict({ kind: 'voice_to_voice', budget: { p50: 1000, p95: 1300 } }, { turns })).toEqual({
      id: 'voice_to_voice',
      passed: true,
      message: 'voice-to-voice p50 900 ms, p95 1200 ms within p50 1000 ms, p95 1300 ms over 3 turns',
      expected: { p50: 1000, p95: 1300 },
      actual: { p50: 900, p95: 1200 },
      line: 12,
    });
  });

  it('fails over the budget, naming the turn behind the percentile', () => {
    const result = verdict({ kind: 'voice_to_voice', budget: { p50: 1000, p95: 1000 } }, { turns });
    expect(result.passed).toBe(false);
    expect(result.message).toBe('p95 voice-to-voice 1200 ms > 1000 ms (turn 3: user stopped at 9.00 s, agent audio at 10.20 s)');
    expect(result.actual).toEqual({ p50: 900, p95: 1200 });
  });

  it('lists every percentile over budget', () => {
    const result = verdict({ kind: 'voice_to_voice', budget: { p50: 800, max: 1000 } }, { turns });
    expect(result.message).toBe(
      'p50 voice-to-voice 900 ms > 800 ms (turn 2: user stopped at 5.00 s, agent audio at 5.90 s); ' +
        'max voice-to-voice 1200 ms > 1000 ms (turn 3: user stopped at 9.00 s, agent audio at 10.20 s)',
    );
  });

  it('fails when nothing was measured', () => {
    const result = verdict({ kind: 'voice_to_voice', budget: { p95: 1000 } }, { turns: [turnReport(1)] });
    expect(result).toMatchObject({ passed: false, message: 'no voice-to-voice was measured (no answered turns)', actual: { p95: null } });
  });

  it('eou_delay: passes and fails with the endpoint and its reason', () => {
    expect(verdict({ kind: 'eou_delay', budget: { p50: 300 } }, { turns })).toMatchObject({
      passed: true,
      message: 'end-of-utterance delay p50 300 ms within p50 300 ms over 3 turns',
    });
    expect(verdict({ kind: 'eou_delay', budget: { max: 500 } }, { turns })).toMatchObject({
      passed: false,
      message: 'max end-of-utterance delay 540 ms > 500 ms (turn 2: user stopped at 5.00 s, endpoint (silence) at 5.54 s)',
      actual: { max: 540 },
    });
  });

  it('on a real call: the measured voice-to-voice is the one in the turn report', async () => {
    const call = await runCall(scenario({ user: [act.say('When do you open tomorrow?')] }), PRESETS.default!, 1);
    const found = analyseCall(call);
    const v2v = found.turns[0]!.voiceToVoiceMs!;
    const base = { ...call.scenario };
    const judge = (budgetMs: number) =>
      evaluate({ ...call, scenario: { ...base, expect: [onLine(3, { kind: 'voice_to_voice', budget: { p95: budgetMs } })] } }, found)[1]!;
    expect(judge(v2v)).toMatchObject({ passed: true, message: `voice-to-voice p95 ${v2v} ms within p95 ${v2v} ms over 1 turns` });
    expect(judge(v2v - 1)).toMatchObject({
      passed: false,
      message: `p95 voice-to-voice ${v2v} ms > ${v2v - 1} ms (turn 1: user stopped at ${s(found.turns[0]!.userSpeechEndMs)}, agent audio at ${s(found.turns[0]!.agentAudioStartMs)})`,
    });
  });
});

describe('no_takeover_during_pauses', () => {
  it('fails on the fixed-silence endpointer taking the turn in a 3 s pause after "for", naming the pause and the endpoint', async () => {
    const user = [act.say("I'd like to book a table for"), act.pause(3000), act.say('two people tonight.')];
    const call = await runCall(
      scenario({ user, expect: [onLine(20, { kind: 'no_takeover_during_pauses' })] }),
      PRESETS['silence-only']!,
      1,
    );
    const found = analyseCall(call);
    const [takeover] = found.takeovers;
    const endpoint = call.events.find((e) => e.type === 'endpoint.end')!;
    const pause = { startMs: call.actions[0]!.endMs, endMs: call.actions[2]!.startMs };
    expect(takeover!.pause).toEqual(pause);
    expect(evaluate(call, found)[1]).toEqual({
      id: 'no_takeover_during_pauses',
      passed: false,
      message:
        `the agent started speaking at ${s(takeover!.atMs)} during the user's pause at ${s(pause.startMs)}–${s(pause.endMs)} in turn 1 ` +
        `after the endpoint at ${s(endpoint.t)} (silence, 500 ms of silence on "I'd like to book a table for"); ` +
        `the user heard ${takeover!.audibleMs} ms, ${takeover!.wordsHeard} words`,
      expected: 0,
      actual: 1,
      line: 20,
    });
  });

  it('passes on the semantic endpointer, counting the pauses it waited through', async () => {
    const user = [act.say("I'd like to book a table for"), act.pause(1500), act.say('two people tonight.')];
    const call = await runCall(scenario({ user, expect: [onLine(20, { kind: 'no_takeover_during_pauses' })] }), PRESETS.default!, 1);
    expect(evaluate(call, analyseCall(call))[1]).toMatchObject({ passed: true, message: 'no takeover (1 pauses in 1 user turns)', actual: 0 });
  });

  it('says "while the user was speaking" outside a pause, and leaves out the endpoint when there was none', () => {
    const result = verdict(
      { kind: 'no_takeover_during_pauses' },
      { userTurns: [userTurn(1, 0, 3000, 'a long sentence')], takeovers: [{ atMs: 1500, speech: 1, turn: 1, pause: null, audibleMs: 2000, wordsHeard: 6, wordsIntended: 9, brief: false }] },
    );
    expect(result).toMatchObject({ passed: false, message: 'the agent started speaking at 1.50 s while the user was speaking in turn 1; the user heard 2000 ms, 6 words', actual: 1 });
  });

  it('does not count a brief interjection (under 1 s, at most 3 words) as a takeover, but says so', () => {
    const result = verdict(
      { kind: 'no_takeover_during_pauses' },
      {
        userTurns: [userTurn(1, 0, 3000, 'a long sentence')],
        takeovers: [{ atMs: 1500, speech: 1, turn: 1, pause: null, audibleMs: 480, wordsHeard: 2, wordsIntended: 2, brief: true }],
      },
    );
    expect(result).toMatchObject({
      passed: true,
      message: 'no takeover (0 pauses in 1 user turns); 1 brief interjection not counted (1.50 s: 480 ms, 2 words)',
      actual: 0,
    });
  });
});

describe('barge_in_stops_within', () => {
  const bargeIn = (atMs: number, text: string, fields: Partial<Parameters<typeof overlapReport>[0]> = {}) =>
    overlapReport({ atMs, kind: 'bargeIn', text, decision: 'stop', classifiedAs: 'bargeIn', ...fields });

  it('passes when every barge-in stopped the agent within the budget', () => {
    const overlaps = [bargeIn(3760, 'Actually, Sunday?', { stopLatencyMs: 155 }), bargeIn(8000, 'Wait.', { stopLatencyMs: 90 })];
    expect(verdict({ kind: 'barge_in_stops_within', ms: 250 }, { overlaps })).toEqual({
      id: 'barge_in_stops_within',
      passed: true,
      message: '2 barge-ins stopped the agent within 155 ms (budget 250 ms)',
      expected: 250,
      actual: [155, 90],
      line: 12,
    });
  });

  it('fails a barge-in that stopped the agent too late', () => {
    const overlaps = [bargeIn(3760, 'Actually, Sunday?', { stopLatencyMs: 300 }), bargeIn(8000, 'Wait.', { stopLatencyMs: 90 })];
    expect(verdict({ kind: 'barge_in_stops_within', ms: 250 }, { overlaps })).toMatchObject({
      passed: false,
      message: 'barge-in at 3.76 s ("Actually, Sunday?") stopped the agent after 300 ms > 250 ms',
      actual: [300, 90],
    });
  });

  it('fails a barge-in the agent paused for and then resumed, saying what it took it for', () => {
    const overlaps = [bargeIn(5000, 'wait', { decision: 'resume', classifiedAs: 'backchannel', pauseMs: 400 })];
    expect(verdict({ kind: 'barge_in_stops_within', ms: 250 }, { overlaps })).toMatchObject({
      passed: false,
      message: 'barge-in at 5.00 s ("wait") never stopped the agent (it paused 400 ms and resumed); classified as backchannel',
      actual: [null],
    });
  });

  it('fails a barge-in the agent never noticed, clipping long text', () => {
    const text = 'I would like to change the booking to Wednesday please';
    const overlaps = [bargeIn(5000, text, { decision: 'none', classifiedAs: null })];
    expect(verdict({ kind: 'barge_in_stops_within', ms: 250 }, { overlaps }).message).toBe(
      'barge-in at 5.00 s ("I would like to change the booking to W…") never stopped the agent; the agent never noticed it',
    );
  });

  it('fails when no user speech overlapped the agent (nothing measured)', () => {
    const overlaps = [overlapReport({ atMs: 4000, kind: 'backchannel', decision: 'resume', pauseMs: 300 })];
    expect(verdict({ kind: 'barge_in_stops_within', ms: 250 }, { overlaps })).toMatchObject({
      passed: false,
      message: 'no user speech overlapped the agent, so no barge-in was measured',
      expected: 250,
      actual: null,
    });
  });

  it('on a real call: a barge-in 1 s into the answer stops the agent within 250 ms', async () => {
    const call = await runCall(
      scenario({
        agent: { greeting: undefined, replies: [], defaultReply: 'We open at nine tomorrow morning and close at six in the evening.' },
        user: [act.say('When do you open tomorrow?'), act.say('Actually, what about Sunday?', { event: 'agent.speech.start', offsetMs: 1000 })],
        expect: [onLine(4, { kind: 'barge_in_stops_within', ms: 250 })],
      }),
      PRESETS.default!,
      1,
    );
    const found = analyseCall(call);
    const latency = found.overlaps[0]!.stopLatencyMs!;
    expect(evaluate(call, found)[1]).toMatchObject({
      passed: true,
      message: `1 barge-ins stopped the agent within ${latency} ms (budget 250 ms)`,
      actual: [latency],
    });
  });
});

describe('backchannels_ignored', () => {
  const backchannel = (atMs: number, fields: Partial<Parameters<typeof overlapReport>[0]> = {}) =>
    overlapReport({ atMs, kind: 'backchannel', text: 'yeah', decision: 'resume', classifiedAs: 'backchannel', ...fields });

  it('passes when backchannels did not stop the agent, with the pauses they caused', () => {
    const overlaps = [backchannel(3760, { pauseMs: 530 }), backchannel(6000, { decision: 'ignore' })];
    expect(verdict({ kind: 'backchannels_ignored' }, { overlaps })).toEqual({
      id: 'backchannels_ignored',
      passed: true,
      message: '2 backchannels did not stop the agent (the agent paused for 530 ms and resumed)',
      expected: 0,
      actual: 0,
      line: 12,
    });
    expect(verdict({ kind: 'backchannels_ignored' }, { overlaps: [backchannel(6000, { decision: 'none' })] }).message).toBe(
      '1 backchannels did not stop the agent',
    );
  });

  it('fails a backchannel the agent stopped for', () => {
    const overlaps = [backchannel(4000, { decision: 'stop', classifiedAs: 'bargeIn' }), backchannel(7000, { decision: 'stop', classifiedAs: null, text: 'mhm', speech: 2 })];
    expect(verdict({ kind: 'backchannels_ignored' }, { overlaps })).toMatchObject({
      passed: false,
      message: 'the agent stopped for the backchannel "yeah" at 4.00 s (taken for bargeIn); the agent stopped for the backchannel "mhm" at 7.00 s (taken for a barge-in)',
      actual: 2,
    });
  });

  it('excuses a stop when real user speech was heard in the same episode', () => {
    const stopped = backchannel(4000, { decision: 'stop', classifiedAs: 'bargeIn', decidedAtMs: 4700 });
    expect(verdict({ kind: 'backchannels_ignored' }, { overlaps: [stopped] }).passed).toBe(false);
    expect(verdict({ kind: 'backchannels_ignored' }, { overlaps: [{ ...stopped, alongside: ['bargeIn'] }] }).passed).toBe(true);
  });

  it('fails vacuously when the scenario has no backchannel', () => {
    expect(verdict({ kind: 'backchannels_ignored' }, {}, { actions: [ran('say', 0, 3)] })).toMatchObject({
      passed: false,
      message: 'the scenario has no backchannel to check',
      expected: 'backchannels overlapping agent speech',
      actual: 0,
    });
  });

  it('fails vacuously when no scripted backchannel overlapped the agent, saying where they were', () => {
    const actions = [ran('say', 0, 3), ran('backchannel', 3000, 5), ran('backchannel', 9500, 8)];
    expect(verdict({ kind: 'backchannels_ignored' }, {}, { actions })).toMatchObject({
      passed: false,
      message: "no backchannel overlapped the agent's speech (line 5 at 3.00 s, line 8 at 9.50 s), so nothing was checked",
      actual: 0,
    });
  });

  it('on a real call: a backchannel too early to overlap the answer is a vacuous failure', async () => {
    const call = await runCall(
      scenario({
        user: [act.say('When do you open tomorrow?'), { ...act.backchannel('mhm', { event: 'previous.end', offsetMs: 100 }), source: { line: 6, column: 5 } }],
        expect: [onLine(9, { kind: 'backchannels_ignored' })],
      }),
      PRESETS.default!,
      1,
    );
    const found = analyseCall(call);
    expect(found.overlaps).toEqual([]);
    expect(evaluate(call, found)[1]!.message).toBe(`no backchannel overlapped the agent's speech (line 6 at ${s(call.actions[1]!.startMs)}), so nothing was checked`);
  });
});

describe('no_self_interruption, max_overlap, max_pause', () => {
  const echo = (atMs: number, decision: 'stop' | 'ignore' | 'none') => overlapReport({ atMs, kind: 'echo', decision, classifiedAs: decision === 'none' ? null : 'echo' });

  it('no_self_interruption passes when echo never stopped the agent, fails when it did', () => {
    expect(verdict({ kind: 'no_self_interruption' }, { overlaps: [echo(3000, 'ignore'), echo(5000, 'none')] })).toMatchObject({
      passed: true,
      message: 'the agent never stopped for its own echo (2 echo onsets)',
      actual: 0,
    });
    expect(verdict({ kind: 'no_self_interruption' }, { overlaps: [echo(3000, 'ignore'), echo(6000, 'stop')] })).toMatchObject({
      passed: false,
      message: 'the agent stopped for its own echo at 6.00 s',
      actual: 1,
    });
    expect(verdict({ kind: 'no_self_interruption' }, { overlaps: [{ ...echo(6000, 'stop'), alongside: ['bargeIn'] }] }).passed).toBe(true);
  });

  it('max_overlap compares the longest overlap with the bound', () => {
    expect(verdict({ kind: 'max_overlap', ms: 200 }, { longestOverlapMs: 155 })).toMatchObject({
      passed: true,
      message: 'longest overlap of user speech and agent audio: 155 ms (bound 200 ms)',
      expected: 200,
      actual: 155,
    });
    expect(verdict({ kind: 'max_overlap', ms: 100 }, { longestOverlapMs: 155 }).passed).toBe(false);
    expect(verdict({ kind: 'max_overlap', ms: 155 }, { longestOverlapMs: 155 }).passed).toBe(true);
  });

  it('max_pause passes when the agent never paused, fails naming the longest pause', () => {
    expect(verdict({ kind: 'max_pause', ms: 500 })).toMatchObject({ passed: true, message: 'the agent never paused and resumed (bound 500 ms)', actual: 0 });
    const overlaps = [
      overlapReport({ atMs: 3760, kind: 'backchannel', decision: 'resume', pauseMs: 530 }),
      overlapReport({ atMs: 8000, kind: 'noise', decision: 'resume', pauseMs: 300 }),
    ];
    expect(verdict({ kind: 'max_pause', ms: 500 }, { overlaps })).toMatchObject({
      passed: false,
      message: 'longest pause of the agent for something that was not a barge-in: 530 ms for the backchannel at 3.76 s (bound 500 ms)',
      expected: 500,
      actual: 530,
    });
    expect(verdict({ kind: 'max_pause', ms: 530 }, { overlaps }).passed).toBe(true);
  });
});

describe('every_turn_answered', () => {
  const userTurns = [userTurn(1, 0, 1900, 'When do you open?'), userTurn(2, 5000, 6000, 'And on Sunday?')];
  const answer = (speech: number, turn: number, firstAudioMs: number) => ({ speech, turn, firstAudioMs, audible: [{ startMs: firstAudioMs, endMs: firstAudioMs + 1000 }] });

  it('passes when every user turn has an answer after it', () => {
    expect(verdict({ kind: 'every_turn_answered' }, { userTurns, speeches: [answer(1, 1, 2760), answer(2, 2, 6900)] })).toMatchObject({
      passed: true,
      message: 'all 2 user turns were answered',
      expected: 2,
      actual: 2,
    });
  });

  it('fails a turn with no answer after it, with the failure behind it', () => {
    const result = verdict({ kind: 'every_turn_answered' }, { userTurns, speeches: [answer(1, 1, 2760)], failedTurns: [failed(2, 6500, 'LLM error: HTTP 500')] });
    expect(result).toMatchObject({
      passed: false,
      message: 'user turn 2 ("And on Sunday?", ended 6.00 s) was never answered — LLM error: HTTP 500',
      expected: 2,
      actual: 1,
    });
  });

  it('does not take a greeting (speech answering no turn) or an earlier answer for an answer', () => {
    const result = verdict({ kind: 'every_turn_answered' }, { userTurns: [userTurn(1, 0, 1900, 'Hello?')], speeches: [answer(1, 0, 3000), answer(2, 1, 1500)] });
    expect(result).toMatchObject({ passed: false, message: 'user turn 1 ("Hello?", ended 1.90 s) was never answered', actual: 0 });
  });
});

describe('agent_said and agent_never_said', () => {
  const agentHeard = ['We open at nine', 'Wednesday at ten it is.'];

  it('agent_said: a case-insensitive substring of what the user heard', () => {
    expect(verdict({ kind: 'agent_said', matcher: { substring: 'WEDNESDAY at ten' } }, { agentHeard })).toEqual({
      id: 'agent_said',
      passed: true,
      message: 'the agent said "WEDNESDAY at ten"',
      expected: '"WEDNESDAY at ten"',
      actual: true,
      line: 12,
    });
    // Utterances are joined with a space.
    expect(verdict({ kind: 'agent_said', matcher: { substring: 'nine Wednesday' } }, { agentHeard }).passed).toBe(true);
  });

  it('agent_said fails with what the user heard', () => {
    expect(verdict({ kind: 'agent_said', matcher: { substring: 'Thursday' } }, { agentHeard })).toMatchObject({
      passed: false,
      message: 'the agent never said "Thursday"; what the user heard: "We open at nine", "Wednesday at ten it is."',
      actual: false,
    });
    expect(verdict({ kind: 'agent_said', matcher: { substring: 'Thursday' } }, { agentHeard: [] }).message).toBe(
      'the agent never said "Thursday"; what the user heard: nothing',
    );
  });

  it('agent_said with a regular expression and its flags', () => {
    expect(verdict({ kind: 'agent_said', matcher: { pattern: '^we open', flags: 'i' } }, { agentHeard })).toMatchObject({
      passed: true,
      message: 'the agent said /^we open/i',
      expected: '/^we open/i',
    });
    expect(verdict({ kind: 'agent_said', matcher: { pattern: '^we open', flags: '' } }, { agentHeard }).passed).toBe(false);
  });

  it('agent_never_said passes when absent, fails with what the user heard', () => {
    expect(verdict({ kind: 'agent_never_said', matcher: { substring: 'Thursday' } }, { agentHeard })).toMatchObject({
      id: 'agent_never_said',
      passed: true,
      message: 'the agent never said "Thursday"',
      actual: false,
    });
    expect(verdict({ kind: 'agent_never_said', matcher: { pattern: 'at (nine|ten)', flags: '' } }, { agentHeard })).toMatchObject({
      passed: false,
      message: 'the agent said /at (nine|ten)/; what the user heard: "We open at nine", "Wednesday at ten it is."',
      actual: true,
    });
  });
});

describe('turns and failed_turns', () => {
  const turns = [turnReport(1, { endpointMs: 2160 }), turnReport(2, { endpointMs: 5540, endpointReason: 'silence' })];

  it('turns: counts the turns the agent ended, against a range', () => {
    expect(verdict({ kind: 'turns', min: 1, max: 1 }, { turns })).toEqual({
      id: 'turns',
      passed: false,
      message: '2 user turns ended by the agent (expected 1): 2.16 s semantic, 5.54 s silence',
      expected: '1',
      actual: 2,
      line: 12,
    });
    expect(verdict({ kind: 'turns', min: 2, max: Infinity }, { turns })).toMatchObject({ passed: true, expected: 'at least 2' });
    expect(verdict({ kind: 'turns', min: 3, max: Infinity }, { turns })).toMatchObject({ passed: false, expected: 'at least 3' });
    expect(verdict({ kind: 'turns', min: 0, max: 3 }, { turns })).toMatchObject({ passed: true, expected: 'at most 3' });
    expect(verdict({ kind: 'turns', min: 0, max: 1 }, { turns })).toMatchObject({ passed: false, expected: 'at most 1' });
    expect(verdict({ kind: 'turns', min: 1, max: 3 }, { turns })).toMatchObject({
      passed: true,
      message: '2 user turns ended by the agent (expected 1–3): 2.16 s semantic, 5.54 s silence',
    });
    expect(verdict({ kind: 'turns', min: 1, max: 1 })).toMatchObject({ passed: false, message: '0 user turns ended by the agent (expected 1)', actual: 0 });
  });

  it('failed_turns: counts failed turns, listing why', () => {
    expect(verdict({ kind: 'failed_turns', min: 0, max: 0 })).toMatchObject({ passed: true, message: '0 failed turns (expected 0)', actual: 0 });
    const failedTurns = [failed(2, 6500, 'LLM error: HTTP 500')];
    expect(verdict({ kind: 'failed_turns', min: 0, max: 0 }, { failedTurns })).toMatchObject({
      passed: false,
      message: '1 failed turns (expected 0): turn 2 at 6.50 s: LLM error: HTTP 500',
      expected: '0',
      actual: 1,
    });
    expect(verdict({ kind: 'failed_turns', min: 1, max: 1 }, { failedTurns }).passed).toBe(true);
  });
});
