/**
 * Shared memory between {@link createThreadedSileroVad} and its worker thread: one request at a
 * time, numbered; the worker answers with the same number.
 *
 * @module
 */

/** Slots of the control array (Int32). */
export const Control = {
  /** Number of the latest request (the main thread increments it). */
  Request: 0,
  /** Number of the latest request answered (the worker sets it). */
  Response: 1,
  Command: 2,
  SampleRate: 3,
  /** 5 or 6. */
  Version: 4,
  /** 0 done, 1 failed (the reason is in the message bytes). */
  Status: 5,
} as const;

export const CONTROL_SLOTS = 8;

/** What a request asks. */
export const Command = {
  Open: 1,
  Process: 2,
  Reset: 3,
  Close: 4,
} as const;
export type Command = (typeof Command)[keyof typeof Command];

/**
 * Busy-wait iterations before sleeping: from about half a millisecond to about five (at some
 * 8 ns an iteration). A sleeping thread can take milliseconds to wake on a virtual machine, and
 * the simulation's own pauses between windows (a burst of timers, a collection) last as long,
 * so a shorter spin costs a wake-up each time.
 */
const MIN_SPINS = 50_000;
const MAX_SPINS = 800_000;

/**
 * How long to busy-wait for the other thread before sleeping. An answer usually comes within
 * a fraction of a millisecond, far sooner than a sleeping thread wakes on this kind of machine,
 * so spinning is what makes the handover cheap; but when the two threads do not get a core each
 * (a busy machine), a spinning thread only delays the one it waits for. So the budget grows
 * while waits end within it and shrinks when they do not.
 */
export class SpinBudget {
  #limit = MAX_SPINS;

  get limit(): number {
    return this.#limit;
  }

  /** The wait ended while spinning. */
  spun(): void {
    this.#limit = Math.min(MAX_SPINS, this.#limit * 2);
  }

  /** The wait outlasted the spinning and had to sleep. */
  slept(): void {
    this.#limit = Math.max(MIN_SPINS, this.#limit >> 1);
  }
}

/** The largest window (Silero at 16 kHz). */
export const MAX_WINDOW = 512;

/** Bytes for a failure's message. */
export const MESSAGE_BYTES = 512;

/** The worker's `workerData`. */
export interface SileroThreadData {
  readonly control: SharedArrayBuffer;
  readonly window: SharedArrayBuffer;
  readonly result: SharedArrayBuffer;
  readonly message: SharedArrayBuffer;
}
