/**
 * Helpers of the cassette tests: a known fake key, recording a live session against a fake
 * server on the wall clock, and checking a cassette for the key.
 *
 * @module
 */
import { gunzipSync } from 'node:zlib';
import { expect } from 'vitest';
import type { Clock } from '../../core/clock/clock.js';
import { RealClock } from '../../core/clock/real-clock.js';
import { decodeCassette, type Cassette, type CassetteRole } from '../cassette/format.js';
import { CassetteRecorder } from '../cassette/recorder.js';

/** The fake key every cassette test records with; it must appear in no cassette byte. */
export const FAKE_KEY = 'sk-test-SECRET-7f3a9';

/** An event with the time it was seen, ms from the start of the session. */
export interface Timed<E> {
  readonly t: number;
  readonly event: E;
}

/** A recorder on the wall clock, and that clock. */
export function liveRecorder(role: CassetteRole, provider: string): { readonly recorder: CassetteRecorder; readonly clock: Clock } {
  const clock = new RealClock();
  return { recorder: new CassetteRecorder({ role, provider, clock, secrets: [FAKE_KEY] }), clock };
}

/** The recorder's cassette after a trip through the file format, checked for the key (compressed and not). */
export function keyFreeCassette(recorder: CassetteRecorder): Cassette {
  const bytes = recorder.encode();
  expectNoKey(bytes);
  expectNoKey(gunzipSync(bytes));
  return decodeCassette(bytes);
}

/** Fails if `bytes` (or text) contain the fake key. */
export function expectNoKey(bytes: Uint8Array | string): void {
  const buffer = typeof bytes === 'string' ? Buffer.from(bytes) : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  expect(buffer.includes(FAKE_KEY), 'the fake key is in the bytes').toBe(false);
}

/** Every pair of times within 1 ms of each other (same count). */
export function expectSameTimes(replayed: readonly number[], recorded: readonly number[]): void {
  expect(replayed.length).toBe(recorded.length);
  replayed.forEach((t, i) => expect(Math.abs(t - recorded[i]!), `time ${i}: replayed ${t}, recorded ${recorded[i]}`).toBeLessThanOrEqual(1));
}

/** Recorded server frames (times from the connection request) whose text matches `test`. */
export function frameTimes(cassette: Cassette, exchange: number, test: (text: string) => boolean): number[] {
  const recorded = cassette.exchanges[exchange];
  if (recorded?.type !== 'websocket') throw new Error(`exchange ${exchange} is not a websocket`);
  return recorded.events.filter((e) => e.type === 'in' && 'text' in e && test(e.text)).map((e) => e.t - recorded.startMs);
}
