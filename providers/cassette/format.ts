/**
 * The cassette file format: one provider role (STT, LLM or TTS) of one call, every websocket
 * connection and HTTP request of that role in the order they started, both directions, with
 * times in milliseconds on the session clock from the moment recording started.
 *
 * A file is gzip-compressed JSON (`*.cassette.json.gz`; `zcat file | jq` reads it). Binary
 * frames and bodies are base64 strings: simple to read with any JSON tool, and gzip wins back
 * most of base64's inflation (see the README for measured sizes). Times are rounded to 0.01 ms.
 * Secrets are already redacted when a cassette is written (see `redact.ts`): no API key, auth
 * header or key field survives, and the literal key value is scrubbed anywhere it appears.
 *
 * Version 1:
 *
 * ```json
 * {
 *   "format": "parley-cassette", "version": 1, "role": "tts", "provider": "elevenlabs",
 *   "exchanges": [
 *     { "type": "websocket", "protocol": "elevenlabs.stream-input",
 *       "url": "wss://api.elevenlabs.io/v1/text-to-speech/21m00Tcm4TlvDq8ikWAM/stream-input?model_id=eleven_flash_v2_5&output_format=pcm_16000",
 *       "headers": { "xi-api-key": "[REDACTED]" }, "startMs": 0.4,
 *       "events": [
 *         { "t": 41.2, "type": "open" },
 *         { "t": 41.5, "type": "out", "text": "{\"text\":\" \"}" },
 *         { "t": 300.1, "type": "out", "text": "{\"text\":\"Hello there. \"}" },
 *         { "t": 300.3, "type": "out", "text": "{\"text\":\"\"}" },
 *         { "t": 402.9, "type": "in", "text": "{\"audio\":\"AAAB…\",\"isFinal\":null}" },
 *         { "t": 530.0, "type": "in", "text": "{\"isFinal\":true}" },
 *         { "t": 530.2, "type": "client-close" },
 *         { "t": 531.0, "type": "close", "code": 1000, "reason": "" } ] },
 *     { "type": "http", "protocol": "openai.chat", "method": "POST", "url": "https://api.openai.com/v1/chat/completions",
 *       "requestHeaders": { "authorization": "[REDACTED]", "content-type": "application/json" },
 *       "requestBody": { "model": "gpt-4o-mini", "messages": [ … ], "stream": true }, "startMs": 1200,
 *       "response": { "t": 1490.3, "status": 200, "headers": { "content-type": "text/event-stream" } },
 *       "chunks": [ { "t": 1502.2, "text": "data: {…}\n\n" }, { "t": 1530.8, "binary": "AAEC…" } ],
 *       "end": { "t": 1650.1, "how": "complete" } }
 *   ]
 * }
 * ```
 *
 * Websocket events: `open`; `out` (we sent) and `in` (the server sent) frames, `text` or
 * `binary` (base64); `client-close` (we closed, with the code and reason we gave); `close` (the
 * socket reported its close); `error` (the socket reported an error; `status` for a refused
 * handshake). HTTP: the request, then `response` (status and headers, absent when the request
 * failed before them), the body `chunks` as they arrived, and how the body `end`ed: `complete`,
 * `aborted` (by us) or `error` (with a message).
 *
 * @module
 */
import { gunzipSync, gzipSync } from 'node:zlib';
import * as z from 'zod';

/** The `format` field of every cassette. */
export const CASSETTE_FORMAT = 'parley-cassette';
/** The version this code writes and reads. */
export const CASSETTE_VERSION = 1;
/** The file name ending cassettes are written with. */
export const CASSETTE_EXTENSION = '.cassette.json.gz';

/** The provider role a cassette holds. */
export type CassetteRole = 'stt' | 'llm' | 'tts';

/** The wire protocols the replay providers understand; anything else is `unknown`. */
export const PROTOCOLS = [
  'deepgram.listen.v1',
  'deepgram.listen.v2',
  'deepgram.speak.v1',
  'elevenlabs.stream-input',
  'elevenlabs.tts-stream',
  'openai.chat',
  'unknown',
] as const;

/** A wire protocol (see {@link PROTOCOLS}). */
export type Protocol = (typeof PROTOCOLS)[number];

/** The role each protocol serves. */
export const ROLE_OF_PROTOCOL: Readonly<Record<Protocol, CassetteRole | undefined>> = {
  'deepgram.listen.v1': 'stt',
  'deepgram.listen.v2': 'stt',
  'deepgram.speak.v1': 'tts',
  'elevenlabs.stream-input': 'tts',
  'elevenlabs.tts-stream': 'tts',
  'openai.chat': 'llm',
  unknown: undefined,
};

