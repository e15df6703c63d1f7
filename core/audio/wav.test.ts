import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import wavefile from 'wavefile';
import { afterAll, describe, expect, it } from 'vitest';
import { AudioFileError } from './audio-file-error.js';
import { buildWav, pcm16Bytes } from './test-support/build-wav.js';
import { fitSine, sine } from './test-support/signals.js';
import { decodeWav, encodeWav, readWavFile } from './wav.js';

const fixture = (name: string): string => new URL(`./test-fixtures/${name}`, import.meta.url).pathname;
const temp: string[] = [];
afterAll(() => temp.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

/** The error `decodeWav` throws for `bytes`, as `file: reason`. */
function failure(bytes: Uint8Array, file = 'clip.wav'): string {
  try {
    decodeWav(bytes, file);
  } catch (error) {
    expect(error).toBeInstanceOf(AudioFileError);
    expect((error as AudioFileError).file).toBe(file);
    return (error as Error).message;
  }
  throw new Error('decodeWav accepted the bytes');
}

describe('decodeWav', () => {
  const reference = readWavFile(fixture('tone-float64.wav')).channels[0]!;

  it.each([
    ['tone-pcm8.wav', 'pcm8', 1 / 128],
    ['tone-pcm16.wav', 'pcm16', 1 / 32768],
    ['tone-pcm16-rifx.wav', 'pcm16', 1 / 32768],
    ['tone-pcm24.wav', 'pcm24', 1e-6],
    ['tone-pcm32.wav', 'pcm32', 1e-6],
    ['tone-float32.wav', 'float32', 1e-6],
    ['tone-float64.wav', 'float64', 0],
    // μ-law and A-law: half a quantisation step near ±0.5 (1024/32768 there).
    ['tone-mulaw.wav', 'mulaw', 0.016],
    ['tone-alaw.wav', 'alaw', 0.016],
  ])('reads %s (%s) to floats in [-1, 1]', (name, encoding, tolerance) => {
    const audio = readWavFile(fixture(name));
    expect(audio.encoding).toBe(encoding);
    expect(audio.sampleRate).toBe(8000);
    expect(audio.durationMs).toBe(50);
    expect(audio.channels).toHaveLength(1);
    const samples = audio.channels[0]!;
    expect(samples).toBeInstanceOf(Float32Array);
    expect(samples).toHaveLength(400);
    let worst = 0;
    for (let i = 0; i < samples.length; i++) worst = Math.max(worst, Math.abs(samples[i]! - reference[i]!));
    expect(worst).toBeLessThanOrEqual(tolerance);
    expect(fitSine(samples, 1000, 8000).amplitude).toBeCloseTo(0.5, 1);
  });

  it('reads PCM16 directly exactly as wavefile unpacks it', () => {
    for (const name of ['tone-pcm16.wav', 'stereo-44k.wav']) {
      const bytes = readFileSync(fixture(name));
      const raw = new wavefile.WaveFile(bytes).getSamples(false, Float64Array) as unknown as Float64Array | Float64Array[];
      const expected = (raw instanceof Float64Array ? [raw] : raw).map((channel) => Float32Array.from(channel, (v) => v / 32768));
      expect(decodeWav(bytes, name).channels).toEqual(expected);
    }
  });

  it('reads stereo as two channels and keeps the first two of more', () => {
    const stereo = readWavFile(fixture('stereo-44k.wav'));
    expect(stereo).toMatchObject({ sampleRate: 44100, encoding: 'pcm16' });
    expect(stereo.channels).toHaveLength(2);
    expect(fitSine(stereo.channels[0]!, 1000, 44100).residualDb).toBeLessThan(-40);
    expect(fitSine(stereo.channels[1]!, 500, 44100).residualDb).toBeLessThan(-40);

    const three = readWavFile(fixture('three-channels-float.wav'));
    expect(three).toMatchObject({ sampleRate: 16000, encoding: 'float32', durationMs: 50 });
    expect(three.channels).toHaveLength(2);
    expect(fitSine(three.channels[0]!, 1000, 16000).residualDb).toBeLessThan(-40);
    expect(fitSine(three.channels[1]!, 500, 16000).residualDb).toBeLessThan(-40);
  });

  it('reads an extensible fmt chunk by its subformat (float, μ-law)', () => {
    const floats = new Float32Array([0, 0.25, -0.5, 1, -1]);
    const float = decodeWav(buildWav({ subformat: 3, bitsPerSample: 32, data: new Uint8Array(floats.buffer) }), 'ext.wav');
    expect(float.encoding).toBe('float32');
    expect(float.channels[0]).toEqual(floats);
    const mulaw = decodeWav(buildWav({ subformat: 7, bitsPerSample: 8, data: new Uint8Array([0xff, 0x80, 0x00]) }), 'ext.wav');
    expect(mulaw.encoding).toBe('mulaw');
    expect(Array.from(mulaw.channels[0]!)).toEqual([0, 32124 / 32768, -32124 / 32768]);
  });

  it('leaves the bytes it was given untouched, Buffer or not', () => {
    const dir = mkdtempSync(join(tmpdir(), 'parley-wav-'));
    temp.push(dir);
    const original = buildWav({ subformat: 3, bitsPerSample: 32, data: new Uint8Array(new Float32Array([0.5, -0.5, 0.25]).buffer), after: new Uint8Array([0, 0]) });
    const path = join(dir, 'ext.wav');
    writeFileSync(path, original);
    const bytes = readFileSync(path); // a Buffer, possibly a view into a shared pool
    expect(Array.from(decodeWav(bytes, path).channels[0]!)).toEqual([0.5, -0.5, 0.25]);
    expect(Buffer.compare(bytes, Buffer.from(original))).toBe(0);
    expect(Array.from(readWavFile(path).channels[0]!)).toEqual([0.5, -0.5, 0.25]);
  });

  it('clips floats beyond full scale and reads NaN as silence', () => {
    const floats = new Float32Array([1.5, -2, Number.NaN, 0.5]);
    const audio = decodeWav(buildWav({ formatTag: 3, bitsPerSample: 32, data: new Uint8Array(floats.buffer) }), 'hot.wav');
    expect(Array.from(audio.channels[0]!)).toEqual([1, -1, 0, 0.5]);
  });

  it('ignores a trailing partial frame and a cut-short chunk after the data', () => {
    const data = new Uint8Array(3 * 6 + 4); // 24-bit stereo: 3 whole frames and 4 bytes
    const partial = decodeWav(buildWav({ channels: 2, bitsPerSample: 24, data }), 'odd.wav');
    expect(partial.channels.map((c) => c.length)).toEqual([3, 3]);
    const tail = new Uint8Array([...'LIST'].map((c) => c.charCodeAt(0)).concat([100, 0, 0, 0, 1, 2]));
    const trailing = decodeWav(buildWav({ data: pcm16Bytes([1, 2, 3]), after: tail }), 'tail.wav');
    expect(trailing.channels[0]).toHaveLength(3);
  });

  it('skips other chunks before the data', () => {
    const list = { id: 'LIST', body: new Uint8Array([...'INFOabc'].map((c) => c.charCodeAt(0))) };
    const audio = decodeWav(buildWav({ before: [list], data: pcm16Bytes([16384, -16384]) }), 'list.wav');
    expect(Array.from(audio.channels[0]!)).toEqual([0.5, -0.5]);
  });

  it('says in one line why a file cannot be read', () => {
    const pcm = pcm16Bytes(new Int16Array(600));
    const complete = buildWav({ data: pcm });
    expect(failure(new TextEncoder().encode('hello, this is not audio at all'))).toBe('clip.wav: not a WAV file (no RIFF/WAVE header)');
    expect(failure(new Uint8Array(0))).toBe('clip.wav: empty (0 bytes)');
    expect(failure(buildWav())).toBe('clip.wav: empty (no samples)');
    expect(failure(buildWav({ data: pcm, declaredDataBytes: 64000 }))).toBe('clip.wav: truncated (the data chunk declares 64000 bytes, 1200 are present)');
    expect(failure(complete.subarray(0, 30))).toBe('clip.wav: truncated (the fmt chunk declares 16 bytes, 10 are present)');
    expect(failure(complete.subarray(0, 36))).toBe('clip.wav: truncated (no data chunk)');
    expect(failure(complete.subarray(0, 8))).toBe('clip.wav: truncated (8 bytes, not even a RIFF header)');
    expect(failure(buildWav({ formatTag: 0x11, bitsPerSample: 4, blockAlign: 256, data: pcm }))).toBe(
      'clip.wav: unsupported format (IMA ADPCM; supported: 8/16/24/32-bit PCM, 32/64-bit float, μ-law, A-law)',
    );
    expect(failure(buildWav({ bitsPerSample: 12, blockAlign: 2, data: pcm }))).toMatch(/^clip\.wav: unsupported format \(12-bit PCM; /);
    expect(failure(buildWav({ sampleRate: 96000, data: pcm }))).toBe('clip.wav: unsupported format (sample rate 96000 Hz; supported: 8000–48000 Hz)');
    expect(failure(buildWav({ sampleRate: 4000, data: pcm }))).toMatch(/sample rate 4000 Hz/);
    expect(failure(buildWav({ channels: 0, blockAlign: 0, data: pcm }))).toBe('clip.wav: malformed (0 channels)');
    expect(failure(buildWav({ blockAlign: 4, data: pcm }))).toBe('clip.wav: malformed (block align 4 for 1 channel(s) of 16 bits, 2 expected)');
    const rf64 = complete.slice();
    rf64.set([...'RF64'].map((c) => c.charCodeAt(0)));
    expect(failure(rf64)).toBe('clip.wav: unsupported format (RF64 container)');
    const noFmt = complete.slice();
    noFmt.set([...'junk'].map((c) => c.charCodeAt(0)), 12);
    expect(failure(noFmt)).toBe('clip.wav: malformed (no fmt chunk)');
  });

  it('names a file it cannot read', () => {
    const dir = mkdtempSync(join(tmpdir(), 'parley-wav-'));
    temp.push(dir);
    const missing = join(dir, 'missing.wav');
    expect(() => readWavFile(missing)).toThrow(new AudioFileError(missing, 'no such file'));
    expect(() => readWavFile(dir)).toThrow(`${dir}: is a directory, not a WAV file`);
  });
});

describe('encodeWav', () => {
  const left = sine(440, 16000, 1600, 0.5);
  const right = sine(880, 16000, 1600, 0.25);

  it('writes PCM16 that decodeWav reads back, mono and stereo', () => {
    const mono = decodeWav(encodeWav({ sampleRate: 16000, channels: [left] }), 'mono.wav');
    expect(mono).toMatchObject({ sampleRate: 16000, encoding: 'pcm16', durationMs: 100 });
    expect(mono.channels).toHaveLength(1);
    for (let i = 0; i < left.length; i++) expect(Math.abs(mono.channels[0]![i]! - left[i]!)).toBeLessThanOrEqual(0.5 / 32768);

    const bytes = encodeWav({ sampleRate: 16000, channels: [left, right] });
    expect(bytes.length).toBe(44 + 1600 * 4);
    const stereo = decodeWav(bytes, 'stereo.wav');
    expect(stereo.channels).toHaveLength(2);
    expect(fitSine(stereo.channels[0]!, 440, 16000).amplitude).toBeCloseTo(0.5, 3);
    expect(fitSine(stereo.channels[1]!, 880, 16000).amplitude).toBeCloseTo(0.25, 3);
    // Interleaved: the first frame is left then right.
    const view = new DataView(bytes.buffer, bytes.byteOffset);
    expect([view.getInt16(44 + 4 * 10, true), view.getInt16(46 + 4 * 10, true)]).toEqual([Math.round(left[10]! * 32768), Math.round(right[10]! * 32768)]);
  });

  it('gives byte-identical files for identical input', () => {
    const a = encodeWav({ sampleRate: 8000, channels: [left, right] });
    const b = encodeWav({ sampleRate: 8000, channels: [left.slice(), right.slice()] });
    expect(Buffer.from(a).equals(Buffer.from(b))).toBe(true);
  });

  it('clips samples beyond full scale', () => {
    const audio = decodeWav(encodeWav({ sampleRate: 8000, channels: [new Float32Array([2, -2, 1, -1])] }), 'hot.wav');
    expect(Array.from(audio.channels[0]!)).toEqual([32767 / 32768, -1, 32767 / 32768, -1]);
  });

  it('refuses channels of different lengths, or more than two', () => {
    expect(() => encodeWav({ sampleRate: 8000, channels: [left, right.subarray(1)] })).toThrow(/different lengths/);
    expect(() => encodeWav({ sampleRate: 8000, channels: [left, left, left] })).toThrow(/1 or 2 channels/);
  });
});
