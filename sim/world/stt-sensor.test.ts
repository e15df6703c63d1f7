import { describe, expect, it } from 'vitest';
import { VirtualClock } from '../../core/clock/virtual-clock.js';
import { RandomStreams } from '../../core/random/random.js';
import type { SttEvent, SttWord } from '../../providers/stt.js';
import type { SttSpec } from '../config/model.js';
import { fixed } from '../distribution.js';
import { SimulatedStt, SimulatedSttSession, type WordSource } from './stt-sensor.js';

/** Interims every 100 ms lagging 50 ms behind the audio, a final 200 ms after speech, no turn events. */
const SPEC: SttSpec = {
  profile: 'test',
  partialIntervalMs: fixed(100),
  partialLagMs: fixed(50),
  finalLatencyMs: fixed(200),
  wordErrorRate: 0,
  turnEvents: false,
  endOfTurnMs: fixed(400),
  transcribeAboveDb: -35,
};

/** Words spoken back to back from `startMs`, each `wordMs` long; known once they have begun (as the microphone gives them). */
function spoken(text: string, startMs: number, wordMs = 200): { words: SttWord[]; source: WordSource } {
  const words = text.split(' ').map((word, i) => ({ word, startMs: startMs + i * wordMs, endMs: startMs + (i + 1) * wordMs }));
  return { words, source: (untilMs) => words.filter((w) => w.startMs <= untilMs) };
}

type Logged = SttEvent & { atMs: number };

function session(spec: Partial<SttSpec> = {}) {
  const clock = new VirtualClock();
  const stt = new SimulatedSttSession(clock, { ...SPEC, ...spec }, new RandomStreams(1).stream('stt'));
  const log: Logged[] = [];
  stt.subscribe((event) => log.push({ ...event, atMs: clock.now() }));
  const at = (atMs: number, fn: () => void): void => {
    clock.setTimeout(fn, atMs);
  };
  const transcripts = () => log.flatMap((e) => (e.type === 'transcript' ? [{ atMs: e.atMs, isFinal: e.isFinal, text: e.text }] : []));
  const turns = () => log.flatMap((e) => (e.type === 'turn' ? [{ atMs: e.atMs, signal: e.signal, transcript: e.transcript }] : []));
  return { clock, stt, log, at, transcripts, turns };
}

