/**
 * ElevenLabs streaming TTS over the `stream-input` websocket, written on `ws` (the SDK has no
 * client for it).
 *
 * A stream-input socket speaks one stream of text and has no flush acknowledgement: its input
 * ends with `{"text":""}`, after which the server sends the rest of the audio, `isFinal`, and
 * closes. So each flushed segment of text gets its own socket, and its `isFinal` is the
 * `flushed` the session waits for. To keep that cheap, one socket is always opened ahead (the
 * first one by `connect()`, which also proves the key), and segments generate in parallel while
 * their audio is delivered strictly in order. `clear()` closes every segment's socket (nothing
 * of theirs is delivered afterwards) and answers `cleared`.
 *
 * Transport seam: `webSocketFactory` (default {@link openWebSocket}) opens every socket, with
 * the URL and the `xi-api-key` header; a recorder wraps it, a replayer returns sockets that play
 * recorded frames (or feeds them to {@link StreamInputProtocol}).
 *
 * Time limits, on the Clock: `connectMs` per socket, `firstByteMs` from a flush to its first
 * audio, `stallMs` between its messages until `isFinal`.
 *
 * @module
 */
import { RealClock } from '../../core/clock/real-clock.js';
import type { ProviderError } from '../errors.js';
import { ErrorFactory, resolveCredentials } from '../secrets.js';
import { SessionEvents } from '../session-events.js';
import { timeoutError, Watchdog } from '../timeouts.js';
import type { TtsEvent, TtsProvider, TtsSession } from '../tts.js';
import { openWebSocket, type WebSocketFactory } from '../transport/websocket.js';
import { DEFAULT_MODEL, DEFAULT_VOICE, ELEVENLABS_BASE_URL, ELEVENLABS_ENV, type ElevenLabsOptions } from './client.js';
import type { VoiceSettings } from './stream-input-protocol.js';
import { StreamInputSocket, type SocketEvent, type StreamInputSetup } from './stream-input-socket.js';

/** Options of {@link ElevenLabsWsTts}. */
export interface ElevenLabsWsOptions extends ElevenLabsOptions {
  readonly voiceSettings?: VoiceSettings;
  /** `generation_config.chunk_length_schedule`; the server's default holds audio back until 120 characters. */
  readonly chunkLengthSchedule?: readonly number[];
  /** Send a single space after this long without text. Default 15000 ms (the server closes after 20 s); `false` never. */
  readonly keepAliveMs?: number | false;
  /** `inactivity_timeout` query parameter, seconds (the server's default is 20). */
  readonly inactivityTimeoutS?: number;
  /** The transport seam. Default: `ws`. */
  readonly webSocketFactory?: WebSocketFactory;
}

/** ElevenLabs streaming TTS over the stream-input websocket. */
export class ElevenLabsWsTts implements TtsProvider {
  readonly name: string;
  readonly sampleRate: number;
  readonly #options: ElevenLabsWsOptions;

  constructor(options: ElevenLabsWsOptions = {}) {
    this.#options = options;
    this.name = options.name ?? 'elevenlabs';
    this.sampleRate = options.sampleRate ?? 16000;
  }

  async connect(signal: AbortSignal): Promise<TtsSession> {
    const options = this.#options;
    const { apiKey, baseUrl } = resolveCredentials(this.name, options, ELEVENLABS_ENV);
    const url = new URL(`${baseUrl ?? ELEVENLABS_BASE_URL}/v1/text-to-speech/${encodeURIComponent(options.voiceId ?? DEFAULT_VOICE)}/stream-input`);
    url.protocol = url.protocol === 'https:' || url.protocol === 'wss:' ? 'wss:' : 'ws:';
    url.searchParams.set('model_id', options.modelId ?? DEFAULT_MODEL);
    url.searchParams.set('output_format', `pcm_${this.sampleRate}`);
    if (options.inactivityTimeoutS !== undefined) url.searchParams.set('inactivity_timeout', String(options.inactivityTimeoutS));
    const setup: StreamInputSetup = {
      url: url.toString(),
      headers: { 'xi-api-key': apiKey },
      factory: options.webSocketFactory ?? openWebSocket,
      errors: new ErrorFactory(this.name, [apiKey]),
      clock: options.clock ?? new RealClock(),
      sampleRate: this.sampleRate,
      connectMs: options.timeouts?.connectMs,
      keepAliveMs: options.keepAliveMs === false ? undefined : (options.keepAliveMs ?? 15000),
      voiceSettings: options.voiceSettings,
      chunkLengthSchedule: options.chunkLengthSchedule,
    };
    const first = await StreamInputSocket.open(setup, signal);
    return new StreamInputSession(setup, first, options);
  }
}

/** One flushed (or still open) piece of text and the socket speaking it. */
interface Segment {
  /** The socket, once text needs one; sends wait on it in order. */
  socket: Promise<StreamInputSocket | undefined> | undefined;
  hasText: boolean;
  inputEnded: boolean;
  final: boolean;
  firstAudio: boolean;
  /** Events held back while an earlier segment is still speaking. */
  readonly held: TtsEvent[];
  readonly watchdog: Watchdog;
}

class StreamInputSession implements TtsSession {
  readonly #setup: StreamInputSetup;
  readonly #options: ElevenLabsWsOptions;
  readonly #events = new SessionEvents<TtsEvent>();
  readonly #lifetime = new AbortController();
  /** Segments in order; the first is being delivered; the last may still take text. */
  #segments: Segment[] = [];
  #open: Segment | undefined;
  #spare: Promise<StreamInputSocket | undefined> | undefined;
  #closed = false;

