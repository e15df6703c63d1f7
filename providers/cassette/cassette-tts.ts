import { bindSpeakSession } from '../deepgram/tts.js';
import { SpeakProtocol } from '../deepgram/speak-protocol.js';
import type { ElevenLabsPcmRate } from '../elevenlabs/client.js';
import { httpTtsSession } from '../elevenlabs/http-tts.js';
import { ElevenLabsWsTts } from '../elevenlabs/ws-tts.js';
import { ProviderError } from '../errors.js';
import type { ErrorFactory } from '../secrets.js';
import type { TtsProvider, TtsSession } from '../tts.js';
import type { WebSocketFactory } from '../transport/websocket.js';
import type { Exchange, HttpExchange, Protocol, WebSocketExchange } from './format.js';
import { ExchangeCursor, ofProtocols, type CassetteProviderOptions } from './cursor.js';
import { sampleRateOf } from './protocols.js';
import { replayRequest } from './replay-http.js';
import { ReplaySdkSocket, ReplayTransport } from './replay-socket.js';
import { actionOf, socketScript } from './socket-script.js';

const TTS_PROTOCOLS: readonly Protocol[] = ['deepgram.speak.v1', 'elevenlabs.stream-input', 'elevenlabs.tts-stream'];

/**
 * Text-to-speech from a cassette, through the recorded adapter's own session code:
 *
 * - Deepgram Aura: the n-th `connect()` replays the n-th recorded connection; the i-th flush
 *   gets the audio and `Flushed` of the recording's i-th flush, at their recorded offsets from
 *   when it is made now (after the previous flush's, as the server speaks them in order); a
 *   flush beyond the recording closes the connection with a `protocol` error.
 * - ElevenLabs stream-input: the i-th segment of text gets the recording's i-th segment
 *   (timed from its first text and from its end of input); one beyond fails that segment.
 * - ElevenLabs HTTP: the i-th flush gets the i-th recorded response; one beyond fails it.
 *
 * A clear drops what is in flight and is acknowledged (a recorded acknowledgement keeps its
 * delay). The kind of session is the cassette's first TTS exchange's; a cassette recorded
 * through a failover chain replays that provider's exchanges only.
 */
export class CassetteTts implements TtsProvider {
  readonly name: string;
  readonly sampleRate: number;
  readonly #protocol: Protocol | undefined;
  readonly #connect: (signal: AbortSignal) => Promise<TtsSession>;

  constructor(options: CassetteProviderOptions) {
    const first = options.cassette.exchanges.find((e) => TTS_PROTOCOLS.includes(e.protocol));
    this.#protocol = first?.protocol;
    this.sampleRate = (first && sampleRateOf(first.url)) ?? 16000;
    const accept = ofProtocols(first?.type ?? 'websocket', first ? [first.protocol] : []);
    switch (this.#protocol) {
      case 'deepgram.speak.v1':
        this.#connect = auraReplay(new ExchangeCursor(options, accept as (e: Exchange) => e is WebSocketExchange), this.sampleRate);
        break;
      case 'elevenlabs.stream-input':
        this.#connect = streamInputReplay(options, this.sampleRate);
        break;
      case 'elevenlabs.tts-stream':
        this.#connect = httpReplay(new ExchangeCursor(options, accept as (e: Exchange) => e is HttpExchange), this.sampleRate);
        break;
      default:
        this.#connect = async () => {
          throw new ExchangeCursor(options, accept).errors.make('protocol', `cassette ${options.label ?? 'cassette'}: no TTS connection or request recorded`);
        };
    }
    this.name = options.name ?? options.cassette.provider;
  }

  connect(signal: AbortSignal): Promise<TtsSession> {
    return this.#connect(signal);
  }
}

