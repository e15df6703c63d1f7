import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { VadHysteresis, resolveVadHysteresis, type HysteresisEvent, type VadHysteresisOptions } from './hysteresis.js';

const FRAME_MS = 20;

/** An event and the index of the frame whose push returned it. */
type Decided = { frame: number; event: HysteresisEvent };

/** Pushes 20 ms frames with these probabilities (from `startMs`); returns the events with their frame index. */
function run(
  probabilities: readonly number[],
  options?: VadHysteresisOptions,
  levels?: readonly (number | undefined)[],
  startMs = 0,
): { vad: VadHysteresis; decided: Decided[] } {
  const vad = new VadHysteresis(options);
  const decided: Decided[] = [];
  probabilities.forEach((probability, i) => {
    const level = levels?.[i];
    const frame = { startMs: startMs + i * FRAME_MS, durationMs: FRAME_MS, probability, ...(level !== undefined ? { levelDb: level } : {}) };
    const events = vad.push(frame);
    expect(events.length).toBeLessThanOrEqual(1);
    for (const event of events) decided.push({ frame: i, event });
  });
  return { vad, decided };
}

/** `n` frames of probability `p`. */
const frames = (n: number, p: number): number[] => Array<number>(n).fill(p);

describe('resolveVadHysteresis', () => {
  it('fills in the defaults', () => {
    expect(resolveVadHysteresis()).toEqual({
      activationThreshold: 0.5,
      deactivationThreshold: 0.35,
      minSpeechMs: 50,
      minSilenceMs: 200,
      prefixPaddingMs: 500,
    });
  });

  it('derives the deactivation threshold from the activation threshold, not below 0', () => {
    expect(resolveVadHysteresis({ activationThreshold: 0.8 }).deactivationThreshold).toBeCloseTo(0.65, 10);
    expect(resolveVadHysteresis({ activationThreshold: 0.1 }).deactivationThreshold).toBe(0);
  });

  it('keeps explicit options', () => {
    expect(
      resolveVadHysteresis({ activationThreshold: 0.6, deactivationThreshold: 0.6, minSpeechMs: 0, minSilenceMs: 0, prefixPaddingMs: 0 }),
    ).toEqual({ activationThreshold: 0.6, deactivationThreshold: 0.6, minSpeechMs: 0, minSilenceMs: 0, prefixPaddingMs: 0 });
  });

  it.each<[VadHysteresisOptions, string]>([
    [{ activationThreshold: 0 }, 'activationThreshold must be in (0, 1], got 0'],
    [{ activationThreshold: 1.01 }, 'activationThreshold must be in (0, 1], got 1.01'],
    [{ activationThreshold: Number.NaN }, 'activationThreshold must be in (0, 1], got NaN'],
    [{ activationThreshold: 0.5, deactivationThreshold: 0.6 }, 'deactivationThreshold must be in [0, activationThreshold], got 0.6'],
    [{ deactivationThreshold: -0.1 }, 'deactivationThreshold must be in [0, activationThreshold], got -0.1'],
    [{ minSpeechMs: -1 }, 'minSpeechMs must be ≥ 0, got -1'],
    [{ minSilenceMs: -20 }, 'minSilenceMs must be ≥ 0, got -20'],
    [{ prefixPaddingMs: Number.NaN }, 'prefixPaddingMs must be ≥ 0, got NaN'],
  ])('rejects %j', (options, message) => {
    expect(() => resolveVadHysteresis(options)).toThrow(RangeError);
    expect(() => resolveVadHysteresis(options)).toThrow(message);
    expect(() => new VadHysteresis(options)).toThrow(message);
  });

  it('accepts activation 1 and deactivation 0', () => {
    expect(() => resolveVadHysteresis({ activationThreshold: 1, deactivationThreshold: 0 })).not.toThrow();
  });
});

