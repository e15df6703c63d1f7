import { describe, expect, it } from 'vitest';
import { VirtualClock } from '../../core/clock/virtual-clock.js';
import { RandomStreams, type Random } from '../../core/random/random.js';
import type { VadEvent } from '../../core/vad/events.js';
import type { VadSpec } from '../config/model.js';
import { fixed } from '../distribution.js';
import { scriptedRandom } from '../test-support/fakes.js';
import { SimulatedVad } from './vad-sensor.js';

/** min speech 100 ms, min silence 200 ms, a fixed 15 ms detection latency. */
const SPEC: VadSpec = {
  model: 'silero',
  activationThreshold: 0.5,
  minSpeechMs: 100,
  minSilenceMs: 200,
  prefixPaddingMs: 0,
  sensitivityDb: -45,
  detectionLatencyMs: fixed(15),
  missRate: 0,
  falseAlarmsPerMinute: 0,
};

type Step = readonly [atMs: number, action: 'on' | 'off', id: number, levelDb?: number];

/**
 * Plays sound edges on a virtual clock and returns what the VAD reported, with the time each
 * decision reached the session.
 */
async function hear(steps: readonly Step[], spec: Partial<VadSpec> = {}, random: Random = new RandomStreams(1).stream('vad')) {
  const clock = new VirtualClock();
  const decisions: { atMs: number; event: VadEvent }[] = [];
  const vad = new SimulatedVad(clock, { ...SPEC, ...spec }, random, (event) => decisions.push({ atMs: clock.now(), event }));
  for (const [atMs, action, id, levelDb = -20] of steps) {
    clock.setTimeout(() => (action === 'on' ? vad.soundOn(id, levelDb) : vad.soundOff(id)), atMs);
  }
  return { clock, decisions, run: () => clock.runUntilIdle() };
}

