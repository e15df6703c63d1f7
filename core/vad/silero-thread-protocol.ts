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

/** Busy-wait iterations before sleeping: a few hundred microseconds of spinning. */
export const SPIN_LIMIT = 100_000;

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
