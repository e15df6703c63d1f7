/**
 * The structure of a WAV file, checked before any sample is read: the RIFF/WAVE header, the
 * `fmt ` chunk (WAVE_FORMAT_EXTENSIBLE resolved to its subformat) and the `data` chunk, whose
 * declared size is compared with the bytes present (wavefile reads a truncated data chunk
 * without a word). Each problem is an {@link AudioFileError} with a one-line reason.
 *
 * @module
 */
import { AudioFileError } from './audio-file-error.js';

/** Sample encodings parley reads. */
export type WavEncoding = 'pcm8' | 'pcm16' | 'pcm24' | 'pcm32' | 'float32' | 'float64' | 'mulaw' | 'alaw';

/** Sample rates parley reads, in Hz (both included). */
export const WAV_SAMPLE_RATES = { min: 8000, max: 48000 } as const;

/** Where things are in a WAV file, and what its samples are. */
export interface WavLayout {
  /** RIFX: a big-endian RIFF. */
  readonly bigEndian: boolean;
  readonly encoding: WavEncoding;
  /** The fmt chunk's format tag (0xFFFE for WAVE_FORMAT_EXTENSIBLE) and its byte offset. */
  readonly formatTag: number;
  readonly formatTagOffset: number;
  /** The format the tag stands for: the subformat of an extensible fmt chunk, else the tag. */
  readonly format: number;
  readonly channels: number;
  readonly sampleRate: number;
  readonly bitsPerSample: number;
  /** Bytes per frame (one sample of every channel). */
  readonly blockAlign: number;
  /** First byte of the samples, and the offset of the data chunk's size field. */
  readonly dataOffset: number;
  readonly dataSizeOffset: number;
  /** The data chunk's declared size in bytes (all present). */
  readonly dataBytes: number;
  /** Whole frames in the data chunk (a trailing partial frame is ignored). */
  readonly frames: number;
}

const EXTENSIBLE = 0xfffe;
const PCM = 1;
const FLOAT = 3;
const ALAW = 6;
const MULAW = 7;

/** Names of formats seen in the wild that parley does not decode. */
const FORMAT_NAMES: Readonly<Record<number, string>> = {
  0x0002: 'Microsoft ADPCM',
  0x0011: 'IMA ADPCM',
  0x0022: 'TrueSpeech',
  0x0031: 'GSM 6.10',
  0x0040: 'G.721 ADPCM',
  0x0050: 'MPEG audio',
  0x0055: 'MPEG Layer 3',
  0x0064: 'G.726 ADPCM',
  0x00ff: 'AAC',
  0x0161: 'Windows Media Audio',
};

const SUPPORTED = 'supported: 8/16/24/32-bit PCM, 32/64-bit float, μ-law, A-law';

function ascii(bytes: Uint8Array, offset: number, length: number): string {
  return String.fromCharCode(...bytes.subarray(offset, offset + length));
}

/**
 * Checks the structure of a WAV file and returns its layout; throws {@link AudioFileError}.
 * `bytes` may be only the file's beginning (the header and enough to reach the data chunk's
 * start, for reading a long file in pieces): `totalBytes` is then the whole file's length.
 */
