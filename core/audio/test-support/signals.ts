/** Known signals and their measurement, for the audio tests. */

/** `amplitude`·sin(2π·frequency·t + phase), n samples at `rate`. */
export function sine(frequency: number, rate: number, n: number, amplitude = 0.5, phase = 0): Float32Array {
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = amplitude * Math.sin((2 * Math.PI * frequency * i) / rate + phase);
  return out;
}

/**
 * Least-squares fit of a sinusoid of exactly `frequency` to `samples[start, end)`: its amplitude,
 * and the level of what is left over relative to the fitted sine, in dB (very negative when the
 * signal is that sinusoid: same frequency, no distortion).
 */
export function fitSine(samples: Float32Array, frequency: number, rate: number, start = 0, end = samples.length): { amplitude: number; residualDb: number } {
  let ss = 0;
  let cc = 0;
  let sc = 0;
  let ys = 0;
  let yc = 0;
  for (let i = start; i < end; i++) {
    const w = (2 * Math.PI * frequency * i) / rate;
    const s = Math.sin(w);
    const c = Math.cos(w);
    const y = samples[i]!;
    ss += s * s;
    cc += c * c;
    sc += s * c;
    ys += y * s;
    yc += y * c;
  }
  const det = ss * cc - sc * sc;
  const a = (ys * cc - yc * sc) / det;
  const b = (yc * ss - ys * sc) / det;
  let residual = 0;
  let fitted = 0;
  for (let i = start; i < end; i++) {
    const w = (2 * Math.PI * frequency * i) / rate;
    const f = a * Math.sin(w) + b * Math.cos(w);
    residual += (samples[i]! - f) ** 2;
    fitted += f * f;
  }
  return { amplitude: Math.hypot(a, b), residualDb: 10 * Math.log10(residual / fitted) };
}
