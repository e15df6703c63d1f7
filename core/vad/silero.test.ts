import { createRequire } from 'node:module';
import { afterAll, describe, expect, it } from 'vitest';
import { RandomStreams } from '../random/random.js';
import { dbToGain } from '../audio/mix.js';
import { detectSpeechSegments, speechProbabilities } from './segments.js';
import { createSileroVad, releaseSileroModels, sileroModelPath } from './silero.js';
import { speechSamples, TRUE_SPEECH, worstBoundError } from './test-support/fixtures.js';

afterAll(releaseSileroModels);

/** White noise at `db` dBFS RMS, seeded. */
function noise(db: number, n: number, seed = 1): Float32Array {
  const random = new RandomStreams(seed).stream('noise');
  const sd = dbToGain(db);
  return Float32Array.from({ length: n }, () => random.normal(0, sd));
}

describe('Silero VAD', () => {
  it.each([
    ['speech-one.wav', 16000, 'v5'],
    ['speech-two.wav', 16000, 'v5'],
    ['stereo-left.wav', 16000, 'v5'],
    ['speech-one.wav', 8000, 'v5'],
    ['speech-two.wav', 8000, 'v5'],
    ['speech-one.wav', 16000, 'v6'],
    ['speech-two.wav', 16000, 'v6'],
  ] as const)('finds the speech of %s at %i Hz (%s) within 100 ms of its true bounds', async (name, rate, version) => {
    const vad = await createSileroVad({ sampleRate: rate, version });
    expect(vad).toMatchObject({ kind: 'silero', sampleRate: rate, windowSamples: rate === 16000 ? 512 : 256 });
    const segments = await detectSpeechSegments(speechSamples(name, rate), vad);
    expect(worstBoundError(segments, TRUE_SPEECH[name]!), JSON.stringify(segments)).toBeLessThanOrEqual(100);
    await vad.dispose();
  });

  it('finds no speech in silence or white noise', async () => {
    const vad = await createSileroVad();
    expect(await detectSpeechSegments(new Float32Array(48000), vad)).toEqual([]);
    for (const db of [-60, -45, -30]) expect(await detectSpeechSegments(noise(db, 48000), vad), `${db} dBFS`).toEqual([]);
    const vad8 = await createSileroVad({ sampleRate: 8000 });
    expect(await detectSpeechSegments(noise(-45, 24000), vad8)).toEqual([]);
  });

  it('gives identical probabilities for the same audio: twice, after reset(), and on two VADs sharing the model', async () => {
    const samples = speechSamples('speech-two.wav');
    const a = await createSileroVad();
    const first = await speechProbabilities(samples, a);
    const second = await speechProbabilities(samples, a); // speechProbabilities resets first
    expect(second).toEqual(first);

    // Interleaved windows of two calls on the one shared session: each keeps its own state.
    const b = await createSileroVad();
    const other = noise(-30, samples.length, 7);
    a.reset();
    const mine: number[] = [];
    const theirs: number[] = [];
    for (let at = 0; at + 512 <= samples.length; at += 512) {
      mine.push(await a.process(samples.subarray(at, at + 512)));
      theirs.push(await b.process(other.subarray(at, at + 512)));
    }
    expect(Float32Array.from(mine)).toEqual(first.subarray(0, mine.length));
    const alone = await speechProbabilities(other, b);
    expect(Float32Array.from(theirs)).toEqual(alone.subarray(0, theirs.length));
  });

  it('feeds the model as silero-vad and vad-web do: 64 samples of context, state carried', async () => {
    // A plain re-implementation of vad-web's dist/models/silero.js, fresh tensors each window.
    const require = createRequire(import.meta.url);
    const ort = require('onnxruntime-node') as typeof import('onnxruntime-node');
    const session = await ort.InferenceSession.create(sileroModelPath('v5'), { intraOpNumThreads: 1, interOpNumThreads: 1, executionMode: 'sequential' });
    const samples = speechSamples('speech-one.wav').subarray(0, 512 * 40);
    let state: import('onnxruntime-node').Tensor = new ort.Tensor('float32', new Float32Array(256), [2, 1, 128]);
    let context = new Float32Array(64);
    const sr = new ort.Tensor('int64', [16000n]);
    const expected: number[] = [];
    for (let at = 0; at < samples.length; at += 512) {
      const frame = samples.subarray(at, at + 512);
      const input = new Float32Array(576);
      input.set(context, 0);
      input.set(frame, 64);
      context = frame.slice(-64);
      const out = await session.run({ input: new ort.Tensor('float32', input, [1, 576]), state, sr });
      state = out['stateN']!;
      expected.push(out['output']!.data[0] as number);
    }
    await session.release();
    expect(await speechProbabilities(samples, await createSileroVad())).toEqual(Float32Array.from(expected));
  });

  it('takes exactly one window at a time', async () => {
    const vad = await createSileroVad({ sampleRate: 8000 });
    await expect(vad.process(new Float32Array(512))).rejects.toThrow('silero VAD: a window is 256 samples, got 512');
    const pending = vad.process(new Float32Array(256));
    await expect(vad.process(new Float32Array(256))).rejects.toThrow(/before the previous call resolved/);
    await pending;
    await vad.dispose();
    await expect(vad.process(new Float32Array(256))).rejects.toThrow(/after dispose/);
  });

  it('loads the weights from @ricky0123/vad-web and refuses unknown options', async () => {
    expect(sileroModelPath('v5')).toMatch(/node_modules\/@ricky0123\/vad-web\/dist\/silero_vad_v5\.onnx$/);
    expect(sileroModelPath('v6')).toMatch(/silero_vad_v6\.onnx$/);
    await expect(createSileroVad({ sampleRate: 44100 as 16000 })).rejects.toThrow(RangeError);
    await expect(createSileroVad({ version: 'v4' as 'v5' })).rejects.toThrow(RangeError);
  });
});