describe('SimulatedVad', () => {
  it('reports speech_start once the sound has lasted minSpeechMs, plus the detection latency, with the onset and level of the sound', async () => {
    const { clock, decisions } = await hear([[1000, 'on', 1, -23], [2000, 'off', 1]]);
    await clock.runUntil(1114);
    expect(decisions).toEqual([]);
    await clock.runUntil(1115);
    expect(decisions).toEqual([{ atMs: 1115, event: { type: 'speech_start', onsetMs: 1000, levelDb: -23 } }]);
  });

  it('reports speech_end minSilenceMs after the sound stopped (plus latency), with speechEndMs = when it stopped', async () => {
    const { clock, decisions, run } = await hear([[1000, 'on', 1], [2000, 'off', 1]]);
    await clock.runUntil(2214);
    expect(decisions.map((d) => d.event.type)).toEqual(['speech_start']);
    await run();
    expect(decisions).toEqual([
      { atMs: 1115, event: { type: 'speech_start', onsetMs: 1000, levelDb: -20 } },
      { atMs: 2215, event: { type: 'speech_end', speechEndMs: 2000 } },
    ]);
  });

  it('applies the detection latency to every decision', async () => {
    const { decisions, run } = await hear([[1000, 'on', 1], [2000, 'off', 1]], { detectionLatencyMs: fixed(70) });
    await run();
    expect(decisions.map((d) => d.atMs)).toEqual([1170, 2270]);
    expect(decisions.map((d) => d.event)).toEqual([
      { type: 'speech_start', onsetMs: 1000, levelDb: -20 },
      { type: 'speech_end', speechEndMs: 2000 },
    ]);
  });

  it('ignores a blip shorter than minSpeechMs', async () => {
    const { decisions, run } = await hear([[1000, 'on', 1], [1099, 'off', 1]]);
    await run();
    expect(decisions).toEqual([]);
  });

  it('starts counting minSpeechMs again after a blip: the onset is the sound that lasted', async () => {
    const { decisions, run } = await hear([[1000, 'on', 1], [1060, 'off', 1], [1080, 'on', 2], [1500, 'off', 2]]);
    await run();
    expect(decisions).toEqual([
      { atMs: 1195, event: { type: 'speech_start', onsetMs: 1080, levelDb: -20 } },
      { atMs: 1715, event: { type: 'speech_end', speechEndMs: 1500 } },
    ]);
  });

  it('bridges a gap shorter than minSilenceMs: one start, one end at the end of the last sound', async () => {
    const { decisions, run } = await hear([[1000, 'on', 1], [1500, 'off', 1], [1699, 'on', 2], [2500, 'off', 2]]);
    await run();
    expect(decisions).toEqual([
      { atMs: 1115, event: { type: 'speech_start', onsetMs: 1000, levelDb: -20 } },
      { atMs: 2715, event: { type: 'speech_end', speechEndMs: 2500 } },
    ]);
  });

  it('ends speech across a gap longer than minSilenceMs and starts it again after minSpeechMs', async () => {
    const { decisions, run } = await hear([[1000, 'on', 1], [1500, 'off', 1], [1800, 'on', 2], [2500, 'off', 2]]);
    await run();
    expect(decisions).toEqual([
      { atMs: 1115, event: { type: 'speech_start', onsetMs: 1000, levelDb: -20 } },
      { atMs: 1715, event: { type: 'speech_end', speechEndMs: 1500 } },
      { atMs: 1915, event: { type: 'speech_start', onsetMs: 1800, levelDb: -20 } },
      { atMs: 2715, event: { type: 'speech_end', speechEndMs: 2500 } },
    ]);
  });

  it('treats overlapping sounds as one: silence only begins when the last one stops', async () => {
    const { decisions, run } = await hear([[1000, 'on', 1], [1400, 'on', 2], [1500, 'off', 1], [2000, 'off', 2]]);
    await run();
    expect(decisions).toEqual([
      { atMs: 1115, event: { type: 'speech_start', onsetMs: 1000, levelDb: -20 } },
      { atMs: 2215, event: { type: 'speech_end', speechEndMs: 2000 } },
    ]);
  });

  it('reports the loudest level heard before speech qualified', async () => {
    const { decisions, run } = await hear([[1000, 'on', 1, -30], [1050, 'on', 2, -18], [1600, 'off', 2], [1700, 'off', 1]]);
    await run();
    expect(decisions.map((d) => d.event)).toEqual([
      { type: 'speech_start', onsetMs: 1000, levelDb: -18 },
      { type: 'speech_end', speechEndMs: 1700 },
    ]);
  });

  it('reports a voice at least 3 dB louder joining reported speech as a new speech_start, with its onset and level', async () => {
    const { decisions, run } = await hear([
      [1000, 'on', 1, -30],
      [1400, 'on', 2, -28.5], // 1.5 dB louder: the same speech
      [1500, 'on', 3, -27], // exactly 3 dB louder than reported: reported
      [1700, 'on', 4, -25], // 2 dB louder than the -27 now reported: not
      [1800, 'on', 5, -20], // 7 dB louder: reported
      [2000, 'off', 1],
      [2000, 'off', 2],
      [2000, 'off', 3],
      [2000, 'off', 4],
      [2100, 'off', 5],
    ]);
    await run();
    expect(decisions).toEqual([
      { atMs: 1115, event: { type: 'speech_start', onsetMs: 1000, levelDb: -30 } },
      { atMs: 1515, event: { type: 'speech_start', onsetMs: 1500, levelDb: -27 } },
      { atMs: 1815, event: { type: 'speech_start', onsetMs: 1800, levelDb: -20 } },
      { atMs: 2315, event: { type: 'speech_end', speechEndMs: 2100 } },
    ]);
  });

  it('reports a louder voice that resumes bridged speech, without ending it', async () => {
    const { decisions, run } = await hear([[1000, 'on', 1, -30], [1500, 'off', 1], [1600, 'on', 2, -20], [2000, 'off', 2]]);
    await run();
    expect(decisions).toEqual([
      { atMs: 1115, event: { type: 'speech_start', onsetMs: 1000, levelDb: -30 } },
      { atMs: 1615, event: { type: 'speech_start', onsetMs: 1600, levelDb: -20 } },
      { atMs: 2215, event: { type: 'speech_end', speechEndMs: 2000 } },
    ]);
  });

  it('forgets the reported level once speech ended: quieter speech later is reported again', async () => {
    const { decisions, run } = await hear([[1000, 'on', 1, -20], [1500, 'off', 1], [3000, 'on', 2, -40], [3500, 'off', 2]]);
    await run();
    expect(decisions.map((d) => d.event)).toEqual([
      { type: 'speech_start', onsetMs: 1000, levelDb: -20 },
      { type: 'speech_end', speechEndMs: 1500 },
      { type: 'speech_start', onsetMs: 3000, levelDb: -40 },
      { type: 'speech_end', speechEndMs: 3500 },
    ]);
  });

  it('never delivers decisions out of order, even when a later one draws a shorter latency', async () => {
    // Latencies drawn in decision order: 300 ms for the start (decided at 1100), 0 ms for the end
    // (decided at 1170): the end is held back until the start has been delivered.
    const random = scriptedRandom([300, 0]);
    const { decisions, run } = await hear([[1000, 'on', 1], [1150, 'off', 1]], { minSilenceMs: 20, detectionLatencyMs: { kind: 'uniform', min: 0, max: 1000 } }, random);
    await run();
    expect(random.drawn).toBe(2);
    expect(decisions).toEqual([
      { atMs: 1400, event: { type: 'speech_start', onsetMs: 1000, levelDb: -20 } },
      { atMs: 1400, event: { type: 'speech_end', speechEndMs: 1150 } },
    ]);
  });

  it('keeps decisions in order and alternating under random latencies', async () => {
    const steps: Step[] = [];
    // 40 utterances of 150–600 ms separated by 50–400 ms gaps, latencies uniform in 0–500 ms.
    const random = new RandomStreams(11).stream('steps');
    let t = 100;
    for (let id = 1; id <= 40; id++) {
      const length = random.uniform(150, 600);
      steps.push([Math.round(t), 'on', id], [Math.round(t + length), 'off', id]);
      t += length + random.uniform(50, 400);
    }
    const { decisions, run } = await hear(steps, { detectionLatencyMs: { kind: 'uniform', min: 0, max: 500 } }, new RandomStreams(5).stream('vad'));
    await run();
    expect(decisions.length).toBeGreaterThan(10);
    decisions.forEach((d, i) => {
      expect(d.event.type).toBe(i % 2 === 0 ? 'speech_start' : 'speech_end');
      if (i > 0) expect(d.atMs).toBeGreaterThanOrEqual(decisions[i - 1]!.atMs);
    });
    const times = decisions.map((d) => (d.event.type === 'speech_start' ? d.event.onsetMs : d.event.speechEndMs));
    expect(times).toEqual([...times].sort((a, b) => a - b));
  });
});
