import { BlockAdaptiveFilter } from './block-filter.js';
import { DelayEstimator } from './delay-estimator.js';
import { ReferenceBuffer } from './reference-buffer.js';

/** Options of {@link EchoCanceller}. */
export interface EchoCancellerOptions {
  readonly sampleRate: number;
  /** Samples per block: also the adaptive filter's length. Default: 32 ms (512 at 16 kHz). */
  readonly blockSamples?: number;
  /** Longest echo delay (playout → microphone) searched for. Default 600 ms. */
  readonly maxDelayMs?: number;
  /**
   * Shortest echo delay searched for. Default 48 ms: a server-side agent's echo crosses the
   * network both ways and the caller's audio buffers, so it never comes back sooner. Not
   * looking closer also means that a block is cleaned from audio played well before it ends
   * (see {@link EchoCanceller.lookaheadSamples}).
   */
  readonly minDelayMs?: number;
  /**
   * The loudest echo expected, relative to the reference, in dB: until the echo path is
   * learned, sound at the microphone no louder than the reference plus this is taken for echo.
   * Default −6 dB.
   */
  readonly maxEchoGainDb?: number;
  /** How far blocks judged to be echo only are attenuated, in dB. Default 60. */
  readonly suppressionDb?: number;
  /** How much louder than the expected echo the near end must be to count as talking, in dB. Default 3. */
  readonly doubleTalkMarginDb?: number;
}

/** What the canceller made of one block. */
export interface EchoBlockVerdict {
  /** The far end's audio could be in this block (played within the echo path's reach). */
  readonly farEnd: boolean;
  /** The near end (the user) seems to be talking in this block. */
  readonly nearEnd: boolean;
  /** The block was attenuated as echo only. */
  readonly suppressed: boolean;
  /** The filter's echo return loss enhancement after this block, in dB (see {@link EchoCancellerStats.erleDb}). */
  readonly erleDb: number;
}

/** What the canceller has learned, for traces and reports. */
export interface EchoCancellerStats {
  /** The echo path's delay, once found. */
  readonly delayMs: number | undefined;
  /** The echo's level relative to the reference, as learned (starts at `maxEchoGainDb`). */
  readonly echoGainDb: number;
  /** Echo return loss enhancement of the adaptive filter: how much quieter it makes the echo, in dB. */
  readonly erleDb: number;
}

const FLOOR_DB = -80;
/** How long the far end must have talked without an echo path being found before echo is expected to be absent. */
const NO_PATH_AFTER_MS = 1500;
/** How fast the echo's expected level falls then (per block). */
const NO_PATH_DOWN_RATE = 0.15;
/** ERLE from which the filter's own residual, not the echo's level, sets the double-talk threshold. */
const CONVERGED_ERLE_DB = 12;
/** ERLE from which the filter learns on every other block only. */
const WELL_CONVERGED_ERLE_DB = 30;
/** Once converged: how far above the expected residual the near end must be. */
const CONVERGED_MARGIN_DB = 15;
/** Reference quieter than this (per-sample mean square) is silence. −60 dBFS. */
const ACTIVE_POWER = 1e-6;

/**
 * An acoustic echo canceller for the agent's microphone path, using what the agent played as
 * the reference: it finds the echo path's delay ({@link DelayEstimator}), learns the room's
 * response around it ({@link BlockAdaptiveFilter}) and subtracts its estimate of the echo, then
 * attenuates blocks that still look like echo only (a residual echo suppressor, which also
 * covers the time before the filter has learned anything). A block where the near end talks
 * passes unattenuated and the filter does not learn from it (double-talk detection by level:
 * the residual louder than the expected echo by a margin).
 *
 * Both signals are on one absolute sample timeline (sample `i` at `i / sampleRate` s of the
 * session clock): the reference where playout played it, the microphone where it arrived. The
 * delay found covers everything in between (downlink, the room, uplink).
 */
