/**
 * Helpers for the adapter tests: audio to send, and collecting a session's events with a way to
 * wait (on the real clock, with a generous limit) until one arrives.
 *
 * @module
 */
import type { AudioChunk } from '../../core/audio/chunk.js';
import { sleep } from '../../core/clock/clock.js';
import { RealClock } from '../../core/clock/real-clock.js';

const clock = new RealClock();

/** `ms` of audio at `sampleRate` as 20 ms chunks of a quiet tone. */
export function audio(ms: number, sampleRate = 16000): AudioChunk[] {
  const chunks: AudioChunk[] = [];
  const perChunk = (sampleRate * 20) / 1000;
  for (let done = 0; done < ms; done += 20) {
    const pcm = new Int16Array(perChunk);
    for (let i = 0; i < perChunk; i++) pcm[i] = Math.round(1000 * Math.sin(i / 5));
    chunks.push({ sampleRate, samples: perChunk, pcm });
  }
  return chunks;
}

/** Events of a subscribable session, collected as they come. */
export class EventLog<E extends { readonly type: string }> {
  readonly events: E[] = [];

  constructor(source: { subscribe(listener: (event: E) => void): () => void }) {
    source.subscribe((event) => this.events.push(event));
  }

  /** Events of one type. */
  of<T extends E['type']>(type: T): Extract<E, { type: T }>[] {
    return this.events.filter((e): e is Extract<E, { type: T }> => e.type === type);
  }

  /** Resolves when `predicate` holds for the events so far; rejects after `limitMs` (generous: never a timing assertion). */
  async until(predicate: (events: readonly E[]) => boolean, limitMs = 5000): Promise<void> {
    const start = clock.now();
    while (!predicate(this.events)) {
      if (clock.now() - start > limitMs) throw new Error(`timed out waiting; events: ${JSON.stringify(this.events.map((e) => e.type))}`);
      await sleep(clock, 5);
    }
  }
}

/** Waits until `predicate()` holds (polling every 5 ms), or throws after `limitMs`. */
export async function eventually(predicate: () => boolean, limitMs = 5000, what = 'a condition'): Promise<void> {
  const start = clock.now();
  while (!predicate()) {
    if (clock.now() - start > limitMs) throw new Error(`timed out waiting for ${what}`);
    await sleep(clock, 5);
  }
}
