import { describe, expect, it } from 'vitest';
import type { TraceEvent } from '../../core/trace/events.js';
import { PRESETS } from '../config/presets.js';
import { fixed } from '../distribution.js';
import type { Anchor, UserAction } from '../scenario/model.js';
import { callResult } from '../test-support/calls.js';
import { act, scenario } from '../test-support/scenarios.js';
import type { Sound } from '../world/sound.js';
import { runCall, type CallResult } from '../world/call.js';
import type { ExecutedAction } from '../world/user.js';
import { analyseCall } from './analysis.js';

const LONG_REPLY = 'We open at nine tomorrow morning and close at six in the evening, and on Sunday we open at ten.';
const agentSpeech: Anchor = { event: 'agent.speech.start', offsetMs: 1000 };
const onLine = (line: number, action: UserAction): UserAction => ({ ...action, source: { line, column: 5 } });

function call(user: readonly UserAction[], preset = 'default'): Promise<CallResult> {
  return runCall(scenario({ agent: { greeting: undefined, replies: [], defaultReply: LONG_REPLY }, user }), PRESETS[preset]!, 1);
}

/** An executed action, as the scripted user records it. */
function ran(kind: ExecutedAction['kind'], startMs: number, endMs: number, text?: string, timed = false): ExecutedAction {
  return { index: 0, kind, startMs, endMs, text, timed, source: { line: 1, column: 1 } };
}

function firstOf(result: CallResult, type: TraceEvent['type'], speech?: number): TraceEvent | undefined {
  return result.events.find((e) => e.type === type && (speech === undefined || (e as { speech?: number }).speech === speech));
}

describe('user turns', () => {
  const turnsOf = (actions: ExecutedAction[]) => analyseCall(callResult({ actions })).userTurns;

  it('continues a turn across pauses and fillers: one turn, its segments and its pauses', () => {
    expect(
      turnsOf([
        ran('say', 0, 1000, 'a table for'),
        ran('pause', 1000, 2200),
        ran('filler', 2200, 2500, 'um'),
        ran('pause', 2500, 3000),
        ran('say', 3000, 4000, 'four people.'),
      ]),
    ).toEqual([
      {
        index: 1,
        startMs: 0,
        endMs: 4000,
        text: 'a table for um four people.',
        segments: [
          { startMs: 0, endMs: 1000 },
          { startMs: 2200, endMs: 2500 },
          { startMs: 3000, endMs: 4000 },
        ],
        pauses: [
          { startMs: 1000, endMs: 2200 },
          { startMs: 2500, endMs: 3000 },
        ],
      },
    ]);
  });

  it('continues a turn with untimed speech straight after speech (no pause between them)', () => {
    const [turn, ...rest] = turnsOf([ran('say', 0, 1000, 'one'), ran('say', 1000, 2000, 'two')]);
    expect(rest).toEqual([]);
    expect(turn).toMatchObject({ startMs: 0, endMs: 2000, text: 'one two', pauses: [] });
  });

  it('starts a new turn with speech timed with `at`', () => {
    const turns = turnsOf([ran('say', 0, 1000, 'one'), ran('pause', 1000, 1500), ran('say', 4000, 5000, 'two', true)]);
    expect(turns.map((t) => [t.index, t.startMs, t.endMs, t.text, t.pauses.length])).toEqual([
      [1, 0, 1000, 'one', 0],
      [2, 4000, 5000, 'two', 0],
    ]);
  });

  it('starts a new turn with speech after a `silence`', () => {
    const turns = turnsOf([ran('say', 0, 1000, 'one'), ran('silence', 1000, 3000), ran('say', 3000, 4000, 'two')]);
    expect(turns.map((t) => [t.index, t.startMs, t.endMs, t.text])).toEqual([
      [1, 0, 1000, 'one'],
      [2, 3000, 4000, 'two'],
    ]);
  });

  it('does not count backchannels, noise or hang-ups as turns', () => {
    const turns = turnsOf([
      ran('say', 0, 1000, 'one'),
      ran('backchannel', 3000, 3400, 'mhm', true),
      ran('noise', 4000, 4300),
      ran('hangup', 5000, 5000),
    ]);
    expect(turns.map((t) => t.text)).toEqual(['one']);
  });

  it('groups a real call: the pause after "for" stays inside the turn', async () => {
    const result = await call([act.say("I'd like to book a table for"), act.pause(1500), act.say('two people tonight.')]);
    const [first, , second] = result.actions;
    expect(analyseCall(result).userTurns).toEqual([
      {
        index: 1,
        startMs: 0,
        endMs: second!.endMs,
        text: "I'd like to book a table for two people tonight.",
        segments: [
          { startMs: 0, endMs: 2625 },
          { startMs: second!.startMs, endMs: second!.endMs },
        ],
        pauses: [{ startMs: first!.endMs, endMs: second!.startMs }],
      },
    ]);
  });
});

