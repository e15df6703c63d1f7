/**
 * Silero VAD (v5 or v6) through onnxruntime-node. The weights come from the npm package that
 * ships them, `@ricky0123/vad-web` (dist/silero_vad_v5.onnx, dist/silero_vad_v6.onnx); nothing
 * is downloaded.
 *
 * Each window is fed as silero-vad's `OnnxWrapper.__call__` (and vad-web's dist/models/silero.js)
 * feeds it: the last 64 samples of the previous window (32 at 8 kHz; zeros after a reset) are
 * prepended, and the recurrent `state` [2, 1, 128] goes in and comes back as `stateN`.
 *
 * The InferenceSession (one per model version) is created once per process and shared by every
 * Silero VAD: each VAD passes its own state, so sharing is safe, and opening a VAD for a new call
 * costs nothing (creating a session takes 25–140 ms). One thread, sequential execution: the same
 * input gives the same probabilities. onnxruntime-node runs inference synchronously on the main
 * thread after a `setImmediate`, so `process()` resolves after a turn of the real event loop.
 *
 * @module
 */
import { createRequire } from 'node:module';
import type { InferenceSession, Tensor } from 'onnxruntime-node';
import { checkWindow, type FrameVad, type VadSampleRate } from './frame-vad.js';

/** Options of {@link createSileroVad}. */
export interface SileroVadOptions {
  /** Default 16000. */
  readonly sampleRate?: VadSampleRate;
  /** Model version; default 'v5'. */
  readonly version?: SileroVersion;
}

/** Silero model versions shipped by @ricky0123/vad-web. */
export type SileroVersion = 'v5' | 'v6';

type Ort = typeof import('onnxruntime-node');

/** Per rate: samples per window and context samples prepended to it. */
const GEOMETRY = {
  16000: { window: 512, context: 64 },
  8000: { window: 256, context: 32 },
} as const;

const STATE_SIZE = 2 * 1 * 128;

let ort: Promise<Ort> | undefined;
const sessions = new Map<SileroVersion, Promise<InferenceSession>>();

/** Where the model file of `version` is, inside node_modules. */
export function sileroModelPath(version: SileroVersion = 'v5'): string {
  return createRequire(import.meta.url).resolve(`@ricky0123/vad-web/dist/silero_vad_${version}.onnx`);
}

/** Loaded lazily: onnxruntime's native library takes ~60 ms to load, and only Silero needs it. */
function loadOrt(): Promise<Ort> {
  ort ??= import('onnxruntime-node');
  return ort;
}

function session(version: SileroVersion): Promise<InferenceSession> {
  let created = sessions.get(version);
  if (!created) {
    created = loadOrt().then((runtime) =>
      runtime.InferenceSession.create(sileroModelPath(version), {
        intraOpNumThreads: 1,
        interOpNumThreads: 1,
        executionMode: 'sequential',
        logSeverityLevel: 3, // errors only: keep the command line's stderr clean
      }),
    );
    // A failed load is not cached: the next VAD tries again.
    created.catch(() => sessions.delete(version));
    sessions.set(version, created);
  }
  return created;
}

/** Frees the shared Silero models; the next {@link createSileroVad} loads them again. */
export async function releaseSileroModels(): Promise<void> {
  const loaded = [...sessions.values()];
  sessions.clear();
  for (const result of await Promise.allSettled(loaded)) {
    if (result.status === 'fulfilled') await result.value.release();
  }
}

/** A Silero VAD for one call (its own recurrent state), on the process's shared model. */
export async function createSileroVad(options: SileroVadOptions = {}): Promise<FrameVad> {
  const sampleRate = options.sampleRate ?? 16000;
  const version = options.version ?? 'v5';
  if (sampleRate !== 16000 && sampleRate !== 8000) throw new RangeError(`Silero runs at 16000 or 8000 Hz, got ${String(sampleRate)}`);
  if (version !== 'v5' && version !== 'v6') throw new RangeError(`Silero versions are v5 and v6, got ${String(version)}`);
  const [runtime, model] = await Promise.all([loadOrt(), session(version)]);
  return new SileroVad(runtime, model, sampleRate);
}

class SileroVad implements FrameVad {
  readonly kind = 'silero';
  readonly sampleRate: VadSampleRate;
  readonly windowSamples: number;
  readonly #session: InferenceSession;
  readonly #context: number;
  /** [context | window]: the model's input, reused for every window. */
  readonly #input: Float32Array;
  readonly #state = new Float32Array(STATE_SIZE);
  readonly #feeds: Record<'input' | 'state' | 'sr', Tensor>;
  #busy = false;
  #disposed = false;

  constructor(runtime: Ort, session: InferenceSession, sampleRate: VadSampleRate) {
    const geometry = GEOMETRY[sampleRate];
    this.sampleRate = sampleRate;
    this.windowSamples = geometry.window;
    this.#session = session;
    this.#context = geometry.context;
    this.#input = new Float32Array(geometry.context + geometry.window);
    this.#feeds = {
      input: new runtime.Tensor('float32', this.#input, [1, this.#input.length]),
      state: new runtime.Tensor('float32', this.#state, [2, 1, 128]),
      sr: new runtime.Tensor('int64', BigInt64Array.of(BigInt(sampleRate)), []),
    };
  }

  async process(window: Float32Array): Promise<number> {
    if (this.#disposed) throw new Error('silero VAD: process() after dispose()');
    if (this.#busy) throw new Error('silero VAD: process() called before the previous call resolved');
    checkWindow(this, window);
    const input = this.#input;
    // The previous window's tail is already at the end of the input: move it to the front.
    input.copyWithin(0, input.length - this.#context);
    input.set(window, this.#context);
    this.#busy = true;
    try {
      const out = await this.#session.run(this.#feeds);
      const stateN = out['stateN']?.data;
      const probability = out['output']?.data[0];
      if (!(stateN instanceof Float32Array) || stateN.length !== STATE_SIZE || typeof probability !== 'number') {
        throw new Error('silero VAD: unexpected model output (expected output and stateN [2, 1, 128])');
      }
      this.#state.set(stateN);
      return probability;
    } finally {
      this.#busy = false;
    }
  }

  reset(): void {
    this.#state.fill(0);
    this.#input.fill(0);
  }

  async dispose(): Promise<void> {
    this.#disposed = true;
  }
}