  constructor(setup: StreamInputSetup, first: StreamInputSocket, options: ElevenLabsWsOptions) {
    this.#setup = setup;
    this.#options = options;
    this.#spare = Promise.resolve(this.#idle(first));
  }

  subscribe(listener: (event: TtsEvent) => void): () => void {
    return this.#events.subscribe(listener);
  }

  pushText(text: string): void {
    if (this.#closed || text === '') return;
    const segment = (this.#open ??= this.#newSegment());
    segment.hasText = true;
    segment.socket ??= this.#attach(segment);
    void segment.socket.then((socket) => {
      if (socket) socket.text(text);
    });
  }

  flush(): void {
    if (this.#closed) return;
    const segment = this.#open ?? this.#newSegment();
    this.#open = undefined;
    segment.inputEnded = true;
    if (!segment.hasText) {
      // Nothing to speak: acknowledged in its turn, no socket needed.
      segment.final = true;
      this.#deliver(segment, { type: 'flushed' });
      return;
    }
    const ms = this.#options.timeouts?.firstByteMs;
    segment.watchdog.arm(ms, () => this.#fail(timeoutError(this.#setup.errors, 'first-byte', ms ?? 0, 'no audio after a flush')));
    void segment.socket?.then((socket) => socket?.endInput());
  }

  clear(): void {
    if (this.#closed) return;
    this.#dropSegments();
    queueMicrotask(() => this.#emit({ type: 'cleared' }));
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#dropSegments();
    this.#closed = true;
    this.#lifetime.abort();
    const spare = this.#spare;
    this.#spare = undefined;
    void spare?.then((socket) => socket?.close());
    this.#events.emit({ type: 'closed' });
  }

  #newSegment(): Segment {
    const segment: Segment = { socket: undefined, hasText: false, inputEnded: false, final: false, firstAudio: false, held: [], watchdog: new Watchdog(this.#setup.clock) };
    this.#segments.push(segment);
    return segment;
  }

  /** Gives `segment` the socket opened ahead (or a new one), and opens the next one ahead. */
  #attach(segment: Segment): Promise<StreamInputSocket | undefined> {
    const spare = this.#spare;
    this.#spare = undefined;
    const socket = (async (): Promise<StreamInputSocket | undefined> => {
      let ready = spare ? await spare : undefined;
      if (!ready || ready.ended) ready = await this.#openSocket(segment);
      if (!ready) return undefined;
      if (!this.#segments.includes(segment)) {
        // Cleared while the socket was opening.
        ready.close();
        return undefined;
      }
      ready.onEvent((event) => this.#onSocketEvent(segment, ready, event));
      return ready;
    })();
    this.#spare = this.#openSpare();
    return socket;
  }

  async #openSocket(segment: Segment): Promise<StreamInputSocket | undefined> {
    try {
      return await StreamInputSocket.open(this.#setup, this.#lifetime.signal);
    } catch (error) {
      if (this.#segments.includes(segment) && !this.#closed) this.#fail(this.#setup.errors.wrap(error, 'network'));
      return undefined;
    }
  }

  /** Opens a socket ahead of need; a failure here is not reported (the segment that needs one will try again). */
  async #openSpare(): Promise<StreamInputSocket | undefined> {
    if (this.#closed) return undefined;
    try {
      return this.#idle(await StreamInputSocket.open(this.#setup, this.#lifetime.signal));
    } catch {
      return undefined;
    }
  }

  /** A socket waiting for a segment: its end is not an error, only a reason to open another. */
  #idle(socket: StreamInputSocket): StreamInputSocket {
    socket.onEvent(() => {});
    return socket;
  }

  #onSocketEvent(segment: Segment, socket: StreamInputSocket, event: SocketEvent): void {
    if (!this.#segments.includes(segment)) return;
    switch (event.type) {
      case 'audio': {
        segment.firstAudio = true;
        const ms = this.#options.timeouts?.stallMs;
        if (segment.inputEnded) segment.watchdog.arm(ms, () => this.#fail(timeoutError(this.#setup.errors, 'stall', ms ?? 0, 'no message mid-stream')));
        this.#deliver(segment, { type: 'audio', chunk: event.chunk, ...(event.alignment ? { alignment: event.alignment } : {}) });
        return;
      }
      case 'final':
        segment.final = true;
        segment.watchdog.clear();
        socket.close();
        this.#deliver(segment, { type: 'flushed' });
        return;
      case 'error':
        this.#fail(event.error);
        return;
      case 'ended':
        if (!segment.final) this.#fail(event.error ?? this.#setup.errors.make('protocol', 'the stream closed before isFinal'));
        return;
    }
  }

  /** Emits `event` now if `segment` is the one being delivered, else holds it; then moves on past finished segments. */
  #deliver(segment: Segment, event: TtsEvent): void {
    if (this.#segments[0] !== segment) {
      segment.held.push(event);
      return;
    }
    this.#emit(event);
    while (this.#segments[0]?.final && this.#segments[0].held.length === 0) {
      this.#segments.shift();
      const next = this.#segments[0];
      if (!next) break;
      for (const held of next.held.splice(0)) this.#emit(held);
    }
  }

  /** Reports `error` and drops every segment: the session stays usable for new text. */
  #fail(error: ProviderError): void {
    if (this.#closed) return;
    this.#dropSegments();
    this.#emit({ type: 'error', error });
  }

  #dropSegments(): void {
    for (const segment of this.#segments) {
      segment.watchdog.clear();
      void segment.socket?.then((socket) => socket?.close());
    }
    this.#segments = [];
    this.#open = undefined;
  }

  #emit(event: TtsEvent): void {
    if (!this.#closed) this.#events.emit(event);
  }
}
