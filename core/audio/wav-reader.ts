/**
 * A WAV file read in pieces, for recordings too long to hold in memory (an hour of 48 kHz
 * stereo float is over a gigabyte): the header is checked as {@link decodeWav} checks it, then
 * frames are decoded block by block into float samples in [-1, 1], the first two channels.
 *
 * Hand-written decoding (wavefile decodes whole files only): PCM 8/16/24/32-bit, float 32/64,
 * little- and big-endian, μ-law and A-law through the G.711 tables. A test checks it gives the
 * same samples as {@link decodeWav} for every encoding.
 *
 * @module
 */
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { AudioFileError, cannotRead } from './audio-file-error.js';
import { aLawDecode, muLawDecode } from './g711.js';
import { readWavLayout, type WavLayout } from './wav-layout.js';

/** How much of the file's beginning is read to find its fmt and data chunks. */
const HEADER_BYTES = 1 << 20;
const KEPT_CHANNELS = 2;

/** A WAV file open for reading in pieces. */
export class WavReader {
  readonly file: string;
  readonly sampleRate: number;
  /** Channels returned: the file's, up to two. */
  readonly channels: number;
  readonly encoding: string;
  /** Whole frames in the file. */
  readonly frames: number;
  readonly durationMs: number;
  readonly #fd: number;
  readonly #layout: WavLayout;
  #position = 0;
  #bytes = new Uint8Array(0);

  private constructor(file: string, fd: number, layout: WavLayout) {
    this.file = file;
    this.#fd = fd;
    this.#layout = layout;
    this.sampleRate = layout.sampleRate;
    this.channels = Math.min(layout.channels, KEPT_CHANNELS);
    this.encoding = layout.encoding;
    this.frames = layout.frames;
    this.durationMs = (layout.frames * 1000) / layout.sampleRate;
  }

  /** Opens `path` and checks its header; throws {@link AudioFileError} naming it. */
  static open(path: string): WavReader {
    let fd: number;
    try {
      fd = openSync(path, 'r');
    } catch (error) {
      throw new AudioFileError(path, cannotRead(error));
    }
    try {
      const size = fstatSync(fd).size;
      if (fstatSync(fd).isDirectory()) throw new AudioFileError(path, 'is a directory, not a WAV file');
      const head = new Uint8Array(Math.min(size, HEADER_BYTES));
      readSync(fd, head, 0, head.length, 0);
      return new WavReader(path, fd, readWavLayout(head, path, size));
    } catch (error) {
      closeSync(fd);
      if (error instanceof AudioFileError) throw error;
      throw new AudioFileError(path, cannotRead(error));
    }
  }

  /** Frames not read yet. */
  get remaining(): number {
    return this.frames - this.#position;
  }

  /**
   * The next `count` frames (fewer at the end), one Float32Array per channel; an empty array of
   * channels once everything has been read.
   */
  read(count: number): Float32Array[] {
    const frames = Math.min(count, this.remaining);
    if (frames <= 0) return [];
    const layout = this.#layout;
    const length = frames * layout.blockAlign;
    if (this.#bytes.length < length) this.#bytes = new Uint8Array(length);
    const bytes = this.#bytes.subarray(0, length);
    const offset = layout.dataOffset + this.#position * layout.blockAlign;
    let got = 0;
    while (got < length) {
      const n = readSync(this.#fd, bytes, got, length - got, offset + got);
      if (n === 0) throw new AudioFileError(this.file, `truncated (the file ended ${length - got} bytes early while reading)`);
      got += n;
    }
    this.#position += frames;
    return decodeFrames(bytes, frames, layout, this.channels);
  }

  close(): void {
    closeSync(this.#fd);
  }
}

/** Decodes `frames` frames of `bytes` into `channels` float arrays. */
function decodeFrames(bytes: Uint8Array, frames: number, layout: WavLayout, channels: number): Float32Array[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const little = !layout.bigEndian;
  const width = layout.bitsPerSample / 8;
  const out = Array.from({ length: channels }, () => new Float32Array(frames));
  if (layout.encoding === 'mulaw' || layout.encoding === 'alaw') {
    const decode = layout.encoding === 'mulaw' ? muLawDecode : aLawDecode;
    const codes = new Uint8Array(frames);
    const pcm = new Int16Array(frames);
    for (let c = 0; c < channels; c++) {
      for (let i = 0; i < frames; i++) codes[i] = bytes[i * layout.blockAlign + c]!;
      decode(codes, pcm);
      const channel = out[c]!;
      for (let i = 0; i < frames; i++) channel[i] = pcm[i]! / 32768;
    }
    return out;
  }
  const sample = sampleReader(layout.encoding, view, little);
  for (let c = 0; c < channels; c++) {
    const channel = out[c]!;
    for (let i = 0, at = c * width; i < frames; i++, at += layout.blockAlign) channel[i] = sample(at);
  }
  return out;
}

/** Reads one sample at a byte offset, scaled to [-1, 1]. */
function sampleReader(encoding: string, view: DataView, little: boolean): (at: number) => number {
  switch (encoding) {
    case 'pcm8':
      return (at) => (view.getUint8(at) - 128) / 128;
    case 'pcm16':
      return (at) => view.getInt16(at, little) / 32768;
    case 'pcm24':
      return (at) => {
        const [b0, b1, b2] = little ? [view.getUint8(at), view.getUint8(at + 1), view.getInt8(at + 2)] : [view.getUint8(at + 2), view.getUint8(at + 1), view.getInt8(at)];
        return (b2 * 65536 + b1 * 256 + b0) / 8388608;
      };
    case 'pcm32':
      return (at) => view.getInt32(at, little) / 2147483648;
    case 'float32':
      return (at) => clip(view.getFloat32(at, little));
    case 'float64':
      return (at) => clip(view.getFloat64(at, little));
    default:
      throw new RangeError(`no reader for ${encoding}`);
  }
}

/** Floats may exceed full scale, or be NaN. */
function clip(value: number): number {
  return value >= 1 ? 1 : value <= -1 ? -1 : value === value ? value : 0;
}
