import { floatToPcm16 } from '../../core/audio/pcm.js';
import { Resampler } from '../../core/audio/resample.js';
import { WavReader } from '../../core/audio/wav-reader.js';
import { VirtualClock } from '../../core/clock/virtual-clock.js';
import { AudioInput, type AudioInputEchoOptions } from '../../core/input/audio-input.js';
import { createEnergyVad } from '../../core/vad/energy-vad.js';
import type { FrameVad, VadSampleRate } from '../../core/vad/frame-vad.js';
import { createSileroVad } from '../../core/vad/silero.js';

/** Which channel of a recording is whom: `mono-user` for a recording of the caller alone. */
export type ChannelMap = { readonly user: 'left' | 'right'; readonly agent: 'left' | 'right' } | 'mono-user';

/** A channel as a frame VAD heard it: one probability and one level (dBFS) per window. */
export interface HeardTrack {
  readonly probabilities: Float32Array;
  readonly levelsDb: Float32Array;
}

/** One way of hearing the caller: the VAD model and the echo canceller (against the agent's channel). */
export interface Hearing {
  readonly vad: 'silero' | 'energy';
  readonly echoCanceller: AudioInputEchoOptions | false;
}

/** A recording as heard, window by window. */
export interface HeardRecording {
  readonly file: string;
  readonly durationMs: number;
  /** The file's own rate. */
  readonly fileSampleRate: number;
  /** The rate the VADs ran at: 8 kHz for a telephone recording, else 16 kHz. */
  readonly sampleRate: VadSampleRate;
  /** Length of a window: 32 ms (512 samples at 16 kHz, 256 at 8 kHz). */
  readonly windowMs: number;
  /** The caller, once per hearing asked for (in the order asked). */
  readonly user: readonly HeardTrack[];
  /** The agent, when the recording has its channel (Silero, no echo canceller). */
  readonly agent: HeardTrack | undefined;
}

/** A recording that does not fit how it is to be heard (one channel where two are needed). */
export class RecordingError extends Error {
  override readonly name = 'RecordingError';
}

/** How much of the file is read at a time: memory stays bounded whatever the call's length. */
const BLOCK_MS = 500;

/**
 * Reads a recording in blocks and runs each channel through the core's audio path: the caller's
 * channel once per {@link Hearing} (with the agent's channel, as played, for the echo canceller's
 * reference), the agent's with Silero alone. Keeps only per-window probabilities and levels, so
 * an hour-long call takes a few megabytes. Throws an AudioFileError for a file that cannot be
 * read, and an Error naming the file for a channel map it does not fit.
 */
