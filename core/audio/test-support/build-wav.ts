/** Hand-built WAV files, for the cases no tool writes on purpose: broken, odd or extensible ones. */

export interface WavSpec {
  readonly formatTag?: number;
  readonly channels?: number;
  readonly sampleRate?: number;
  readonly bitsPerSample?: number;
  readonly blockAlign?: number;
  /** Writes an extensible (40-byte) fmt chunk with this subformat. */
  readonly subformat?: number;
  /** The sample bytes present. */
  readonly data?: Uint8Array;
  /** The data chunk's declared size (default: the bytes present). */
  readonly declaredDataBytes?: number;
  /** Raw chunks (id + body) written before the data chunk. */
  readonly before?: readonly { id: string; body: Uint8Array }[];
  /** Bytes appended after the data chunk. */
  readonly after?: Uint8Array;
}

/** A RIFF/WAVE file to `spec` (default: 16 kHz mono PCM16, no samples). */
export function buildWav(spec: WavSpec = {}): Uint8Array {
  const channels = spec.channels ?? 1;
  const bits = spec.bitsPerSample ?? 16;
  const rate = spec.sampleRate ?? 16000;
  const blockAlign = spec.blockAlign ?? (channels * bits) / 8;
  const data = spec.data ?? new Uint8Array(0);
  const fmt = new Uint8Array(spec.subformat === undefined ? 16 : 40);
  const f = new DataView(fmt.buffer);
  f.setUint16(0, spec.subformat === undefined ? (spec.formatTag ?? 1) : 0xfffe, true);
  f.setUint16(2, channels, true);
  f.setUint32(4, rate, true);
  f.setUint32(8, rate * blockAlign, true);
  f.setUint16(12, blockAlign, true);
  f.setUint16(14, bits, true);
  if (spec.subformat !== undefined) {
    f.setUint16(16, 22, true);
    f.setUint16(18, bits, true);
    f.setUint32(20, channels === 1 ? 4 : 3, true);
    f.setUint16(24, spec.subformat, true);
    // The rest of the KSDATAFORMAT GUID: xxxx0000-0000-0010-8000-00aa00389b71.
    fmt.set([0x00, 0x00, 0x00, 0x00, 0x10, 0x00, 0x80, 0x00, 0x00, 0xaa, 0x00, 0x38, 0x9b, 0x71], 26);
  }
  const chunks = [chunk('fmt ', fmt), ...(spec.before ?? []).map((c) => chunk(c.id, c.body))];
  const dataHeader = new Uint8Array(8);
  dataHeader.set([...'data'].map((c) => c.charCodeAt(0)));
  new DataView(dataHeader.buffer).setUint32(4, spec.declaredDataBytes ?? data.length, true);
  const after = spec.after ?? new Uint8Array(0);
  const body = concat([...chunks, dataHeader, data, after]);
  const header = new Uint8Array(12);
  header.set([...'RIFF'].map((c) => c.charCodeAt(0)));
  new DataView(header.buffer).setUint32(4, 4 + body.length, true);
  header.set([...'WAVE'].map((c) => c.charCodeAt(0)), 8);
  return concat([header, body]);
}

function chunk(id: string, body: Uint8Array): Uint8Array {
  const out = new Uint8Array(8 + body.length + (body.length & 1));
  out.set([...id].map((c) => c.charCodeAt(0)));
  new DataView(out.buffer).setUint32(4, body.length, true);
  out.set(body, 8);
  return out;
}

function concat(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

/** Little-endian bytes of PCM16 samples. */
export function pcm16Bytes(samples: readonly number[] | Int16Array): Uint8Array {
  const out = new Uint8Array(samples.length * 2);
  const view = new DataView(out.buffer);
  samples.forEach((s, i) => view.setInt16(2 * i, s, true));
  return out;
}
