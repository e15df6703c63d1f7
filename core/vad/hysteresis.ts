import type { VadEvent } from './events.js';

/** Options of {@link VadHysteresis}. Defaults follow LiveKit's Silero settings, except min silence. */
export interface VadHysteresisOptions {
  /** A frame at or above this probability can start speech. Default 0.5. */
  readonly activationThreshold?: number;
  /** Speech continues while frames stay at or above this. Default activation − 0.15. */
  readonly deactivationThreshold?: number;
  /** Speech must last this long before it is reported. Default 50 ms. */
  readonly minSpeechMs?: number;
  /**
   * Silence must last this long before the end is reported. Default 200 ms (Pipecat's stop time):
   * short, because the endpointer, not the VAD, decides when a turn is over.
   */
  readonly minSilenceMs?: number;
  /** Audio kept before the onset, reported as `paddedStartMs` for STT. Default 500 ms. */
  readonly prefixPaddingMs?: number;
}

/** Resolved options. */
export type VadHysteresisConfig = Required<VadHysteresisOptions>;

/** Fills in defaults and checks the options. */
export function resolveVadHysteresis(options: VadHysteresisOptions = {}): VadHysteresisConfig {
  const activationThreshold = options.activationThreshold ?? 0.5;
  const config: VadHysteresisConfig = {
    activationThreshold,
    deactivationThreshold: options.deactivationThreshold ?? Math.max(0, activationThreshold - 0.15),
    minSpeechMs: options.minSpeechMs ?? 50,
    minSilenceMs: options.minSilenceMs ?? 200,
    prefixPaddingMs: options.prefixPaddingMs ?? 500,
  };
  if (!(config.activationThreshold > 0 && config.activationThreshold <= 1)) {
    throw new RangeError(`activationThreshold must be in (0, 1], got ${config.activationThreshold}`);
  }
  if (!(config.deactivationThreshold >= 0 && config.deactivationThreshold <= config.activationThreshold)) {
    throw new RangeError(
      `deactivationThreshold must be in [0, activationThreshold], got ${config.deactivationThreshold}`,
    );
  }
  for (const key of ['minSpeechMs', 'minSilenceMs', 'prefixPaddingMs'] as const) {
    if (!(config[key] >= 0)) throw new RangeError(`${key} must be ≥ 0, got ${config[key]}`);
  }
  return config;
}

/** A speech start from the hysteresis layer, with the padded start for STT. */
export type HysteresisEvent =
  | (Extract<VadEvent, { type: 'speech_start' }> & { readonly paddedStartMs: number })
  | Extract<VadEvent, { type: 'speech_end' }>;

/**
 * Turns per-frame speech probabilities (from Silero, the energy VAD, anything) into speech
 * start and end events, with hysteresis: speech starts when frames at or above the activation
 * threshold have lasted `minSpeechMs`, and ends when frames below the deactivation threshold
 * have lasted `minSilenceMs`. Reported times are the true onset and end, not the decision times.
 */
export class VadHysteresis {
  readonly config: VadHysteresisConfig;
  #speaking = false;
  /** Start of the run of frames that may become speech (silent state) or silence (speaking state). */
  #runStartMs: number | undefined;
  #runMs = 0;
  #levelDb: number | undefined;

  constructor(options: VadHysteresisOptions = {}) {
    this.config = resolveVadHysteresis(options);
  }

  /** Whether speech is currently reported as ongoing. */
  get speaking(): boolean {
    return this.#speaking;
  }

  /**
   * Feeds one frame: its start time, length and speech probability (and optionally level).
   * Returns the events it completes (at most one).
   */
  push(frame: { readonly startMs: number; readonly durationMs: number; readonly probability: number; readonly levelDb?: number }): HysteresisEvent[] {
    const { activationThreshold, deactivationThreshold, minSpeechMs, minSilenceMs, prefixPaddingMs } = this.config;
    if (!this.#speaking) {
      const continuing = this.#runStartMs !== undefined && frame.probability >= deactivationThreshold;
      if (frame.probability >= activationThreshold || continuing) {
        if (this.#runStartMs === undefined) {
          this.#runStartMs = frame.startMs;
          this.#runMs = 0;
          this.#levelDb = frame.levelDb;
        }
        this.#runMs += frame.durationMs;
        if (frame.levelDb !== undefined) this.#levelDb = Math.max(this.#levelDb ?? -Infinity, frame.levelDb);
        if (this.#runMs >= minSpeechMs) {
          const onsetMs = this.#runStartMs;
          this.#speaking = true;
          this.#runStartMs = undefined;
          this.#runMs = 0;
          const event: HysteresisEvent = {
            type: 'speech_start',
            onsetMs,
            paddedStartMs: Math.max(0, onsetMs - prefixPaddingMs),
            ...(this.#levelDb !== undefined ? { levelDb: this.#levelDb } : {}),
          };
          return [event];
        }
      } else {
        this.#runStartMs = undefined;
        this.#runMs = 0;
      }
      return [];
    }
    if (frame.probability < deactivationThreshold) {
      if (this.#runStartMs === undefined) {
        this.#runStartMs = frame.startMs;
        this.#runMs = 0;
      }
      this.#runMs += frame.durationMs;
      if (this.#runMs >= minSilenceMs) {
        const speechEndMs = this.#runStartMs;
        this.#speaking = false;
        this.#runStartMs = undefined;
        this.#runMs = 0;
        return [{ type: 'speech_end', speechEndMs }];
      }
    } else {
      this.#runStartMs = undefined;
      this.#runMs = 0;
    }
    return [];
  }

  /** Ends the stream: reports the end of speech in progress, if any, at `atMs`. */
  flush(atMs: number): HysteresisEvent[] {
    if (!this.#speaking) {
      this.#runStartMs = undefined;
      this.#runMs = 0;
      return [];
    }
    const speechEndMs = this.#runStartMs ?? atMs;
    this.#speaking = false;
    this.#runStartMs = undefined;
    this.#runMs = 0;
    return [{ type: 'speech_end', speechEndMs }];
  }
}
