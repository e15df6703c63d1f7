/**
 * G.711 μ-law, as in the ITU-T G.191 reference (`ulaw_compress` / `ulaw_expand` of its g711.c):
 * PCM16 in, one byte per sample out, and back; and A-law decoding (`alaw_expand`), for reading
 * A-law recordings piece by piece.
 *
 * Hand-written: wavefile bundles a μ-law codec (alawmulaw) but does not export it, and the
 * telephony path wants table lookups into caller-supplied buffers, per 20 ms frame, with no
 * allocation. The tables are built once from the reference algorithm.
 *
 * @module
 */

/** The reference encoder for one sample: 16-bit input, its top 14 bits used. */
function compress(sample: number): number {
  // The reference takes the one's complement of negative input (so -1 → 0 magnitude).
  let magnitude = (sample < 0 ? ~sample : sample) >> 2;
  magnitude += 33;
  if (magnitude > 0x1fff) magnitude = 0x1fff;
  let segment = 1;
  for (let i = magnitude >> 6; i !== 0; i >>= 1) segment++;
  const high = 0x8 - segment;
  const low = 0xf - ((magnitude >> segment) & 0xf);
  const code = (high << 4) | low;
  return sample >= 0 ? code | 0x80 : code;
}

/** The reference decoder for one byte. */
function expand(code: number): number {
  const sign = code < 0x80 ? -1 : 1;
  const inverted = ~code;
  const exponent = (inverted >> 4) & 0x7;
  const mantissa = inverted & 0xf;
  const step = 4 << (exponent + 1);
  return sign * ((0x80 << exponent) + step * mantissa + step / 2 - 4 * 33);
}

let encodeTable: Uint8Array | undefined;
let decodeTable: Int16Array | undefined;

/** 64 KiB: the code of every 16-bit value, indexed by the value's two's-complement bits. */
function encoder(): Uint8Array {
  if (!encodeTable) {
    encodeTable = new Uint8Array(65536);
    for (let bits = 0; bits < 65536; bits++) encodeTable[bits] = compress(bits >= 32768 ? bits - 65536 : bits);
  }
  return encodeTable;
}

function decoder(): Int16Array {
  if (!decodeTable) {
    decodeTable = new Int16Array(256);
    for (let code = 0; code < 256; code++) decodeTable[code] = expand(code);
  }
  return decodeTable;
}

/** Encodes PCM16 samples as G.711 μ-law bytes (into `out` when given). */
export function muLawEncode(samples: Int16Array, out: Uint8Array = new Uint8Array(samples.length)): Uint8Array {
  if (out.length < samples.length) throw new RangeError(`output holds ${out.length} samples, ${samples.length} needed`);
  const table = encoder();
  for (let i = 0; i < samples.length; i++) out[i] = table[samples[i]! & 0xffff]!;
  return out;
}

/** Decodes G.711 μ-law bytes to PCM16 samples (into `out` when given). */
export function muLawDecode(codes: Uint8Array, out: Int16Array = new Int16Array(codes.length)): Int16Array {
  if (out.length < codes.length) throw new RangeError(`output holds ${out.length} samples, ${codes.length} needed`);
  const table = decoder();
  for (let i = 0; i < codes.length; i++) out[i] = table[codes[i]!]!;
  return out;
}

/** The reference A-law decoder for one byte (13-bit magnitude, scaled to 16 bits). */
function expandALaw(code: number): number {
  const a = code ^ 0x55;
  const segment = (a >> 4) & 0x7;
  let magnitude = (a & 0xf) << 4;
  magnitude += segment === 0 ? 8 : 0x108;
  if (segment > 1) magnitude <<= segment - 1;
  return a & 0x80 ? magnitude : -magnitude;
}

let aLawTable: Int16Array | undefined;

/** Decodes G.711 A-law bytes to PCM16 samples (into `out` when given). */
export function aLawDecode(codes: Uint8Array, out: Int16Array = new Int16Array(codes.length)): Int16Array {
  if (out.length < codes.length) throw new RangeError(`output holds ${out.length} samples, ${codes.length} needed`);
  if (!aLawTable) {
    aLawTable = new Int16Array(256);
    for (let code = 0; code < 256; code++) aLawTable[code] = expandALaw(code);
  }
  for (let i = 0; i < codes.length; i++) out[i] = aLawTable[codes[i]!]!;
  return out;
}
