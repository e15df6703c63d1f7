/**
 * The worker-thread side of {@link createThreadedSileroVad}: a Silero VAD that answers requests
 * put in shared memory. Not imported by anything; loaded as a worker's module.
 *
 * @module
 */
import { workerData } from 'node:worker_threads';
import type { FrameVad } from './frame-vad.js';
import { createSileroVad, type SileroVersion } from './silero.js';
import { Command, Control, SpinBudget, type SileroThreadData } from './silero-thread-protocol.js';

const { control, window, result, message } = views(workerData as SileroThreadData);
let vad: FrameVad | undefined;
let seen = 0;

const budget = new SpinBudget();

for (;;) {
  // Spin a while (during a call, the next request follows within microseconds), then sleep.
  let spins = 0;
  let slept = false;
  while (Atomics.load(control, Control.Request) === seen) {
    if (++spins > budget.limit) {
      Atomics.wait(control, Control.Request, seen);
      slept = true;
    }
  }
  if (slept) budget.slept();
  else budget.spun();
  seen = Atomics.load(control, Control.Request);
  try {
    await serve(Atomics.load(control, Control.Command));
    Atomics.store(control, Control.Status, 0);
  } catch (error) {
    const text = new TextEncoder().encode(error instanceof Error ? error.message : String(error)).subarray(0, message.length);
    message.fill(0).set(text);
    Atomics.store(control, Control.Status, 1);
  }
  Atomics.store(control, Control.Response, seen);
  Atomics.notify(control, Control.Response);
}

async function serve(command: number): Promise<void> {
  switch (command) {
    case Command.Open: {
      await vad?.dispose();
      const sampleRate = Atomics.load(control, Control.SampleRate) === 8000 ? 8000 : 16000;
      const version: SileroVersion = Atomics.load(control, Control.Version) === 6 ? 'v6' : 'v5';
      vad = await createSileroVad({ sampleRate, version });
      return;
    }
    case Command.Process:
      result[0] = await vad!.process(window.subarray(0, vad!.windowSamples));
      return;
    case Command.Reset:
      vad?.reset();
      return;
    case Command.Close:
      await vad?.dispose();
      vad = undefined;
      return;
  }
}

function views(data: SileroThreadData) {
  return {
    control: new Int32Array(data.control),
    window: new Float32Array(data.window),
    result: new Float32Array(data.result),
    message: new Uint8Array(data.message),
  };
}
