import type { RoomTap } from './room.js';
import type { SampleTrack } from './sample-track.js';

/** The echo path: the agent's audio at the ear, back into the microphone. */
export interface EchoPathSamples {
  /** The agent's audio as the user hears it. */
  readonly ear: SampleTrack;
  /** Ear to microphone, in samples. */
  readonly delaySamples: number;
  /** Linear gain of the echo. */
  readonly gain: number;
  /** The room's response (direct path first). */
  readonly taps: readonly RoomTap[];
}

/**
 * What the user's microphone picks up, sample by sample: the user's speech and other sounds
 * placed where they happen, the agent's echo through the room, and background noise. Rendered
 * in time order, block by block.
 */
export class MicSignal {
  #placed: { at: number; samples: Float32Array }[] = [];
  readonly #echo: EchoPathSamples | undefined;
  readonly #background: Float32Array | undefined;

  constructor(options: { readonly echo?: EchoPathSamples | undefined; readonly background?: Float32Array | undefined }) {
    this.#echo = options.echo;
    this.#background = options.background;
  }

  /** A sound (already at its level) starting at sample `at`. */
  place(at: number, samples: Float32Array): void {
    this.#placed.push({ at, samples });
  }

  /**
   * Cuts short the sounds placed to play past sample `at` (the user stopped: a hang-up). Returns
   * nothing; later blocks simply hear less.
   */
  cutAt(at: number): void {
    this.#placed = this.#placed.map((p) => (p.at + p.samples.length > at ? { at: p.at, samples: p.samples.subarray(0, Math.max(0, at - p.at)) } : p));
  }

  /** Fills `out` with the microphone's samples [from, from + out.length). */
  render(from: number, out: Float32Array): void {
    out.fill(0);
    const to = from + out.length;
    // Sounds over before this block are dropped, in place (this runs for every packet).
    const placed = this.#placed;
    let kept = 0;
    for (let k = 0; k < placed.length; k++) if (placed[k]!.at + placed[k]!.samples.length > from) placed[kept++] = placed[k]!;
    placed.length = kept;
    for (const { at, samples } of placed) {
      if (at >= to) continue;
      const start = Math.max(from, at);
      const end = Math.min(to, at + samples.length);
      for (let i = start; i < end; i++) out[i - from] = out[i - from]! + samples[i - at]!;
    }
    const echo = this.#echo;
    if (echo) {
      for (const tap of echo.taps) echo.ear.addInto(from - echo.delaySamples - tap.delaySamples, out, echo.gain * tap.gain);
    }
    const background = this.#background;
    if (background) {
      for (let i = 0; i < out.length; i++) out[i] = out[i]! + background[(from + i) % background.length]!;
    }
  }
}
