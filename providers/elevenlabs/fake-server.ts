/**
 * A local ElevenLabs text-to-speech on 127.0.0.1: the stream-input websocket
 * (`/v1/text-to-speech/{voice}/stream-input`) and HTTP synthesis (`POST
 * /v1/text-to-speech/{voice}/stream`, streamed, and `POST /v1/text-to-speech/{voice}`, whole),
 * with `output_format=pcm_<rate>` audio whose length follows the text, the `xi-api-key` check
 * (401 with ElevenLabs' error body, or a 1008 close when a websocket sends a bad key in its first
 * message), the 1008 close after `inactivity_timeout` seconds without text (default 20), and the
 * script's faults.
 *
 * Point the SDK at it with `new ElevenLabsClient({ apiKey, baseUrl: server.url })`, or the
 * adapters with `baseUrl` / `ELEVENLABS_BASE_URL`.
 *
 * @module
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Clock, TimerHandle } from '../../core/clock/clock.js';
import { RealClock } from '../../core/clock/real-clock.js';
import { keyAccepted } from '../fake/auth.js';
import { ConnectionLog, FakeSocket, type ConnectionRecord, type OpenedConnection } from '../fake/connection.js';
import { httpOutbox, readBody } from '../fake/http-outbox.js';
import { FakeServer } from '../fake/fake-server.js';
import { listen } from '../fake/listen.js';
import { scriptFrom } from '../fake/script.js';
import { speak } from '../fake/speech-audio.js';
import { elevenLabsScriptSchema, pacingOf, type ElevenLabsPacing, type ElevenLabsScript } from './fake-script.js';
import { StreamInputFake } from './fake-stream-input.js';

/** Options of {@link ElevenLabsFakeServer.start}. */
export interface ElevenLabsFakeOptions {
  readonly script?: ElevenLabsScript;
  /** Port on 127.0.0.1; default: any free port. */
  readonly port?: number;
  /** The only key accepted; default: any non-empty key. */
  readonly apiKey?: string;
  readonly clock?: Clock;
  /** Keep what clients send in `connections[i].received` (default true; off for long-running fakes). */
  readonly keepFrames?: boolean;
}

const STREAM_INPUT = /^\/v1\/text-to-speech\/([^/]+)\/stream-input$/;
const STREAM = /^\/v1\/text-to-speech\/([^/]+)\/stream$/;
const CONVERT = /^\/v1\/text-to-speech\/([^/]+)$/;
const FORMATS = /^pcm_(8000|16000|22050|24000|44100|48000)$/;

/** A running ElevenLabs fake. */
export class ElevenLabsFakeServer extends FakeServer {
  /** Validates a script given as a plain value (durations as strings, like the YAML). */
  static script(value: unknown): ElevenLabsScript {
    return scriptFrom(elevenLabsScriptSchema, value, 'elevenlabs script');
  }

  /** Starts a fake on 127.0.0.1. */
  static async start(options: ElevenLabsFakeOptions = {}): Promise<ElevenLabsFakeServer> {
    const script = options.script ?? {};
    const clock = options.clock ?? new RealClock();
    const pacing = pacingOf(script);
    const log = new ConnectionLog(options.keepFrames);
    const listening = await listen(
      {
        upgrade: (request, accept, refuse) => {
          const opened = log.open(request, script.faults);
          const { record, faults } = opened;
          const refusal = streamInputRefusal(request, record, options.apiKey) ?? faults.handshake;
          if (refusal) {
            record.refused = refusal.status;
            return refuse(refusal.status, JSON.stringify(errorBody(refusal.status, refusal.message)));
          }
          const headerKey = headerOf(request);
          const timeoutS = Number(record.query.get('inactivity_timeout') ?? 20);
          accept((ws) => {
            const socket = new FakeSocket(ws, opened, clock, {
              code: 1008,
              reason: `Have not received a new text message within the timeout of ${timeoutS} seconds. Streaming input will be closed.`,
              ms: timeoutS * 1000,
            });
            new StreamInputFake(socket, record.query, pacing, clock, headerKey === undefined ? (key) => keyAccepted(key, options.apiKey) : undefined);
            socket.outbox.start();
          });
        },
        request: (request, response) => {
          void handleHttp(request, response, log.open(request, script.faults), pacing, options.apiKey, clock).catch(() => response.socket?.destroy());
        },
      },
      options.port,
    );
    return new ElevenLabsFakeServer(listening, log);
  }

}

