/**
 * Silero on a worker thread of its own, so that a simulation can go on while the model infers.
 *
 * `process(window)` hands the window over through shared memory and returns at once; the
 * probability is collected when the result is awaited (the returned value is a thenable that
 * waits then, busily for the usual fraction of a millisecond). Between the two, the caller does
 * its own work: in the acoustic simulator, the next stretch of the call, which then costs
 * nothing on a two-core machine. The model, its settings and its inputs are those of
 * {@link createSileroVad}, so the probabilities are identical to the in-thread VAD's.
 *
 * Threads are kept in a pool of the process (a call's VAD borrows one and gives it back on
 * `dispose()`), unreferenced so they never keep the process alive. Where the compiled worker
 * module is not available (running from the TypeScript sources without a build), the in-thread
 * VAD is used instead.
 *
 * @module
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { FrameVad, VadSampleRate } from './frame-vad.js';
import { checkWindow } from './frame-vad.js';
import { createSileroVad, type SileroVadOptions } from './silero.js';
import {
  Command,
  Control,
  CONTROL_SLOTS,
  MAX_WINDOW,
  MESSAGE_BYTES,
  SpinBudget,
  type SileroThreadData,
} from './silero-thread-protocol.js';

/** How long a request may go unanswered before the thread is taken for dead. */
const ANSWER_TIMEOUT_MS = 30_000;

/** A Silero VAD whose inference runs on a worker thread (or in this thread, if it must). */
export async function createThreadedSileroVad(options: SileroVadOptions = {}): Promise<FrameVad> {
  const module = workerModule();
  if (!module) return createSileroVad(options);
  const thread = idle.pop() ?? new SileroThread(module);
  try {
    await thread.open(options.sampleRate ?? 16000, options.version === 'v6' ? 6 : 5);
  } catch (error) {
    thread.terminate();
    throw error;
  }
  return new ThreadedSileroVad(thread, options.sampleRate ?? 16000);
}

/** `Atomics.waitAsync` (in Node since 16; TypeScript declares it only from the ES2024 library). */
const waitAsync = (Atomics as unknown as {
  waitAsync(array: Int32Array, index: number, value: number, timeoutMs: number): { async: boolean; value: Promise<string> | string };
}).waitAsync;

/** Threads not lent to a VAD. */
const idle: SileroThread[] = [];

/** The compiled worker module: beside this file when compiled, else in dist/ (tests run the sources). */
function workerModule(): URL | undefined {
  const here = import.meta.url;
  const beside = new URL('./silero-thread.js', here);
  if (here.endsWith('.js')) return beside;
  const built = new URL('../../dist/core/vad/silero-thread.js', here);
  return existsSync(fileURLToPath(built)) ? built : undefined;
}

class SileroThread {
  readonly #worker: Worker;
  readonly control: Int32Array;
  readonly window: Float32Array;
  readonly result: Float32Array;
  readonly #message: Uint8Array;
  #request = 0;
  #failure: unknown;
  readonly #budget = new SpinBudget();

