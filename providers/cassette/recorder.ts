/**
 * Records a provider's connections and requests into a cassette by wrapping its transport seam:
 * {@link CassetteRecorder.webSocketFactory} (ElevenLabs stream-input),
 * {@link CassetteRecorder.deepgramTransportFactory} (the Deepgram SDK's `transportFactory`) and
 * {@link CassetteRecorder.fetch} (the OpenAI and ElevenLabs SDKs' `fetch`). Every frame or body
 * chunk in both directions is noted with its time on the session clock, relative to when the
 * recorder was made; nothing is delayed or changed on its way.
 *
 * What is kept in memory is raw; {@link CassetteRecorder.cassette} redacts it all on the way out
 * (see `redact.ts`), with every secret known by then: the keys the recorder was given and those
 * learnt from auth headers, key parameters and key fields.
 *
 * @module
 */
import { writeFile } from 'node:fs/promises';
import type { DeepgramTransportFactory } from '@deepgram/sdk';
import type { Clock } from '../../core/clock/clock.js';
import { openWebSocket, type CloseInfo, type WebSocketFactory, type WebSocketTransport } from '../transport/websocket.js';
import { CASSETTE_FORMAT, CASSETTE_VERSION, encodeCassette, roundTime, type Cassette, type CassetteRole, type Exchange, type HttpExchange, type Protocol, type WsEvent } from './format.js';
import { httpProtocol, webSocketProtocol } from './protocols.js';
import { Redactor } from './redact.js';

/** Options of a {@link CassetteRecorder}. */
export interface CassetteRecorderOptions {
  readonly role: CassetteRole;
  /** The provider's name (or its failover chain's), kept in the cassette. */
  readonly provider: string;
  /** The session clock; times are relative to its reading when the recorder is made. */
  readonly clock: Clock;
  /** Secret values to scrub wherever they appear (the API keys); keys in auth headers are learnt too. */
  readonly secrets?: readonly string[];
}

/** A frame as kept before redaction. */
type RawFrame = { t: number; type: 'out' | 'in'; text: string } | { t: number; type: 'out' | 'in'; bytes: Uint8Array };
type RawWsEvent = RawFrame | Exclude<WsEvent, { type: 'out' | 'in' }>;

interface RawWebSocket {
  readonly type: 'websocket';
  readonly protocol: Protocol;
  readonly url: string;
  readonly headers: Record<string, string>;
  readonly startMs: number;
  readonly events: RawWsEvent[];
}

interface RawHttp {
  readonly type: 'http';
  readonly protocol: Protocol;
  readonly method: string;
  readonly url: string;
  readonly requestHeaders: Record<string, string>;
  readonly requestBody: string | Uint8Array | undefined;
  readonly startMs: number;
  response?: HttpExchange['response'];
  /** Text for textual bodies (decoded as a stream, so no character is split), else bytes. */
  readonly chunks: ({ t: number; text: string } | { t: number; bytes: Uint8Array })[];
  end?: HttpExchange['end'];
}

/** Records the connections and requests of one provider role; see the module documentation. */
export class CassetteRecorder {
  readonly role: CassetteRole;
  readonly provider: string;
  readonly #clock: Clock;
  readonly #originMs: number;
  readonly #given: readonly string[];
  readonly #exchanges: (RawWebSocket | RawHttp)[] = [];

  constructor(options: CassetteRecorderOptions) {
    this.role = options.role;
    this.provider = options.provider;
    this.#clock = options.clock;
    this.#originMs = options.clock.now();
    this.#given = options.secrets ?? [];
  }

  /** Connections and requests recorded so far. */
  get size(): number {
    return this.#exchanges.length;
  }

  /** A websocket factory that opens sockets with `inner` and records them. */
  webSocketFactory(inner: WebSocketFactory = openWebSocket): WebSocketFactory {
    return (url, headers) => this.#socket(url, headers, webSocketProtocol(url), () => inner(url, headers));
  }

  /** A Deepgram SDK `transportFactory` that opens sockets with `inner` and records them. */
  deepgramTransportFactory(inner: WebSocketFactory = openWebSocket): DeepgramTransportFactory {
    return (url, headers, request) => this.#socket(url, headers, webSocketProtocol(url, request?.service), () => inner(url, headers));
  }

  /** A `fetch` that sends with `inner` and records the request and its streamed response. */
  fetch(inner: typeof fetch = globalThis.fetch): typeof fetch {
    return (input, init) => this.#request(inner, input, init);
  }