export function readWavLayout(bytes: Uint8Array, file: string, totalBytes: number = bytes.length): WavLayout {
  const fail = (reason: string): never => {
    throw new AudioFileError(file, reason);
  };
  if (bytes.length === 0) fail('empty (0 bytes)');
  const container = ascii(bytes, 0, 4);
  if (container === 'RF64') fail('unsupported format (RF64 container)');
  if ((container === 'RIFF' || container === 'RIFX') && bytes.length < 12) fail(`truncated (${bytes.length} bytes, not even a RIFF header)`);
  if ((container !== 'RIFF' && container !== 'RIFX') || ascii(bytes, 8, 4) !== 'WAVE') fail('not a WAV file (no RIFF/WAVE header)');
  const bigEndian = container === 'RIFX';
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const u16 = (offset: number): number => view.getUint16(offset, !bigEndian);
  const u32 = (offset: number): number => view.getUint32(offset, !bigEndian);

  let fmt: { offset: number; size: number } | undefined;
  let data: { offset: number; size: number } | undefined;
  let cutShort: string | undefined;
  for (let offset = 12; offset + 8 <= bytes.length && !(fmt && data); ) {
    const id = ascii(bytes, offset, 4);
    const size = u32(offset + 4);
    const body = offset + 8;
    const present = totalBytes - body;
    if (size > present) {
      if (id === 'data' || id === 'fmt ') fail(`truncated (the ${id.trim()} chunk declares ${size} bytes, ${present} are present)`);
      // Another chunk cut short: what is needed may already be complete.
      cutShort = `the ${JSON.stringify(id)} chunk declares ${size} bytes, ${present} are present`;
      break;
    }
    if (id === 'fmt ' && !fmt) {
      if (body + size > bytes.length) fail('malformed (the fmt chunk is not within the first part of the file read)');
      fmt = { offset: body, size };
    }
    if (id === 'data' && !data) data = { offset: body, size };
    offset = body + size + (size & 1);
  }
  if (!fmt && !data) fail(`truncated (${cutShort ?? 'no fmt or data chunk'})`);
  if (!fmt) return fail('malformed (no fmt chunk)');
  if (!data) return fail(`truncated (${cutShort ?? 'no data chunk'})`);
  if (fmt.size < 16) fail(`malformed (the fmt chunk has ${fmt.size} bytes, at least 16 expected)`);

  const formatTag = u16(fmt.offset);
  const channels = u16(fmt.offset + 2);
  const sampleRate = u32(fmt.offset + 4);
  const blockAlign = u16(fmt.offset + 12);
  const bitsPerSample = u16(fmt.offset + 14);
  // WAVE_FORMAT_EXTENSIBLE: the real format is the first two bytes of the subformat GUID.
  let format = formatTag;
  if (formatTag === EXTENSIBLE) {
    if (fmt.size < 40) fail(`malformed (an extensible fmt chunk of ${fmt.size} bytes, 40 expected)`);
    format = u16(fmt.offset + 24);
  }
  const encoding = encodingOf(format, bitsPerSample);
  if (encoding === undefined) {
    const name = FORMAT_NAMES[format];
    const what =
      name ?? (format === PCM ? `${bitsPerSample}-bit PCM` : format === FLOAT ? `${bitsPerSample}-bit float` : `format tag 0x${format.toString(16).padStart(4, '0')}`);
    return fail(`unsupported format (${what}; ${SUPPORTED})`);
  }
  if (channels === 0) fail('malformed (0 channels)');
  const expectedAlign = (channels * bitsPerSample) / 8;
  if (blockAlign !== expectedAlign) fail(`malformed (block align ${blockAlign} for ${channels} channel(s) of ${bitsPerSample} bits, ${expectedAlign} expected)`);
  if (sampleRate < WAV_SAMPLE_RATES.min || sampleRate > WAV_SAMPLE_RATES.max) {
    fail(`unsupported format (sample rate ${sampleRate} Hz; supported: ${WAV_SAMPLE_RATES.min}–${WAV_SAMPLE_RATES.max} Hz)`);
  }
  const frames = Math.floor(data.size / blockAlign);
  if (frames === 0) fail('empty (no samples)');
  return {
    bigEndian,
    encoding,
    formatTag,
    formatTagOffset: fmt.offset,
    format,
    channels,
    sampleRate,
    bitsPerSample,
    blockAlign,
    dataOffset: data.offset,
    dataSizeOffset: data.offset - 4,
    dataBytes: data.size,
    frames,
  };
}

function encodingOf(format: number, bits: number): WavEncoding | undefined {
  if (format === PCM) return ({ 8: 'pcm8', 16: 'pcm16', 24: 'pcm24', 32: 'pcm32' } as const)[bits];
  if (format === FLOAT) return ({ 32: 'float32', 64: 'float64' } as const)[bits];
  if (format === MULAW && bits === 8) return 'mulaw';
  if (format === ALAW && bits === 8) return 'alaw';
  return undefined;
}
