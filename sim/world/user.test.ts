import { describe, expect, it } from 'vitest';
import type { TraceEvent } from '../../core/trace/events.js';
import { PRESETS } from '../config/presets.js';
import type { Anchor, AnchorEvent, UserAction } from '../scenario/model.js';
import { act, scenario } from '../test-support/scenarios.js';
import { WorldEvents } from './anchors.js';
import { runCall, type CallResult } from './call.js';
import { describeAnchor } from './user.js';

const DEFAULT = PRESETS.default!;
const at = (event: AnchorEvent, offsetMs = 0): Anchor => ({ event, offsetMs });
/** An action as written on `line` of a scenario file. */
const onLine = (line: number, action: UserAction): UserAction => ({ ...action, source: { line, column: 5 } });

/** 160 wpm (the test voice): 375 ms a word. */
const QUESTION = 'When do you open tomorrow?'; // 5 words: 1875 ms

function times(call: CallResult): [kind: string, startMs: number, endMs: number][] {
  return call.actions.map((a) => [a.kind, a.startMs, a.endMs]);
}

/** Times of trace events of `type` (optionally for one agent utterance). */
function tOf(call: CallResult, type: TraceEvent['type'], speech?: number): number[] {
  return call.events.filter((e) => e.type === type && (speech === undefined || (e as { speech?: number }).speech === speech)).map((e) => e.t);
}

describe('WorldEvents', () => {
  it('wakes a waiter with the first occurrence at or after its time', () => {
    const events = new WorldEvents();
    const woken: number[] = [];
    events.next('endpoint', 1000, (t) => woken.push(t));
    expect(events.waiting).toEqual([{ event: 'endpoint', afterMs: 1000, wake: expect.any(Function) }]);
    events.record('endpoint', 900);
    events.record('agent.speech.start', 1100);
    expect(woken).toEqual([]);
    events.record('endpoint', 1000);
    expect(woken).toEqual([1000]);
    expect(events.waiting).toEqual([]);
    events.record('endpoint', 1200);
    expect(woken).toEqual([1000]);
  });

  it('answers at once from the past', () => {
    const events = new WorldEvents();
    events.record('agent.speech.start', 500);
    events.record('agent.speech.start', 3000);
    events.record('agent.speech.start', 6000);
    const woken: number[] = [];
    events.next('agent.speech.start', 2000, (t) => woken.push(t));
    events.next('agent.speech.start', 6000, (t) => woken.push(t));
    events.next('agent.speech.end', 0, (t) => woken.push(t));
    expect(woken).toEqual([3000, 6000]);
    expect(events.waiting.map((w) => w.event)).toEqual(['agent.speech.end']);
  });
});

describe('describeAnchor', () => {
  it('names the event and the offset', () => {
    expect(describeAnchor(at('agent.speech.start'))).toBe('agent.speech.start');
    expect(describeAnchor(at('agent.speech.start', 1500))).toBe('agent.speech.start + 1500 ms');
    expect(describeAnchor(at('previous.end', -200))).toBe('previous.end − 200 ms');
  });
});

