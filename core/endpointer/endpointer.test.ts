import { describe, it, expect } from 'vitest';
import { VirtualClock } from '../clock/virtual-clock.js';
import {
  FusionEndpointer,
  SILENCE_ONLY_ENDPOINTER,
  resolveEndpointerConfig,
  type EndpointerDecision,
  type EndpointerOptions,
} from './endpointer.js';
import type { CompletenessDetector } from './completeness.js';

type Logged = EndpointerDecision & { readonly t: number };

function setup(options?: EndpointerOptions) {
  const clock = new VirtualClock();
  const ep = new FusionEndpointer(clock, options);
  const log: Logged[] = [];
  ep.subscribe((decision) => log.push({ t: clock.now(), ...decision }));
  /** Runs the clock to `t`, then does `action` (if any) at `t`. */
  const at = async (t: number, action?: () => void): Promise<void> => {
    await clock.runUntil(t);
    action?.();
  };
  const speechStart = (onsetMs = clock.now()): void => ep.onVad({ type: 'speech_start', onsetMs });
  const speechEnd = (speechEndMs = clock.now()): void => ep.onVad({ type: 'speech_end', speechEndMs });
  const transcript = (text: string, settled = true): void => ep.onTranscript({ text, settled });
  return { clock, ep, log, at, speechStart, speechEnd, transcript };
}

/** One user turn: speech 0–1000 ms with `text` transcribed during it, speech end reported at 1000. */
async function turn(text: string, options?: EndpointerOptions, settled = true) {
  const s = setup(options);
  await s.at(0, () => s.speechStart(0));
  await s.at(800, () => s.transcript(text, settled));
  await s.at(1000, () => s.speechEnd(1000));
  return s;
}

describe('resolveEndpointerConfig', () => {
  it('fills in the defaults', () => {
    expect(resolveEndpointerConfig()).toEqual({
      mode: 'semantic',
      minDelayMs: 250,
      silenceMs: 500,
      maxDelayMs: 2500,
      eagerDelayMs: 0,
      finalTimeoutMs: 600,
      providerSignals: true,
    });
  });

  it('resolves the silence-only preset', () => {
    expect(Object.isFrozen(SILENCE_ONLY_ENDPOINTER)).toBe(true);
    expect(resolveEndpointerConfig(SILENCE_ONLY_ENDPOINTER)).toEqual({
      mode: 'silence',
      minDelayMs: 250,
      silenceMs: 500,
      maxDelayMs: 2500,
      eagerDelayMs: false,
      finalTimeoutMs: 600,
      providerSignals: false,
    });
  });

  it.each<[EndpointerOptions, string]>([
    [{ minDelayMs: -1 }, 'endpointer minDelayMs must be ≥ 0, got -1'],
    [{ silenceMs: Number.NaN }, 'endpointer silenceMs must be ≥ 0, got NaN'],
    [{ maxDelayMs: -2500 }, 'endpointer maxDelayMs must be ≥ 0, got -2500'],
    [{ finalTimeoutMs: -1 }, 'endpointer finalTimeoutMs must be ≥ 0, got -1'],
    [{ minDelayMs: 600 }, 'endpointer delays must satisfy minDelayMs ≤ silenceMs ≤ maxDelayMs, got 600, 500, 2500'],
    [{ silenceMs: 3000 }, 'endpointer delays must satisfy minDelayMs ≤ silenceMs ≤ maxDelayMs, got 250, 3000, 2500'],
    [{ eagerDelayMs: -5 }, 'endpointer eagerDelayMs must be ≥ 0 or false, got -5'],
    [{ eagerDelayMs: Number.NaN }, 'endpointer eagerDelayMs must be ≥ 0 or false, got NaN'],
  ])('rejects %j', (options, message) => {
    expect(() => resolveEndpointerConfig(options)).toThrow(RangeError);
    expect(() => resolveEndpointerConfig(options)).toThrow(message);
    expect(() => new FusionEndpointer(new VirtualClock(), options)).toThrow(message);
  });

  it('does not require the delay order in silence mode', () => {
    expect(() => resolveEndpointerConfig({ mode: 'silence', minDelayMs: 900, silenceMs: 300, maxDelayMs: 100 })).not.toThrow();
  });
});

