import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { VirtualClock } from '../clock/virtual-clock.js';
import type { SessionState, TraceEvent } from '../trace/events.js';
import { ScriptedLlm } from '../../providers/scripted/scripted-llm.js';
import { ScriptedStt } from '../../providers/scripted/scripted-stt.js';
import { ScriptedTts } from '../../providers/scripted/scripted-tts.js';
import type { SttEvent } from '../../providers/stt.js';
import { AgentSession } from './agent-session.js';

/** One stretch of user speech: the silence before it, how long it lasts, what is said, how loud. */
const utterance = fc.record({
  gapMs: fc.integer({ min: 0, max: 4000 }),
  durationMs: fc.integer({ min: 80, max: 3000 }),
  text: fc.constantFrom('mhm', 'yeah okay', 'Tuesday morning.', 'I would like to book a table for', 'Actually make it Wednesday.', 'um', 'Stop.', ''),
  levelDb: fc.constantFrom(-20, -30, -45),
});

/** A call: what the user says, and how the sensors and providers behave. */
const call = fc.record({
  utterances: fc.array(utterance, { minLength: 1, maxLength: 6 }),
  greeting: fc.boolean(),
  vadOnsetMs: fc.integer({ min: 0, max: 150 }),
  vadOffsetMs: fc.integer({ min: 100, max: 400 }),
  sttLagMs: fc.integer({ min: 50, max: 500 }),
  ttftMs: fc.integer({ min: 50, max: 1500 }),
  tokenMs: fc.integer({ min: 5, max: 80 }),
  ttfbMs: fc.integer({ min: 30, max: 400 }),
  llmFails: fc.boolean(),
  ttsFails: fc.boolean(),
});
type Call = typeof call extends fc.Arbitrary<infer T> ? T : never;

interface Observed {
  readonly events: readonly TraceEvent[];
  /** Playout audible while the session said nobody should hear the agent. */
  readonly audibleWhileNotSpeaking: string[];
}

async function simulate(plan: Call): Promise<Observed> {
  const clock = new VirtualClock();
  const script: { atMs: number; event: SttEvent }[] = [];
  const vad: { atMs: number; start: boolean; onsetMs: number; endMs: number; levelDb: number }[] = [];
  let t = 500;
  for (const u of plan.utterances) {
    const start = t + u.gapMs;
    const end = start + u.durationMs;
    t = end;
    vad.push({ atMs: start + plan.vadOnsetMs, start: true, onsetMs: start, endMs: end, levelDb: u.levelDb });
    vad.push({ atMs: end + plan.vadOffsetMs, start: false, onsetMs: start, endMs: end, levelDb: u.levelDb });
    const words = u.text === '' ? [] : u.text.split(' ');
    const step = u.durationMs / Math.max(1, words.length);
    const timed = words.map((word, i) => ({ word, startMs: start + i * step, endMs: start + (i + 1) * step }));
    for (let k = 1; k < timed.length; k++) {
      const partial = timed.slice(0, k);
      script.push({ atMs: partial[k - 1]!.endMs + plan.sttLagMs, event: { type: 'transcript', isFinal: false, text: partial.map((w) => w.word).join(' '), words: partial } });
    }
    if (timed.length > 0) {
      script.push({ atMs: end + plan.sttLagMs, event: { type: 'transcript', isFinal: true, text: u.text, words: timed } });
    }
  }
  const stt = new ScriptedStt({ clock, script });
  const llm = new ScriptedLlm({
    clock,
    replies: [{ when: 'tuesday', say: 'Tuesday at ten works. Shall I book it for you?' }],
    defaultReply: 'Sure, I can help with that. What day would suit you best?',
    timeToFirstTokenMs: plan.ttftMs,
    tokenIntervalMs: plan.tokenMs,
    ...(plan.llmFails ? { failWith: 'HTTP 500' } : {}),
  });
  const tts = new ScriptedTts({ clock, timeToFirstByteMs: plan.ttfbMs, ...(plan.ttsFails ? { failWith: 'socket closed' } : {}) });
  const session = new AgentSession({ clock, stt, llm, tts });
  const audibleWhileNotSpeaking: string[] = [];
  const quiet: ReadonlySet<SessionState> = new Set(['listening', 'user_speaking']);
  session.trace.subscribe((event) => {
    if (quiet.has(session.state) && session.playout.playing) {
      audibleWhileNotSpeaking.push(`${event.t} ms ${event.type} in ${session.state}`);
    }
  });
  await session.start();
  if (plan.greeting) session.say('Hello! How can I help you today?');
  for (const v of vad) {
    clock.setTimeout(() => {
      session.handleVad(v.start ? { type: 'speech_start', onsetMs: v.onsetMs, levelDb: v.levelDb } : { type: 'speech_end', speechEndMs: v.endMs });
    }, v.atMs);
  }
  await clock.runUntil(t + 15_000);
  await session.close();
  await clock.runUntilIdle();
  return { events: session.trace.events, audibleWhileNotSpeaking };
}

