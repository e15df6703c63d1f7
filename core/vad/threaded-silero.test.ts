import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { FrameVad, VadSampleRate } from './frame-vad.js';
import { speechProbabilities } from './segments.js';
import { createSileroVad, releaseSileroModels } from './silero.js';
import { speechSamples } from './test-support/fixtures.js';
import { createThreadedSileroVad } from './threaded-silero.js';

/** Worker threads started so far (the real Worker, counted). */
const started = vi.hoisted(() => ({ workers: 0 }));
vi.mock('node:worker_threads', async (importOriginal) => {
  const actual = await importOriginal<typeof import('node:worker_threads')>();
  class CountedWorker extends actual.Worker {
    constructor(...args: ConstructorParameters<typeof actual.Worker>) {
      super(...args);
      started.workers++;
    }
  }
  return { ...actual, Worker: CountedWorker };
});

afterAll(releaseSileroModels);

/** The windows of `samples` for `vad`, whole ones only. */
function windows(samples: Float32Array, vad: FrameVad): Float32Array[] {
  const out: Float32Array[] = [];
  for (let at = 0; at + vad.windowSamples <= samples.length; at += vad.windowSamples) out.push(samples.subarray(at, at + vad.windowSamples));
  return out;
}

/** Probabilities of the in-thread VAD (the reference) for a fixture at a rate. */
const reference = new Map<string, Float32Array>();
async function inThread(name: string, rate: VadSampleRate): Promise<Float32Array> {
  const key = `${name}@${rate}`;
  let probabilities = reference.get(key);
  if (!probabilities) {
    const vad = await createSileroVad({ sampleRate: rate });
    probabilities = await speechProbabilities(speechSamples(name, rate), vad);
    await vad.dispose();
    reference.set(key, probabilities);
  }
  return probabilities;
}

