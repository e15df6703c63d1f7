/**
 * A frame VAD: speech probability per fixed-size window of samples. Implementations: Silero
 * (`createSileroVad`, an ONNX model) and an energy detector (`createEnergyVad`, no model). Their
 * probabilities go through {@link VadHysteresis} to become speech start and end events.
 *
 * @module
 */

/** Sample rates a frame VAD runs at. */
export type VadSampleRate = 16000 | 8000;

/** Speech probability of successive windows of one call's audio. */
export interface FrameVad {
  readonly kind: 'silero' | 'energy';
  readonly sampleRate: VadSampleRate;
  /** Samples per inference window: Silero 512 at 16 kHz, 256 at 8 kHz. */
  readonly windowSamples: number;
  /**
   * Speech probability of the next window (exactly windowSamples float samples in [-1, 1]);
   * carries recurrent state across calls. One call at a time: await each before the next.
   */
  process(window: Float32Array): Promise<number>;
  /** Forgets the recurrent state (a new call). */
  reset(): void;
  /**
   * Frees what this VAD holds; it cannot be used afterwards. (Silero's model is shared by every
   * Silero VAD of the process and stays loaded for the next one: `releaseSileroModels()` frees it.)
   */
  dispose(): Promise<void>;
}

/** Checks that a window has the length the VAD expects. */
export function checkWindow(vad: Pick<FrameVad, 'kind' | 'windowSamples'>, window: Float32Array): void {
  if (window.length !== vad.windowSamples) {
    throw new RangeError(`${vad.kind} VAD: a window is ${vad.windowSamples} samples, got ${window.length}`);
  }
}
