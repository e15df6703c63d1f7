/**
 * Measurements of the audio primitives and the frame VADs, as one JSON object per line: Silero
 * time per window, the per-frame cost of the telephony path, resampler accuracy and speed, WAV
 * decoding speed. Numbers, not assertions (the machine is shared and noisy).
 *
 * Run: npm run build && node dist/runner/audio-bench.js
 */
import { muLawDecode, muLawEncode } from '../core/audio/g711.js';
import { rmsDb } from '../core/audio/mix.js';
import { floatToPcm16, pcm16ToFloat } from '../core/audio/pcm.js';
import { resample, Resampler } from '../core/audio/resample.js';
import { decodeWav, encodeWav } from '../core/audio/wav.js';
import { createEnergyVad } from '../core/vad/energy-vad.js';
import { createSileroVad, releaseSileroModels } from '../core/vad/silero.js';

const print = (result: Record<string, unknown>): void => void process.stdout.write(`${JSON.stringify(result)}\n`);
const round = (value: number, digits = 3): number => Number(value.toFixed(digits));

function sine(frequency: number, rate: number, n: number, amplitude = 0.5): Float32Array {
  return Float32Array.from({ length: n }, (_, i) => amplitude * Math.sin((2 * Math.PI * frequency * i) / rate + 0.3));
}

/** Amplitude of the `frequency` component of `samples[start, end)` (least squares) and the residual, dB. */
function fit(samples: Float32Array, frequency: number, rate: number, start: number, end: number): { gainDb: number; residualDb: number } {
  let ss = 0, cc = 0, sc = 0, ys = 0, yc = 0;
  for (let i = start; i < end; i++) {
    const w = (2 * Math.PI * frequency * i) / rate;
    const s = Math.sin(w), c = Math.cos(w), y = samples[i]!;
    ss += s * s; cc += c * c; sc += s * c; ys += y * s; yc += y * c;
  }
  const det = ss * cc - sc * sc;
  const a = (ys * cc - yc * sc) / det, b = (yc * ss - ys * sc) / det;
  let residual = 0, fitted = 0;
  for (let i = start; i < end; i++) {
    const w = (2 * Math.PI * frequency * i) / rate;
    const f = a * Math.sin(w) + b * Math.cos(w);
    residual += (samples[i]! - f) ** 2;
    fitted += f * f;
  }
  return { gainDb: 20 * Math.log10(Math.hypot(a, b) / 0.5), residualDb: 10 * Math.log10(residual / fitted) };
}

function time<T>(run: () => T): { ms: number; value: T } {
  const started = performance.now();
  const value = run();
  return { ms: performance.now() - started, value };
}

async function vads(): Promise<void> {
  const signal = sine(220, 16000, 16000 * 60, 0.3); // a minute
  for (const version of ['v5', 'v6'] as const) {
    for (const rate of [16000, 8000] as const) {
      const vad = await createSileroVad({ sampleRate: rate, version });
      const input = rate === 16000 ? signal : resample(signal, 16000, 8000);
      const n = vad.windowSamples;
      for (let at = 0; at + n <= n * 50; at += n) await vad.process(input.subarray(at, at + n)); // warm-up
      vad.reset();
      const started = performance.now();
      let windows = 0;
      for (let at = 0; at + n <= input.length; at += n, windows++) await vad.process(input.subarray(at, at + n));
      const ms = performance.now() - started;
      print({ name: `silero-${version}-${rate}`, windows, msPerWindow: round(ms / windows, 4), realTime: Math.round((windows * n * 1000) / rate / ms) });
    }
  }
  await releaseSileroModels();
  const energy = createEnergyVad();
  const started = performance.now();
  let windows = 0;
  for (let at = 0; at + 512 <= signal.length; at += 512, windows++) energy.processSync(signal.subarray(at, at + 512));
  print({ name: 'energy-16000', windows, msPerWindow: round((performance.now() - started) / windows, 5) });
}

function telephony(): void {
  // The uplink path per 20 ms frame: 16 kHz float → 8 kHz → PCM16 → μ-law → PCM16 → float.
  const frames = 50 * 600; // ten minutes
  const down = new Resampler(16000, 8000);
  const frame = sine(440, 16000, 320);
  const at8 = new Float32Array(160), pcm = new Int16Array(160), law = new Uint8Array(160), back = new Int16Array(160), floats = new Float32Array(160);
  const started = performance.now();
  for (let i = 0; i < frames; i++) {
    down.processInto(frame, at8);
    floatToPcm16(at8, pcm);
    muLawEncode(pcm, law);
    muLawDecode(law, back);
    pcm16ToFloat(back, floats);
  }
  const ms = performance.now() - started;
  print({ name: 'telephony-frame-16k-to-8k-mulaw-and-back', frames, usPerFrame: round((ms * 1000) / frames, 2), tenMinuteCallMs: Math.round(ms) });
}

function resamplerAccuracy(): void {
  const cases: [number, number, number[], number[]][] = [
    [48000, 16000, [100, 1000, 3000, 6000, 7000], [8500, 10000, 16000]],
    [16000, 8000, [100, 1000, 3000, 3400], [4300, 5000, 7000]],
    [8000, 16000, [100, 1000, 3000, 3400], []],
    [44100, 16000, [100, 1000, 3000, 6500], [8500, 11025, 20000]],
  ];
  for (const [from, to, passband, stopband] of cases) {
    const pass = passband.map((f) => {
      const out = resample(sine(f, from, from), from, to);
      const r = fit(out, f, to, Math.round(to * 0.05), out.length - Math.round(to * 0.05));
      return { hz: f, gainDb: round(r.gainDb, 4), residualDb: round(r.residualDb, 1) };
    });
    const stop = stopband.map((f) => {
      const input = sine(f, from, from);
      const out = resample(input, from, to);
      return { hz: f, attenuationDb: round(rmsDb(out, Math.round(to * 0.05), out.length - Math.round(to * 0.05)) - rmsDb(input), 1) };
    });
    const long = sine(440, from, from * 60);
    const { ms } = time(() => resample(long, from, to));
    const stream = new Resampler(from, to);
    const frame = long.subarray(0, from / 50);
    const frameTime = time(() => {
      for (let i = 0; i < 3000; i++) stream.process(frame);
    });
    print({ name: `resample-${from}-${to}`, passband: pass, stopband: stop, wholeSignalRealTime: Math.round(60000 / ms), usPer20msFrame: round((frameTime.ms * 1000) / 3000, 2), delayMs: stream.delayMs });
  }
}

function wavDecoding(): void {
  const minutes = 10;
  const bytes = encodeWav({ sampleRate: 16000, channels: [sine(440, 16000, 16000 * 60 * minutes)] });
  const { ms } = time(() => decodeWav(bytes, 'ten-minutes.wav'));
  print({ name: 'decode-wav-pcm16-16k-10min', ms: Math.round(ms) });
}

await vads();
telephony();
resamplerAccuracy();
wavDecoding();