describe('takeovers', () => {
  const HESITATION = [act.say("I'd like to book a table for"), act.pause(1500), act.say('two people tonight.')];

  it('finds the agent starting to speak in the pause after "for" with the fixed-silence endpointer', async () => {
    const result = await call(HESITATION, 'silence-only');
    const analysis = analyseCall(result);
    const pause = analysis.userTurns[0]!.pauses[0]!;
    const firstAudio = firstOf(result, 'ear.audio_start', 1)!.t;
    // Cut off when the user went on, after about half a second: still a takeover, because the
    // agent meant a whole reply (Full-Duplex-Bench's exemption is for short backchannel-like output).
    const [takeover] = analysis.takeovers;
    expect(takeover).toMatchObject({ atMs: firstAudio, speech: 1, turn: 1, pause, brief: false });
    expect(takeover!.audibleMs).toBeLessThan(1000);
    expect(takeover!.wordsIntended).toBeGreaterThan(3);
    // 500 ms of silence after the VAD's end of speech, then the reply: well inside the 1.5 s pause.
    const endpoint = firstOf(result, 'endpoint.end')!;
    expect(endpoint).toMatchObject({ reason: 'silence', silenceMs: 500, transcript: "I'd like to book a table for" });
    expect(pause.startMs).toBeLessThan(endpoint.t);
    expect(endpoint.t).toBeLessThan(firstAudio);
    expect(firstAudio).toBeLessThan(pause.endMs);
  });

  it('finds a takeover whose audio lasted more than a second into a 3 s pause', async () => {
    const result = await call([act.say("I'd like to book a table for"), act.pause(3000), act.say('two people tonight.')], 'silence-only');
    const analysis = analyseCall(result);
    const [speech] = analysis.speeches;
    expect(analysis.takeovers).toEqual([
      expect.objectContaining({ atMs: speech!.firstAudioMs, speech: 1, turn: 1, pause: analysis.userTurns[0]!.pauses[0], brief: false }),
    ]);
    // Not a short backchannel-like output (Full-Duplex-Bench: under 1 s and at most 3 words).
    expect(speech!.audible[0]!.endMs - speech!.audible[0]!.startMs).toBeGreaterThan(1000);
    expect(analysis.agentHeard[0]!.split(' ').length).toBeGreaterThan(3);
  });

  it('finds none when the semantic endpointer waits through the pause', async () => {
    const analysis = analyseCall(await call(HESITATION));
    expect(analysis.takeovers).toEqual([]);
    expect(analysis.speeches.map((s) => s.firstAudioMs > analysis.userTurns[0]!.endMs)).toEqual([true]);
  });
});

