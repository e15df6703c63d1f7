import { describe, expect, it } from 'vitest';
import { RealFft } from './real-fft.js';

/** The DFT by definition, for checking. */
function dft(x: Float64Array): { re: number[]; im: number[] } {
  const n = x.length;
  const re: number[] = [];
  const im: number[] = [];
  for (let k = 0; k <= n / 2; k++) {
    let r = 0;
    let i = 0;
    for (let t = 0; t < n; t++) {
      r += x[t]! * Math.cos((2 * Math.PI * k * t) / n);
      i -= x[t]! * Math.sin((2 * Math.PI * k * t) / n);
    }
    re.push(r);
    im.push(i);
  }
  return { re, im };
}

function signal(n: number): Float64Array {
  const x = new Float64Array(n);
  for (let t = 0; t < n; t++) x[t] = Math.sin(t * 0.37) + 0.5 * Math.cos(t * 1.9 + 0.3) + ((t * 7919) % 13) / 13 - 0.5;
  return x;
}

describe('RealFft', () => {
  for (const size of [8, 64, 1024]) {
    it(`forward matches the DFT, and inverse gives the signal back (size ${size})`, () => {
      const fft = new RealFft(size);
      const x = signal(size);
      const spectrum = fft.spectrum();
      fft.forward(x, spectrum);
      const expected = dft(x);
      for (let k = 0; k <= size / 2; k++) {
        expect(spectrum[2 * k]).toBeCloseTo(expected.re[k]!, 8);
        expect(spectrum[2 * k + 1]).toBeCloseTo(expected.im[k]!, 8);
      }
      const back = new Float64Array(size);
      fft.inverse(spectrum, back);
      for (let t = 0; t < size; t++) expect(back[t]).toBeCloseTo(x[t]!, 10);
    });
  }

  it('a product of spectra is a circular convolution', () => {
    const size = 16;
    const fft = new RealFft(size);
    const x = signal(size);
    const h = new Float64Array(size);
    h[3] = 1; // a delay of 3 samples
    const [X, H] = [fft.spectrum(), fft.spectrum()];
    fft.forward(x, X);
    fft.forward(h, H);
    const Y = fft.spectrum();
    for (let k = 0; k <= size / 2; k++) {
      Y[2 * k] = X[2 * k]! * H[2 * k]! - X[2 * k + 1]! * H[2 * k + 1]!;
      Y[2 * k + 1] = X[2 * k]! * H[2 * k + 1]! + X[2 * k + 1]! * H[2 * k]!;
    }
    const y = new Float64Array(size);
    fft.inverse(Y, y);
    for (let t = 0; t < size; t++) expect(y[t]).toBeCloseTo(x[(t - 3 + size) % size]!, 10);
  });

  it('rejects sizes that are not powers of two', () => {
    expect(() => new RealFft(100)).toThrow(/power of two/);
  });
});