export class EchoCanceller {
  readonly sampleRate: number;
  readonly blockSamples: number;
  readonly #reference: ReferenceBuffer;
  readonly #delay: DelayEstimator;
  readonly #filter: BlockAdaptiveFilter;
  /**
   * How many samples before a block's end the reference it is cleaned against ends: a block
   * may be processed this much ahead of its end without any difference, provided what was
   * played before that moment is final (playout writes the reference from the present on, and
   * a cut removes only what has not been played yet).
   */
  readonly lookaheadSamples: number;
  readonly #step: number;
  /** Lags searched, in steps: from the shortest delay to the longest. */
  readonly #minLagSteps: number;
  readonly #maxLagSteps: number;
  /** The filter's taps start this far before the delay found, to allow for its imprecision. */
  readonly #preSamples: number;
  readonly #priorGainDb: number;
  readonly #suppression: number;
  readonly #margin: number;
  /** Mean square of the reference per envelope step, from the shortest lag searched, newest last. */
  readonly #stepPower: Float64Array;
  #stepHead = 0;
  /** The delay the filter is aligned to (samples), if any. */
  #alignedDelay: number | undefined;
  #echoGainDb: number;
  #erleDb = 0;
  /** Blocks with the far end active before an echo path was found. */
  #farEndBlocks = 0;
  /** Blocks the filter could learn from. */
  #blocks = 0;
  readonly #aligned: Float64Array;
  readonly #echo: Float64Array;
  readonly #error: Float64Array;

