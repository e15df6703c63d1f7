import { describe, expect, it } from 'vitest';
import { floatToPcm16 } from '../audio/pcm.js';
import { sine } from '../audio/test-support/signals.js';
import { VirtualClock } from '../clock/virtual-clock.js';
import { speechLike } from '../echo/test-support/speech-like.js';
import { createEnergyVad } from '../vad/energy-vad.js';
import { AudioInput, type AudioInputEvent, type AudioInputOptions } from './audio-input.js';

const RATE = 16000;
const WINDOW = 512; // 32 ms
const samplesOf = (ms: number): number => (ms * RATE) / 1000;

/** Silence, then a −20 dBFS tone over [1024, 2048) ms, then silence to 3072 ms (window-aligned). */
const burst = new Float32Array(samplesOf(3072));
burst.set(sine(440, RATE, samplesOf(1024), 0.1 * Math.SQRT2), samplesOf(1024));

function input(options: Partial<Omit<AudioInputOptions, 'clock' | 'vad'>> = {}): { input: AudioInput; events: AudioInputEvent[] } {
  const audioInput = new AudioInput({ clock: new VirtualClock(), vad: createEnergyVad(), echoCanceller: false, ...options });
  const events: AudioInputEvent[] = [];
  audioInput.subscribe((event) => events.push(event));
  return { input: audioInput, events };
}

/** The events of `samples` pushed from `atMs` in chunks of the given sizes (cycled), none awaited but the last. */
async function pushed(samples: Float32Array, sizes: readonly number[], options: Partial<AudioInputOptions> = {}, atMs = 0): Promise<AudioInputEvent[]> {
  const { input: audioInput, events } = input(options);
  const pushes: Promise<void>[] = [];
  for (let at = 0, i = 0; at < samples.length; i++) {
    const n = Math.min(sizes[i % sizes.length]!, samples.length - at);
    pushes.push(audioInput.push(samples.subarray(at, at + n), atMs + (at * 1000) / RATE));
    at += n;
  }
  await Promise.all(pushes);
  await audioInput.end(atMs + (samples.length * 1000) / RATE);
  return events;
}

const ofType = <T extends AudioInputEvent['type']>(events: readonly AudioInputEvent[], type: T): Extract<AudioInputEvent, { type: T }>[] =>
  events.filter((e): e is Extract<AudioInputEvent, { type: T }> => e.type === type);

describe('AudioInput (energy VAD, no echo canceller)', () => {
  it('reports one speech start at the burst’s onset and one end where it stops', async () => {
    const events = await pushed(burst, [burst.length]);
    const vad = ofType(events, 'vad').map((e) => e.event);
    expect(vad).toEqual([
      { type: 'speech_start', onsetMs: 1024, levelDb: expect.closeTo(-20, 1) },
      { type: 'speech_end', speechEndMs: 2048 },
    ]);
  });

  it('reports every window, consecutive and whole, with its probability and level', async () => {
    const windows = ofType(await pushed(burst, [burst.length]), 'window');
    expect(windows).toHaveLength(burst.length / WINDOW);
    windows.forEach((w, k) => {
      expect([w.startMs, w.endMs]).toEqual([k * 32, (k + 1) * 32]);
      expect(w.echo).toBeUndefined();
      const inBurst = w.startMs >= 1024 && w.startMs < 2048;
      if (inBurst) {
        expect(w.probability).toBeGreaterThan(0.9);
        expect(w.levelDb).toBeCloseTo(-20, 0);
      } else {
        expect(w.probability).toBe(0);
        expect(w.levelDb).toBe(-Infinity);
      }
    });
  });

  it('puts the windows on the session clock from the first push', async () => {
    const windows = ofType(await pushed(burst.subarray(0, 2 * WINDOW), [WINDOW], {}, 500), 'window');
    expect(windows.map((w) => [w.startMs, w.endMs])).toEqual([
      [500, 532],
      [532, 564],
    ]);
  });

  it('gives the same events however the audio is cut into pushes', async () => {
    const whole = await pushed(burst, [burst.length]);
    expect(await pushed(burst, [1, 7, 333, 1000, 511, 2049])).toEqual(whole);
    expect(await pushed(burst, [WINDOW])).toEqual(whole);
  });

  it('forwards the audio it took in, window by window, unless told not to', async () => {
    const audio = ofType(await pushed(burst, [700]), 'audio');
    expect(audio.every((a) => a.chunk.sampleRate === RATE && a.chunk.samples === WINDOW)).toBe(true);
    const pcm = new Int16Array(burst.length);
    audio.forEach((a, k) => pcm.set(a.chunk.pcm!, k * WINDOW));
    expect(pcm).toEqual(floatToPcm16(burst));
    expect(ofType(await pushed(burst, [700], { forwardAudio: false }), 'audio')).toEqual([]);
  });

  it('gives the same events through beginWindow() and through prepareWindow() then submitWindow()', async () => {
    const viaPush = await pushed(burst, [burst.length]);

    const begun = input();
    for (let at = 0; at < burst.length; at += WINDOW) await begun.input.beginWindow(burst.subarray(at, at + WINDOW), (at * 1000) / RATE).complete();
    await begun.input.end(3072);
    expect(begun.events).toEqual(viaPush);

    expect(await pipelined(burst, {})).toEqual(viaPush);
  });

  it('refuses a window of the wrong size', () => {
    expect(() => input().input.prepareWindow(new Float32Array(100), 0)).toThrow(RangeError);
  });
});