export async function listenToRecording(path: string, channels: ChannelMap, hearings: readonly Hearing[]): Promise<HeardRecording> {
  const reader = WavReader.open(path);
  try {
    if (channels !== 'mono-user' && reader.channels < 2) {
      throw new RecordingError(`${path}: has 1 channel, so it has no ${channels.agent === 'left' ? 'left' : 'right'} channel for the agent (use --mono-user for a recording of the caller alone)`);
    }
    const sampleRate: VadSampleRate = reader.sampleRate === 8000 ? 8000 : 16000;
    const clock = new VirtualClock();
    const userInputs: { input: AudioInput; vad: FrameVad; track: GrowingTrack }[] = [];
    for (const hearing of hearings) {
      const vad = hearing.vad === 'energy' ? createEnergyVad({ sampleRate }) : await createSileroVad({ sampleRate });
      const input = new AudioInput({ clock, vad, echoCanceller: channels === 'mono-user' ? false : hearing.echoCanceller, forwardAudio: false });
      userInputs.push({ input, vad, track: record(input) });
    }
    const agentVad = channels === 'mono-user' ? undefined : await createSileroVad({ sampleRate });
    const agentInput = agentVad ? new AudioInput({ clock, vad: agentVad, echoCanceller: false, forwardAudio: false }) : undefined;
    const agentTrack = agentInput ? record(agentInput) : undefined;

    const userIndex = channels === 'mono-user' || channels.user === 'left' ? 0 : 1;
    const agentIndex = channels === 'mono-user' ? undefined : channels.agent === 'left' ? 0 : 1;
    const user = new AlignedResampler(reader.sampleRate, sampleRate);
    const agent = new AlignedResampler(reader.sampleRate, sampleRate);
    const blockFrames = Math.round((BLOCK_MS * reader.sampleRate) / 1000);
    let atMs = 0;
    const feed = async (userSamples: Float32Array, agentSamples: Float32Array | undefined): Promise<void> => {
      if (agentSamples && agentInput) {
        // The agent's audio is the echo canceller's reference: played when it was recorded.
        const pcm = floatToPcm16(agentSamples);
        for (const { input } of userInputs) input.played({ sampleRate, samples: pcm.length, pcm }, 0, atMs);
        await agentInput.push(agentSamples, atMs);
      }
      for (const { input } of userInputs) await input.push(userSamples, atMs);
      atMs += (userSamples.length * 1000) / sampleRate;
    };
    for (let block = reader.read(blockFrames); block.length > 0; block = reader.read(blockFrames)) {
      const agentSamples = agentIndex === undefined ? undefined : agent.process(block[agentIndex]!);
      await feed(user.process(block[userIndex]!), agentSamples);
    }
    await feed(user.flush(), agentIndex === undefined ? undefined : agent.flush());
    for (const { vad } of userInputs) await vad.dispose();
    await agentVad?.dispose();
    return {
      file: path,
      durationMs: reader.durationMs,
      fileSampleRate: reader.sampleRate,
      sampleRate,
      windowMs: 32,
      user: userInputs.map(({ track }) => track.done()),
      agent: agentTrack?.done(),
    };
  } finally {
    reader.close();
  }
}

/** Collects an input's windows. */
function record(input: AudioInput): GrowingTrack {
  const track = new GrowingTrack();
  input.subscribe((event) => {
    if (event.type === 'window') track.push(event.probability, event.levelDb);
  });
  return track;
}

/** Per-window values, growing by doubling. */
class GrowingTrack {
  #probabilities: Float32Array = new Float32Array(1024);
  #levels: Float32Array = new Float32Array(1024);
  #length = 0;

  push(probability: number, levelDb: number): void {
    if (this.#length === this.#probabilities.length) {
      const bigger = (array: Float32Array): Float32Array => {
        const next = new Float32Array(array.length * 2);
        next.set(array);
        return next;
      };
      this.#probabilities = bigger(this.#probabilities);
      this.#levels = bigger(this.#levels);
    }
    this.#probabilities[this.#length] = probability;
    this.#levels[this.#length] = levelDb;
    this.#length++;
  }

  done(): HeardTrack {
    return { probabilities: this.#probabilities.slice(0, this.#length), levelsDb: this.#levels.slice(0, this.#length) };
  }
}

/** A streaming resampler whose output starts at the input's first sample (its delay dropped). */
class AlignedResampler {
  readonly #resampler: Resampler | undefined;
  #toDrop: number;

  constructor(fromRate: number, toRate: number) {
    this.#resampler = fromRate === toRate ? undefined : new Resampler(fromRate, toRate);
    this.#toDrop = this.#resampler ? Math.round((this.#resampler.delaySamples * toRate) / fromRate) : 0;
  }

  process(samples: Float32Array): Float32Array {
    return this.#resampler ? this.#drop(this.#resampler.process(samples)) : samples;
  }

  flush(): Float32Array {
    return this.#resampler ? this.#drop(this.#resampler.flush()) : new Float32Array(0);
  }

  #drop(samples: Float32Array): Float32Array {
    if (this.#toDrop === 0) return samples;
    const dropped = Math.min(this.#toDrop, samples.length);
    this.#toDrop -= dropped;
    return samples.subarray(dropped);
  }
}
