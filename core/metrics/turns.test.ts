import { describe, expect, it } from 'vitest';
import type { TraceEvent } from '../trace/events.js';
import { heardSpeeches, turnReports } from './turns.js';

const ev = (t: number, type: TraceEvent['type'], fields: object = {}): TraceEvent => ({ t, type, ...fields }) as TraceEvent;

/** A turn answered speculatively, a backchannel, and a barge-in. */
const worldTrace: TraceEvent[] = [
  ev(1000, 'user.speech_start', { kind: 'speech' }),
  ev(2500, 'user.speech_end', { kind: 'speech' }),
  ev(2700, 'vad.speech_end', { speechEndMs: 2540 }),
  ev(2700, 'llm.request', { speech: 1, turn: 1, speculative: true, messages: 1 }),
  ev(2750, 'endpoint.end', { turn: 1, reason: 'semantic', transcript: 'Tuesday.', silenceMs: 250 }),
  ev(2750, 'llm.committed', { speech: 1 }),
  ev(2900, 'llm.first_token', { speech: 1 }),
  ev(3050, 'tts.first_byte', { speech: 1, segment: 1 }),
  ev(3050, 'playout.start', { speech: 1, resumed: false }),
  ev(3090, 'ear.audio_start', { speech: 1 }),
  ev(4000, 'user.speech_start', { kind: 'backchannel' }),
  ev(4300, 'user.speech_end', { kind: 'backchannel' }),
  ev(5000, 'playout.stop', { speech: 1, cause: 'paused', playedMs: 1950 }),
  ev(5040, 'ear.audio_stop', { speech: 1 }),
  ev(5300, 'interruption.classified', { speech: 1, onsetMs: 4950, kind: 'barge_in', action: 'stop', why: '', speechMs: 300, words: [] }),
];

describe('turn metrics from the trace', () => {
  it('measures from the ground-truth speech end to the first audio at the ear', () => {
    expect(turnReports(worldTrace)).toEqual([
      {
        index: 1,
        userSpeechEndMs: 2500,
        endpointMs: 2750,
        endpointReason: 'semantic',
        llmFirstTokenMs: 2900,
        ttsFirstByteMs: 3050,
        agentAudioStartMs: 3090,
        voiceToVoiceMs: 590,
        eouDelayMs: 250,
        interrupted: true,
      },
    ]);
    expect(heardSpeeches(worldTrace)).toEqual([{ speech: 1, turn: 1, firstAudioMs: 3090, audible: [{ startMs: 3090, endMs: 5040 }] }]);
  });

  it('falls back to the VAD and the playout when the trace has no ground truth (a live call)', () => {
    const live = worldTrace.filter((e) => !e.type.startsWith('user.') && !e.type.startsWith('ear.'));
    const [turn] = turnReports(live);
    expect(turn).toMatchObject({ userSpeechEndMs: 2540, agentAudioStartMs: 3050, voiceToVoiceMs: 510, eouDelayMs: 210 });
    expect(heardSpeeches(live)[0]!.audible).toEqual([{ startMs: 3050, endMs: 5000 }]);
  });

  it('finds the reply of a turn by order, as on the wall clock, where one handler\'s events differ in time', () => {
    const wallClock = worldTrace.map((e) => (e.type === 'llm.committed' ? { ...e, t: e.t + 0.013 } : e));
    expect(turnReports(wallClock)[0]).toMatchObject({ llmFirstTokenMs: 2900, agentAudioStartMs: 3090, voiceToVoiceMs: 590 });
    const requested = [
      ev(2500, 'user.speech_end', { kind: 'speech' }),
      ev(2750, 'endpoint.end', { turn: 1, reason: 'silence', transcript: 'Tuesday.', silenceMs: 250 }),
      ev(2750.2, 'session.state', { from: 'user_speaking', to: 'thinking', why: 'end of turn' }),
      ev(2750.4, 'llm.request', { speech: 2, turn: 1, speculative: false, messages: 1 }),
      ev(2900, 'llm.first_token', { speech: 2 }),
    ];
    expect(turnReports(requested)[0]).toMatchObject({ llmFirstTokenMs: 2900 });
  });

  it('does not count audio stopped in the tick it started as heard', () => {
    const paused = [
      ev(100, 'ear.audio_start', { speech: 1 }),
      ev(100, 'ear.audio_stop', { speech: 1 }),
      ev(900, 'ear.audio_start', { speech: 2 }),
      ev(1500, 'ear.audio_stop', { speech: 2 }),
    ];
    expect(heardSpeeches(paused)).toEqual([{ speech: 2, turn: 0, firstAudioMs: 900, audible: [{ startMs: 900, endMs: 1500 }] }]);
  });

  it('ignores backchannels when finding the end of the user speech', () => {
    const late = [...worldTrace, ev(6000, 'endpoint.end', { turn: 2, reason: 'silence', transcript: 'x', silenceMs: 500 })];
    expect(turnReports(late)[1]).toMatchObject({ userSpeechEndMs: 2500, agentAudioStartMs: null, voiceToVoiceMs: null });
  });
});
