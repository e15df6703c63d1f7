/**
 * Which wire protocol a connection or request speaks, from what a recorder sees of it: the
 * Deepgram SDK's service name, or the URL path.
 *
 * @module
 */
import type { Protocol } from './format.js';

const DEEPGRAM_SERVICES: Readonly<Record<string, Protocol>> = {
  'listen.v1': 'deepgram.listen.v1',
  'listen.v2': 'deepgram.listen.v2',
  'speak.v1': 'deepgram.speak.v1',
};

/** The protocol of a websocket URL (or a Deepgram SDK service). */
export function webSocketProtocol(url: string, service?: string): Protocol {
  if (service !== undefined && DEEPGRAM_SERVICES[service]) return DEEPGRAM_SERVICES[service];
  const path = pathOf(url);
  if (/\/v1\/listen\/?$/.test(path)) return 'deepgram.listen.v1';
  if (/\/v2\/listen\/?$/.test(path)) return 'deepgram.listen.v2';
  if (/\/v1\/speak\/?$/.test(path)) return 'deepgram.speak.v1';
  if (/\/text-to-speech\/[^/]+\/stream-input\/?$/.test(path)) return 'elevenlabs.stream-input';
  return 'unknown';
}

/** The protocol of an HTTP request URL. */
export function httpProtocol(url: string): Protocol {
  const path = pathOf(url);
  if (/\/chat\/completions\/?$/.test(path)) return 'openai.chat';
  if (/\/text-to-speech\/[^/]+\/stream\/?$/.test(path)) return 'elevenlabs.tts-stream';
  return 'unknown';
}

/** The PCM rate a URL asks for (`sample_rate=` or `output_format=pcm_<rate>`), if it says. */
export function sampleRateOf(url: string): number | undefined {
  let params: URLSearchParams;
  try {
    params = new URL(url).searchParams;
  } catch {
    return undefined;
  }
  const rate = params.get('sample_rate') ?? /^pcm_(\d+)$/.exec(params.get('output_format') ?? '')?.[1];
  const value = rate === undefined || rate === null ? Number.NaN : Number(rate);
  return Number.isInteger(value) && value > 0 ? value : undefined;
}

function pathOf(url: string): string {
  try {
    return new URL(url).pathname;
  } catch {
    return url.split('?')[0] ?? url;
  }
}