  /** The recording so far, redacted, as a cassette. */
  cassette(): Cassette {
    const redactor = new Redactor(this.#given);
    for (const exchange of this.#exchanges) {
      redactor.learnUrl(exchange.url);
      redactor.learnHeaders(exchange.type === 'websocket' ? exchange.headers : exchange.requestHeaders);
      const sent = exchange.type === 'websocket' ? exchange.events.flatMap((e) => (e.type === 'out' && 'text' in e ? [e.text] : [])) : typeof exchange.requestBody === 'string' ? [exchange.requestBody] : [];
      for (const text of sent) redactor.learnJson(parseJson(text));
    }
    return {
      format: CASSETTE_FORMAT,
      version: CASSETTE_VERSION,
      role: this.role,
      provider: redactor.text(this.provider),
      exchanges: this.#exchanges.map((exchange) => redactExchange(exchange, redactor)),
    };
  }

  /** The cassette's file bytes (gzip-compressed JSON). */
  encode(): Buffer {
    return encodeCassette(this.cassette());
  }

  /** Writes the cassette to `path` (conventionally `<role>.cassette.json.gz`). */
  async save(path: string): Promise<void> {
    await writeFile(path, this.encode());
  }

  #now(): number {
    return roundTime(this.#clock.now() - this.#originMs);
  }

  async #socket(url: string, headers: Record<string, string>, protocol: Protocol, open: () => WebSocketTransport | Promise<WebSocketTransport>): Promise<WebSocketTransport> {
    const events: RawWsEvent[] = [];
    this.#exchanges.push({ type: 'websocket', protocol, url, headers: { ...headers }, startMs: this.#now(), events });
    let transport: WebSocketTransport;
    try {
      transport = await open();
    } catch (error) {
      events.push({ t: this.#now(), type: 'error', message: messageOf(error) });
      throw error;
    }
    transport.onOpen(() => events.push({ t: this.#now(), type: 'open' }));
    transport.onMessage((message) => {
      const t = this.#now();
      if (typeof message === 'string') return void events.push({ t, type: 'in', text: message });
      if (message instanceof Blob) {
        // Read later; its place and time are kept now.
        const frame = { t, type: 'in' as const, bytes: new Uint8Array(0) };
        events.push(frame);
        void message.arrayBuffer().then((buffer) => (frame.bytes = new Uint8Array(buffer)));
        return;
      }
      events.push({ t, type: 'in', bytes: copyBytes(message) });
    });
    transport.onError((error) => {
      const status = (error as { status?: unknown }).status;
      events.push({ t: this.#now(), type: 'error', message: messageOf(error), ...(typeof status === 'number' ? { status } : {}) });
    });
    transport.onClose((info: CloseInfo) => events.push({ t: this.#now(), type: 'close', ...closeFields(info.code, info.reason) }));
    return {
      send: (data) => {
        const t = this.#now();
        if (typeof data === 'string') events.push({ t, type: 'out', text: data });
        else if (data instanceof Blob) events.push({ t, type: 'out', bytes: new Uint8Array(0) });
        else events.push({ t, type: 'out', bytes: copyBytes(data) });
        return transport.send(data);
      },
      onOpen: (listener) => transport.onOpen(listener),
      onMessage: (listener) => transport.onMessage(listener),
      onError: (listener) => transport.onError(listener),
      onClose: (listener) => transport.onClose(listener),
      isOpen: () => transport.isOpen(),
      close: (code, reason) => {
        events.push({ t: this.#now(), type: 'client-close', ...closeFields(code, reason) });
        return transport.close(code, reason);
      },
    };
  }

  async #request(inner: typeof fetch, input: string | URL | Request, init: RequestInit | undefined): Promise<Response> {
    const request = input instanceof Request ? input : undefined;
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
    const body = init?.body;
    const exchange: RawHttp = {
      type: 'http',
      protocol: httpProtocol(url),
      method: (init?.method ?? request?.method ?? 'GET').toUpperCase(),
      url,
      requestHeaders: Object.fromEntries(new Headers(init?.headers ?? request?.headers)),
      requestBody: typeof body === 'string' ? body : body instanceof Uint8Array ? copyBytes(body) : undefined,
      startMs: this.#now(),
      chunks: [],
    };
    this.#exchanges.push(exchange);
    const signal = init?.signal ?? request?.signal;
    const ended = (how: 'complete' | 'aborted' | 'error', error?: unknown): void => {
      exchange.end ??= { t: this.#now(), how, ...(how === 'error' ? { message: messageOf(error) } : {}) };
    };
    let response: Response;
    try {
      response = await inner(input, init);
    } catch (error) {
      ended(signal?.aborted ? 'aborted' : 'error', error);
      throw error;
    }
    exchange.response = { t: this.#now(), status: response.status, headers: Object.fromEntries(response.headers) };
    if (!response.body) {
      ended('complete');
      return response;
    }
    const reader = response.body.getReader();
    const decoder = isTextual(response.headers.get('content-type')) ? new TextDecoder() : undefined;
    // Read eagerly, so each chunk's time is when it arrived, not when the SDK got round to it.
    const tee = new ReadableStream<Uint8Array>({
      start: async (controller) => {
        try {
          for (;;) {
            const { done, value } = await reader.read();
            if (done) break;
            const t = this.#now();
            if (decoder) exchange.chunks.push({ t, text: decoder.decode(value, { stream: true }) });
            else exchange.chunks.push({ t, bytes: copyBytes(value) });
            controller.enqueue(value);
          }
          const rest = decoder?.decode();
          if (rest) exchange.chunks.push({ t: this.#now(), text: rest });
          ended('complete');
          controller.close();
        } catch (error) {
          ended(signal?.aborted ? 'aborted' : 'error', error);
          controller.error(error);
        }
      },
      cancel: async (reason) => {
        ended('aborted');
        await reader.cancel(reason);
      },
    });
    return new Response(tee, { status: response.status, statusText: response.statusText, headers: response.headers });
  }
}

/** A recorded exchange, redacted, in file form. */
function redactExchange(exchange: RawWebSocket | RawHttp, redactor: Redactor): Exchange {
  if (exchange.type === 'websocket') {
    return {
      type: 'websocket',
      protocol: exchange.protocol,
      url: redactor.url(exchange.url),
      headers: redactor.headers(exchange.headers),
      startMs: exchange.startMs,
      events: exchange.events.map((event): WsEvent => {
        if ('bytes' in event) return { t: event.t, type: event.type, binary: base64(redactor.bytes(event.bytes)) };
        if ('text' in event) return { t: event.t, type: event.type, text: event.type === 'out' ? redactor.sentText(event.text) : redactor.text(event.text) };
        if (event.type === 'error') return { ...event, message: redactor.text(event.message) };
        if (event.type !== 'open' && event.reason !== undefined) return { ...event, reason: redactor.text(event.reason) };
        return event;
      }),
    };
  }
  const body = exchange.requestBody;
  const json = typeof body === 'string' ? parseJson(body) : undefined;
  return {
    type: 'http',
    protocol: exchange.protocol,
    method: exchange.method,
    url: redactor.url(exchange.url),
    requestHeaders: redactor.headers(exchange.requestHeaders),
    ...(body === undefined ? {} : { requestBody: json !== undefined ? redactor.json(json) : typeof body === 'string' ? redactor.text(body) : { binary: base64(redactor.bytes(body)) } }),
    startMs: exchange.startMs,
    ...(exchange.response ? { response: { ...exchange.response, headers: redactor.headers(exchange.response.headers) } } : {}),
    chunks: exchange.chunks.map((chunk) => ('text' in chunk ? { t: chunk.t, text: redactor.text(chunk.text) } : { t: chunk.t, binary: base64(redactor.bytes(chunk.bytes)) })),
    // A request still streaming when the cassette is taken ends there.
    end: exchange.end ? (exchange.end.message !== undefined ? { ...exchange.end, message: redactor.text(exchange.end.message) } : exchange.end) : { t: exchange.chunks.at(-1)?.t ?? exchange.response?.t ?? exchange.startMs, how: 'aborted' },
  };
}

function closeFields(code: number | undefined, reason: string | undefined): { code?: number; reason?: string } {
  return { ...(code !== undefined ? { code } : {}), ...(reason !== undefined ? { reason } : {}) };
}

function copyBytes(data: ArrayBuffer | ArrayBufferView): Uint8Array {
  if (data instanceof ArrayBuffer) return new Uint8Array(data.slice(0));
  return new Uint8Array(data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength));
}

function base64(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
}

function isTextual(contentType: string | null): boolean {
  return contentType !== null && /^text\/|[/+]json\b|event-stream/i.test(contentType);
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message || error.name : String(error);
}
