import { readdirSync, writeFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { AudioFileError } from './audio-file-error.js';
import { decodeWav, readWavFile, encodeWav } from './wav.js';
import { WavReader } from './wav-reader.js';

const fixtures = new URL('./test-fixtures/', import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), 'parley-wav-reader-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Everything a reader gives, read in blocks of `block` frames. */
function readAll(path: string, block: number): Float32Array[] {
  const reader = WavReader.open(path);
  const parts: Float32Array[][] = Array.from({ length: reader.channels }, () => []);
  for (let piece = reader.read(block); piece.length > 0; piece = reader.read(block)) piece.forEach((samples, c) => parts[c]!.push(samples));
  reader.close();
  return parts.map((chunks) => {
    const out = new Float32Array(chunks.reduce((n, c) => n + c.length, 0));
    let at = 0;
    for (const chunk of chunks) {
      out.set(chunk, at);
      at += chunk.length;
    }
    return out;
  });
}

describe('WavReader', () => {
  for (const name of readdirSync(fixtures).filter((f) => f.endsWith('.wav'))) {
    it(`reads ${name} in pieces as decodeWav reads it whole`, () => {
      const whole = readWavFile(join(fixtures, name));
      const reader = WavReader.open(join(fixtures, name));
      expect([reader.sampleRate, reader.channels, reader.encoding, reader.frames]).toEqual([whole.sampleRate, whole.channels.length, whole.encoding, whole.channels[0]!.length]);
      reader.close();
      const pieces = readAll(join(fixtures, name), 97);
      expect(pieces).toHaveLength(whole.channels.length);
      pieces.forEach((samples, c) => {
        expect(samples.length).toBe(whole.channels[c]!.length);
        // A-law and μ-law may differ from wavefile's codec by a step of the G.711 table, no more.
        samples.forEach((value, i) => expect(Math.abs(value - whole.channels[c]![i]!)).toBeLessThan(2 ** -10));
      });
    });
  }

  it('refuses what decodeWav refuses, with the same one-line reason', () => {
    const good = encodeWav({ sampleRate: 16000, channels: [new Float32Array(1600)] });
    const cases: [string, Uint8Array][] = [
      ['empty.wav', new Uint8Array(0)],
      ['text.wav', new TextEncoder().encode('not audio at all')],
      ['cut.wav', good.subarray(0, good.length - 1000)],
    ];
    for (const [name, bytes] of cases) {
      const path = join(dir, name);
      writeFileSync(path, bytes);
      const whole = (() => {
        try {
          decodeWav(bytes, path);
        } catch (error) {
          return (error as Error).message;
        }
        return 'no error';
      })();
      expect(() => WavReader.open(path)).toThrow(AudioFileError);
      expect(() => WavReader.open(path)).toThrow(whole);
    }
    expect(() => WavReader.open(join(dir, 'missing.wav'))).toThrow(`${join(dir, 'missing.wav')}: no such file`);
  });
});
