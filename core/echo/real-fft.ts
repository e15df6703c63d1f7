import FFT from 'fft.js';

/**
 * Forward and inverse FFT of real signals of one power-of-two size, on preallocated arrays.
 *
 * The forward transform is fft.js's radix-4 `realTransform`. fft.js has no inverse for real
 * signals (its complex inverse costs twice as much), so the inverse packs the half spectrum
 * into a complex transform of half the size and unpacks the even and odd samples from its
 * real and imaginary parts: the textbook trick, written here because the echo canceller runs it
 * on every block.
 *
 * Spectra are interleaved complex (`re0, im0, re1, im1, …`) over bins 0…size/2.
 */
export class RealFft {
  readonly size: number;
  readonly #full: FFT;
  readonly #half: FFT;
  readonly #fullOut: Float64Array;
  readonly #packed: Float64Array;
  readonly #unpacked: Float64Array;
  /** cos and sin of 2πk/size for k < size/2. */
  readonly #cos: Float64Array;
  readonly #sin: Float64Array;

  constructor(size: number) {
    if (size < 4 || (size & (size - 1)) !== 0) throw new RangeError(`FFT size must be a power of two ≥ 4, got ${size}`);
    this.size = size;
    this.#full = new FFT(size);
    this.#half = new FFT(size / 2);
    this.#fullOut = new Float64Array(2 * size);
    this.#packed = new Float64Array(size);
    this.#unpacked = new Float64Array(size);
    this.#cos = new Float64Array(size / 2);
    this.#sin = new Float64Array(size / 2);
    for (let k = 0; k < size / 2; k++) {
      this.#cos[k] = Math.cos((2 * Math.PI * k) / size);
      this.#sin[k] = Math.sin((2 * Math.PI * k) / size);
    }
  }

  /** A spectrum array for this size: size/2 + 1 complex bins. */
  spectrum(): Float64Array {
    return new Float64Array(this.size + 2);
  }

  /** `out` (size/2 + 1 bins) ← FFT of the real signal `input` (size samples). */
  forward(input: Float64Array, out: Float64Array): void {
    const full = this.#fullOut;
    this.#full.realTransform(full, input);
    for (let i = 0; i < this.size + 2; i++) out[i] = full[i]!;
  }

  /** `out` (size samples) ← inverse FFT of the half spectrum `spectrum` (size/2 + 1 bins), scaled by 1/size. */
  inverse(spectrum: Float64Array, out: Float64Array): void {
    const half = this.size / 2;
    const packed = this.#packed;
    for (let k = 0; k < half; k++) {
      // A = (X[k] + conj(X[H−k])) / 2 and B = (X[k] − conj(X[H−k])) · e^{j2πk/N} / 2 are the
      // spectra of the even and odd samples; Z = A + jB is the spectrum of (even + j·odd).
      const xr = spectrum[2 * k]!;
      const xi = spectrum[2 * k + 1]!;
      const yr = spectrum[2 * (half - k)]!;
      const yi = -spectrum[2 * (half - k) + 1]!;
      const ar = (xr + yr) / 2;
      const ai = (xi + yi) / 2;
      const dr = (xr - yr) / 2;
      const di = (xi - yi) / 2;
      const c = this.#cos[k]!;
      const s = this.#sin[k]!;
      const br = dr * c - di * s;
      const bi = dr * s + di * c;
      packed[2 * k] = ar - bi;
      packed[2 * k + 1] = ai + br;
    }
    this.#half.inverseTransform(this.#unpacked, packed);
    const unpacked = this.#unpacked;
    for (let n = 0; n < half; n++) {
      out[2 * n] = unpacked[2 * n]!;
      out[2 * n + 1] = unpacked[2 * n + 1]!;
    }
  }
}