function headerOf(request: IncomingMessage): string | undefined {
  const value = request.headers['xi-api-key'];
  return Array.isArray(value) ? value[0] : value;
}

/** Why the real service would refuse this websocket handshake, if it would. */
function streamInputRefusal(request: IncomingMessage, record: ConnectionRecord, apiKey: string | undefined): { status: number; message?: string } | undefined {
  if (!STREAM_INPUT.test(record.path)) return { status: 404, message: 'Not Found' };
  const key = headerOf(request);
  // Without the header the key may come in the first message; a wrong header is refused here.
  if (key !== undefined && !keyAccepted(key, apiKey)) return { status: 401 };
  if (!record.query.get('model_id')) return { status: 400, message: 'model_id is required' };
  const format = record.query.get('output_format');
  if (format !== null && !FORMATS.test(format)) return { status: 400, message: `this fake speaks PCM only (pcm_<rate>), not ${format}` };
  return undefined;
}

async function handleHttp(
  request: IncomingMessage,
  response: ServerResponse,
  { record, faults, keep }: OpenedConnection,
  pacing: ElevenLabsPacing,
  apiKey: string | undefined,
  clock: Clock,
): Promise<void> {
  const body = await readBody(request);
  keep(body);
  const streamed = STREAM.test(record.path);
  const refuse = (status: number, message?: string): void => {
    record.refused = status;
    response.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(errorBody(status, message)));
  };
  if (request.method !== 'POST' || (!streamed && !CONVERT.test(record.path))) return refuse(404, 'Not Found');
  if (!keyAccepted(headerOf(request), apiKey)) return refuse(401);
  const handshake = faults.handshake;
  if (handshake) return refuse(handshake.status, handshake.message);
  const format = record.query.get('output_format') ?? 'pcm_16000';
  const rate = FORMATS.exec(format)?.[1];
  if (rate === undefined) return refuse(422, `this fake speaks PCM only (pcm_<rate>), not ${format}`);
  let text: unknown;
  try {
    text = (JSON.parse(body) as { text?: unknown }).text;
  } catch {
    return refuse(400, 'Invalid JSON body');
  }
  if (typeof text !== 'string' || text.trim() === '') return refuse(422, 'text is required');
  const chunks = speak(text, { sampleRate: Number(rate), msPerChar: pacing.msPerChar, chunkMs: pacing.chunkMs });
  const outbox = httpOutbox(clock, faults, response, { status: 200, headers: { 'content-type': 'audio/pcm', 'request-id': `fake-${record.number}` } }, '\u0000');
  outbox.start();
  if (!streamed) {
    outbox.send({ data: Buffer.concat(chunks.map((c) => c.bytes)) });
    outbox.send({ end: true });
    return;
  }
  let timer: TimerHandle | undefined;
  response.on('close', () => {
    if (timer !== undefined) clock.clearTimeout(timer);
  });
  const next = (): void => {
    const chunk = chunks.shift();
    if (outbox.silent) return;
    if (!chunk) return outbox.send({ end: true });
    outbox.send({ data: chunk.bytes });
    timer = clock.setTimeout(next, pacing.chunkIntervalMs);
  };
  timer = clock.setTimeout(next, pacing.firstAudioMs);
}

/** ElevenLabs' error body. */
function errorBody(status: number, message: string | undefined): object {
  if (status === 401) return { detail: { status: 'invalid_api_key', message: message ?? 'Invalid API key' } };
  if (status === 429) return { detail: { status: 'too_many_concurrent_requests', message: message ?? 'Too many concurrent requests.' } };
  if (status >= 500) return { detail: { status: 'internal_error', message: message ?? 'An internal error occurred.' } };
  return { detail: { status: 'invalid_request', message: message ?? 'Invalid request.' } };
}
