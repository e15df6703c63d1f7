import { describe, expect, it } from 'vitest';
import { RandomStreams } from '../../core/random/random.js';
import type { Codec } from '../scenario/model.js';
import { scriptedRandom } from '../test-support/fakes.js';
import { LossProcess } from '../world/channel.js';
import { AcousticUplink } from './uplink.js';

const RATE = 16000;
const PACKET = 320; // 20 ms

/** `count` packets of seeded random audio, each at its own level. */
function packets(count: number, seed: number): Float32Array[] {
  const random = new RandomStreams(seed).stream('uplink-test');
  return Array.from({ length: count }, () => {
    const amplitude = random.uniform(0.001, 0.9);
    return Float32Array.from({ length: PACKET }, () => random.uniform(-amplitude, amplitude));
  });
}

/** Sends the packets in order; returns what arrived, and whether each was lost. */
function transmit(uplink: AcousticUplink, sent: readonly Float32Array[]): { arrived: Float32Array[]; lost: boolean[] } {
  const arrived: Float32Array[] = [];
  const lost: boolean[] = [];
  sent.forEach((packet, k) => {
    const out = new Float32Array(PACKET).fill(NaN);
    const before = uplink.lost;
    uplink.transmit(k * PACKET, packet, out);
    arrived.push(out);
    lost.push(uplink.lost > before);
  });
  return { arrived, lost };
}

/** A draw from LossProcess's exponential of mean `meanMs` that gives exactly `ms`. */
const drawFor = (ms: number, meanMs: number): number => 1 - Math.exp(-ms / meanMs);

/**
 * Loss bursts at exactly the given times: rate 0.5 and 100 ms bursts make both exponential
 * means 100 ms; after the last burst, a gap of nearly 3 s.
 */
function lossAt(bursts: readonly [startMs: number, endMs: number][]): LossProcess {
  const draws: number[] = [];
  let cursor = 0;
  for (const [startMs, endMs] of bursts) {
    draws.push(drawFor(startMs - cursor, 100), drawFor(endMs - startMs, 100));
    cursor = endMs;
  }
  draws.push(1 - 1e-12, 0.5);
  return new LossProcess(0.5, 100, scriptedRandom(draws));
}

const scaled = (samples: Float32Array, gain: number): Float32Array => samples.map((v) => v * gain);

const isSilent = (samples: Float32Array): boolean => samples.every((v) => v === 0);

function uplink(codec: Codec, loss?: LossProcess): AcousticUplink {
  return new AcousticUplink({ sampleRate: RATE, loss, codec });
}