function auraReplay(cursor: ExchangeCursor<WebSocketExchange>, sampleRate: number): (signal: AbortSignal) => Promise<TtsSession> {
  return async (signal) => {
    const taken = cursor.take('connection');
    if ('error' in taken) throw taken.error;
    const { clock, errors } = cursor;
    const socket = new ReplaySdkSocket(clock, socketScript(taken.exchange), (action, n) => cursor.ranOut(`${action} #${n} on connection ${taken.number}`));
    return bindSpeakSession(socket, new SpeakProtocol(errors, sampleRate), { errors, clock }, {}, signal);
  };
}

function streamInputReplay(options: CassetteProviderOptions, sampleRate: number): (signal: AbortSignal) => Promise<TtsSession> {
  const sockets = new ExchangeCursor(options, ofProtocols('websocket', ['elevenlabs.stream-input']));
  const segments = new ExchangeCursor(options, (e): e is WebSocketExchange => e.type === 'websocket' && e.protocol === 'elevenlabs.stream-input' && speaks(e));
  let opened = 0;
  const factory: WebSocketFactory = () => {
    const recorded = sockets.peek(Math.min(opened++, sockets.recorded - 1));
    return new ReplayTransport(sockets.clock, {
      openAfterMs: recorded ? openDelay(recorded) : 0,
      needsAnswer: (frame) => actionOf('elevenlabs.stream-input', frame) === 'Text',
      bind: () => {
        const taken = segments.take('segment');
        return 'error' in taken ? segments.ranOut(`segment #${taken.number}`) : socketScript(taken.exchange);
      },
      exhausted: (action, n) => segments.ranOut(`${action} #${n}`),
    });
  };
  const adapter = new ElevenLabsWsTts({
    // Not a key: the adapter wants one, and scrubs it from its messages (so it must not be a word).
    apiKey: 'no-key:replaying-a-cassette',
    baseUrl: 'http://cassette.invalid',
    env: {},
    name: sockets.name,
    clock: sockets.clock,
    sampleRate: sampleRate as ElevenLabsPcmRate,
    webSocketFactory: factory,
  });
  return (signal) => adapter.connect(signal);
}

function httpReplay(cursor: ExchangeCursor<HttpExchange>, sampleRate: number): (signal: AbortSignal) => Promise<TtsSession> {
  const { clock, errors } = cursor;
  return async () =>
    httpTtsSession(
      {
        errors,
        stream: async (_text, signal) => {
          const taken = cursor.take('request');
          if ('error' in taken) throw taken.error;
          const cutShort = (): ProviderError => errors.make('protocol', cursor.ranOut(`the rest of request #${taken.number}, which was cancelled while recording`));
          const response = await replayRequest(taken.exchange, clock, signal, cutShort);
          if (response.status >= 400) throw errors.fromStatus(response.status, detailOf(await response.text()));
          return response.body;
        },
        errorOf: (error) => replayError(errors, error),
      },
      clock,
      sampleRate,
      {},
    );
}

/** Whether a stream-input connection was given text to speak (else it was a socket opened ahead). */
function speaks(exchange: WebSocketExchange): boolean {
  return exchange.events.some((e) => e.type === 'out' && 'text' in e && actionOf('elevenlabs.stream-input', e.text) === 'Text');
}

/** From the connection request to the open (0 for one that never opened). */
function openDelay(exchange: WebSocketExchange): number {
  const open = exchange.events.find((e) => e.type === 'open');
  return open ? open.t - exchange.startMs : 0;
}

function replayError(errors: ErrorFactory, error: unknown): ProviderError {
  if (error instanceof ProviderError) return error;
  return errors.make('network', `the stream failed: ${error instanceof Error ? error.message : String(error)}`);
}

/** The message in an ElevenLabs error body (`{"detail": {"status", "message"}}` or `{"detail": "…"}`). */
function detailOf(body: string): string {
  try {
    const detail = (JSON.parse(body) as { detail?: unknown } | null)?.detail;
    if (typeof detail === 'string') return detail;
    const message = (detail as { message?: unknown } | undefined)?.message;
    if (typeof message === 'string') return message;
  } catch {
    // Not JSON.
  }
  return '';
}
