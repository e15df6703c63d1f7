/**
 * Steps of the TTS contract the adapter tests share.
 *
 * @module
 */
import type { TtsEvent, TtsSession } from '../tts.js';
import type { EventLog } from './events.js';

/** Samples of audio among `events`. */
export function samples(events: readonly TtsEvent[]): number {
  return events.reduce((n, e) => n + (e.type === 'audio' ? e.chunk.samples : 0), 0);
}

/**
 * Speaks `long`, clears once its audio has begun, then speaks `short` to its `flushed`; returns
 * the events from the clear on (the first must be `cleared`: nothing of `long` after the clear).
 */
export async function clearMidSpeech(session: TtsSession, log: EventLog<TtsEvent>, long: string, short: string): Promise<TtsEvent[]> {
  session.pushText(long);
  session.flush();
  await log.until((events) => events.some((e) => e.type === 'audio'));
  session.clear();
  const from = log.events.length;
  await log.until((events) => events.some((e) => e.type === 'cleared'));
  session.pushText(short);
  session.flush();
  await log.until((events) => events.some((e) => e.type === 'flushed'));
  return log.events.slice(from);
}
