import { floatToPcm16, pcm16ToFloat } from '../../core/audio/pcm.js';
import { muLawDecode, muLawEncode } from '../../core/audio/g711.js';
import type { Codec } from '../scenario/model.js';
import type { LossProcess } from '../world/channel.js';

/** How much a repeated packet is turned down each time it stands in for another lost one. */
const CONCEALMENT_FADE = 0.5;
/** After this many lost packets in a row, concealment gives silence. */
const CONCEALMENT_LIMIT = 3;

/**
 * The caller's audio on its way to the agent, packet by packet (20 ms): packets lost in the
 * loss process's bursts are concealed as a receiver would (the last good packet repeated,
 * fading, then silence), and a telephone line's codec (G.711 μ-law) quantizes what survives.
 * The latency is constant (a jitter buffer's playout delay); the caller applies it.
 */
export class AcousticUplink {
  readonly packetSamples: number;
  readonly #sampleRate: number;
  readonly #loss: LossProcess | undefined;
  readonly #codec: Codec;
  readonly #last: Float32Array;
  #lostInRow = 0;
  readonly #pcm: Int16Array;
  readonly #law: Uint8Array;
  #sent = 0;
  /** Where the first packet started, and where each lost one did. */
  #firstAt: number | undefined;
  readonly #lostAt: number[] = [];

  constructor(options: { readonly sampleRate: number; readonly loss: LossProcess | undefined; readonly codec: Codec }) {
    this.#sampleRate = options.sampleRate;
    this.packetSamples = Math.round(options.sampleRate * 0.02);
    this.#loss = options.loss;
    this.#codec = options.codec;
    this.#last = new Float32Array(this.packetSamples);
    this.#pcm = new Int16Array(this.packetSamples);
    this.#law = new Uint8Array(this.packetSamples);
  }

  /** Sends the packet of samples starting at `at` (`packet`, one packet long); writes what arrives into `out`. */
  transmit(at: number, packet: Float32Array, out: Float32Array): void {
    this.#firstAt ??= at;
    this.#sent++;
    if (this.#isLost(at)) {
      this.#lostAt.push(at);
      this.#lostInRow++;
      const gain = this.#lostInRow > CONCEALMENT_LIMIT ? 0 : CONCEALMENT_FADE ** this.#lostInRow;
      for (let i = 0; i < out.length; i++) out[i] = this.#last[i]! * gain;
      return;
    }
    this.#lostInRow = 0;
    if (this.#codec === 'mulaw') {
      floatToPcm16(packet, this.#pcm);
      muLawEncode(this.#pcm, this.#law);
      muLawDecode(this.#law, this.#pcm);
      pcm16ToFloat(this.#pcm, out);
    } else {
      out.set(packet);
    }
    this.#last.set(out);
  }

  /** Packets sent. */
  get sent(): number {
    return this.#sent;
  }

  /** Packets lost, of those sent. */
  get lost(): number {
    return this.#lostAt.length;
  }

  /**
   * Packets sent and lost among those that started before sample `end` (packets go one after
   * another): what the count was when that much of the caller's audio had been sent.
   */
  countsBefore(end: number): { readonly sent: number; readonly lost: number } {
    if (this.#firstAt === undefined) return { sent: 0, lost: 0 };
    const sent = Math.min(this.#sent, Math.max(0, Math.ceil((end - this.#firstAt) / this.packetSamples)));
    return { sent, lost: this.#lostAt.filter((at) => at < end).length };
  }

  /** A packet is lost when its middle falls in a loss burst. */
  #isLost(at: number): boolean {
    if (!this.#loss) return false;
    const middleMs = ((at + this.packetSamples / 2) * 1000) / this.#sampleRate;
    return this.#loss.lostBetween(middleMs, middleMs + 1e-6).some((b) => b.startMs <= middleMs && middleMs < b.endMs);
  }
}