describe('ScriptedUser in a call', () => {
  const HESITANT: UserAction[] = [act.say('I would like a table'), act.pause(1200), act.filler('um'), act.pause(300), act.say('for two tonight.')];

  it('runs untimed actions one after the other, in order, each for its own duration', async () => {
    const call = await runCall(scenario({ user: HESITANT }), DEFAULT, 1);
    expect(call.actions.map((a) => [a.index, a.kind, a.text, a.timed])).toEqual([
      [0, 'say', 'I would like a table', false],
      [1, 'pause', undefined, false],
      [2, 'filler', 'um', false],
      [3, 'pause', undefined, false],
      [4, 'say', 'for two tonight.', false],
    ]);
    // 160 wpm: 375 ms a word.
    expect(call.actions.map((a) => a.endMs - a.startMs)).toEqual([1875, 1200, 375, 300, 1125]);
    expect(call.actions[0]!.startMs).toBe(0);
    call.actions.slice(1).forEach((a, i) => {
      expect(a.startMs).toBe(call.actions[i]!.endMs);
    });
    expect(call.unrun).toEqual([]);
  });

  // Untimed actions start in the tick the previous one ends, never through a zero-delay timer
  // (the virtual clock would fire it 1 ms late, and the drift would add up).
  it('starts an untimed action exactly when the previous one ends', async () => {
    const call = await runCall(scenario({ user: HESITANT }), DEFAULT, 1);
    expect(times(call)).toEqual([
      ['say', 0, 1875],
      ['pause', 1875, 3075],
      ['filler', 3075, 3450],
      ['pause', 3450, 3750],
      ['say', 3750, 4875],
    ]);
  });

  it('uses a speaking rate and level of its own when an action sets them', async () => {
    const slow: UserAction = { kind: 'say', text: 'one two three', at: undefined, wpm: 60, levelDb: -30, clip: undefined, source: { line: 1, column: 1 } };
    const call = await runCall(scenario({ user: [slow] }), DEFAULT, 1);
    expect(times(call)).toEqual([['say', 0, 3000]]);
    expect(call.sounds[0]).toMatchObject({ kind: 'speech', startMs: 0, endMs: 3000, levelDb: -30, text: 'one two three' });
  });

  it('times `call.start + X` from the call start, `previous.start + X` from the previous action’s start', async () => {
    const call = await runCall(
      scenario({
        user: [
          act.say('Hello there', at('call.start', 1000)), // 1000–1750
          act.say('Is anyone there?', at('previous.start', 3000)), // 4000–5125
          act.say('Hello?', at('call.start', 7000)), // 7000–7375
          act.say('Hello??', at('previous.start', 100)), // before the previous one ended: after it
        ],
      }),
      DEFAULT,
      1,
    );
    expect(times(call).slice(0, 3)).toEqual([
      ['say', 1000, 1750],
      ['say', 4000, 5125],
      ['say', 7000, 7375],
    ]);
    expect(call.actions[3]!.startMs).toBe(7375);
    expect(call.actions.map((a) => a.timed)).toEqual([true, true, true, true]);
  });

  it('times `previous.end + X` from the end of the previous action', async () => {
    const call = await runCall(scenario({ user: [act.say(QUESTION), act.say('Hello?', at('previous.end', 700))] }), DEFAULT, 1);
    expect(times(call)).toEqual([
      ['say', 0, 1875],
      ['say', 2575, 2950],
    ]);
  });

  it('anchors `agent.speech.start + X` to the first agent speech heard after the user’s last turn speech, not to the greeting', async () => {
    const call = await runCall(
      scenario({
        agent: { greeting: 'Hello, thanks for calling.', replies: [], defaultReply: 'We open at nine tomorrow morning and close at six in the evening.' },
        user: [act.say(QUESTION, at('agent.speech.end', 500)), act.backchannel('mhm', at('agent.speech.start', 800))],
      }),
      DEFAULT,
      1,
    );
    const greetingStart = tOf(call, 'ear.audio_start', 1)[0]!;
    const greetingEnd = tOf(call, 'ear.audio_stop', 1).at(-1)!;
    const replyStart = tOf(call, 'ear.audio_start', 2)[0]!;
    expect(greetingStart).toBeGreaterThan(0);
    expect(greetingStart).toBeLessThan(500);
    // The question waits for the greeting to end (the first agent.speech.end after 0).
    const question = call.actions[0]!;
    expect(question.startMs).toBe(greetingEnd + 500);
    expect(replyStart).toBeGreaterThan(question.endMs);
    expect(times(call)[1]).toEqual(['backchannel', replyStart + 800, replyStart + 800 + 375]);
  });

  it('anchors `endpoint + X` and `agent.speech.end + X` after the user’s last turn speech', async () => {
    const call = await runCall(
      scenario({
        user: [
          act.say(QUESTION),
          act.silence(200),
          act.say('And on Sunday?', at('endpoint', 100)),
          act.say('Thanks.', at('agent.speech.end', 300)),
        ],
      }),
      DEFAULT,
      1,
    );
    const endpoints = tOf(call, 'endpoint.end');
    expect(endpoints.length).toBeGreaterThanOrEqual(2);
    // The first endpoint is the one after the question (1875 ms).
    expect(endpoints[0]!).toBeGreaterThan(1875);
    expect(call.actions[2]!.startMs).toBe(endpoints[0]! + 100);
    // "Thanks." waits for the end of the answer to "And on Sunday?", the first agent speech
    // ending after that question ended.
    const sunday = call.actions[2]!;
    const replyToSunday = call.events.find((e) => e.type === 'ear.audio_start' && e.t > sunday.endMs) as { speech: number } | undefined;
    expect(replyToSunday).toBeDefined();
    const replyEnd = tOf(call, 'ear.audio_stop', replyToSunday!.speech).at(-1)!;
    expect(call.actions[3]!.startMs).toBe(replyEnd + 300);
  });

  it('reports an action whose anchor never happens in `unrun`, with what it waited for, and every action after it', async () => {
    const call = await runCall(
      scenario({
        maxDurationMs: 8000,
        user: [
          onLine(4, act.silence(1000)),
          onLine(5, act.say('Are you there?', at('agent.speech.start', 500))),
          onLine(7, act.hangup()),
        ],
      }),
      DEFAULT,
      1,
    );
    expect(call.endReason).toBe('max_duration');
    expect(call.endMs).toBe(8000);
    expect(times(call)).toEqual([['silence', 0, 1000]]);
    expect(call.unrun).toEqual([
      { index: 1, source: { line: 5, column: 5 }, waitingFor: 'agent.speech.start + 500 ms' },
      { index: 2, source: { line: 7, column: 5 }, waitingFor: 'an earlier action' },
    ]);
  });

  it('reports an action cut off by the end of the call while its earlier action still ran as waiting for an earlier action', async () => {
    const call = await runCall(scenario({ maxDurationMs: 5000, user: [act.say(QUESTION), act.pause(20_000), onLine(9, act.say('Hello?'))] }), DEFAULT, 1);
    expect(call.endReason).toBe('max_duration');
    expect(call.actions.map((a) => a.kind)).toEqual(['say', 'pause']);
    expect(call.unrun).toEqual([{ index: 2, source: { line: 9, column: 5 }, waitingFor: 'an earlier action' }]);
  });

  // An action whose anchor resolved to a time after the end of the call was still waiting for it.
  it('reports an action whose anchor resolved after the end of the call as waiting for that anchor', async () => {
    const call = await runCall(scenario({ maxDurationMs: 10_000, user: [act.say(QUESTION), onLine(6, act.say('Hello?', at('call.start', 20_000)))] }), DEFAULT, 1);
    expect(call.endReason).toBe('max_duration');
    expect(call.unrun).toEqual([{ index: 1, source: { line: 6, column: 5 }, waitingFor: 'call.start + 20000 ms' }]);
  });

  it('ends the call at a hang-up (endReason hangup), even while the agent is answering', async () => {
    const call = await runCall(scenario({ user: [act.say(QUESTION), act.hangup(at('agent.speech.start', 400))] }), DEFAULT, 1);
    const replyStart = tOf(call, 'ear.audio_start')[0]!;
    expect(call.endReason).toBe('hangup');
    expect(call.endMs).toBe(replyStart + 400);
    expect(times(call)).toEqual([
      ['say', 0, 1875],
      ['hangup', replyStart + 400, replyStart + 400],
    ]);
    expect(call.unrun).toEqual([]);
    const closed = call.events.filter((e) => e.type === 'session.closed');
    expect(closed).toEqual([{ type: 'session.closed', t: replyStart + 400, cause: 'user hung up' }]);
  });

  it('ends a silent call with script_done once the agent has settled for 1.5 s', async () => {
    const call = await runCall(scenario({ user: [act.silence(2000)] }), DEFAULT, 1);
    expect(call.endReason).toBe('script_done');
    expect(call.endMs).toBe(3500);
    expect(call.sounds).toEqual([]);
    expect(call.events.filter((e) => e.type !== 'session.state').map((e) => e.type)).toEqual(['session.closed']);
    expect(call.unrun).toEqual([]);
  });

  it('after the last action, waits for the agent to finish answering and then 1.5 s more', async () => {
    const call = await runCall(scenario({ user: [act.say(QUESTION)] }), DEFAULT, 1);
    const listening = call.events.filter((e) => e.type === 'session.state' && e.to === 'listening').at(-1)!;
    expect(tOf(call, 'ear.audio_start').length).toBe(1);
    expect(listening.t).toBeGreaterThan(tOf(call, 'ear.audio_start')[0]!);
    expect(call.endReason).toBe('script_done');
    expect(call.endMs).toBe(listening.t + 1500);
  });

  it('gives the same call for the same seed', async () => {
    const build = () => scenario({ user: [act.say(QUESTION), act.backchannel('mhm', at('agent.speech.start', 600))] });
    const a = await runCall(build(), DEFAULT, 42);
    const b = await runCall(build(), DEFAULT, 42);
    expect(b.events).toEqual(a.events);
    expect(b.actions).toEqual(a.actions);
  });
});