describe('createThreadedSileroVad', () => {
  let speech: Float32Array;
  let expected: Float32Array;
  beforeAll(async () => {
    speech = speechSamples('speech-two.wav');
    expected = await inThread('speech-two.wav', 16000);
  });

  it.each([
    ['speech-two.wav', 16000],
    ['speech-one.wav', 16000],
    ['speech-one.wav', 8000],
  ] as const)('gives the in-thread VAD’s probabilities exactly, on a thread of its own (%s at %i Hz)', async (name, rate) => {
    const vad = await createThreadedSileroVad({ sampleRate: rate });
    // On a thread (started now or lent from the pool), not the in-thread fallback.
    expect(started.workers).toBeGreaterThan(0);
    expect(vad).toMatchObject({ kind: 'silero', sampleRate: rate, windowSamples: rate === 16000 ? 512 : 256 });
    const probabilities = await speechProbabilities(speechSamples(name, rate), vad);
    await vad.dispose();
    expect(probabilities).toEqual(await inThread(name, rate));
    expect(Math.max(...probabilities)).toBeGreaterThan(0.9);
  });

  it('starts again from a clean state after reset()', async () => {
    const vad = await createThreadedSileroVad();
    const first = windows(speech, vad).slice(0, 40);
    const once: number[] = [];
    for (const window of first) once.push(await vad.process(window));
    vad.reset();
    const again: number[] = [];
    for (const window of first) again.push(await vad.process(window));
    await vad.dispose();
    expect(again).toEqual(once);
    expect(Float32Array.from(once)).toEqual(expected.subarray(0, 40));
  });

  it('answers a window still in flight when reset() or dispose() comes before the answer is awaited', async () => {
    const vad = await createThreadedSileroVad();
    const [first, second] = windows(speech, vad);
    const pending = vad.process(first!);
    vad.reset();
    expect(await pending).toBe(expected[0]);
    const last = vad.process(second!);
    await vad.dispose();
    expect(typeof (await last)).toBe('number');
  });

  it('can be awaited after other work, in the meantime', async () => {
    const vad = await createThreadedSileroVad();
    const all = windows(speech, vad);
    const got: number[] = [];
    for (const window of all) {
      const answer = vad.process(window);
      // Other work: a little computation and a turn of the event loop.
      let sum = 0;
      for (let i = 0; i < 20_000; i++) sum += Math.sqrt(i);
      await new Promise((resolve) => setImmediate(resolve));
      expect(sum).toBeGreaterThan(0);
      got.push(await answer);
    }
    await vad.dispose();
    expect(Float32Array.from(got)).toEqual(expected.subarray(0, all.length));
  });

  it('rejects process() before the previous call resolved, and still answers that one', async () => {
    const vad = await createThreadedSileroVad();
    const [w0, w1] = windows(speech, vad);
    const first = vad.process(w0!);
    await expect(vad.process(w1!)).rejects.toThrow('process() called before the previous call resolved');
    expect(await first).toBe(expected[0]);
    expect(await vad.process(w1!)).toBe(expected[1]);
    await vad.dispose();
  });

  it('rejects process() after dispose()', async () => {
    const vad = await createThreadedSileroVad();
    await vad.dispose();
    await expect(vad.process(new Float32Array(512))).rejects.toThrow('process() after dispose()');
    await vad.dispose(); // a second dispose is harmless
  });

  it('rejects a window of the wrong length, as the in-thread VAD does', async () => {
    const local = await createSileroVad();
    await expect(local.process(new Float32Array(100))).rejects.toThrow('a window is 512 samples, got 100');
    await local.dispose();
    const vad = await createThreadedSileroVad();
    let thrown: unknown;
    let outcome: Promise<unknown> | undefined;
    try {
      outcome = vad.process(new Float32Array(100)).then(
        () => 'resolved',
        (error: unknown) => error,
      );
    } catch (error) {
      thrown = error;
    }
    await vad.dispose();
    expect(thrown, 'process() threw instead of returning a rejected promise').toBeUndefined();
    expect(await outcome).toBeInstanceOf(RangeError);
  });

  it('returns a promise that catch() and finally() can be chained on', async () => {
    const vad = await createThreadedSileroVad();
    const [w0] = windows(speech, vad);
    try {
      let settled = false;
      const probability = await vad
        .process(w0!)
        .catch(() => -1)
        .finally(() => {
          settled = true;
        });
      expect(probability).toBe(expected[0]);
      expect(settled).toBe(true);
    } finally {
      await vad.dispose();
    }
  });

  it('lends threads to one VAD after another, and one to each of several at once', async () => {
    const first = await createThreadedSileroVad();
    await first.dispose();
    const afterFirst = started.workers;
    for (let i = 0; i < 3; i++) {
      const vad = await createThreadedSileroVad();
      expect(await vad.process(windows(speech, vad)[0]!)).toBe(expected[0]);
      await vad.dispose();
    }
    expect(started.workers).toBe(afterFirst);

    // Two VADs at once, their windows interleaved: each keeps its own state, on its own thread.
    const [a, b] = await Promise.all([createThreadedSileroVad(), createThreadedSileroVad()]);
    const otherExpected = await inThread('speech-one.wav', 16000);
    const ours = windows(speech, a!);
    const others = windows(speechSamples('speech-one.wav'), b!);
    const n = Math.min(ours.length, others.length);
    const mine: number[] = [];
    const theirs: number[] = [];
    for (let k = 0; k < n; k++) {
      const pa = a!.process(ours[k]!);
      const pb = b!.process(others[k]!);
      mine.push(await pa);
      theirs.push(await pb);
    }
    await Promise.all([a!.dispose(), b!.dispose()]);
    expect(Float32Array.from(mine)).toEqual(expected.subarray(0, n));
    expect(Float32Array.from(theirs)).toEqual(otherExpected.subarray(0, n));
    expect(started.workers).toBeLessThanOrEqual(afterFirst + 1);
    const after = started.workers;
    const [c, d] = await Promise.all([createThreadedSileroVad(), createThreadedSileroVad()]);
    await Promise.all([c!.dispose(), d!.dispose()]);
    expect(started.workers).toBe(after);
  });
});
