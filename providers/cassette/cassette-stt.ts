import type { Clock } from '../../core/clock/clock.js';
import { AudioTimeline } from '../deepgram/audio-timeline.js';
import { ListenV1Protocol } from '../deepgram/listen-v1-protocol.js';
import { ListenV2Protocol } from '../deepgram/listen-v2-protocol.js';
import { bindListenSession } from '../deepgram/stt.js';
import type { SttProvider, SttSession } from '../stt.js';
import type { WebSocketExchange } from './format.js';
import { ExchangeCursor, ofProtocols, type CassetteProviderOptions } from './cursor.js';
import { sampleRateOf } from './protocols.js';
import { ReplaySdkSocket } from './replay-socket.js';
import { socketScript } from './socket-script.js';

/**
 * Speech-to-text from a cassette: the n-th `connect()` replays the n-th recorded Deepgram
 * connection (listen v1 or Flux), its server messages at their recorded offsets from the
 * connection request, decoded by the adapter's own session and protocol core. Audio sent to
 * the session is not needed (it is only checked for its rate); word times count from the audio
 * the simulation sends, or, when it sends none, from when the recording sent its first.
 * Connecting more often than recorded fails with a `protocol` error naming the cassette.
 */
export class CassetteStt implements SttProvider {
  readonly name: string;
  readonly #cursor: ExchangeCursor<WebSocketExchange>;

  constructor(options: CassetteProviderOptions) {
    this.#cursor = new ExchangeCursor(options, ofProtocols('websocket', ['deepgram.listen.v1', 'deepgram.listen.v2']));
    this.name = this.#cursor.name;
  }

  async connect(signal: AbortSignal): Promise<SttSession> {
    const cursor = this.#cursor;
    const taken = cursor.take('connection');
    if ('error' in taken) throw taken.error;
    const { exchange } = taken;
    const { clock, errors } = cursor;
    const script = socketScript(exchange);
    const sampleRate = sampleRateOf(exchange.url) ?? 16000;
    const timeline = new AudioTimeline(clock);
    const flux = exchange.protocol === 'deepgram.listen.v2';
    const protocol = flux ? new ListenV2Protocol(timeline, errors, sampleRate) : new ListenV1Protocol(timeline, errors, sampleRate);
    const socket = new ReplaySdkSocket(clock, script, (action, n) => cursor.ranOut(`${action} #${n} on connection ${taken.number}`));
    if (script.firstAudio) primeTimeline(clock, timeline, script.firstAudio, sampleRate);
    return bindListenSession(socket, protocol, { errors, clock }, { sampleRate, ...(flux ? { keepAliveMs: false } : {}) }, signal);
  }
}

/**
 * Deepgram times words from the first audio it got. When the simulation sends no audio (the
 * symbolic world), the timeline starts where the recording's did: its first audio frame,
 * captured one frame length before it was sent.
 */
function primeTimeline(clock: Clock, timeline: AudioTimeline, first: { readonly afterMs: number; readonly bytes: number }, sampleRate: number): void {
  clock.setTimeout(() => {
    if (timeline.sentMs === 0) timeline.sent({ sampleRate, samples: Math.floor(first.bytes / 2) });
  }, first.afterMs);
}