describe('FusionEndpointer', () => {
  describe('semantic mode', () => {
    it('ends a complete-looking turn minDelayMs after speech, with an eager end at once', async () => {
      const { clock, log } = await turn('Tuesday morning.');
      await clock.runUntil(5000);
      expect(log).toEqual([
        { t: 1000, type: 'eager_end', reason: 'semantic', transcript: 'Tuesday morning.' },
        { t: 1000, type: 'hold', completeness: 'complete', why: 'ends a sentence', deadlineMs: 1250 },
        { t: 1250, type: 'end', reason: 'semantic', transcript: 'Tuesday morning.', silenceMs: 250 },
      ]);
      expect(clock.pendingTimers()).toBe(0);
    });

    it('waits maxDelayMs for an incomplete-looking turn, then ends with reason max_delay', async () => {
      const { clock, log } = await turn("I'd like to book an appointment for");
      await clock.runUntil(3499);
      expect(log).toEqual([
        { t: 1000, type: 'hold', completeness: 'incomplete', why: 'ends with the preposition "for"', deadlineMs: 3500 },
      ]);
      await clock.runUntil(10_000);
      expect(log.slice(1)).toEqual([
        { t: 3500, type: 'end', reason: 'max_delay', transcript: "I'd like to book an appointment for", silenceMs: 2500 },
      ]);
    });

    it('waits silenceMs when the text gives no sign either way', async () => {
      const { clock, log } = await turn('Tuesday morning');
      await clock.runUntil(5000);
      expect(log).toEqual([
        { t: 1000, type: 'hold', completeness: 'uncertain', why: 'no sign either way', deadlineMs: 1500 },
        { t: 1500, type: 'end', reason: 'silence', transcript: 'Tuesday morning', silenceMs: 500 },
      ]);
    });

    it('counts from the true speech end when the VAD reports it late', async () => {
      const s = setup();
      await s.at(0, () => s.speechStart(0));
      await s.at(900, () => s.transcript('Yes, I do.'));
      // The VAD decides at 1200 that speech ended at 1000 (after its min silence).
      await s.at(1200, () => s.speechEnd(1000));
      await s.clock.runUntil(5000);
      expect(s.log).toEqual([
        { t: 1200, type: 'eager_end', reason: 'semantic', transcript: 'Yes, I do.' },
        { t: 1200, type: 'hold', completeness: 'complete', why: '"i do" is a complete answer', deadlineMs: 1250 },
        { t: 1250, type: 'end', reason: 'semantic', transcript: 'Yes, I do.', silenceMs: 250 },
      ]);
    });

    it('decides at once when the speech end is reported after the deadline', async () => {
      const s = setup();
      await s.at(0, () => s.speechStart(0));
      await s.at(500, () => s.transcript('Tuesday morning'));
      await s.at(1600, () => s.speechEnd(1000));
      expect(s.log).toEqual([{ t: 1600, type: 'end', reason: 'silence', transcript: 'Tuesday morning', silenceMs: 600 }]);
      expect(s.clock.pendingTimers()).toBe(0);
    });

    it('does not let a speech end in the future move the silence start past now', async () => {
      const s = setup();
      await s.at(0, () => s.speechStart(0));
      await s.at(500, () => s.transcript('Tuesday morning'));
      await s.at(1000, () => s.speechEnd(1300));
      await s.clock.runUntil(5000);
      expect(s.log).toEqual([
        { t: 1000, type: 'hold', completeness: 'uncertain', why: 'no sign either way', deadlineMs: 1500 },
        { t: 1500, type: 'end', reason: 'silence', transcript: 'Tuesday morning', silenceMs: 500 },
      ]);
    });

    it('re-decides when the transcript changes during the silence', async () => {
      const s = setup();
      await s.at(0, () => s.speechStart(0));
      await s.at(1000, () => s.speechEnd(1000));
      await s.at(1100, () => s.transcript('I want to', false));
      await s.at(1200, () => s.transcript('I want to go.', true));
      await s.clock.runUntil(5000);
      expect(s.log).toEqual([
        { t: 1000, type: 'hold', completeness: 'uncertain', why: 'nothing transcribed yet', deadlineMs: 1500 },
        { t: 1100, type: 'hold', completeness: 'incomplete', why: 'ends with the preposition "to"', deadlineMs: 3500 },
        { t: 1200, type: 'eager_end', reason: 'semantic', transcript: 'I want to go.' },
        { t: 1200, type: 'hold', completeness: 'complete', why: 'ends a sentence', deadlineMs: 1250 },
        { t: 1250, type: 'end', reason: 'semantic', transcript: 'I want to go.', silenceMs: 250 },
      ]);
    });

    it('ends at once when a transcript arrives that is complete and past its deadline', async () => {
      const s = setup();
      await s.at(0, () => s.speechStart(0));
      await s.at(1000, () => s.speechEnd(1000));
      await s.at(1400, () => s.transcript('Sure.'));
      expect(s.log).toEqual([
        { t: 1000, type: 'hold', completeness: 'uncertain', why: 'nothing transcribed yet', deadlineMs: 1500 },
        { t: 1400, type: 'eager_end', reason: 'semantic', transcript: 'Sure.' },
        { t: 1400, type: 'end', reason: 'semantic', transcript: 'Sure.', silenceMs: 400 },
      ]);
      expect(s.clock.pendingTimers()).toBe(0);
    });

    it('does not repeat an identical hold', async () => {
      const s = setup();
      await s.at(0, () => s.speechStart(0));
      await s.at(500, () => s.transcript('I want to'));
      await s.at(1000, () => s.speechEnd(1000));
      await s.at(1100, () => s.transcript('I want to'));
      await s.at(1200, () => s.transcript('I want to'));
      expect(s.log).toEqual([
        { t: 1000, type: 'hold', completeness: 'incomplete', why: 'ends with the preposition "to"', deadlineMs: 3500 },
      ]);
    });

    it('ignores transcripts while speaking until the speech ends, and a second speech end', async () => {
      const s = setup();
      await s.at(0, () => s.speechStart(0));
      await s.at(300, () => s.transcript('I want to', false));
      await s.at(600, () => s.transcript('I want to go.', true));
      expect(s.log).toEqual([]);
      await s.at(1000, () => s.speechEnd(1000));
      await s.at(1100, () => s.speechEnd(1100));
      await s.clock.runUntil(5000);
      expect(s.log).toEqual([
        { t: 1000, type: 'eager_end', reason: 'semantic', transcript: 'I want to go.' },
        { t: 1000, type: 'hold', completeness: 'complete', why: 'ends a sentence', deadlineMs: 1250 },
        { t: 1250, type: 'end', reason: 'semantic', transcript: 'I want to go.', silenceMs: 250 },
      ]);
    });

    it('ignores a speech end without a speech start', async () => {
      const s = setup();
      s.transcript('Hello.');
      await s.at(1000, () => s.speechEnd(1000));
      await s.clock.runUntil(5000);
      expect(s.log).toEqual([]);
      expect(s.clock.pendingTimers()).toBe(0);
    });

    it('uses custom delays', async () => {
      const options = { minDelayMs: 100, silenceMs: 700, maxDelayMs: 1000 };
      const complete = await turn('Thanks!', options);
      const incomplete = await turn('and', options);
      const uncertain = await turn('blue', options);
      await Promise.all([complete.clock.runUntil(5000), incomplete.clock.runUntil(5000), uncertain.clock.runUntil(5000)]);
      expect(complete.log.at(-1)).toEqual({ t: 1100, type: 'end', reason: 'semantic', transcript: 'Thanks!', silenceMs: 100 });
      expect(incomplete.log.at(-1)).toEqual({ t: 2000, type: 'end', reason: 'max_delay', transcript: 'and', silenceMs: 1000 });
      expect(uncertain.log.at(-1)).toEqual({ t: 1700, type: 'end', reason: 'silence', transcript: 'blue', silenceMs: 700 });
    });

    it('uses a custom completeness detector', async () => {
      const calls: string[] = [];
      const detector: CompletenessDetector = {
        classify: (text) => {
          calls.push(text);
          return { completeness: 'incomplete', why: 'the model says so' };
        },
      };
      const { clock, log } = await turn('Tuesday morning.', { detector });
      await clock.runUntil(5000);
      expect(calls).toEqual(['Tuesday morning.', 'Tuesday morning.']);
      expect(log).toEqual([
        { t: 1000, type: 'hold', completeness: 'incomplete', why: 'the model says so', deadlineMs: 3500 },
        { t: 3500, type: 'end', reason: 'max_delay', transcript: 'Tuesday morning.', silenceMs: 2500 },
      ]);
    });
  });

  describe('silence mode', () => {
    it.each(['Tuesday morning.', "I'd like to book an appointment for", 'um', 'yes'])(
      'ends %j after 500 ms of silence, with no eager end',
      async (text) => {
        const { clock, log } = await turn(text, SILENCE_ONLY_ENDPOINTER);
        await clock.runUntil(5000);
        expect(log).toEqual([
          { t: 1000, type: 'hold', completeness: 'uncertain', why: 'fixed silence', deadlineMs: 1500 },
          { t: 1500, type: 'end', reason: 'silence', transcript: text, silenceMs: 500 },
        ]);
      },
    );

    it('still waits for the final transcript', async () => {
      const { clock, log, at, transcript } = await turn('Tuesday', SILENCE_ONLY_ENDPOINTER, false);
      await at(1700, () => transcript('Tuesday morning', true));
      await clock.runUntil(5000);
      expect(log).toEqual([
        { t: 1000, type: 'hold', completeness: 'uncertain', why: 'fixed silence', deadlineMs: 1500 },
        { t: 1500, type: 'hold', completeness: 'uncertain', why: 'waiting for the final transcript', deadlineMs: 2100 },
        { t: 1700, type: 'end', reason: 'silence', transcript: 'Tuesday morning', silenceMs: 700 },
      ]);
    });

    it('ignores provider signals (providerSignals: false in the preset)', async () => {
      const { clock, ep, log, at } = await turn('Tuesday morning', SILENCE_ONLY_ENDPOINTER);
      await at(1100, () => {
        ep.onProviderTurn('eager_end_of_turn', 'Tuesday morning');
        ep.onProviderTurn('end_of_turn', 'Tuesday morning');
      });
      await clock.runUntil(5000);
      expect(log.map((d) => [d.t, d.type])).toEqual([
        [1000, 'hold'],
        [1500, 'end'],
      ]);
    });
  });

  describe('eager end', () => {
    it('comes after eagerDelayMs of silence when that is set', async () => {
      const { clock, log } = await turn('Tuesday morning.', { eagerDelayMs: 100 });
      await clock.runUntil(5000);
      expect(log).toEqual([
        { t: 1100, type: 'eager_end', reason: 'semantic', transcript: 'Tuesday morning.' },
        { t: 1100, type: 'hold', completeness: 'complete', why: 'ends a sentence', deadlineMs: 1250 },
        { t: 1250, type: 'end', reason: 'semantic', transcript: 'Tuesday morning.', silenceMs: 250 },
      ]);
    });

    it('is not sent when eagerDelayMs is false or not shorter than the delay', async () => {
      for (const eagerDelayMs of [false, 250, 400] as const) {
        const { clock, log } = await turn('Tuesday morning.', { eagerDelayMs });
        await clock.runUntil(5000);
        expect(log).toEqual([
          { t: 1000, type: 'hold', completeness: 'complete', why: 'ends a sentence', deadlineMs: 1250 },
          { t: 1250, type: 'end', reason: 'semantic', transcript: 'Tuesday morning.', silenceMs: 250 },
        ]);
      }
    });

    it('is not sent for uncertain or incomplete text', async () => {
      for (const text of ['Tuesday morning', 'and']) {
        const { clock, log } = await turn(text);
        await clock.runUntil(5000);
        expect(log.filter((d) => d.type === 'eager_end')).toEqual([]);
      }
    });

    it('is sent once per turn even if the text changes', async () => {
      const { clock, log, at, transcript } = await turn('Yes.', { minDelayMs: 400 });
      await at(1100, () => transcript('Yes, please.'));
      await clock.runUntil(5000);
      expect(log).toEqual([
        { t: 1000, type: 'eager_end', reason: 'semantic', transcript: 'Yes.' },
        { t: 1000, type: 'hold', completeness: 'complete', why: '"yes" is a complete answer', deadlineMs: 1400 },
        { t: 1100, type: 'hold', completeness: 'complete', why: 'ends a sentence', deadlineMs: 1400 },
        { t: 1400, type: 'end', reason: 'semantic', transcript: 'Yes, please.', silenceMs: 400 },
      ]);
    });
  });

  describe('user resuming', () => {
    it('cancels the pending end and emits resumed after an eager end; the next pause decides afresh', async () => {
      const { clock, log, at, speechStart, speechEnd, transcript } = await turn('Tuesday morning.');
      await at(1200, () => speechStart(1150));
      await clock.runUntil(3000);
      expect(log).toEqual([
        { t: 1000, type: 'eager_end', reason: 'semantic', transcript: 'Tuesday morning.' },
        { t: 1000, type: 'hold', completeness: 'complete', why: 'ends a sentence', deadlineMs: 1250 },
        { t: 1200, type: 'resumed' },
      ]);
      expect(clock.pendingTimers()).toBe(0);
      await at(3100, () => transcript('Tuesday morning. Actually, Wednesday.'));
      await at(3500, () => speechEnd(3500));
      await clock.runUntil(9000);
      expect(log.slice(3)).toEqual([
        { t: 3500, type: 'eager_end', reason: 'semantic', transcript: 'Tuesday morning. Actually, Wednesday.' },
        { t: 3500, type: 'hold', completeness: 'complete', why: 'ends a sentence', deadlineMs: 3750 },
        { t: 3750, type: 'end', reason: 'semantic', transcript: 'Tuesday morning. Actually, Wednesday.', silenceMs: 250 },
      ]);
    });

    it('cancels the pending end silently when no eager end was sent', async () => {
      const { clock, log, at, speechStart, speechEnd } = await turn('I want to');
      await at(2000, () => speechStart(2000));
      await clock.runUntil(6000);
      expect(log).toEqual([
        { t: 1000, type: 'hold', completeness: 'incomplete', why: 'ends with the preposition "to"', deadlineMs: 3500 },
      ]);
      // The same hold after the next pause is reported again (a new wait).
      await at(6000, () => speechEnd(6000));
      expect(log.slice(1)).toEqual([
        { t: 6000, type: 'hold', completeness: 'incomplete', why: 'ends with the preposition "to"', deadlineMs: 8500 },
      ]);
    });

    it('a resumption just before the deadline still cancels it', async () => {
      const { clock, log, at, speechStart } = await turn('Tuesday morning');
      await at(1499, () => speechStart(1499));
      await clock.runUntil(5000);
      expect(log).toEqual([{ t: 1000, type: 'hold', completeness: 'uncertain', why: 'no sign either way', deadlineMs: 1500 }]);
    });
  });

  describe('waiting for the final transcript', () => {
    it('ends on the final as soon as it comes after the deadline', async () => {
      const { clock, log, at, transcript } = await turn('Tuesday morning.', undefined, false);
      await at(1400, () => transcript('Tuesday morning.', true));
      await clock.runUntil(5000);
      expect(log).toEqual([
        { t: 1000, type: 'eager_end', reason: 'semantic', transcript: 'Tuesday morning.' },
        { t: 1000, type: 'hold', completeness: 'complete', why: 'ends a sentence', deadlineMs: 1250 },
        { t: 1250, type: 'hold', completeness: 'complete', why: 'waiting for the final transcript', deadlineMs: 1850 },
        { t: 1400, type: 'end', reason: 'semantic', transcript: 'Tuesday morning.', silenceMs: 400 },
      ]);
    });

    it('ends on the interim text finalTimeoutMs past the deadline', async () => {
      const { clock, log } = await turn('Tuesday morning.', undefined, false);
      await clock.runUntil(1849);
      expect(log.filter((d) => d.type === 'end')).toEqual([]);
      await clock.runUntil(5000);
      expect(log.slice(2)).toEqual([
        { t: 1250, type: 'hold', completeness: 'complete', why: 'waiting for the final transcript', deadlineMs: 1850 },
        { t: 1850, type: 'end', reason: 'semantic', transcript: 'Tuesday morning.', silenceMs: 850 },
      ]);
    });

    it('honours a custom finalTimeoutMs, and 0 for none', async () => {
      const custom = await turn('Tuesday morning', { finalTimeoutMs: 100 }, false);
      await custom.clock.runUntil(5000);
      expect(custom.log).toEqual([
        { t: 1000, type: 'hold', completeness: 'uncertain', why: 'no sign either way', deadlineMs: 1500 },
        { t: 1500, type: 'hold', completeness: 'uncertain', why: 'waiting for the final transcript', deadlineMs: 1600 },
        { t: 1600, type: 'end', reason: 'silence', transcript: 'Tuesday morning', silenceMs: 600 },
      ]);
      const none = await turn('Tuesday morning', { finalTimeoutMs: 0 }, false);
      await none.clock.runUntil(5000);
      expect(none.log).toEqual([
        { t: 1000, type: 'hold', completeness: 'uncertain', why: 'no sign either way', deadlineMs: 1500 },
        { t: 1500, type: 'end', reason: 'silence', transcript: 'Tuesday morning', silenceMs: 500 },
      ]);
    });

    it('re-decides on a final that changes the verdict', async () => {
      const { clock, log, at, transcript } = await turn('Tuesday morning.', undefined, false);
      await at(1300, () => transcript('Tuesday morning and', true));
      await clock.runUntil(9000);
      expect(log.slice(2)).toEqual([
        { t: 1250, type: 'hold', completeness: 'complete', why: 'waiting for the final transcript', deadlineMs: 1850 },
        { t: 1300, type: 'hold', completeness: 'incomplete', why: 'ends with the conjunction "and"', deadlineMs: 3500 },
        { t: 3500, type: 'end', reason: 'max_delay', transcript: 'Tuesday morning and', silenceMs: 2500 },
      ]);
    });
  });

  describe('nothing transcribed', () => {
    it('discards the speech at the silence deadline', async () => {
      const s = setup();
      await s.at(0, () => s.speechStart(0));
      await s.at(300, () => s.speechEnd(300));
      await s.clock.runUntil(5000);
      expect(s.log).toEqual([
        { t: 300, type: 'hold', completeness: 'uncertain', why: 'nothing transcribed yet', deadlineMs: 800 },
        { t: 800, type: 'discarded', why: 'speech ended with nothing transcribed' },
      ]);
      // A late transcript after the discard is ignored.
      await s.at(5100, () => s.transcript('Hello.'));
      await s.clock.runUntil(9000);
      expect(s.log).toHaveLength(2);
    });

    it('waits for a pending final before discarding; whitespace counts as nothing', async () => {
      const s = setup();
      await s.at(0, () => s.speechStart(0));
      await s.at(200, () => s.transcript('  ', false));
      await s.at(300, () => s.speechEnd(300));
      await s.clock.runUntil(5000);
      expect(s.log).toEqual([
        { t: 300, type: 'hold', completeness: 'uncertain', why: 'nothing transcribed yet', deadlineMs: 800 },
        { t: 800, type: 'hold', completeness: 'uncertain', why: 'waiting for the final transcript', deadlineMs: 1400 },
        { t: 1400, type: 'discarded', why: 'speech ended with nothing transcribed' },
      ]);
    });

    it('starts a fresh turn on the next speech after a discard', async () => {
      const s = setup();
      await s.at(0, () => s.speechStart(0));
      await s.at(300, () => s.speechEnd(300));
      await s.clock.runUntil(1000);
      await s.at(2000, () => s.speechStart(2000));
      await s.at(2500, () => s.transcript('Hello.'));
      await s.at(3000, () => s.speechEnd(3000));
      await s.clock.runUntil(9000);
      expect(s.log.slice(2)).toEqual([
        { t: 3000, type: 'eager_end', reason: 'semantic', transcript: 'Hello.' },
        { t: 3000, type: 'hold', completeness: 'complete', why: '"hello" is a complete answer', deadlineMs: 3250 },
        { t: 3250, type: 'end', reason: 'semantic', transcript: 'Hello.', silenceMs: 250 },
      ]);
    });
  });

  describe('provider signals', () => {
    it('eager_end_of_turn, turn_resumed and end_of_turn drive the decisions', async () => {
      const s = setup();
      await s.at(0, () => s.speechStart(0));
      await s.at(500, () => s.transcript('I need a', false));
      await s.at(900, () => s.ep.onProviderTurn('eager_end_of_turn', 'I need a taxi'));
      await s.at(950, () => s.ep.onProviderTurn('eager_end_of_turn', 'I need a taxi')); // once
      await s.at(1000, () => s.ep.onProviderTurn('turn_resumed'));
      await s.at(1050, () => s.ep.onProviderTurn('turn_resumed')); // nothing to resume
      await s.at(1200, () => s.speechEnd(1200));
      await s.at(1300, () => s.ep.onProviderTurn('end_of_turn', 'I need a taxi to the airport'));
      await s.clock.runUntil(9000);
      expect(s.log).toEqual([
        { t: 900, type: 'eager_end', reason: 'provider', transcript: 'I need a taxi' },
        { t: 1000, type: 'resumed' },
        { t: 1200, type: 'hold', completeness: 'incomplete', why: 'ends with the article "a"', deadlineMs: 3700 },
        { t: 1300, type: 'end', reason: 'provider', transcript: 'I need a taxi to the airport', silenceMs: 100 },
      ]);
      expect(s.clock.pendingTimers()).toBe(0);
    });

    it('end_of_turn while speaking has 0 ms of silence and uses the session transcript when none is given', async () => {
      const s = setup();
      await s.at(0, () => s.speechStart(0));
      await s.at(500, () => s.transcript('Book it'));
      await s.at(700, () => s.ep.onProviderTurn('end_of_turn'));
      expect(s.log).toEqual([{ t: 700, type: 'end', reason: 'provider', transcript: 'Book it', silenceMs: 0 }]);
      // The turn is over: later input is ignored until the next speech.
      await s.at(800, () => s.speechEnd(800));
      await s.at(900, () => s.ep.onProviderTurn('end_of_turn', 'again'));
      await s.clock.runUntil(5000);
      expect(s.log).toHaveLength(1);
    });

    it('ignores signals with no text, and the segment-level signals', async () => {
      const s = setup();
      await s.at(0, () => s.speechStart(0));
      await s.at(100, () => {
        s.ep.onProviderTurn('eager_end_of_turn');
        s.ep.onProviderTurn('end_of_turn', '   ');
        s.ep.onProviderTurn('start_of_turn', 'hello');
        s.ep.onProviderTurn('speech_final', 'hello');
        s.ep.onProviderTurn('utterance_end', 'hello');
      });
      expect(s.log).toEqual([]);
    });

    it('a provider eager end is followed by resumed when the VAD hears more speech', async () => {
      const s = setup();
      await s.at(0, () => s.speechStart(0));
      await s.at(400, () => s.transcript('Yes.'));
      await s.at(500, () => s.speechEnd(500));
      // Already sent a semantic eager end at 500: the provider's is not repeated.
      await s.at(550, () => s.ep.onProviderTurn('eager_end_of_turn', 'Yes.'));
      await s.at(600, () => s.speechStart(600));
      expect(s.log).toEqual([
        { t: 500, type: 'eager_end', reason: 'semantic', transcript: 'Yes.' },
        { t: 500, type: 'hold', completeness: 'complete', why: '"yes" is a complete answer', deadlineMs: 750 },
        { t: 600, type: 'resumed' },
      ]);
    });

    it('are ignored with providerSignals: false', async () => {
      const { clock, ep, log, at } = await turn('Tuesday morning', { providerSignals: false });
      await at(1100, () => {
        ep.onProviderTurn('eager_end_of_turn', 'Tuesday morning');
        ep.onProviderTurn('turn_resumed');
        ep.onProviderTurn('end_of_turn', 'Tuesday morning');
      });
      await clock.runUntil(5000);
      expect(log).toEqual([
        { t: 1000, type: 'hold', completeness: 'uncertain', why: 'no sign either way', deadlineMs: 1500 },
        { t: 1500, type: 'end', reason: 'silence', transcript: 'Tuesday morning', silenceMs: 500 },
      ]);
    });
  });

  describe('reset, dispose, subscribe', () => {
    it('reset forgets the turn: its transcript, its timer and its eager end', async () => {
      const { clock, ep, log, at, speechStart, speechEnd } = await turn('Tuesday morning.');
      await at(1100, () => ep.reset());
      expect(clock.pendingTimers()).toBe(0);
      await at(2000, () => speechStart(2000)); // no `resumed`: the eager end was forgotten
      await at(2500, () => speechEnd(2500));
      await clock.runUntil(9000);
      expect(log).toEqual([
        { t: 1000, type: 'eager_end', reason: 'semantic', transcript: 'Tuesday morning.' },
        { t: 1000, type: 'hold', completeness: 'complete', why: 'ends a sentence', deadlineMs: 1250 },
        { t: 2500, type: 'hold', completeness: 'uncertain', why: 'nothing transcribed yet', deadlineMs: 3000 },
        { t: 3000, type: 'discarded', why: 'speech ended with nothing transcribed' },
      ]);
    });

    it('after reset, a speech end without a new start is ignored', async () => {
      const s = setup();
      await s.at(0, () => s.speechStart(0));
      await s.at(100, () => s.ep.reset());
      await s.at(500, () => s.speechEnd(500));
      await s.clock.runUntil(5000);
      expect(s.log).toEqual([]);
    });

    it('dispose stops the timers for good', async () => {
      const { clock, ep, log, at, speechStart, speechEnd, transcript } = await turn('Tuesday morning');
      await at(1100, () => ep.dispose());
      expect(clock.pendingTimers()).toBe(0);
      await at(1200, () => {
        speechStart(1200);
        transcript('Hello.');
        speechEnd(1300);
        ep.onProviderTurn('end_of_turn', 'Hello.');
        ep.reset();
        speechStart(1300);
        speechEnd(1300);
      });
      expect(clock.pendingTimers()).toBe(0);
      await clock.runUntil(9000);
      expect(log).toEqual([{ t: 1000, type: 'hold', completeness: 'uncertain', why: 'no sign either way', deadlineMs: 1500 }]);
    });

    it('unsubscribe stops the deliveries to that listener only', async () => {
      const s = setup();
      const other: string[] = [];
      const unsubscribe = s.ep.subscribe((d) => other.push(d.type));
      await s.at(0, () => s.speechStart(0));
      await s.at(100, () => s.transcript('Yes.'));
      await s.at(200, () => s.speechEnd(200));
      unsubscribe();
      await s.clock.runUntil(5000);
      expect(other).toEqual(['eager_end', 'hold']);
      expect(s.log.map((d) => d.type)).toEqual(['eager_end', 'hold', 'end']);
    });
  });
});