describe('AcousticUplink', () => {
  it('sends 20 ms packets', () => {
    expect(uplink('pcm16').packetSamples).toBe(320);
    expect(new AcousticUplink({ sampleRate: 8000, loss: undefined, codec: 'mulaw' }).packetSamples).toBe(160);
  });

  it('delivers every packet unchanged without loss (pcm16)', () => {
    const sent = packets(50, 1);
    const link = uplink('pcm16', new LossProcess(0, 60, new RandomStreams(1).stream('loss')));
    const { arrived, lost } = transmit(link, sent);
    expect(arrived).toEqual(sent);
    expect(lost.every((l) => !l)).toBe(true);
    expect([link.sent, link.lost]).toEqual([50, 0]);
  });

  it('quantizes with G.711 μ-law: within its step of the input, about 38 dB SNR, at most 256 values', () => {
    const sent = packets(100, 2);
    const { arrived } = transmit(uplink('mulaw'), sent);
    let signal = 0;
    let error = 0;
    const values = new Set<number>();
    const outside: string[] = [];
    sent.forEach((packet, k) => {
      packet.forEach((x, i) => {
        const y = arrived[k]![i]!;
        // μ-law's step is about 1/16 of the magnitude (at least 8 in PCM16 units near zero).
        if (Math.abs(y - x) > Math.abs(x) / 16 + 8 / 32768) outside.push(`packet ${k}, sample ${i}: ${x} → ${y}`);
        signal += x * x;
        error += (y - x) ** 2;
        values.add(y);
      });
    });
    expect(outside).toEqual([]);
    const snrDb = 10 * Math.log10(signal / error);
    expect(snrDb).toBeGreaterThan(30);
    expect(snrDb).toBeLessThan(45);
    expect(values.size).toBeLessThanOrEqual(256);
  });

  it('conceals lost packets with the last good one at 0.5, 0.25 and 0.125, then silence, and counts them', () => {
    // Packet k's middle is at 20k + 10 ms: packets 1–4 (30–90 ms) fall in the burst, 5 (110 ms) does not.
    const sent = packets(8, 3);
    const link = uplink('pcm16', lossAt([[25, 105]]));
    const { arrived, lost } = transmit(link, sent);
    expect(lost).toEqual([false, true, true, true, true, false, false, false]);
    expect(arrived.slice(0, 4)).toEqual([sent[0], scaled(sent[0]!, 0.5), scaled(sent[0]!, 0.25), scaled(sent[0]!, 0.125)]);
    expect(isSilent(arrived[4]!)).toBe(true);
    expect(arrived.slice(5)).toEqual(sent.slice(5));
    expect([link.sent, link.lost]).toEqual([8, 4]);
    // As counted when only part of the audio had been sent: packets that start before the sample.
    expect(link.countsBefore(0)).toEqual({ sent: 0, lost: 0 });
    expect(link.countsBefore(2 * PACKET)).toEqual({ sent: 2, lost: 1 });
    expect(link.countsBefore(2 * PACKET + 1)).toEqual({ sent: 3, lost: 2 });
    expect(link.countsBefore(100 * PACKET)).toEqual({ sent: 8, lost: 4 });
  });

  it('starts the fade again from the newest good packet after a recovery', () => {
    const sent = packets(8, 4);
    const { arrived } = transmit(uplink('pcm16', lossAt([[25, 45], [125, 155]])), sent);
    expect(arrived[1]).toEqual(scaled(sent[0]!, 0.5));
    expect(arrived.slice(2, 6)).toEqual(sent.slice(2, 6));
    expect(arrived[6]).toEqual(scaled(sent[5]!, 0.5));
    expect(arrived[7]).toEqual(scaled(sent[5]!, 0.25));
  });

  it('conceals with the packet as decoded under μ-law', () => {
    const sent = packets(3, 5);
    const { arrived } = transmit(uplink('mulaw', lossAt([[25, 55]])), sent);
    expect(arrived[0]).not.toEqual(sent[0]);
    expect(arrived[1]).toEqual(scaled(arrived[0]!, 0.5));
    expect(arrived[2]).toEqual(scaled(arrived[0]!, 0.25));
  });

  it('under heavy bursty loss, every packet is either delivered or the concealment of the last good one', () => {
    const sent = packets(250, 6);
    const link = uplink('pcm16', new LossProcess(0.3, 60, new RandomStreams(6).stream('loss')));
    const { arrived, lost } = transmit(link, sent);
    let last: Float32Array = new Float32Array(PACKET);
    let inRow = 0;
    let longestRun = 0;
    arrived.forEach((out, k) => {
      if (!lost[k]) {
        expect(out).toEqual(sent[k]);
        last = sent[k]!;
        inRow = 0;
        return;
      }
      inRow++;
      longestRun = Math.max(longestRun, inRow);
      if (inRow > 3) expect(isSilent(out)).toBe(true);
      else expect(out).toEqual(scaled(last, 0.5 ** inRow));
    });
    expect([link.sent, link.lost]).toEqual([250, lost.filter(Boolean).length]);
    expect(link.lost / link.sent).toBeGreaterThan(0.15);
    expect(link.lost / link.sent).toBeLessThan(0.45);
    expect(longestRun).toBeGreaterThan(3);
  });
});
