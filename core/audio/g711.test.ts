import wavefile from 'wavefile';
import { describe, expect, it } from 'vitest';
import { muLawDecode, muLawEncode } from './g711.js';
import { decodeWav } from './wav.js';
import { buildWav } from './test-support/build-wav.js';

const ALL_CODES = Uint8Array.from({ length: 256 }, (_, i) => i);
const ALL_SAMPLES = Int16Array.from({ length: 65536 }, (_, i) => i - 32768);

describe('G.711 μ-law', () => {
  it('decodes to the G.711 table', () => {
    const decoded = muLawDecode(ALL_CODES);
    // Codes 0x00…0x7F are negative, 0x80…0xFF positive; the first of each 16-code segment and the last.
    const expected: Record<number, number> = {
      0x00: -32124, 0x01: -31100, 0x10: -15996, 0x20: -7932, 0x30: -3900, 0x40: -1884, 0x50: -876, 0x60: -372, 0x70: -120, 0x7e: -8, 0x7f: 0,
      0x80: 32124, 0x81: 31100, 0x90: 15996, 0xa0: 7932, 0xb0: 3900, 0xc0: 1884, 0xd0: 876, 0xe0: 372, 0xf0: 120, 0xfe: 8, 0xff: 0,
    };
    for (const [code, value] of Object.entries(expected)) expect(decoded[Number(code)], `code 0x${Number(code).toString(16)}`).toBe(value);
    for (let code = 0; code < 128; code++) expect(decoded[code]! + decoded[code + 128]!).toBe(0);
  });

  it('decodes exactly as wavefile does (its alawmulaw codec, reading a μ-law WAV)', () => {
    const fromWav = decodeWav(buildWav({ formatTag: 7, bitsPerSample: 8, sampleRate: 8000, data: ALL_CODES }), 'all-codes.wav').channels[0]!;
    expect(Array.from(muLawDecode(ALL_CODES), (v) => v / 32768)).toEqual(Array.from(fromWav));
  });

  it('encodes each decoded value back to its code (but −0 to +0)', () => {
    const decoded = muLawDecode(ALL_CODES);
    const again = muLawEncode(decoded);
    for (let code = 0; code < 256; code++) expect(again[code], `code ${code}`).toBe(code === 0x7f ? 0xff : code);
  });

  it('encodes every 16-bit value to the nearest level on its segment, monotonically', () => {
    const codes = muLawEncode(ALL_SAMPLES);
    const levels = muLawDecode(codes);
    const wrong: number[] = [];
    for (let i = 0; i < ALL_SAMPLES.length; i++) {
      const x = ALL_SAMPLES[i]!;
      if (i > 0 && levels[i]! < levels[i - 1]!) wrong.push(x);
      // Quantisation error within half a step (steps double per segment, 1024 at the top), bar the clipped top.
      const step = Math.max(8, 2 ** Math.ceil(Math.log2(Math.abs(x) + 132)) / 16);
      if (Math.abs(x) <= 32124 && Math.abs(levels[i]! - x) > step / 2 + 4) wrong.push(x);
    }
    expect(wrong).toEqual([]);
  });

  it('is symmetric as in the G.191 reference: −1−x encodes as x with the sign bit cleared', () => {
    const codes = muLawEncode(ALL_SAMPLES);
    const wrong: number[] = [];
    for (let x = 0; x < 32768; x++) if (codes[32768 - 1 - x] !== (codes[32768 + x]! & 0x7f)) wrong.push(x);
    expect(wrong).toEqual([]);
  });

  it('agrees with wavefile’s encoder (alawmulaw) on non-negative samples', () => {
    const positive = ALL_SAMPLES.subarray(32768);
    const wav = new wavefile.WaveFile();
    wav.fromScratch(1, 8000, '16', positive);
    wav.toMuLaw();
    const theirs = (wav as unknown as { data: { samples: Uint8Array } }).data.samples;
    expect(Array.from(muLawEncode(positive))).toEqual(Array.from(theirs));
  });

  it('writes into a given buffer', () => {
    const out = new Uint8Array(4);
    expect(muLawEncode(new Int16Array([0, 1000, -1000, 32767]), out)).toBe(out);
    expect(Array.from(out)).toEqual([0xff, 0xce, 0x4e, 0x80]);
    const pcm = new Int16Array(4);
    expect(muLawDecode(out, pcm)).toBe(pcm);
    expect(() => muLawEncode(new Int16Array(5), out)).toThrow(RangeError);
  });
});