const time = z.number().finite();
const headers = z.record(z.string(), z.string());
const chunk = z.union([z.strictObject({ t: time, text: z.string() }), z.strictObject({ t: time, binary: z.string() })]);

const wsEvent = z.union([
  z.strictObject({ t: time, type: z.literal('open') }),
  z.strictObject({ t: time, type: z.enum(['out', 'in']), text: z.string() }),
  z.strictObject({ t: time, type: z.enum(['out', 'in']), binary: z.string() }),
  z.strictObject({ t: time, type: z.literal('client-close'), code: z.number().int().optional(), reason: z.string().optional() }),
  z.strictObject({ t: time, type: z.literal('close'), code: z.number().int().optional(), reason: z.string().optional() }),
  z.strictObject({ t: time, type: z.literal('error'), message: z.string(), status: z.number().int().optional() }),
]);

const webSocketExchange = z.strictObject({
  type: z.literal('websocket'),
  protocol: z.enum(PROTOCOLS),
  url: z.string(),
  headers,
  startMs: time,
  events: z.array(wsEvent),
});

const httpExchange = z.strictObject({
  type: z.literal('http'),
  protocol: z.enum(PROTOCOLS),
  method: z.string(),
  url: z.string(),
  requestHeaders: headers,
  requestBody: z.unknown().optional(),
  startMs: time,
  response: z.strictObject({ t: time, status: z.number().int(), headers }).optional(),
  chunks: z.array(chunk),
  end: z.strictObject({ t: time, how: z.enum(['complete', 'aborted', 'error']), message: z.string().optional() }),
});

const cassetteSchema = z.strictObject({
  format: z.literal(CASSETTE_FORMAT),
  version: z.literal(CASSETTE_VERSION),
  role: z.enum(['stt', 'llm', 'tts']),
  provider: z.string(),
  exchanges: z.array(z.discriminatedUnion('type', [webSocketExchange, httpExchange])),
});

/** A whole cassette. */
export type Cassette = z.output<typeof cassetteSchema>;
/** One connection or request. */
export type Exchange = Cassette['exchanges'][number];
/** One websocket connection. */
export type WebSocketExchange = z.output<typeof webSocketExchange>;
/** One event of a websocket connection. */
export type WsEvent = z.output<typeof wsEvent>;
/** One HTTP request and its response. */
export type HttpExchange = z.output<typeof httpExchange>;
/** A piece of an HTTP response body. */
export type BodyChunk = HttpExchange['chunks'][number];

/** A file that is not a cassette this version can read (the message says why, without the file name). */
export class CassetteFormatError extends Error {
  override readonly name = 'CassetteFormatError';
}

/** The file bytes of a cassette: compact JSON, gzip-compressed. */
export function encodeCassette(cassette: Cassette): Buffer {
  return gzipSync(JSON.stringify(cassette), { level: 9 });
}

/** The cassette in file bytes (gzip-compressed or plain JSON); throws {@link CassetteFormatError}. */
export function decodeCassette(bytes: Uint8Array): Cassette {
  let text: string;
  try {
    text = (bytes[0] === 0x1f && bytes[1] === 0x8b ? gunzipSync(bytes) : Buffer.from(bytes)).toString('utf8');
  } catch {
    throw new CassetteFormatError('not a cassette: the gzip data is corrupt');
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new CassetteFormatError('not a cassette: not JSON');
  }
  const format = (value as { format?: unknown } | null)?.format;
  if (format !== CASSETTE_FORMAT) throw new CassetteFormatError(`not a cassette: no "format": "${CASSETTE_FORMAT}"`);
  const version = (value as { version?: unknown }).version;
  if (version !== CASSETTE_VERSION) throw new CassetteFormatError(`cassette version ${JSON.stringify(version)} is not supported (this parley reads version ${CASSETTE_VERSION})`);
  const parsed = cassetteSchema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new CassetteFormatError(`malformed cassette at ${issue.path.map(String).join('.') || 'the top'}: ${issue.message}`);
  }
  return parsed.data;
}

/** A time for the file: milliseconds rounded to 0.01. */
export function roundTime(ms: number): number {
  return Math.round(ms * 100) / 100;
}

/** The bytes of a base64 frame or chunk. */
export function bytesOf(payload: { readonly binary: string }): Uint8Array {
  const buffer = Buffer.from(payload.binary, 'base64');
  return new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
}