describe('VadHysteresis', () => {
  it('reports the true onset and end, decided after min speech and min silence', () => {
    // 0–200 silence, 200–600 speech, 600–900 silence.
    const { vad, decided } = run([...frames(10, 0.1), ...frames(20, 0.9), ...frames(15, 0.1)], undefined, undefined, 1000);
    expect(decided).toEqual([
      // 50 ms of speech needs three 20 ms frames: 1200, 1220, 1240 (pushed as frame 12).
      { frame: 12, event: { type: 'speech_start', onsetMs: 1200, paddedStartMs: 700 } },
      // 200 ms of silence is ten frames: 1600 … 1780 (frame 39).
      { frame: 39, event: { type: 'speech_end', speechEndMs: 1600 } },
    ]);
    expect(vad.speaking).toBe(false);
  });

  it('reports the speaking state between start and end', () => {
    const vad = new VadHysteresis();
    const states: boolean[] = [];
    [0.9, 0.9, 0.9, 0.9, ...frames(10, 0)].forEach((p, i) => {
      vad.push({ startMs: i * 20, durationMs: 20, probability: p });
      states.push(vad.speaking);
    });
    expect(states).toEqual([false, false, true, true, true, true, true, true, true, true, true, true, true, false]);
  });

  it('clamps the padded start at 0', () => {
    const { decided } = run([...frames(3, 0.1), ...frames(3, 0.9)]);
    expect(decided).toEqual([{ frame: 5, event: { type: 'speech_start', onsetMs: 60, paddedStartMs: 0 } }]);
  });

  it('reports the loudest level of the frames that made the start', () => {
    const { decided } = run(
      [0.1, 0.9, 0.9, 0.9, 0.9],
      undefined,
      [-10, -40, -25, -30, -5], // the first frame is not speech; the last comes after the decision
    );
    expect(decided).toEqual([{ frame: 3, event: { type: 'speech_start', onsetMs: 20, paddedStartMs: 0, levelDb: -25 } }]);
  });

  it('takes the level from later frames when the onset frame has none', () => {
    const { decided } = run([0.9, 0.9, 0.9], undefined, [undefined, -33, -31]);
    expect(decided).toEqual([{ frame: 2, event: { type: 'speech_start', onsetMs: 0, paddedStartMs: 0, levelDb: -31 } }]);
  });

  it('omits levelDb when no frame has one', () => {
    const { decided } = run(frames(3, 0.9));
    expect(decided[0]?.event).toEqual({ type: 'speech_start', onsetMs: 0, paddedStartMs: 0 });
    expect('levelDb' in (decided[0]?.event ?? {})).toBe(false);
  });

  it('does not carry the level of an abandoned run into the next start', () => {
    const { decided } = run([0.9, 0.1, 0.9, 0.9, 0.9], undefined, [-3, -60, -40, -41, -42]);
    expect(decided).toEqual([{ frame: 4, event: { type: 'speech_start', onsetMs: 40, paddedStartMs: 0, levelDb: -40 } }]);
  });

  it('ignores a blip shorter than min speech', () => {
    const { decided } = run([...frames(2, 0.9), ...frames(20, 0.1), 0.9, 0.9, 0.1, 0.9, 0.1]);
    expect(decided).toEqual([]);
  });

  it('bridges a gap shorter than min silence', () => {
    // Speech 0–200, gap of 180 ms (9 frames), speech 380–500, then silence.
    const { decided } = run([...frames(10, 0.9), ...frames(9, 0.1), ...frames(6, 0.9), ...frames(10, 0.1)]);
    expect(decided).toEqual([
      { frame: 2, event: { type: 'speech_start', onsetMs: 0, paddedStartMs: 0 } },
      { frame: 34, event: { type: 'speech_end', speechEndMs: 500 } },
    ]);
  });

  it('ends on a gap of exactly min silence', () => {
    const { decided } = run([...frames(10, 0.9), ...frames(10, 0.1), ...frames(5, 0.9)]);
    expect(decided).toEqual([
      { frame: 2, event: { type: 'speech_start', onsetMs: 0, paddedStartMs: 0 } },
      { frame: 19, event: { type: 'speech_end', speechEndMs: 200 } },
      { frame: 22, event: { type: 'speech_start', onsetMs: 400, paddedStartMs: 0 } },
    ]);
  });

  it('needs the activation threshold to start, but only the deactivation threshold to continue', () => {
    // Between the thresholds (0.35 ≤ p < 0.5) alone: never speech.
    expect(run(frames(30, 0.45)).decided).toEqual([]);
    // One frame at activation, then frames between the thresholds: the run continues.
    expect(run([0.1, 0.5, 0.4, 0.35, 0.4]).decided).toEqual([
      { frame: 3, event: { type: 'speech_start', onsetMs: 20, paddedStartMs: 0 } },
    ]);
    // A frame below deactivation breaks the run.
    expect(run([0.6, 0.4, 0.34, 0.4, 0.4, 0.4]).decided).toEqual([]);
  });

  it('keeps speech going on frames between the thresholds, and ends below deactivation', () => {
    const { decided } = run([...frames(3, 0.9), ...frames(20, 0.4), ...frames(10, 0.3)]);
    expect(decided).toEqual([
      { frame: 2, event: { type: 'speech_start', onsetMs: 0, paddedStartMs: 0 } },
      { frame: 32, event: { type: 'speech_end', speechEndMs: 460 } },
    ]);
  });

  it('follows custom thresholds and durations', () => {
    const options = { activationThreshold: 0.7, deactivationThreshold: 0.2, minSpeechMs: 100, minSilenceMs: 60, prefixPaddingMs: 100 };
    const probabilities = [0.65, 0.7, 0.3, 0.3, 0.3, 0.25, 0.1, 0.15, 0.3, 0.1, 0.1, 0.1];
    expect(run(probabilities, options, undefined, 500).decided).toEqual([
      // Run from 520 (0.7): 520, 540, 560, 580, 600 → 100 ms at frame 5.
      { frame: 5, event: { type: 'speech_start', onsetMs: 520, paddedStartMs: 420 } },
      // Silence from 620 (0.1), 640 (0.15), broken at 660 (0.3); again from 680: 680, 700, 720 → 60 ms.
      { frame: 11, event: { type: 'speech_end', speechEndMs: 680 } },
    ]);
  });

  it('with min speech 0 starts on the first active frame, with min silence 0 ends on the first silent one', () => {
    const { decided } = run([0.1, 0.9, 0.9, 0.1, 0.9], { minSpeechMs: 0, minSilenceMs: 0 });
    expect(decided).toEqual([
      { frame: 1, event: { type: 'speech_start', onsetMs: 20, paddedStartMs: 0 } },
      { frame: 3, event: { type: 'speech_end', speechEndMs: 60 } },
      { frame: 4, event: { type: 'speech_start', onsetMs: 80, paddedStartMs: 0 } },
    ]);
  });

  it('counts frame durations, not frame numbers', () => {
    const vad = new VadHysteresis({ minSpeechMs: 50, minSilenceMs: 100 });
    expect(vad.push({ startMs: 0, durationMs: 32, probability: 0.9 })).toEqual([]);
    expect(vad.push({ startMs: 32, durationMs: 32, probability: 0.9 })).toEqual([{ type: 'speech_start', onsetMs: 0, paddedStartMs: 0 }]);
    expect(vad.push({ startMs: 64, durationMs: 64, probability: 0.1 })).toEqual([]);
    expect(vad.push({ startMs: 128, durationMs: 32, probability: 0.1 })).toEqual([]);
    expect(vad.push({ startMs: 160, durationMs: 32, probability: 0.1 })).toEqual([{ type: 'speech_end', speechEndMs: 64 }]);
  });

  describe('flush', () => {
    it('ends speech in progress at the given time', () => {
      const { vad } = run(frames(10, 0.9));
      expect(vad.flush(200)).toEqual([{ type: 'speech_end', speechEndMs: 200 }]);
      expect(vad.speaking).toBe(false);
      expect(vad.flush(300)).toEqual([]);
    });

    it('ends speech at the start of a silence already under way', () => {
      const { vad, decided } = run([...frames(10, 0.9), ...frames(5, 0.1)]);
      expect(decided).toHaveLength(1);
      expect(vad.flush(300)).toEqual([{ type: 'speech_end', speechEndMs: 200 }]);
    });

    it('reports nothing when silent and drops a pending run', () => {
      const { vad } = run([0.1, 0.9, 0.9]); // 40 ms: not yet speech
      expect(vad.flush(60)).toEqual([]);
      // The pending run is gone: one more active frame does not complete it.
      expect(vad.push({ startMs: 60, durationMs: 20, probability: 0.9 })).toEqual([]);
      expect(vad.push({ startMs: 80, durationMs: 20, probability: 0.9 })).toEqual([]);
      expect(vad.push({ startMs: 100, durationMs: 20, probability: 0.9 })).toEqual([
        { type: 'speech_start', onsetMs: 60, paddedStartMs: 0 },
      ]);
    });

    it('starts afresh after a flush', () => {
      const { vad } = run([...frames(10, 0.9), ...frames(5, 0.1)]);
      vad.flush(300);
      expect(vad.push({ startMs: 300, durationMs: 20, probability: 0.1 })).toEqual([]);
      expect(vad.push({ startMs: 320, durationMs: 20, probability: 0.9 })).toEqual([]);
      expect(vad.push({ startMs: 340, durationMs: 20, probability: 0.9 })).toEqual([]);
      expect(vad.push({ startMs: 360, durationMs: 20, probability: 0.9 })).toEqual([
        { type: 'speech_start', onsetMs: 320, paddedStartMs: 0 },
      ]);
    });
  });

  describe('properties', () => {
    const optionsArb = fc
      .record({
        activationThreshold: fc.double({ min: 0.05, max: 1, noNaN: true }),
        gap: fc.double({ min: 0, max: 1, noNaN: true }),
        minSpeechFrames: fc.integer({ min: 0, max: 6 }),
        minSilenceFrames: fc.integer({ min: 0, max: 12 }),
        prefixPaddingMs: fc.integer({ min: 0, max: 600 }),
      })
      .map(({ activationThreshold, gap, minSpeechFrames, minSilenceFrames, prefixPaddingMs }) => ({
        activationThreshold,
        deactivationThreshold: activationThreshold * gap,
        minSpeechMs: minSpeechFrames * FRAME_MS,
        minSilenceMs: minSilenceFrames * FRAME_MS,
        prefixPaddingMs,
      }));
    // Probabilities clustered at a few values so that runs and thresholds are actually exercised.
    const probabilityArb = fc.oneof(fc.constantFrom(0, 0.1, 0.3, 0.4, 0.5, 0.6, 0.9, 1), fc.double({ min: 0, max: 1, noNaN: true }));

    it('alternates start/end with onsets and ends consistent with the frames', () => {
      fc.assert(
        fc.property(optionsArb, fc.array(probabilityArb, { maxLength: 120 }), (options, probabilities) => {
          const { vad, decided } = run(probabilities, options);
          const { activationThreshold: act, deactivationThreshold: deact, minSpeechMs, minSilenceMs, prefixPaddingMs } = vad.config;
          const frameAt = (ms: number): number => ms / FRAME_MS;
          let previousDecision = -1;
          let previousOnset = -Infinity;
          let previousEnd = -Infinity;
          decided.forEach(({ frame, event }, k) => {
            const decisionStartMs = frame * FRAME_MS;
            const decisionEndMs = decisionStartMs + FRAME_MS;
            expect(frame).toBeGreaterThan(previousDecision);
            if (k % 2 === 0) {
              expect(event.type).toBe('speech_start');
              if (event.type !== 'speech_start') return;
              // The onset is a frame boundary at or before the decision frame, after the last end's decision.
              expect(event.onsetMs).toBeLessThanOrEqual(decisionStartMs);
              expect(event.onsetMs).toBeGreaterThan(previousDecision * FRAME_MS);
              expect(event.onsetMs).toBeGreaterThanOrEqual(previousEnd);
              expect(decisionEndMs - event.onsetMs).toBeGreaterThanOrEqual(minSpeechMs);
              // Exactly at the decision: the frame before the decision had not reached min speech.
              expect(decisionEndMs - event.onsetMs - FRAME_MS).toBeLessThan(Math.max(minSpeechMs, FRAME_MS));
              expect(event.paddedStartMs).toBe(Math.max(0, event.onsetMs - prefixPaddingMs));
              expect(probabilities[frameAt(event.onsetMs)]).toBeGreaterThanOrEqual(act);
              for (let f = frameAt(event.onsetMs); f <= frame; f++) expect(probabilities[f]).toBeGreaterThanOrEqual(deact);
              previousOnset = event.onsetMs;
            } else {
              expect(event.type).toBe('speech_end');
              if (event.type !== 'speech_end') return;
              // The end is after the start was decided, at or before its own decision.
              expect(event.speechEndMs).toBeGreaterThan(previousOnset);
              expect(event.speechEndMs).toBeGreaterThan(previousDecision * FRAME_MS);
              expect(event.speechEndMs).toBeLessThanOrEqual(decisionStartMs);
              expect(decisionEndMs - event.speechEndMs).toBeGreaterThanOrEqual(minSilenceMs);
              expect(decisionEndMs - event.speechEndMs - FRAME_MS).toBeLessThan(Math.max(minSilenceMs, FRAME_MS));
              for (let f = frameAt(event.speechEndMs); f <= frame; f++) expect(probabilities[f]).toBeLessThan(deact);
              // The frame before the end was still speech (or the one that started it).
              expect(probabilities[frameAt(event.speechEndMs) - 1]).toBeGreaterThanOrEqual(deact);
              previousEnd = event.speechEndMs;
            }
            previousDecision = frame;
          });
          expect(vad.speaking).toBe(decided.length % 2 === 1);
          // flush closes an open speech, once.
          const atMs = probabilities.length * FRAME_MS;
          const flushed = vad.flush(atMs);
          if (decided.length % 2 === 1) {
            expect(flushed).toHaveLength(1);
            const end = flushed[0]!;
            expect(end.type).toBe('speech_end');
            if (end.type === 'speech_end') {
              expect(end.speechEndMs).toBeGreaterThan(previousOnset);
              expect(end.speechEndMs).toBeLessThanOrEqual(atMs);
            }
          } else {
            expect(flushed).toEqual([]);
          }
          expect(vad.speaking).toBe(false);
          expect(vad.flush(atMs)).toEqual([]);
        }),
        { numRuns: 400 },
      );
    });

    it('is a function of the frames: the same input gives the same events', () => {
      fc.assert(
        fc.property(optionsArb, fc.array(probabilityArb, { maxLength: 60 }), (options, probabilities) => {
          expect(run(probabilities, options).decided).toEqual(run(probabilities, options).decided);
        }),
        { numRuns: 100 },
      );
    });
  });
});
