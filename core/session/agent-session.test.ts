import { describe, expect, it } from 'vitest';
import { VirtualClock } from '../clock/virtual-clock.js';
import type { TraceEvent } from '../trace/events.js';
import { ScriptedLlm } from '../../providers/scripted/scripted-llm.js';
import { ScriptedStt } from '../../providers/scripted/scripted-stt.js';
import { ScriptedTts } from '../../providers/scripted/scripted-tts.js';
import { AgentSession } from './agent-session.js';

function words(text: string, startMs: number, endMs: number) {
  const list = text.split(' ');
  const step = (endMs - startMs) / list.length;
  return list.map((word, i) => ({ word, startMs: startMs + i * step, endMs: startMs + (i + 1) * step }));
}

/** The call of the issue: a question at 1.0–2.5 s, an answer at 3.1 s, a barge-in at 5.0 s. */
async function bookingCall() {
  const clock = new VirtualClock();
  const stt = new ScriptedStt({
    clock,
    script: [
      { atMs: 1600, event: { type: 'transcript', isFinal: false, text: 'Tuesday', words: words('Tuesday', 1000, 1500) } },
      { atMs: 2400, event: { type: 'transcript', isFinal: false, text: 'Tuesday morning', words: words('Tuesday morning', 1000, 2500) } },
      { atMs: 2600, event: { type: 'transcript', isFinal: true, text: 'Tuesday morning.', words: words('Tuesday morning.', 1000, 2500) } },
      { atMs: 5300, event: { type: 'transcript', isFinal: false, text: 'Actually', words: words('Actually', 4950, 5250) } },
    ],
  });
  const llm = new ScriptedLlm({
    clock,
    replies: [{ when: 'tuesday', say: 'Tuesday at ten works. Shall I book it?' }],
    timeToFirstTokenMs: 200,
    tokenIntervalMs: 20,
  });
  const tts = new ScriptedTts({ clock, timeToFirstByteMs: 120, msPerChar: 65, chunkMs: 200, realtimeFactor: 4 });
  const session = new AgentSession({ clock, stt, llm, tts, instructions: 'You book appointments.' });
  await session.start();

  const at = (ms: number, action: () => void) => clock.setTimeout(action, ms - clock.now());
  at(1050, () => session.handleVad({ type: 'speech_start', onsetMs: 1000, levelDb: -22 }));
  at(2700, () => session.handleVad({ type: 'speech_end', speechEndMs: 2500 }));
  at(5000, () => session.handleVad({ type: 'speech_start', onsetMs: 4950, levelDb: -22 }));
  await clock.runUntil(8000);
  return { session, events: session.trace.events, stt };
}

function first<K extends TraceEvent['type']>(events: readonly TraceEvent[], type: K, where: (e: Extract<TraceEvent, { type: K }>) => boolean = () => true) {
  const found = events.find((e): e is Extract<TraceEvent, { type: K }> => e.type === type && where(e as Extract<TraceEvent, { type: K }>));
  if (!found) throw new Error(`no ${type} event`);
  return found;
}

describe('AgentSession on the virtual clock', () => {
  it('answers a complete turn and stops at once on a barge-in, at exact times', async () => {
    const { events, session, stt } = await bookingCall();

    // The turn ends 250 ms after the last word: the transcript reads complete.
    expect(first(events, 'vad.speech_end')).toMatchObject({ t: 2700, speechEndMs: 2500 });
    expect(first(events, 'endpoint.end')).toMatchObject({ t: 2750, turn: 1, reason: 'semantic', transcript: 'Tuesday morning.', silenceMs: 250 });
    // The LLM started speculatively on the eager end of turn and was committed.
    expect(first(events, 'endpoint.eager_end')).toMatchObject({ t: 2700, turn: 1, reason: 'semantic' });
    expect(first(events, 'llm.request')).toMatchObject({ t: 2700, speech: 1, speculative: true, messages: 2 });
    expect(first(events, 'llm.committed')).toMatchObject({ t: 2750, speech: 1 });
    expect(first(events, 'llm.first_token').t).toBe(2900);
    // The first sentence is complete once the next token shows a new sentence begins.
    expect(first(events, 'text.chunk')).toMatchObject({ t: 2980, segment: 1, text: 'Tuesday at ten works.' });
    expect(first(events, 'tts.first_byte').t).toBe(3100);
    expect(first(events, 'playout.start')).toMatchObject({ t: 3100, speech: 1, resumed: false });
    expect(first(events, 'history.commit', (e) => e.role === 'user')).toMatchObject({ t: 3100, text: 'Tuesday morning.' });

    // Barge-in: the audio stops in the tick the user's speech is detected...
    expect(first(events, 'interruption.suspected')).toMatchObject({ t: 5000, speech: 1, paused: true });
    expect(first(events, 'playout.stop')).toMatchObject({ t: 5000, cause: 'paused', playedMs: 1900 });
    // ...and the first word makes it a barge-in: TTS cleared, speech over, only the heard part kept.
    expect(first(events, 'interruption.classified')).toMatchObject({ t: 5300, kind: 'barge_in', action: 'stop', words: ['Actually'] });
    expect(first(events, 'history.commit', (e) => e.role === 'assistant')).toMatchObject({
      t: 5300,
      text: 'Tuesday at ten works. Shall I',
      interrupted: true,
    });
    expect(events.filter((e) => e.type === 'playout.start')).toHaveLength(1);
    expect(session.state).toBe('user_speaking');
    expect(session.history).toEqual([
      { role: 'user', content: 'Tuesday morning.' },
      { role: 'assistant', content: 'Tuesday at ten works. Shall I' },
    ]);
    expect(stt.session?.finalizeCalls).toBe(1);
  });

  it('records the same trace on every run', async () => {
    const a = (await bookingCall()).events;
    const b = (await bookingCall()).events;
    expect(JSON.stringify(a)).toBe(JSON.stringify(b));
  });
});