  constructor(module: URL) {
    const data: SileroThreadData = {
      control: new SharedArrayBuffer(CONTROL_SLOTS * 4),
      window: new SharedArrayBuffer(MAX_WINDOW * 4),
      result: new SharedArrayBuffer(4),
      message: new SharedArrayBuffer(MESSAGE_BYTES),
    };
    this.control = new Int32Array(data.control);
    this.window = new Float32Array(data.window);
    this.result = new Float32Array(data.result);
    this.#message = new Uint8Array(data.message);
    this.#worker = new Worker(module, { workerData: data });
    this.#worker.unref();
    this.#worker.on('error', (error) => {
      this.#failure = error;
    });
  }

  /** Loads the model at `sampleRate` (waiting without blocking: the first load takes a while). */
  async open(sampleRate: VadSampleRate, version: 5 | 6): Promise<void> {
    Atomics.store(this.control, Control.SampleRate, sampleRate);
    Atomics.store(this.control, Control.Version, version);
    const request = this.send(Command.Open);
    // A wait in shared memory does not keep the process alive: the worker must, meanwhile.
    this.#worker.ref();
    try {
      await this.#answered(request);
    } finally {
      this.#worker.unref();
    }
    this.check();
  }

  async #answered(request: number): Promise<void> {
    for (;;) {
      const answered = Atomics.load(this.control, Control.Response);
      if (answered === request) break;
      if (this.#failure !== undefined) throw new Error(`the Silero thread failed: ${String(this.#failure)}`);
      const waited = waitAsync(this.control, Control.Response, answered, ANSWER_TIMEOUT_MS);
      if (waited.async && (await waited.value) === 'timed-out') throw new Error('the Silero thread did not start');
    }
  }

  /** Posts a request; returns its number. */
  send(command: Command): number {
    Atomics.store(this.control, Control.Command, command);
    this.#request++;
    Atomics.store(this.control, Control.Request, this.#request);
    Atomics.notify(this.control, Control.Request);
    return this.#request;
  }

  /** Waits for the answer to request `request` (spinning first: it is usually a moment away). */
  await(request: number): void {
    let spins = 0;
    let slept = false;
    for (;;) {
      const answered = Atomics.load(this.control, Control.Response);
      if (answered === request) break;
      if (++spins > this.#budget.limit) {
        slept = true;
        if (Atomics.wait(this.control, Control.Response, answered, ANSWER_TIMEOUT_MS) === 'timed-out') {
          throw new Error(`the Silero thread did not answer within ${ANSWER_TIMEOUT_MS / 1000} s`);
        }
      }
    }
    if (slept) this.#budget.slept();
    else this.#budget.spun();
    this.check();
  }

  /** Throws the failure the worker reported for the last request, if any. */
  check(): void {
    if (Atomics.load(this.control, Control.Status) === 0) return;
    const end = this.#message.indexOf(0);
    throw new Error(`silero VAD (thread): ${new TextDecoder().decode(this.#message.slice(0, end === -1 ? undefined : end))}`);
  }

  terminate(): void {
    void this.#worker.terminate();
  }
}

class ThreadedSileroVad implements FrameVad {
  readonly kind = 'silero';
  readonly sampleRate: VadSampleRate;
  readonly windowSamples: number;
  #thread: SileroThread | undefined;
  /** Collects the answer in flight (waiting for it if needed), if one is. */
  #settlePending: (() => void) | undefined;

  constructor(thread: SileroThread, sampleRate: VadSampleRate) {
    this.#thread = thread;
    this.sampleRate = sampleRate;
    this.windowSamples = sampleRate === 16000 ? 512 : 256;
  }

  process(window: Float32Array): Promise<number> {
    const thread = this.#thread;
    if (!thread) return Promise.reject(new Error('silero VAD: process() after dispose()'));
    if (this.#settlePending) return Promise.reject(new Error('silero VAD: process() called before the previous call resolved'));
    try {
      checkWindow(this, window);
    } catch (error) {
      return Promise.reject(error);
    }
    thread.window.set(window);
    const request = thread.send(Command.Process);
    // The inference runs meanwhile; the answer is collected when the promise is first used.
    const promise = LazyPromise.of(() => {
      this.#settlePending = undefined;
      thread.await(request);
      return thread.result[0]!;
    });
    this.#settlePending = () => promise.settle();
    return promise;
  }

  reset(): void {
    const thread = this.#thread;
    if (!thread) return;
    this.#settlePending?.();
    thread.await(thread.send(Command.Reset));
  }

  async dispose(): Promise<void> {
    const thread = this.#thread;
    if (!thread) return;
    this.#settlePending?.();
    this.#thread = undefined;
    thread.await(thread.send(Command.Close));
    idle.push(thread);
  }
}

/**
 * A promise settled by `compute` only when it is first used (awaited, `then`, `catch`,
 * `finally`) or when `settle` is called, whichever comes first; `compute` runs once. A subclass,
 * because `await` takes a plain promise's result without calling its `then`.
 */
class LazyPromise<T> extends Promise<T> {
  static override get [Symbol.species](): PromiseConstructor {
    return Promise;
  }

  #settle: (() => void) | undefined;

  static of<T>(compute: () => T): LazyPromise<T> {
    let resolve!: (value: T) => void;
    let reject!: (reason: unknown) => void;
    const promise = new LazyPromise<T>((res, rej) => {
      resolve = res;
      reject = rej;
    });
    let settled = false;
    promise.#settle = () => {
      if (settled) return;
      settled = true;
      try {
        resolve(compute());
      } catch (error) {
        reject(error);
      }
    };
    return promise;
  }

  /** Settles the promise now (waiting for the answer if it has not come). */
  settle(): void {
    this.#settle?.();
  }

  override then<A = T, B = never>(
    onFulfilled?: ((value: T) => A | PromiseLike<A>) | null,
    onRejected?: ((reason: unknown) => B | PromiseLike<B>) | null,
  ): Promise<A | B> {
    this.settle();
    return super.then(onFulfilled, onRejected);
  }
}
