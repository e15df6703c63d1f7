import { describe, expect, it } from 'vitest';
import { floatToPcm16, pcm16ToFloat } from './pcm.js';

describe('PCM16 conversions', () => {
  it('scales by 32768, rounds half up and clips', () => {
    const floats = new Float32Array([0, 0.5, -0.5, 1, -1, 1.5, -1.5, 1 / 65536, -1 / 65536, 3 / 65536, Number.NaN]);
    expect(Array.from(floatToPcm16(floats))).toEqual([0, 16384, -16384, 32767, -32768, 32767, -32768, 1, 0, 2, 0]);
  });

  it('round-trips every PCM16 value exactly', () => {
    const all = Int16Array.from({ length: 65536 }, (_, i) => i - 32768);
    const floats = pcm16ToFloat(all);
    expect(floats[0]).toBe(-1);
    expect(floats[65535]).toBe(32767 / 32768);
    const back = floatToPcm16(floats);
    expect(back.every((v, i) => v === all[i])).toBe(true);
  });

  it('writes into a given buffer', () => {
    const out = new Int16Array(3);
    expect(floatToPcm16(new Float32Array([0.25, 0, -0.25]), out)).toBe(out);
    expect(Array.from(out)).toEqual([8192, 0, -8192]);
    expect(() => pcm16ToFloat(new Int16Array(4), new Float32Array(3))).toThrow(RangeError);
  });
});