/**
 * Windows prepared one ahead, as the acoustic simulator does: window k+1 is prepared (echo
 * cancelled) at the end of window k, before window k's VAD answer is collected.
 */
async function pipelined(mic: Float32Array, options: Partial<AudioInputOptions>, beforeWindow?: (input: AudioInput, at: number) => void): Promise<AudioInputEvent[]> {
  const { input: audioInput, events } = input(options);
  const prepare = (at: number) => {
    beforeWindow?.(audioInput, at);
    return audioInput.prepareWindow(mic.subarray(at, at + WINDOW), (at * 1000) / RATE);
  };
  let prepared = prepare(0);
  for (let at = 0; at < mic.length; at += WINDOW) {
    const submitted = audioInput.submitWindow(prepared);
    if (at + WINDOW < mic.length) prepared = prepare(at + WINDOW);
    await submitted.complete();
  }
  await audioInput.end((mic.length * 1000) / RATE);
  return events;
}

describe('AudioInput with the echo canceller', () => {
  // 6016 ms: whole windows.
  const reference = speechLike({ sampleRate: RATE, durationMs: 6016, levelDb: -20, seed: 3, formantsHz: [700, 1200, 2600] });
  // The agent's voice back at the microphone 200 ms later, 12 dB down, and nothing else.
  const echoGain = 10 ** (-12 / 20);
  const mic = new Float32Array(reference.length);
  for (let i = samplesOf(200); i < mic.length; i++) mic[i] = reference[i - samplesOf(200)]! * echoGain;
  const CHUNK = samplesOf(96); // three windows

  /** Plays the reference up to sample `until` (in 96 ms chunks, as a playout would), then stops it at its end. */
  function playUntil(audioInput: AudioInput, played: { until: number; stopped?: boolean }, until: number): void {
    while (played.until < Math.min(until, reference.length)) {
      const pcm = floatToPcm16(reference.subarray(played.until, played.until + CHUNK));
      audioInput.played({ sampleRate: RATE, samples: pcm.length, pcm }, 0, (played.until * 1000) / RATE);
      played.until += pcm.length;
    }
    if (played.until >= reference.length && !played.stopped) {
      audioInput.stopped((reference.length * 1000) / RATE);
      played.stopped = true;
    }
  }

  /** The microphone pushed `chunk` samples at a time, the reference played up to the end of each chunk first. */
  async function echoRun(chunk: number): Promise<AudioInputEvent[]> {
    const { input: audioInput, events } = input({ echoCanceller: {} });
    const played = { until: 0 };
    for (let at = 0; at < mic.length; at += chunk) {
      playUntil(audioInput, played, at + chunk);
      await audioInput.push(mic.subarray(at, at + chunk), (at * 1000) / RATE);
    }
    await audioInput.end((mic.length * 1000) / RATE);
    return events;
  }

  it('finds the echo path near 200 ms and takes no echo for speech after the first second', async () => {
    const events = await echoRun(CHUNK);
    const paths = ofType(events, 'echo_path');
    expect(paths.length).toBeGreaterThan(0);
    expect(Math.abs(paths[0]!.delayMs - 200)).toBeLessThanOrEqual(16);
    const starts = ofType(events, 'vad').filter((e) => e.event.type === 'speech_start' && e.event.onsetMs >= 1000);
    expect(starts).toEqual([]);
    expect(ofType(events, 'window').every((w) => w.echo !== undefined)).toBe(true);
  });

  it('gives the same events for windows prepared one ahead, knowing only what was played before each starts, as pushed', async () => {
    const played = { until: 0 };
    const ahead = await pipelined(mic, { echoCanceller: {} }, (audioInput, at) => playUntil(audioInput, played, at));
    expect(ofType(ahead, 'echo_path').length).toBeGreaterThan(0);
    expect(ahead).toEqual(await echoRun(WINDOW));
  });

  it('may prepare a window one ahead with the default canceller, and any number without one', () => {
    expect(input({ echoCanceller: {} }).input.lookaheadWindows).toBe(1);
    expect(input({ echoCanceller: { minDelayMs: 100 } }).input.lookaheadWindows).toBe(2);
    expect(input({ echoCanceller: { minDelayMs: 40 } }).input.lookaheadWindows).toBe(0);
    expect(input().input.lookaheadWindows).toBe(Infinity);
  });

  it('discards a window prepared ahead of the end: its answer is collected, nothing is reported', async () => {
    const { input: audioInput, events } = input({ echoCanceller: {} });
    await audioInput.submitWindow(audioInput.prepareWindow(mic.subarray(0, WINDOW), 0)).complete();
    const reported = events.length;
    await audioInput.submitWindow(audioInput.prepareWindow(mic.subarray(WINDOW, 2 * WINDOW), 32)).discard();
    expect(events).toHaveLength(reported);
  });
});