describe('overlaps', () => {
  it('a backchannel during the answer: the agent paused and resumed; pauseMs is the gap in its audio', async () => {
    const result = await call([act.say('When do you open tomorrow?'), onLine(6, act.backchannel('mhm', agentSpeech))]);
    const analysis = analyseCall(result);
    const backchannel = result.actions[1]!;
    const [speech] = analysis.speeches;
    expect(speech!.audible.length).toBe(2);
    const [before, after] = speech!.audible;
    expect(analysis.overlaps).toEqual([
      {
        atMs: backchannel.startMs,
        kind: 'backchannel',
        decision: 'resume',
        classifiedAs: 'backchannel',
        decidedAtMs: result.events.find((e) => e.type === 'interruption.classified')!.t,
        alongside: [],
        stopLatencyMs: null,
        pauseMs: after!.startMs - before!.endMs,
        speech: 1,
        text: 'mhm',
        line: 6,
      },
    ]);
    expect(backchannel.startMs).toBe(speech!.firstAudioMs + 1000);
    // Backchannels are not user speech for the overlap bound.
    expect(analysis.longestOverlapMs).toBe(0);
    expect(analysis.agentHeard).toEqual([LONG_REPLY]);
  });

  it('a barge-in: the agent stopped; stopLatencyMs runs from its onset to the last agent audio at the ear', async () => {
    const result = await call([act.say('When do you open tomorrow?'), onLine(8, act.say('Actually, what about Sunday?', agentSpeech))]);
    const analysis = analyseCall(result);
    const bargeIn = result.actions[1]!;
    const stoppedAt = result.events.filter((e) => e.type === 'ear.audio_stop' && e.speech === 1).at(-1)!.t;
    expect(analysis.overlaps).toEqual([
      {
        atMs: bargeIn.startMs,
        kind: 'bargeIn',
        decision: 'stop',
        classifiedAs: 'bargeIn',
        decidedAtMs: result.events.find((e) => e.type === 'interruption.classified' && e.kind === 'barge_in')!.t,
        alongside: [],
        stopLatencyMs: stoppedAt - bargeIn.startMs,
        pauseMs: null,
        speech: 1,
        text: 'Actually, what about Sunday?',
        line: 8,
      },
    ]);
    expect(analysis.overlaps[0]!.stopLatencyMs).toBeGreaterThan(0);
    expect(analysis.overlaps[0]!.stopLatencyMs).toBeLessThan(300);
    // User speech and agent audio overlapped from the onset until the audio stopped.
    expect(analysis.longestOverlapMs).toBe(stoppedAt - bargeIn.startMs);
    // The user heard the start of the first answer, then the whole second one.
    expect(analysis.agentHeard).toHaveLength(2);
    expect(LONG_REPLY.startsWith(analysis.agentHeard[0]!)).toBe(true);
    expect(analysis.agentHeard[0]!.length).toBeLessThan(LONG_REPLY.length);
    expect(analysis.agentHeard[1]).toBe(LONG_REPLY);
    expect(analysis.turns.map((t) => t.interrupted)).toEqual([true, false]);
  });

  it('the agent’s echo: an echo overlap it ignored, not user speech for the overlap bound', async () => {
    const result = await runCall(
      scenario({
        agent: { greeting: undefined, replies: [], defaultReply: LONG_REPLY },
        channel: { uplinkMs: fixed(40), downlinkMs: fixed(40), jitterMs: fixed(0), loss: undefined, echo: { delayMs: fixed(120), gainDb: -18, roomMs: undefined }, noise: undefined, codec: 'pcm16' },
        user: [act.say('When do you open tomorrow?')],
      }),
      PRESETS.default!,
      1,
    );
    const analysis = analyseCall(result);
    const echo = result.sounds.find((x) => x.kind === 'echo')!;
    // It starts 120 ms after the agent's audio reaches the ear, 18 dB below the agent's voice.
    expect(echo.startMs).toBe(analysis.speeches[0]!.firstAudioMs + 120);
    expect(echo.levelDb).toBe(-38);
    expect(analysis.overlaps).toEqual([
      { atMs: echo.startMs, kind: 'echo', decision: 'ignore', classifiedAs: 'echo', decidedAtMs: result.events.find((e) => e.type === 'interruption.classified')!.t, alongside: [], stopLatencyMs: null, pauseMs: null, speech: 1, text: '', line: null },
    ]);
    expect(analysis.longestOverlapMs).toBe(0);
    expect(analysis.agentHeard).toEqual([LONG_REPLY]);
  });

  it('no overlaps when the user only speaks between the agent’s utterances', async () => {
    const analysis = analyseCall(await call([act.say('When do you open tomorrow?')]));
    expect(analysis.overlaps).toEqual([]);
    expect(analysis.longestOverlapMs).toBe(0);
  });

  describe('from a hand-built trace', () => {
    // Agent utterance 1 audible 1000–1950, paused, audible again 2300–5000.
    const events: TraceEvent[] = [
      { type: 'llm.request', t: 500, speech: 1, turn: 1, speculative: false, messages: 1 },
      { type: 'ear.audio_start', t: 1000, speech: 1 },
      { type: 'ear.audio_stop', t: 1950, speech: 1 },
      { type: 'interruption.classified', t: 2250, speech: 1, onsetMs: 1900, kind: 'noise', action: 'resume', why: '300 ms of sound with no words', speechMs: 300, words: [] },
      { type: 'ear.audio_start', t: 2300, speech: 1 },
      { type: 'ear.audio_stop', t: 5000, speech: 1 },
      { type: 'history.commit', t: 5000, role: 'assistant', text: 'Hello there.', interrupted: false, speech: 1 },
      { type: 'turn.failed', t: 6000, turn: 2, why: 'LLM error: simulated LLM error (HTTP 500)' },
    ];
    const sound = (id: number, kind: Sound['kind'], startMs: number, endMs: number, text = ''): Sound => ({
      id,
      kind,
      startMs,
      endMs,
      levelDb: -20,
      text,
      action: undefined,
      speech: undefined,
      words: () => [],
    });

    it('reports a verdict no sound explains (a VAD false alarm) as noise', () => {
      const analysis = analyseCall(callResult({ events }));
      expect(analysis.overlaps).toEqual([
        { atMs: 1900, kind: 'noise', decision: 'resume', classifiedAs: 'noise', decidedAtMs: 2250, alongside: [], stopLatencyMs: null, pauseMs: 350, speech: 1, text: '', line: null },
      ]);
      expect(analysis.agentHeard).toEqual(['Hello there.']);
      expect(analysis.failedTurns).toEqual([events[7]]);
    });

    it('reports sounds the agent never noticed with decision none; sounds outside its audio are not overlaps', () => {
      const analysis = analyseCall(callResult({ events, sounds: [sound(1, 'noise', 3000, 3200), sound(2, 'speech', 6000, 7000, 'hello?')] }));
      expect(analysis.overlaps.map((o) => [o.atMs, o.kind, o.decision, o.classifiedAs, o.stopLatencyMs, o.pauseMs])).toEqual([
        [1900, 'noise', 'resume', 'noise', null, 350],
        [3000, 'noise', 'none', null, null, null],
      ]);
    });

    it('gives a barge-in the agent never noticed the time until its audio ended as stop latency', () => {
      // (A missed barge-in: the agent talked on to the end of its utterance, 2 s later.)
      const analysis = analyseCall(callResult({ events, sounds: [sound(1, 'speech', 3000, 3800, 'wait a moment')] }));
      expect(analysis.overlaps.find((o) => o.atMs === 3000)).toEqual({
        atMs: 3000,
        kind: 'bargeIn',
        decision: 'none',
        classifiedAs: null,
        decidedAtMs: null,
        alongside: [],
        stopLatencyMs: 2000,
        pauseMs: null,
        speech: 1,
        text: 'wait a moment',
        line: null,
      });
      expect(analysis.longestOverlapMs).toBe(800);
    });
  });
});