  constructor(options: EchoCancellerOptions) {
    this.sampleRate = options.sampleRate;
    this.blockSamples = options.blockSamples ?? Math.round(options.sampleRate * 0.032);
    if ((this.blockSamples & (this.blockSamples - 1)) !== 0) {
      throw new RangeError(`blockSamples must be a power of two, got ${this.blockSamples}`);
    }
    this.#step = this.blockSamples / 4;
    const minDelayMs = options.minDelayMs ?? 48;
    const maxDelayMs = options.maxDelayMs ?? 600;
    if (!(minDelayMs >= 0 && minDelayMs < maxDelayMs)) {
      throw new RangeError(`echo delays must satisfy 0 ≤ minDelayMs < maxDelayMs, got ${minDelayMs} and ${maxDelayMs}`);
    }
    const maxDelaySamples = Math.round((maxDelayMs * options.sampleRate) / 1000);
    this.#minLagSteps = Math.ceil((minDelayMs * options.sampleRate) / 1000 / this.#step);
    this.#maxLagSteps = Math.max(this.#minLagSteps + 1, Math.ceil(maxDelaySamples / this.#step));
    this.#preSamples = Math.round(this.#step * 1.5);
    this.lookaheadSamples = Math.max(0, this.#minLagSteps * this.#step - this.#preSamples);
    this.#reference = new ReferenceBuffer(maxDelaySamples + 8 * this.blockSamples + options.sampleRate * 4);
    this.#delay = new DelayEstimator({ stepSamples: this.#step, maxLagSteps: this.#maxLagSteps - this.#minLagSteps });
    this.#filter = new BlockAdaptiveFilter({ blockSamples: this.blockSamples });
    this.#priorGainDb = options.maxEchoGainDb ?? -6;
    this.#echoGainDb = this.#priorGainDb;
    this.#suppression = 10 ** (-(options.suppressionDb ?? 60) / 20);
    this.#margin = 10 ** ((options.doubleTalkMarginDb ?? 3) / 10);
    this.#stepPower = new Float64Array(this.#maxLagSteps - this.#minLagSteps + 8);
    this.#aligned = new Float64Array(this.blockSamples);
    this.#echo = new Float64Array(this.blockSamples);
    this.#error = new Float64Array(this.blockSamples);
  }

  /** The echo path's delay, once found (as in {@link stats}, without building it). */
  get delayMs(): number | undefined {
    const steps = this.#pathSteps;
    return steps === undefined ? undefined : (steps * this.#step * 1000) / this.sampleRate;
  }

  /** The echo path's delay in steps, once found (the estimator counts from the shortest lag searched). */
  get #pathSteps(): number | undefined {
    const found = this.#delay.delaySteps;
    return found === undefined ? undefined : found + this.#minLagSteps;
  }

  /** What has been learned so far. */
  get stats(): EchoCancellerStats {
    return {
      delayMs: this.delayMs,
      echoGainDb: this.#echoGainDb,
      erleDb: this.#erleDb,
    };
  }

  /** The far end played `samples` from absolute sample `at` on. */
  playReference(at: number, samples: Float32Array | Int16Array, from?: number, to?: number): void {
    this.#reference.write(at, samples, from, to);
  }

  /** The far end stopped playing at sample `at` (what was written ahead of it never played). */
  stopReference(at: number): void {
    this.#reference.cut(at);
  }

  /**
   * Cleans one block of microphone audio (`blockSamples` long) that starts at absolute sample
   * `at`, writing the result into `out`. Blocks must come in order, without gaps.
   */
  process(at: number, mic: Float32Array, out: Float32Array): EchoBlockVerdict {
    const n = this.blockSamples;
    const step = this.#step;
    // Envelopes, one value per step: the reference played the shortest delay before, and the mic.
    const farEndWide = this.#pushEnvelopes(at, mic);
    const micPower = meanSquare(mic, 0, n);
    const delaySteps = this.#pathSteps;

    if (delaySteps === undefined) {
      // No echo path found (yet, or at all: a headset has none). Sound no louder than the echo
      // could be, from anything played within reach, is taken for echo; how loud that is starts
      // at the expected maximum and is learned quickly downwards, so that without echo the
      // canceller is soon out of the way.
      const wide = this.#maxStepPower(0, this.#maxLagSteps + 1);
      const nearEnd = micPower > wide * dbToPower(this.#echoGainDb) * this.#margin + ACTIVE_POWER * 1e-2;
      if (farEndWide) this.#farEndBlocks++;
      // An echo's path is found within about half a second of the far end talking; once much
      // longer has gone by without one, there is no echo to expect.
      const searchedMs = (this.#farEndBlocks * n * 1000) / this.sampleRate;
      if (farEndWide && !nearEnd && searchedMs >= NO_PATH_AFTER_MS) this.#learnGain(micPower, wide, NO_PATH_DOWN_RATE);
      const suppressed = farEndWide && !nearEnd;
      const gain = suppressed ? this.#suppression : 1;
      for (let i = 0; i < n; i++) out[i] = mic[i]! * gain;
      return { farEnd: farEndWide, nearEnd, suppressed, erleDb: this.#erleDb };
    }

    const delay = delaySteps * step;
    if (this.#alignedDelay !== delay) {
      this.#filter.reset();
      this.#alignedDelay = delay;
      this.#erleDb = 0;
    }
    // The filter's taps cover echo lags from (delay − pre) to (delay − pre + n).
    const start = at - delay + this.#preSamples;
    this.#reference.read(start, this.#aligned);
    const spanPower = this.#maxStepPower(Math.max(0, delaySteps - 2), delaySteps + 7);
    const farEnd = spanPower > ACTIVE_POWER;
    if (!farEnd) {
      // No echo can be arriving: nothing to cancel (and nothing to spend time on).
      this.#filter.idle();
      out.set(mic);
      return { farEnd, nearEnd: micPower > ACTIVE_POWER * 1e-2, suppressed: false, erleDb: this.#erleDb };
    }
    const echo = this.#echo;
    const error = this.#error;
    // Filter first without learning, judge double talk on its output, then learn if it is safe.
    this.#filter.filter(this.#aligned, mic, echo, error);
    const echoPower = meanSquare(echo, 0, n);
    const residualPower = meanSquare(error, 0, n);
    const nearEnd = residualPower > this.#nearEndThreshold(echoPower, spanPower);
    if (nearEnd) {
      // Trust the filter a little less while the near end seems to talk: if the echo path
      // changed, its residual looks like talking, and this lets the level rule take over again.
      this.#erleDb = Math.max(0, this.#erleDb - 0.5);
    } else {
      // A filter that cancels well moves little from block to block: learning on every other
      // block then keeps it as good at two thirds of the cost.
      this.#blocks++;
      if (this.#erleDb < WELL_CONVERGED_ERLE_DB || this.#blocks % 2 === 0) this.#filter.learn(error);
      this.#learnGain(micPower, spanPower);
      if (residualPower > 0 && micPower > ACTIVE_POWER * 1e-2) {
        this.#erleDb = 0.95 * this.#erleDb + 0.05 * Math.max(0, 10 * Math.log10(micPower / residualPower));
      }
    }
    const gain = nearEnd ? 1 : this.#suppression;
    for (let i = 0; i < n; i++) out[i] = error[i]! * gain;
    return { farEnd, nearEnd, suppressed: !nearEnd, erleDb: this.#erleDb };
  }

  /**
   * How loud the residual may be while only echo arrives. Until the filter has learned the
   * path, the echo is expected as loud as the learned echo gain allows (or as the filter's
   * estimate, if louder), plus a margin; once it cancels well, far less is left of the echo,
   * and anything {@link CONVERGED_MARGIN_DB} above that residual is the near end.
   */
  #nearEndThreshold(echoPower: number, spanPower: number): number {
    const levelRule = Math.max(echoPower, spanPower * dbToPower(this.#echoGainDb)) * this.#margin + ACTIVE_POWER * 1e-2;
    if (this.#erleDb < CONVERGED_ERLE_DB) return levelRule;
    const residualRule = echoPower * dbToPower(CONVERGED_MARGIN_DB - this.#erleDb) + ACTIVE_POWER * 1e-2;
    return Math.min(levelRule, residualRule);
  }

  /**
   * Feeds the delay estimator the block's envelopes, step by step (the reference played the
   * shortest delay before each microphone step); says whether any echo could be arriving in
   * the block.
   */
  #pushEnvelopes(at: number, mic: Float32Array): boolean {
    const step = this.#step;
    const buffer = this.#aligned;
    this.#reference.read(at - this.#minLagSteps * step, buffer);
    let farEnd = false;
    for (let s = 0; s < 4; s++) {
      const power = meanSquare(buffer, s * step, (s + 1) * step);
      this.#stepHead = (this.#stepHead + 1) % this.#stepPower.length;
      this.#stepPower[this.#stepHead] = power;
      this.#delay.pushReference(toDb(power));
      if (this.#maxStepPower(0, this.#maxLagSteps + 1) > ACTIVE_POWER) {
        farEnd = true;
        this.#delay.update(toDb(meanSquare(mic, s * step, (s + 1) * step)));
      }
    }
    return farEnd;
  }

  /** The loudest reference step among lags [fromLag, toLag) steps ago (those searched). */
  #maxStepPower(fromLag: number, toLag: number): number {
    const size = this.#stepPower.length;
    let max = 0;
    for (let lag = Math.max(0, fromLag - this.#minLagSteps); lag < Math.min(toLag - this.#minLagSteps, size); lag++) {
      const power = this.#stepPower[(this.#stepHead - lag + size * 2) % size]!;
      if (power > max) max = power;
    }
    return max;
  }

  /** Follows the echo's level relative to the reference, never above the expected maximum. */
  #learnGain(micPower: number, referencePower: number, downRate = 0.02): void {
    if (referencePower <= ACTIVE_POWER) return;
    const observed = micPower > 0 ? Math.max(FLOOR_DB, 10 * Math.log10(micPower / referencePower)) : FLOOR_DB;
    // Follow the loud end of the observed ratios (quickly up, slowly down): a block louder than
    // usual must still be expected, or it passes as the near end talking.
    const rate = observed > this.#echoGainDb ? 0.3 : downRate;
    this.#echoGainDb = Math.min(this.#priorGainDb, this.#echoGainDb + rate * (observed - this.#echoGainDb));
  }
}

function meanSquare(samples: ArrayLike<number>, from: number, to: number): number {
  let sum = 0;
  for (let i = from; i < to; i++) {
    const v = samples[i]!;
    sum += v * v;
  }
  return to > from ? sum / (to - from) : 0;
}

function toDb(power: number): number {
  return power > 0 ? Math.max(FLOOR_DB, 10 * Math.log10(power)) : FLOOR_DB;
}

function dbToPower(db: number): number {
  return 10 ** (db / 10);
}