const PROPERTY_RUNS = { numRuns: Number(process.env.PARLEY_PROPERTY_RUNS ?? 300) };

describe('AgentSession invariants over generated calls', () => {
  it('plays no audio while listening or while the user holds the turn', async () => {
    await fc.assert(
      fc.asyncProperty(call, async (plan) => {
        const { audibleWhileNotSpeaking } = await simulate(plan);
        expect(audibleWhileNotSpeaking).toEqual([]);
      }),
      PROPERTY_RUNS,
    );
  });

  it('ends every LLM request and every TTS request, completed or aborted', async () => {
    await fc.assert(
      fc.asyncProperty(call, async (plan) => {
        const { events } = await simulate(plan);
        const llmEnds = new Map<number, string[]>();
        for (const e of events) {
          if (e.type === 'llm.done' || e.type === 'llm.aborted' || e.type === 'llm.error') {
            llmEnds.set(e.speech, [...(llmEnds.get(e.speech) ?? []), e.type]);
          }
        }
        for (const request of events.filter((e) => e.type === 'llm.request')) {
          expect(llmEnds.get(request.speech), `speech ${request.speech}`).toHaveLength(1);
        }
        for (const request of events.filter((e) => e.type === 'tts.request')) {
          const ended = events.some(
            (e) =>
              e.t >= request.t &&
              ((e.type === 'tts.flushed' && e.speech === request.speech && e.segment === request.segment) ||
                ((e.type === 'tts.clear' || e.type === 'tts.error') && e.speech === request.speech)),
          );
          expect(ended, `speech ${request.speech} segment ${request.segment}`).toBe(true);
        }
      }),
      PROPERTY_RUNS,
    );
  });

  it('plays nothing of a speech after the barge-in that stopped it', async () => {
    await fc.assert(
      fc.asyncProperty(call, async (plan) => {
        const { events } = await simulate(plan);
        for (const bargeIn of events.filter((e) => e.type === 'interruption.classified' && e.kind === 'barge_in')) {
          if (bargeIn.type !== 'interruption.classified') continue;
          const later = events.filter((e) => e.t >= bargeIn.t && e.type === 'playout.start' && e.speech === bargeIn.speech);
          expect(later).toEqual([]);
          // Audio had stopped by the time of the verdict: the last playout event of that speech is a stop.
          const playout = events.filter((e) => e.t <= bargeIn.t && (e.type === 'playout.start' || e.type === 'playout.stop') && e.speech === bargeIn.speech);
          expect(playout.at(-1)?.type ?? 'playout.stop').toBe('playout.stop');
        }
      }),
      PROPERTY_RUNS,
    );
  });

  it('gives the same trace for the same call', async () => {
    await fc.assert(
      fc.asyncProperty(call, async (plan) => {
        const a = await simulate(plan);
        const b = await simulate(plan);
        expect(JSON.stringify(b.events)).toBe(JSON.stringify(a.events));
      }),
      { numRuns: 50 },
    );
  });
});
