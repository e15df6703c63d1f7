import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SampleTrack } from './sample-track.js';

/** A small rate, so that one-second blocks are 10 samples and boundaries are easy to cross. */
const RATE = 10;

const ints = (...values: number[]): Int16Array => Int16Array.from(values);
const range = (from: number, n: number): Int16Array => Int16Array.from({ length: n }, (_, i) => from + i);

describe('SampleTrack', () => {
  it('reads back what was written across block boundaries, with silence elsewhere', () => {
    const track = new SampleTrack(RATE);
    track.write(7, range(1, 16)); // samples 7..22: the ends of block 0, all of block 1, the start of block 2
    const expected = new Int16Array(25);
    expected.set(range(1, 16), 7);
    expect(track.end).toBe(23);
    expect(track.pcm16(25)).toEqual(expected);
  });

  it('overwrites across a boundary and writes a sub-range of the source', () => {
    const track = new SampleTrack(RATE);
    track.write(0, range(1, 30));
    track.write(8, ints(-1, -2, -3, -4, -5, -6), 1, 5); // -2..-5 at 8..11
    const expected = range(1, 30);
    expected.set(ints(-2, -3, -4, -5), 8);
    expect(track.pcm16()).toEqual(expected);
    expect(track.end).toBe(30);
  });

  it('moves end only forward', () => {
    const track = new SampleTrack(RATE);
    track.write(20, ints(5));
    track.write(3, ints(1, 2));
    expect(track.end).toBe(21);
  });

  it('clears a span across blocks, including blocks never written and a start before 0', () => {
    const track = new SampleTrack(RATE);
    track.write(0, range(1, 12));
    track.write(35, ints(9, 9));
    track.clear(-5, 11);
    track.clear(15, 36); // block 2 was never written; block 3 partly
    const expected = new Int16Array(37);
    expected[11] = 12;
    expected[36] = 9;
    expect(track.pcm16()).toEqual(expected);
    expect(track.end).toBe(37);
  });

  it('adds samples times a gain into floats, from a negative start on', () => {
    const track = new SampleTrack(RATE);
    track.write(0, ints(16384, -8192, 4096));
    track.write(12, ints(32767));
    const out = new Float32Array(18).fill(0.25);
    track.addInto(-3, out, 2); // out[k] gets sample k − 3
    const expected = new Float32Array(18).fill(0.25);
    expected[3] = 0.25 + 1;
    expected[4] = 0.25 - 0.5;
    expected[5] = 0.25 + 0.25;
    expected[15] = 0.25 + (2 * 32767) / 32768;
    expect(out).toEqual(expected);
  });

  it('adds nothing when the whole span is before the start or in blocks never written', () => {
    const track = new SampleTrack(RATE);
    track.write(0, ints(1000));
    const out = new Float32Array(4).fill(0.5);
    track.addInto(-10, out);
    track.addInto(30, out);
    expect(out).toEqual(new Float32Array(4).fill(0.5));
  });

  it('gives pcm16 of any length: cut short, or padded with silence', () => {
    const track = new SampleTrack(RATE);
    track.write(5, range(1, 10));
    expect(track.pcm16(8)).toEqual(ints(0, 0, 0, 0, 0, 1, 2, 3));
    expect(track.pcm16(3)).toEqual(ints(0, 0, 0));
    const longer = new Int16Array(40);
    longer.set(range(1, 10), 5);
    expect(track.pcm16(40)).toEqual(longer);
    expect(new SampleTrack(RATE).pcm16()).toEqual(new Int16Array(0));
  });

  it('clips floats to the PCM16 range and rounds them', () => {
    const track = new SampleTrack(RATE);
    track.write(8, Float32Array.from([1.5, -2, 1, -1, 0.5, 0.25 / 32768, 1.6 / 32768]));
    expect(track.pcm16()).toEqual(ints(0, 0, 0, 0, 0, 0, 0, 0, 32767, -32768, 32767, -32768, 16384, 0, 2));
  });

  it('matches a plain array under any sequence of writes and clears', () => {
    const length = 64;
    const write = fc.record({
      kind: fc.constant('write' as const),
      at: fc.nat(length - 1),
      samples: fc.array(fc.integer({ min: -32768, max: 32767 }), { maxLength: 30 }),
      float: fc.boolean(),
    });
    const clear = fc.record({ kind: fc.constant('clear' as const), from: fc.integer({ min: -5, max: length }), n: fc.nat(30) });
    fc.assert(
      fc.property(fc.array(fc.oneof(write, clear), { maxLength: 12 }), fc.integer({ min: -20, max: length }), (ops, readFrom) => {
        const track = new SampleTrack(RATE);
        const model = new Int16Array(length + 30);
        let end = 0;
        for (const op of ops) {
          if (op.kind === 'clear') {
            track.clear(op.from, op.from + op.n);
            model.fill(0, Math.max(0, op.from), Math.max(0, op.from + op.n));
            continue;
          }
          // As floats, each value is exactly representable: it must come back unchanged.
          const samples = op.float ? Float32Array.from(op.samples, (v) => v / 32768) : Int16Array.from(op.samples);
          track.write(op.at, samples);
          model.set(op.samples, op.at);
          end = Math.max(end, op.at + op.samples.length);
        }
        expect(track.end).toBe(end);
        expect(track.pcm16()).toEqual(model.subarray(0, end));
        const out = new Float32Array(25);
        track.addInto(readFrom, out, 0.5);
        const expected = Float32Array.from({ length: 25 }, (_, k) => (readFrom + k < 0 ? 0 : (model[readFrom + k] ?? 0) * (0.5 / 32768)));
        expect(out).toEqual(expected);
      }),
      { numRuns: 300 },
    );
  });
});
