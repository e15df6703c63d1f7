import type { Clock, TimerHandle } from '../../core/clock/clock.js';
import type { Random } from '../../core/random/random.js';
import type { VadEvent } from '../../core/vad/events.js';
import type { VadSpec } from '../config/model.js';
import { draw } from '../distribution.js';

/** A louder voice joining speech already reported is reported again when it is this much louder. */
const LEVEL_STEP_DB = 3;

/**
 * The symbolic world's voice-activity detector. It hears pieces of sound arriving at the agent
 * (after the uplink) and decides like a hysteresis VAD would: speech starts once sound has lasted
 * `minSpeechMs`, ends once silence has lasted `minSilenceMs`, and each decision reaches the
 * session after a detection latency. Reported onsets and ends are the true arrival times.
 */
export class SimulatedVad {
  readonly #clock: Clock;
  readonly #spec: VadSpec;
  readonly #random: Random;
  readonly #emit: (event: VadEvent) => void;
  readonly #active = new Map<number, number>();
  #candidate: { startMs: number; levelDb: number; timer: TimerHandle } | undefined;
  #reported = false;
  #reportedLevelDb = -Infinity;
  #pendingEnd: TimerHandle | undefined;
  #lastEmitMs = -Infinity;

  constructor(clock: Clock, spec: VadSpec, random: Random, emit: (event: VadEvent) => void) {
    this.#clock = clock;
    this.#spec = spec;
    this.#random = random;
    this.#emit = emit;
  }

  /** A piece of sound `id` at `levelDb` starts arriving now. */
  soundOn(id: number, levelDb: number): void {
    const wasQuiet = this.#active.size === 0;
    this.#active.set(id, levelDb);
    const now = this.#clock.now();
    if (this.#candidate) {
      this.#candidate.levelDb = Math.max(this.#candidate.levelDb, levelDb);
      return;
    }
    if (this.#reported) {
      if (wasQuiet && this.#pendingEnd !== undefined) {
        this.#clock.clearTimeout(this.#pendingEnd);
        this.#pendingEnd = undefined;
      }
      if (levelDb >= this.#reportedLevelDb + LEVEL_STEP_DB) {
        this.#reportedLevelDb = levelDb;
        this.#emitLater({ type: 'speech_start', onsetMs: now, levelDb });
      }
      return;
    }
    const timer = this.#clock.setTimeout(() => this.#qualify(), this.#spec.minSpeechMs);
    this.#candidate = { startMs: now, levelDb, timer };
  }

  /** Piece `id` stops arriving now. */
  soundOff(id: number): void {
    if (!this.#active.delete(id) || this.#active.size > 0) return;
    const now = this.#clock.now();
    if (this.#candidate) {
      // Too short to be speech: a blip.
      this.#clock.clearTimeout(this.#candidate.timer);
      this.#candidate = undefined;
      return;
    }
    if (!this.#reported) return;
    this.#pendingEnd = this.#clock.setTimeout(() => {
      this.#pendingEnd = undefined;
      this.#reported = false;
      this.#reportedLevelDb = -Infinity;
      this.#emitLater({ type: 'speech_end', speechEndMs: now });
    }, this.#spec.minSilenceMs);
  }

  #qualify(): void {
    const candidate = this.#candidate!;
    this.#candidate = undefined;
    this.#reported = true;
    this.#reportedLevelDb = candidate.levelDb;
    this.#emitLater({ type: 'speech_start', onsetMs: candidate.startMs, levelDb: candidate.levelDb });
  }

  /** Delivers a decision after the detection latency, never out of order. */
  #emitLater(event: VadEvent): void {
    const atMs = Math.max(this.#clock.now() + draw(this.#spec.detectionLatencyMs, this.#random), this.#lastEmitMs);
    this.#lastEmitMs = atMs;
    this.#clock.setTimeout(() => this.#emit(event), atMs - this.#clock.now());
  }
}
