/**
 * WAV files in and out. Reading: PCM 8/16/24/32-bit, float 32/64, μ-law and A-law, 8–48 kHz,
 * any number of channels (the first two are kept), checked for truncation and emptiness first
 * ({@link readWavLayout}), samples unpacked by wavefile. Writing: PCM16 through wavefile.
 *
 * @module
 */
import { readFileSync } from 'node:fs';
import wavefile from 'wavefile';
import { AudioFileError, cannotRead } from './audio-file-error.js';
import { floatToPcm16 } from './pcm.js';
import { readWavLayout, type WavLayout } from './wav-layout.js';

/** Decoded audio: float samples in [-1, 1], one array per channel, all the same length. */
export interface DecodedAudio {
  readonly sampleRate: number;
  /**
   * One array per channel: mono or stereo. Of a file with more channels, the first two
   * (front left and right in the standard channel order).
   */
  readonly channels: readonly Float32Array[];
  readonly durationMs: number;
  /** The file's encoding: 'pcm8', 'pcm16', 'pcm24', 'pcm32', 'float32', 'float64', 'mulaw' or 'alaw'. */
  readonly encoding: string;
}

/**
 * Decodes a WAV file's bytes; `file` names it in errors. Throws {@link AudioFileError} with a
 * one-line reason for anything that is not a complete WAV file parley can read.
 */
export function decodeWav(bytes: Uint8Array, file: string): DecodedAudio {
  const layout = readWavLayout(bytes, file);
  const channels = layout.encoding === 'pcm16' && !layout.bigEndian ? readPcm16(bytes, layout) : readWithWavefile(bytes, layout, file);
  return {
    sampleRate: layout.sampleRate,
    channels,
    durationMs: (layout.frames * 1000) / layout.sampleRate,
    encoding: layout.encoding,
  };
}

/** Reads and decodes a WAV file; a file that cannot be read is an {@link AudioFileError} naming it. */
export function readWavFile(path: string): DecodedAudio {
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(path);
  } catch (error) {
    throw new AudioFileError(path, cannotRead(error));
  }
  return decodeWav(bytes, path);
}


const KEPT_CHANNELS = 2;

/**
 * PCM16 little-endian, the usual encoding of speech recordings, read straight from the bytes:
 * wavefile's generic unpacking takes ~65 ns a sample (0.6 s for ten minutes at 16 kHz), this ~2.
 * The tests check it gives the same samples as wavefile.
 */
function readPcm16(bytes: Uint8Array, layout: WavLayout): Float32Array[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset + layout.dataOffset, layout.frames * layout.blockAlign);
  const kept = Math.min(layout.channels, KEPT_CHANNELS);
  const channels = Array.from({ length: kept }, () => new Float32Array(layout.frames));
  for (let c = 0; c < kept; c++) {
    const out = channels[c]!;
    for (let i = 0, at = 2 * c; i < layout.frames; i++, at += layout.blockAlign) out[i] = view.getInt16(at, true) / 32768;
  }
  return channels;
}

/** Every other encoding: wavefile unpacks (and decodes μ-law and A-law); here the scaling to [-1, 1]. */
function readWithWavefile(bytes: Uint8Array, layout: WavLayout, file: string): Float32Array[] {
  let raw: Float32Array[];
  try {
    const wav = new wavefile.WaveFile(forWavefile(bytes, layout));
    if (layout.encoding === 'mulaw') wav.fromMuLaw();
    if (layout.encoding === 'alaw') wav.fromALaw();
    // Float32Array output: integers up to 24 bits are exact, 32-bit ones round to float32 as they would anyway.
    // wavefile's types say Float64Array; it returns the OutputObject given, one per channel when not mono.
    const samples = wav.getSamples(false, Float32Array) as unknown as Float32Array | Float32Array[];
    raw = samples instanceof Float32Array ? [samples] : samples.slice(0, KEPT_CHANNELS);
  } catch (error) {
    throw new AudioFileError(file, `unreadable (wavefile: ${error instanceof Error ? error.message : String(error)})`);
  }
  const { scale, offset, clip } = scaling(layout);
  for (const channel of raw) {
    if (channel.length !== layout.frames) throw new AudioFileError(file, `unreadable (wavefile gave ${channel.length} samples, ${layout.frames} expected)`);
    for (let i = 0; i < channel.length; i++) {
      const value = (channel[i]! - offset) * scale;
      channel[i] = clip ? (value >= 1 ? 1 : value <= -1 ? -1 : value === value ? value : 0) : value;
    }
  }
  return raw;
}

/** How wavefile's raw values map to [-1, 1]. */
function scaling(layout: WavLayout): { scale: number; offset: number; clip: boolean } {
  switch (layout.encoding) {
    case 'pcm8':
      return { scale: 1 / 128, offset: 128, clip: false }; // unsigned, centred on 128
    case 'float32':
    case 'float64':
      return { scale: 1, offset: 0, clip: true }; // floats may exceed full scale, or be NaN
    case 'mulaw':
    case 'alaw':
      return { scale: 1 / 32768, offset: 0, clip: false }; // decoded to PCM16 by wavefile
    default:
      return { scale: 1 / 2 ** (layout.bitsPerSample - 1), offset: 0, clip: false };
  }
}

/**
 * The bytes as wavefile can take them. wavefile knows an extensible fmt chunk only by its bit
 * depth (an extensible float or μ-law file would read as integers), and splits a trailing
 * partial frame across channels; for those rare files, a copy with the plain format tag and a
 * data size of whole frames.
 */
function forWavefile(bytes: Uint8Array, layout: WavLayout): Uint8Array {
  const wholeBytes = layout.frames * layout.blockAlign;
  if (layout.format === layout.formatTag && wholeBytes === layout.dataBytes) return bytes;
  // new Uint8Array(view) copies (a Buffer's slice() would not).
  const copy = new Uint8Array(bytes.subarray(0, layout.dataOffset + wholeBytes));
  const view = new DataView(copy.buffer);
  view.setUint16(layout.formatTagOffset, layout.format, !layout.bigEndian);
  view.setUint32(layout.dataSizeOffset, wholeBytes, !layout.bigEndian);
  return copy;
}

/** Audio to write: float samples (clipped to [-1, 1] on writing), one array per channel. */
export interface WavInput {
  readonly sampleRate: number;
  /** One (mono) or two (stereo: left, right) arrays of the same length. */
  readonly channels: readonly Float32Array[];
}

/**
 * Encodes audio as a PCM16 WAV file (interleaved when stereo) with wavefile. The same input
 * always gives the same bytes (no timestamps or other metadata).
 */
export function encodeWav(audio: WavInput): Uint8Array {
  const { sampleRate, channels } = audio;
  if (channels.length !== 1 && channels.length !== 2) throw new RangeError(`encodeWav writes 1 or 2 channels, got ${channels.length}`);
  if (!Number.isSafeInteger(sampleRate) || sampleRate <= 0) throw new RangeError(`sampleRate must be a positive whole number, got ${sampleRate}`);
  const length = channels[0]!.length;
  if (channels.some((channel) => channel.length !== length)) throw new RangeError('encodeWav: channels of different lengths');
  const pcm = channels.map((channel) => floatToPcm16(channel));
  const wav = new wavefile.WaveFile();
  wav.fromScratch(channels.length, sampleRate, '16', channels.length === 1 ? pcm[0]! : pcm);
  return wav.toBuffer();
}
