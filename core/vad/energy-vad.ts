/**
 * The energy VAD: no model, a window's level against an adaptive noise floor.
 *
 * For each window, with L its RMS level in dBFS and N the noise floor before it:
 *
 *     threshold = max(N + snrDb, minLevelDb)
 *     p = 1 / (1 + exp(−(L − threshold) / slopeDb))
 *
 * so p is 0.5 at the threshold, 0.88 at 2·slopeDb above it and 0.12 at 2·slopeDb below. Then the
 * floor follows the level: down at once (N = L when L < N), up slowly (N moves towards L with a
 * time constant of floorRiseMs), never below floorDb. Speech keeps dipping between words and
 * syllables, which pulls the floor back down; a steady noise lifts it within a few seconds.
 * Digital silence is −Infinity dBFS: p = 0.
 *
 * Good on clean audio; in noise, babble or music it cannot tell speech from anything else loud.
 *
 * @module
 */
import { rmsDb } from '../audio/mix.js';
import { checkWindow, type FrameVad, type VadSampleRate } from './frame-vad.js';

/** Options of {@link createEnergyVad}. */
export interface EnergyVadOptions {
  /** Default 16000. */
  readonly sampleRate?: VadSampleRate;
  /** Samples per window; default Silero's (512 at 16 kHz, 256 at 8 kHz: 32 ms). */
  readonly windowSamples?: number;
  /** How far above the noise floor a window must be for p = 0.5, in dB. Default 12. */
  readonly snrDb?: number;
  /** Level below which a window is unlikely speech whatever the floor (p = 0.5 there), dBFS. Default −50. */
  readonly minLevelDb?: number;
  /** dB over which p goes from 0.5 to 0.73 (the logistic's scale). Default 3. */
  readonly slopeDb?: number;
  /** Time constant of the floor's rise, ms. Default 3000. */
  readonly floorRiseMs?: number;
  /** The floor's start and lowest value, dBFS. Default −70. */
  readonly floorDb?: number;
}

/** The energy VAD: also answers synchronously. */
export interface EnergyVad extends FrameVad {
  readonly kind: 'energy';
  /** {@link FrameVad.process}, synchronously. */
  processSync(window: Float32Array): number;
}

/** An energy VAD for one call. */
export function createEnergyVad(options: EnergyVadOptions = {}): EnergyVad {
  return new EnergyVadImpl(options);
}

class EnergyVadImpl implements EnergyVad {
  readonly kind = 'energy';
  readonly sampleRate: VadSampleRate;
  readonly windowSamples: number;
  readonly #snrDb: number;
  readonly #minLevelDb: number;
  readonly #slopeDb: number;
  readonly #floorDb: number;
  /** Fraction of the gap to the level the floor closes per window when rising. */
  readonly #rise: number;
  #noiseDb: number;

  constructor(options: EnergyVadOptions) {
    this.sampleRate = options.sampleRate ?? 16000;
    if (this.sampleRate !== 16000 && this.sampleRate !== 8000) throw new RangeError(`the energy VAD runs at 16000 or 8000 Hz, got ${String(this.sampleRate)}`);
    this.windowSamples = options.windowSamples ?? (this.sampleRate === 16000 ? 512 : 256);
    if (!Number.isSafeInteger(this.windowSamples) || this.windowSamples <= 0) throw new RangeError(`windowSamples must be a positive whole number, got ${this.windowSamples}`);
    this.#snrDb = options.snrDb ?? 12;
    this.#minLevelDb = options.minLevelDb ?? -50;
    this.#slopeDb = options.slopeDb ?? 3;
    if (!(this.#slopeDb > 0)) throw new RangeError(`slopeDb must be > 0, got ${this.#slopeDb}`);
    this.#floorDb = options.floorDb ?? -70;
    const floorRiseMs = options.floorRiseMs ?? 3000;
    if (!(floorRiseMs > 0)) throw new RangeError(`floorRiseMs must be > 0, got ${floorRiseMs}`);
    this.#rise = 1 - Math.exp(-((this.windowSamples * 1000) / this.sampleRate) / floorRiseMs);
    this.#noiseDb = this.#floorDb;
  }

  processSync(window: Float32Array): number {
    checkWindow(this, window);
    const level = rmsDb(window);
    const threshold = Math.max(this.#noiseDb + this.#snrDb, this.#minLevelDb);
    const probability = level === -Infinity ? 0 : 1 / (1 + Math.exp(-(level - threshold) / this.#slopeDb));
    const floored = Math.max(level, this.#floorDb);
    this.#noiseDb = floored < this.#noiseDb ? floored : this.#noiseDb + (floored - this.#noiseDb) * this.#rise;
    return probability;
  }

  process(window: Float32Array): Promise<number> {
    try {
      return Promise.resolve(this.processSync(window));
    } catch (error) {
      return Promise.reject(error as Error);
    }
  }

  reset(): void {
    this.#noiseDb = this.#floorDb;
  }

  async dispose(): Promise<void> {}
}
