/**
 * A local Deepgram: the streaming endpoints `/v1/listen` (live transcription), `/v2/listen`
 * (Flux) and `/v1/speak` (Aura TTS) on 127.0.0.1, with the real message shapes, the
 * `Authorization: Token <key>` check (401 with Deepgram's error body otherwise), close codes
 * (1000 after `CloseStream`; 1011 with NET-0001 after 10 s without audio or a message, when the
 * script asks for `inactivity`), and a script of what is said and which faults happen.
 *
 * Point the SDK at it with `new DeepgramClient({ apiKey, baseUrl: server.url })`, or the adapters
 * with `baseUrl` / `DEEPGRAM_BASE_URL`.
 *
 * @module
 */
import type { IncomingMessage } from 'node:http';
import type { Clock } from '../../core/clock/clock.js';
import { RealClock } from '../../core/clock/real-clock.js';
import { fakeUuid, keyAccepted } from '../fake/auth.js';
import { ConnectionLog, FakeSocket, type ConnectionRecord } from '../fake/connection.js';
import { FakeServer } from '../fake/fake-server.js';
import { listen } from '../fake/listen.js';
import { scriptFrom } from '../fake/script.js';
import { deepgramScriptSchema, listenSettings, speakSettings, type DeepgramScript } from './fake-script.js';
import type { FakeIds } from './fake-listening.js';
import { ListenV1Fake } from './fake-listen-v1.js';
import { ListenV2Fake } from './fake-listen-v2.js';
import { SpeakFake } from './fake-speak.js';

/** Options of {@link DeepgramFakeServer.start}. */
export interface DeepgramFakeOptions {
  /** The script (validated); default: say the default sentence over and over, no faults. */
  readonly script?: DeepgramScript;
  /** Port on 127.0.0.1; default: any free port. */
  readonly port?: number;
  /** The only key accepted; default: any non-empty key. */
  readonly apiKey?: string;
  /** Clock for pacing and faults; default: the wall clock. */
  readonly clock?: Clock;
  /** Keep what clients send in `connections[i].received` (default true; off for long-running fakes). */
  readonly keepFrames?: boolean;
}

const INACTIVITY = { code: 1011, reason: 'Deepgram did not receive audio data or a text message within the timeout window. See https://dpgr.am/net0001' };

/** A running Deepgram fake. */
export class DeepgramFakeServer extends FakeServer {
  /** Validates a script given as a plain value (durations as strings, like the YAML). */
  static script(value: unknown): DeepgramScript {
    return scriptFrom(deepgramScriptSchema, value, 'deepgram script');
  }

  /** Starts a fake on 127.0.0.1. */
  static async start(options: DeepgramFakeOptions = {}): Promise<DeepgramFakeServer> {
    const script = options.script ?? {};
    const clock = options.clock ?? new RealClock();
    const log = new ConnectionLog(options.keepFrames);
    const listenConfig = listenSettings(script);
    const speakConfig = speakSettings(script);
    const listening = await listen(
      {
        upgrade: (request, accept, refuse) => {
          const opened = log.open(request, script.faults);
          const { record, faults } = opened;
          const ids: FakeIds = { requestId: fakeUuid(1, record.number), modelUuid: fakeUuid(2, 1) };
          const refusal = refusalOf(request, record, options.apiKey) ?? faults.handshake;
          if (refusal) {
            record.refused = refusal.status;
            return refuse(refusal.status, JSON.stringify({ err_code: errCode(refusal.status), err_msg: refusal.message ?? errMessage(refusal.status), request_id: ids.requestId }));
          }
          accept((ws) => {
            const socket = new FakeSocket(ws, opened, clock, INACTIVITY);
            if (record.path === '/v1/listen') new ListenV1Fake(socket, record.query, listenConfig, ids);
            else if (record.path === '/v2/listen') new ListenV2Fake(socket, record.query, listenConfig, ids);
            else new SpeakFake(socket, record.query, speakConfig, ids, clock);
            socket.outbox.start();
          });
        },
        request: (_request, response) => {
          response.writeHead(404, { 'content-type': 'application/json' }).end(JSON.stringify({ err_code: 'NOT_FOUND', err_msg: 'This fake serves the streaming endpoints only.' }));
        },
      },
      options.port,
    );
    return new DeepgramFakeServer(listening, log);
  }

}

const PATHS = new Set(['/v1/listen', '/v2/listen', '/v1/speak']);

/** Why the real service would refuse this handshake, if it would. */
function refusalOf(request: IncomingMessage, record: ConnectionRecord, apiKey: string | undefined): { status: number; message?: string } | undefined {
  if (!PATHS.has(record.path)) return { status: 404, message: `no streaming endpoint at ${record.path}` };
  const match = /^(?:token|bearer)\s+(.+)$/i.exec(request.headers.authorization ?? '');
  if (!keyAccepted(match?.[1], apiKey)) return { status: 401 };
  if (record.path === '/v2/listen' && !record.query.get('model')) return { status: 400, message: 'model is required' };
  const encoding = record.query.get('encoding');
  if (encoding !== null && !['linear16', 'mulaw', 'alaw', 'opus', 'flac'].includes(encoding)) return { status: 400, message: `unsupported encoding ${encoding}` };
  return undefined;
}

function errCode(status: number): string {
  if (status === 401 || status === 403) return 'INVALID_AUTH';
  if (status === 429) return 'TOO_MANY_REQUESTS';
  if (status >= 500) return 'INTERNAL_SERVER_ERROR';
  return 'Bad Request';
}

function errMessage(status: number): string {
  if (status === 401 || status === 403) return 'Invalid credentials.';
  if (status === 429) return 'Too many requests. Please try again later.';
  if (status >= 500) return 'The server encountered an error.';
  return 'Bad request.';
}