describe('SimulatedSttSession', () => {
  it('sends interim results at the cadence with the words ended by now − lag, then a final with all words after the final latency', async () => {
    const { clock, stt, log, at, transcripts } = session();
    const speech = spoken('one two three', 1000); // 1000–1200, 1200–1400, 1400–1600
    at(1000, () => stt.speechOn(1, speech.source));
    at(1650, () => stt.speechOff(1));
    await clock.runUntilIdle();
    // Ticks at 1100, 1200 (nothing ended by 1050, 1150), 1300 ("one" ended at 1200 ≤ 1250),
    // 1400 (no change: not repeated), 1500 ("two" ≤ 1450), 1600 (no change), 1700 ("three" ≤ 1650).
    expect(transcripts()).toEqual([
      { atMs: 1300, isFinal: false, text: 'one' },
      { atMs: 1500, isFinal: false, text: 'one two' },
      { atMs: 1700, isFinal: false, text: 'one two three' },
      { atMs: 1850, isFinal: true, text: 'one two three' },
    ]);
    expect(log.filter((e) => e.type === 'transcript').map((e) => e.type === 'transcript' && e.words)).toEqual([
      speech.words.slice(0, 1),
      speech.words.slice(0, 2),
      speech.words,
      speech.words,
    ]);
    expect(clock.pendingTimers()).toBe(0);
  });

  it('uses the lag: a longer lag reports the same words later', async () => {
    const { clock, stt, at, transcripts } = session({ partialLagMs: fixed(250) });
    at(1000, () => stt.speechOn(1, spoken('one two three', 1000).source));
    at(1650, () => stt.speechOff(1));
    await clock.runUntilIdle();
    // "one" ends at 1200 ≤ now − 250 from 1500; "two" (1400) from 1700; "three" only in the final.
    expect(transcripts()).toEqual([
      { atMs: 1500, isFinal: false, text: 'one' },
      { atMs: 1700, isFinal: false, text: 'one two' },
      { atMs: 1850, isFinal: true, text: 'one two three' },
    ]);
  });

  it('waits until all speech has been silent for the final latency', async () => {
    const { clock, stt, at, transcripts } = session();
    at(1000, () => stt.speechOn(1, spoken('one two three', 1000).source));
    at(1500, () => stt.speechOn(2, spoken('four five', 1500, 250).source)); // 1500–1750, 1750–2000
    at(1600, () => stt.speechOff(1));
    at(2000, () => stt.speechOff(2));
    await clock.runUntilIdle();
    const finals = transcripts().filter((t) => t.isFinal);
    expect(finals).toEqual([{ atMs: 2200, isFinal: true, text: 'one two three four five' }]);
  });

  it('sorts the words of overlapping speech by start time', async () => {
    const { clock, stt, log, at } = session();
    const late = spoken('b d', 1100);
    const early = spoken('a c', 1000);
    at(1000, () => stt.speechOn(1, early.source));
    at(1100, () => stt.speechOn(2, late.source));
    at(1400, () => stt.speechOff(1));
    at(1500, () => stt.speechOff(2));
    await clock.runUntilIdle();
    const final = log.find((e) => e.type === 'transcript' && e.isFinal);
    expect(final).toMatchObject({ atMs: 1700, text: 'a b c d' });
  });

  it('cancels a pending final when speech resumes, and extends the segment', async () => {
    const { clock, stt, at, transcripts } = session();
    at(1000, () => stt.speechOn(1, spoken('one two', 1000).source)); // ends 1400: final due at 1600
    at(1400, () => stt.speechOff(1));
    at(1550, () => stt.speechOn(2, spoken('three four', 1550).source)); // 1550–1950
    at(1950, () => stt.speechOff(2));
    await clock.runUntilIdle();
    const finals = transcripts().filter((t) => t.isFinal);
    expect(finals).toEqual([{ atMs: 2150, isFinal: true, text: 'one two three four' }]);
    // Interims go on through the resumed speech, in the same segment ("four" ends at 1950, after
    // the last tick's 1900 horizon: only the final has it).
    expect(transcripts().filter((t) => !t.isFinal)).toEqual([
      { atMs: 1300, isFinal: false, text: 'one' },
      { atMs: 1650, isFinal: false, text: 'one two' },
      { atMs: 1850, isFinal: false, text: 'one two three' },
    ]);
  });

  it('starts a new segment after a final: later results do not repeat the earlier words', async () => {
    const { clock, stt, at, transcripts } = session();
    at(1000, () => stt.speechOn(1, spoken('one two', 1000).source));
    at(1400, () => stt.speechOff(1)); // final at 1600
    at(2000, () => stt.speechOn(2, spoken('three four', 2000).source));
    at(2400, () => stt.speechOff(2)); // final at 2600
    await clock.runUntilIdle();
    expect(transcripts().filter((t) => t.atMs > 1300)).toEqual([
      { atMs: 1600, isFinal: true, text: 'one two' },
      { atMs: 2300, isFinal: false, text: 'three' },
      { atMs: 2600, isFinal: true, text: 'three four' },
    ]);
  });

  it('sends no turn events unless turnEvents is on', async () => {
    const { clock, stt, at, turns } = session();
    at(1000, () => stt.speechOn(1, spoken('Yes please.', 1000).source));
    at(1400, () => stt.speechOff(1));
    await clock.runUntilIdle();
    expect(turns()).toEqual([]);
  });

  describe('Flux-like turn events', () => {
    it('start_of_turn at speech, eager_end_of_turn with the final of a complete turn, end_of_turn endOfTurnMs after the speech ended', async () => {
      const { clock, stt, at, turns, transcripts } = session({ turnEvents: true });
      at(1000, () => stt.speechOn(1, spoken('I need a table tonight.', 1000).source)); // 1000–2000
      at(2000, () => stt.speechOff(1));
      await clock.runUntilIdle();
      expect(transcripts().at(-1)).toEqual({ atMs: 2200, isFinal: true, text: 'I need a table tonight.' });
      expect(turns()).toEqual([
        { atMs: 1000, signal: 'start_of_turn', transcript: undefined },
        { atMs: 2200, signal: 'eager_end_of_turn', transcript: 'I need a table tonight.' },
        { atMs: 2400, signal: 'end_of_turn', transcript: 'I need a table tonight.' },
      ]);
    });

    it('turn_resumed when speech follows an eager end of turn; the turn goes on and ends with the whole transcript', async () => {
      const { clock, stt, at, turns } = session({ turnEvents: true });
      at(1000, () => stt.speechOn(1, spoken('I need a table tonight.', 1000).source));
      at(2000, () => stt.speechOff(1)); // final + eager at 2200, end of turn due at 2400
      at(2300, () => stt.speechOn(2, spoken('For two.', 2300).source)); // 2300–2700
      at(2700, () => stt.speechOff(2)); // final + eager at 2900, end of turn at 3100
      await clock.runUntilIdle();
      expect(turns()).toEqual([
        { atMs: 1000, signal: 'start_of_turn', transcript: undefined },
        { atMs: 2200, signal: 'eager_end_of_turn', transcript: 'I need a table tonight.' },
        { atMs: 2300, signal: 'turn_resumed', transcript: undefined },
        { atMs: 2900, signal: 'eager_end_of_turn', transcript: 'I need a table tonight. For two.' },
        { atMs: 3100, signal: 'end_of_turn', transcript: 'I need a table tonight. For two.' },
      ]);
    });

    it('sends no eager end of turn on incomplete text, and no turn_resumed when the speech goes on', async () => {
      const { clock, stt, at, turns } = session({ turnEvents: true });
      at(1000, () => stt.speechOn(1, spoken('a table for', 1000).source)); // incomplete: ends with "for"
      at(1600, () => stt.speechOff(1)); // final at 1800
      at(2000, () => stt.speechOn(2, spoken('two people.', 2000).source));
      at(2400, () => stt.speechOff(2)); // final at 2600: complete
      await clock.runUntilIdle();
      expect(turns()).toEqual([
        { atMs: 1000, signal: 'start_of_turn', transcript: undefined },
        { atMs: 2600, signal: 'eager_end_of_turn', transcript: 'a table for two people.' },
        { atMs: 2800, signal: 'end_of_turn', transcript: 'a table for two people.' },
      ]);
    });

    it('ends an incomplete-sounding turn too, after a longer silence (3 × endOfTurnMs)', async () => {
      const { clock, stt, at, turns } = session({ turnEvents: true });
      at(1000, () => stt.speechOn(1, spoken('a table for', 1000).source));
      at(1600, () => stt.speechOff(1));
      await clock.runUntilIdle();
      expect(turns()).toEqual([
        { atMs: 1000, signal: 'start_of_turn', transcript: undefined },
        { atMs: 2800, signal: 'end_of_turn', transcript: 'a table for' },
      ]);
    });

    it('opens a new turn with start_of_turn after end_of_turn', async () => {
      const { clock, stt, at, turns } = session({ turnEvents: true });
      at(1000, () => stt.speechOn(1, spoken('Yes please.', 1000).source));
      at(1400, () => stt.speechOff(1)); // final + eager 1600, end 1800
      at(3000, () => stt.speechOn(2, spoken('Thank you.', 3000).source));
      at(3400, () => stt.speechOff(2));
      await clock.runUntilIdle();
      expect(turns().map((t) => `${t.atMs} ${t.signal}${t.transcript ? ` ${t.transcript}` : ''}`)).toEqual([
        '1000 start_of_turn',
        '1600 eager_end_of_turn Yes please.',
        '1800 end_of_turn Yes please.',
        '3000 start_of_turn',
        '3600 eager_end_of_turn Thank you.',
        '3800 end_of_turn Thank you.',
      ]);
    });
  });

  it('after close: emits closed once, cancels its timers and ignores speech', async () => {
    const { clock, stt, log, at } = session({ turnEvents: true });
    at(1000, () => stt.speechOn(1, spoken('one two', 1000).source));
    at(1400, () => stt.speechOff(1));
    at(1500, () => void stt.close()); // before the final (1600)
    at(1550, () => void stt.close());
    at(2000, () => stt.speechOn(2, spoken('three', 2000).source));
    await clock.runUntilIdle();
    expect(log.map((e) => `${e.atMs} ${e.type}`)).toEqual(['1000 turn', '1300 transcript', '1500 closed']);
  });

  it('SimulatedStt connects to its one session', async () => {
    const stt = new SimulatedStt(new VirtualClock(), SPEC, new RandomStreams(1).stream('stt'));
    expect(stt.name).toBe('sim-test');
    await expect(stt.connect()).resolves.toBe(stt.session);
  });
});
