import { describe, expect, it } from 'vitest';
import { EchoCanceller, type EchoBlockVerdict } from './echo-canceller.js';
import { levelDb, speechLike } from './test-support/speech-like.js';

const RATE = 16000;
const AGENT = [700, 1200, 2600];
const USER = [450, 1700, 2300];

/** The agent's voice returning into the microphone: delayed, attenuated, with two reflections. */
function echoOf(reference: Float32Array, delayMs: number, gainDb: number): Float32Array {
  const taps: [number, number][] = [[0, 1], [0.0023, 0.4], [0.0101, -0.2]];
  const norm = Math.sqrt(taps.reduce((sum, [, g]) => sum + g * g, 0));
  const gain = 10 ** (gainDb / 20) / norm;
  const delay = Math.round((delayMs * RATE) / 1000);
  const out = new Float32Array(reference.length);
  for (const [seconds, tapGain] of taps) {
    const offset = delay + Math.round(seconds * RATE);
    for (let i = offset; i < out.length; i++) out[i] = out[i]! + gain * tapGain * reference[i - offset]!;
  }
  return out;
}

interface Run {
  readonly out: Float32Array;
  readonly verdicts: { readonly at: number; readonly verdict: EchoBlockVerdict }[];
  readonly canceller: EchoCanceller;
}

/** Plays `reference` (written 200 ms ahead, as playout does) and cleans `mic` block by block. */
function run(reference: Float32Array, mic: Float32Array): Run {
  const canceller = new EchoCanceller({ sampleRate: RATE });
  const n = canceller.blockSamples;
  const out = new Float32Array(mic.length);
  const block = new Float32Array(n);
  const verdicts: Run['verdicts'] = [];
  let written = 0;
  for (let at = 0; at + n <= mic.length; at += n) {
    const until = Math.min(reference.length, at + n + RATE / 5);
    if (until > written) {
      canceller.playReference(written, reference, written, until);
      written = until;
    }
    verdicts.push({ at, verdict: canceller.process(at, mic.subarray(at, at + n), block) });
    out.set(block, at);
  }
  return { out, verdicts, canceller };
}

const agent = speechLike({ sampleRate: RATE, durationMs: 12_000, levelDb: -20, seed: 1, formantsHz: AGENT });

describe('EchoCanceller', () => {
  for (const [gainDb, delayMs] of [[-6, 50], [-6, 250], [-25, 50], [-25, 250], [-12, 150]] as const) {
    it(`removes echo at ${gainDb} dB and ${delayMs} ms (plus 80 ms of network) once it has found the path`, () => {
      const totalDelayMs = delayMs + 80;
      const mic = echoOf(agent, totalDelayMs, gainDb);
      const { out, verdicts, canceller } = run(agent, mic);
      expect(canceller.stats.delayMs).toBeGreaterThanOrEqual(totalDelayMs - 16);
      expect(canceller.stats.delayMs).toBeLessThanOrEqual(totalDelayMs + 16);
      const from = 3 * RATE;
      // After 3 s: more than 60 dB below the echo, and no block taken for the near end.
      expect(levelDb(out, from)).toBeLessThan(levelDb(mic, from) - 60);
      expect(verdicts.filter((v) => v.at >= from && v.verdict.nearEnd)).toEqual([]);
      expect(canceller.stats.erleDb).toBeGreaterThan(20);
      // From the start, hardly any block passes at a level the VAD could mistake for speech.
      const loud = verdicts.filter((v) => levelDb(out, v.at, v.at + canceller.blockSamples) > -60);
      expect(loud.length).toBeLessThanOrEqual(1);
    });
  }

  it('lets the near end through while the far end talks, and keeps cancelling after', () => {
    const echo = echoOf(agent, 230, -6);
    const user = speechLike({ sampleRate: RATE, durationMs: 2500, levelDb: -20, seed: 2, formantsHz: USER });
    const startsAt = 6 * RATE;
    const mic = echo.slice();
    for (let i = 0; i < user.length; i++) mic[startsAt + i] = mic[startsAt + i]! + user[i]!;
    const { out, verdicts, canceller } = run(agent, mic);
    // While the user talks, what comes out is the user (the echo is gone underneath).
    const end = startsAt + user.length;
    expect(levelDb(out, startsAt, end)).toBeGreaterThan(levelDb(user) - 1.5);
    const n = canceller.blockSamples;
    const loudUserBlocks = verdicts.filter((v) => v.at >= startsAt && v.at + n <= end && levelDb(user, v.at - startsAt, v.at - startsAt + n) > -26);
    const heard = loudUserBlocks.filter((v) => v.verdict.nearEnd);
    expect(heard.length).toBeGreaterThan(0.97 * loudUserBlocks.length);
    // The filter did not learn the user as echo: a second later, the echo alone is gone again.
    expect(levelDb(out, end + RATE, 12 * RATE)).toBeLessThan(levelDb(echo, end + RATE, 12 * RATE) - 60);
  });

  it('passes the microphone untouched when nothing plays', () => {
    const user = speechLike({ sampleRate: RATE, durationMs: 3000, levelDb: -30, seed: 3, formantsHz: USER });
    const { out, verdicts } = run(new Float32Array(0), user);
    const n = verdicts.length * 512;
    expect(Array.from(out.subarray(0, n))).toEqual(Array.from(user.subarray(0, n)));
    expect(verdicts.every((v) => !v.verdict.farEnd && !v.verdict.suppressed)).toBe(true);
  });

  it('follows a change of delay', () => {
    const first = echoOf(agent.subarray(0, 6 * RATE), 150, -12);
    const second = echoOf(agent, 330, -12);
    const mic = new Float32Array(agent.length);
    mic.set(first);
    mic.set(second.subarray(6 * RATE), 6 * RATE);
    const { out, canceller } = run(agent, mic);
    expect(canceller.stats.delayMs).toBeGreaterThanOrEqual(314);
    expect(canceller.stats.delayMs).toBeLessThanOrEqual(346);
    expect(levelDb(out, 10 * RATE)).toBeLessThan(levelDb(mic, 10 * RATE) - 50);
  });

  it('gives the same output for the same input', () => {
    const mic = echoOf(agent, 200, -10);
    expect(Array.from(run(agent, mic).out)).toEqual(Array.from(run(agent, mic).out));
  });

  it('stops expecting echo where the reference was cut', () => {
    const canceller = new EchoCanceller({ sampleRate: RATE });
    canceller.playReference(0, agent.subarray(0, RATE));
    canceller.stopReference(RATE / 2);
    const block = new Float32Array(canceller.blockSamples);
    const silence = new Float32Array(canceller.blockSamples);
    // Long after the cut (beyond any delay searched), nothing is far-end.
    let last: EchoBlockVerdict | undefined;
    for (let at = 0; at < 2 * RATE; at += canceller.blockSamples) last = canceller.process(at, silence, block);
    expect(last?.farEnd).toBe(false);
  });
});
