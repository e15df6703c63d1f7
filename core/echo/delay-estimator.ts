/** Updates (steps of far-end audio) before any delay is adopted. */
const MIN_UPDATES = 64;

/** Options of {@link DelayEstimator}. */
export interface DelayEstimatorOptions {
  /** Samples per envelope step (e.g. 128 at 16 kHz: 8 ms). */
  readonly stepSamples: number;
  /** Longest delay searched, in steps. */
  readonly maxLagSteps: number;
  /** Memory of the correlation statistics, in steps (exponential forgetting). Default 500. */
  readonly memorySteps?: number;
  /** Lowest normalised correlation that counts as a detection. Default 0.6. */
  readonly minCorrelation?: number;
  /** Updates a new best lag must win in a row before it replaces the current one. Default 8. */
  readonly confirmations?: number;
}

/**
 * Finds the delay of the echo path (far-end reference → microphone) by correlating the two
 * signals' loudness envelopes over a range of lags. Envelopes are cheap (one value per step)
 * and insensitive to the room's response and to the filter in between, which waveform
 * correlation is not; the adaptive filter then works out the fine detail around the delay found.
 *
 * Each lag keeps exponentially forgotten sums, so the normalised correlation follows the
 * recent past; a new best lag must be confirmed several times before it is adopted.
 */
export class DelayEstimator {
  readonly #maxLag: number;
  readonly #lambda: number;
  readonly #minCorrelation: number;
  readonly #confirmations: number;
  /** Reference envelope history, newest at `#head`. */
  readonly #history: Float64Array;
  #head = 0;
  #filled = 0;
  // Per-lag forgotten sums of r, r², m·r; and of m, m², and the weight.
  readonly #sumR: Float64Array;
  readonly #sumRR: Float64Array;
  readonly #sumMR: Float64Array;
  #sumM = 0;
  #sumMM = 0;
  #weight = 0;
  #delaySteps: number | undefined;
  #correlation = 0;
  /** A new best lag waiting for confirmation (-1: none), and how many updates it has won in a row. */
  #candidateLag = -1;
  #candidateCount = 0;

  constructor(options: DelayEstimatorOptions) {
    this.#maxLag = options.maxLagSteps;
    this.#lambda = 1 - 1 / (options.memorySteps ?? 500);
    this.#minCorrelation = options.minCorrelation ?? 0.6;
    this.#confirmations = options.confirmations ?? 8;
    this.#history = new Float64Array(this.#maxLag + 1);
    this.#sumR = new Float64Array(this.#maxLag + 1);
    this.#sumRR = new Float64Array(this.#maxLag + 1);
    this.#sumMR = new Float64Array(this.#maxLag + 1);
  }

  /** The adopted delay, in steps, once one has been found. */
  get delaySteps(): number | undefined {
    return this.#delaySteps;
  }

  /** The normalised correlation at the adopted delay (0 before one is found). */
  get correlation(): number {
    return this.#correlation;
  }

  /**
   * Adds the reference envelope of the newest step (call once per step, always, so the history
   * stays aligned with time).
   */
  pushReference(envelope: number): void {
    this.#head = (this.#head + 1) % this.#history.length;
    this.#history[this.#head] = envelope;
    this.#filled = Math.min(this.#filled + 1, this.#history.length);
  }

  /**
   * Adds the microphone envelope of the newest step and updates the statistics. Call it only
   * while the far end is active (the correlation of silence with anything says nothing).
   */
  update(micEnvelope: number): void {
    if (this.#filled < this.#history.length) return;
    const lambda = this.#lambda;
    this.#weight = lambda * this.#weight + 1;
    this.#sumM = lambda * this.#sumM + micEnvelope;
    this.#sumMM = lambda * this.#sumMM + micEnvelope * micEnvelope;
    const size = this.#history.length;
    let best = -1;
    let bestCorrelation = -Infinity;
    const meanM = this.#sumM / this.#weight;
    const varM = this.#sumMM / this.#weight - meanM * meanM;
    for (let lag = 0; lag <= this.#maxLag; lag++) {
      const r = this.#history[(this.#head - lag + size) % size]!;
      const sumR = (this.#sumR[lag] = lambda * this.#sumR[lag]! + r);
      const sumRR = (this.#sumRR[lag] = lambda * this.#sumRR[lag]! + r * r);
      const sumMR = (this.#sumMR[lag] = lambda * this.#sumMR[lag]! + micEnvelope * r);
      const meanR = sumR / this.#weight;
      const varR = sumRR / this.#weight - meanR * meanR;
      const cov = sumMR / this.#weight - meanM * meanR;
      const correlation = varR > 0 && varM > 0 ? cov / Math.sqrt(varR * varM) : 0;
      if (correlation > bestCorrelation) {
        bestCorrelation = correlation;
        best = lag;
      }
    }
    this.#decide(best, bestCorrelation);
  }

  #decide(lag: number, correlation: number): void {
    // Half a second of far-end audio at least: with less, noise correlates by chance.
    if (this.#weight < MIN_UPDATES || correlation < this.#minCorrelation) return;
    if (this.#delaySteps !== undefined && Math.abs(lag - this.#delaySteps) <= 1) {
      this.#candidateLag = -1;
      this.#correlation = correlation;
      return;
    }
    if (this.#candidateLag === lag) this.#candidateCount++;
    else {
      this.#candidateLag = lag;
      this.#candidateCount = 1;
    }
    if (this.#candidateCount >= this.#confirmations) {
      this.#delaySteps = lag;
      this.#correlation = correlation;
      this.#candidateLag = -1;
    }
  }
}
