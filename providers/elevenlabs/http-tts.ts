/**
 * ElevenLabs TTS over HTTP streaming, through the official SDK
 * (`client.textToSpeech.stream(voiceId, { text, modelId, outputFormat: 'pcm_16000' })`): each
 * flush becomes one request, spoken in order; its audio streams as it comes, then `flushed`.
 * `clear()` aborts the request in flight (the SDK then throws an AbortError, expected here) and
 * drops the queued ones. This endpoint gives no alignment; the playout estimates heard text.
 *
 * Transport seam: the SDK's `fetch` option (see the OpenAI adapter: same recorder and replayer).
 * Time limits, on the Clock: `connectMs` until the response headers, `firstByteMs` from the
 * request to its first audio, `stallMs` between audio chunks.
 *
 * @module
 */
import { createRequire } from 'node:module';
import type { Clock } from '../../core/clock/clock.js';
import { RealClock } from '../../core/clock/real-clock.js';
import type { ProviderError } from '../errors.js';
import { Pcm16Decoder } from '../pcm.js';
import { ErrorFactory, resolveCredentials } from '../secrets.js';
import { SessionEvents } from '../session-events.js';
import { RequestDeadlines, type ProviderTimeouts } from '../timeouts.js';
import type { TtsEvent, TtsProvider, TtsSession } from '../tts.js';
import { DEFAULT_MODEL, DEFAULT_VOICE, ELEVENLABS_ENV, type ElevenLabsOptions } from './client.js';

/** Options of {@link ElevenLabsHttpTts}. */
export interface ElevenLabsHttpOptions extends ElevenLabsOptions {
  readonly voiceSettings?: { readonly stability?: number; readonly similarityBoost?: number; readonly style?: number; readonly useSpeakerBoost?: boolean; readonly speed?: number };
  /** Retries of the SDK. Default 0. */
  readonly maxRetries?: number;
  /** The transport seam: a `fetch` for the SDK to use. */
  readonly fetch?: typeof fetch;
}

/** ElevenLabs TTS over HTTP streaming. */
export class ElevenLabsHttpTts implements TtsProvider {
  readonly name: string;
  readonly sampleRate: number;
  readonly #options: ElevenLabsHttpOptions;

  constructor(options: ElevenLabsHttpOptions = {}) {
    this.#options = options;
    this.name = options.name ?? 'elevenlabs';
    this.sampleRate = options.sampleRate ?? 16000;
  }

  /**
   * Checks the key (there is no connection to open) and returns a session. The SDK is loaded on
   * first use (it takes over a second), so importing parley does not load it.
   */
  async connect(signal: AbortSignal): Promise<TtsSession> {
    const options = this.#options;
    const { apiKey, baseUrl } = resolveCredentials(this.name, options, ELEVENLABS_ENV);
    const errors = new ErrorFactory(this.name, [apiKey]);
    const sdk = loadSdk();
    if (signal.aborted) throw errors.make('cancelled', 'connect aborted');
    const client = new sdk.ElevenLabsClient({
      apiKey,
      ...(baseUrl !== undefined ? { baseUrl } : {}),
      maxRetries: options.maxRetries ?? 0,
      ...(options.fetch ? { fetch: options.fetch } : {}),
    });
    const sampleRate = options.sampleRate ?? 16000;
    const backend: HttpTtsBackend = {
      errors,
      stream: (text, abortSignal) =>
        client.textToSpeech.stream(
          options.voiceId ?? DEFAULT_VOICE,
          {
            text,
            modelId: options.modelId ?? DEFAULT_MODEL,
            outputFormat: `pcm_${sampleRate}`,
            ...(options.voiceSettings ? { voiceSettings: { ...options.voiceSettings } } : {}),
          },
          { abortSignal, maxRetries: options.maxRetries ?? 0 },
        ),
      errorOf: (error) => errorOf(sdk, errors, error),
    };
    return httpTtsSession(backend, options.clock ?? new RealClock(), sampleRate, options.timeouts ?? {});
  }
}

/**
 * Where an HTTP TTS session's audio comes from: the SDK (live) or a cassette (replay). `stream`
 * resolves once the response headers are in; aborting its signal makes it (or the iteration)
 * throw.
 */
export interface HttpTtsBackend {
  readonly errors: ErrorFactory;
  stream(text: string, signal: AbortSignal): Promise<AsyncIterable<Uint8Array>>;
  /** The ProviderError for whatever `stream` or the iteration threw. */
  errorOf(error: unknown): ProviderError;
}

/** A TTS session speaking each flush as one streamed request through `backend` (see the module documentation). */
export function httpTtsSession(backend: HttpTtsBackend, clock: Clock, sampleRate: number, timeouts: ProviderTimeouts): TtsSession {
  return new HttpSession(backend, clock, sampleRate, timeouts);
}

class HttpSession implements TtsSession {
  readonly #backend: HttpTtsBackend;
  readonly #clock: Clock;
  readonly #sampleRate: number;
  readonly #timeouts: ProviderTimeouts;
  readonly #events = new SessionEvents<TtsEvent>();
  #text = '';
  #jobs: string[] = [];
  #running = false;
  /** Aborts the request in flight; each request has its own. */
  #current: AbortController | undefined;
  #closed = false;

  constructor(backend: HttpTtsBackend, clock: Clock, sampleRate: number, timeouts: ProviderTimeouts) {
    this.#backend = backend;
    this.#clock = clock;
    this.#sampleRate = sampleRate;
    this.#timeouts = timeouts;
  }

  subscribe(listener: (event: TtsEvent) => void): () => void {
    return this.#events.subscribe(listener);
  }

  pushText(text: string): void {
    if (!this.#closed) this.#text += text;
  }

  flush(): void {
    if (this.#closed) return;
    this.#jobs.push(this.#text);
    this.#text = '';
    if (!this.#running) void this.#run();
  }

  clear(): void {
    if (this.#closed) return;
    this.#text = '';
    this.#jobs = [];
    this.#current?.abort();
    queueMicrotask(() => this.#emit({ type: 'cleared' }));
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#jobs = [];
    this.#current?.abort();
    this.#closed = true;
    this.#events.emit({ type: 'closed' });
  }

  /** Speaks the queued texts one request at a time. */
  async #run(): Promise<void> {
    this.#running = true;
    try {
      for (let text = this.#jobs[0]; text !== undefined && !this.#closed; text = this.#jobs[0]) {
        const controller = new AbortController();
        this.#current = controller;
        const outcome = text.trim() === '' ? 'done' : await this.#speak(text, controller);
        if (this.#current === controller) this.#current = undefined;
        if (controller.signal.aborted && outcome !== 'failed') continue; // cleared: the queue was emptied
        this.#jobs.shift();
        if (outcome === 'done') this.#emit({ type: 'flushed' });
        else this.#jobs = [];
      }
    } finally {
      this.#running = false;
    }
  }

  /** One request: streams its audio; says how it ended (errors are emitted here). */
  async #speak(text: string, controller: AbortController): Promise<'done' | 'aborted' | 'failed'> {
    const deadlines = new RequestDeadlines(this.#clock, this.#backend.errors, this.#timeouts, { name: 'first-byte', missing: 'no audio yet' }, () => controller.abort());
    deadlines.start();
    const decoder = new Pcm16Decoder(this.#sampleRate);
    try {
      const stream = await this.#backend.stream(text, controller.signal);
      deadlines.connected();
      for await (const bytes of stream) {
        deadlines.received(true);
        const chunk = decoder.push(bytes);
        if (chunk && !controller.signal.aborted) this.#emit({ type: 'audio', chunk });
      }
      if (deadlines.timedOut) return this.#failed(deadlines.timedOut);
      return controller.signal.aborted ? 'aborted' : 'done';
    } catch (error) {
      if (deadlines.timedOut) return this.#failed(deadlines.timedOut);
      if (controller.signal.aborted) return 'aborted';
      return this.#failed(this.#backend.errorOf(error));
    } finally {
      deadlines.clear();
    }
  }

  #failed(error: ProviderError): 'failed' {
    this.#emit({ type: 'error', error });
    return 'failed';
  }

  #emit(event: TtsEvent): void {
    if (!this.#closed) this.#events.emit(event);
  }
}

type Sdk = typeof import('@elevenlabs/elevenlabs-js');

let sdkModule: Sdk | undefined;

/**
 * The SDK, loaded on first use. It is CommonJS, and `require` loads it a third faster than
 * `import()` (which also scans it for named exports); it still takes over a second.
 */
function loadSdk(): Sdk {
  sdkModule ??= createRequire(import.meta.url)('@elevenlabs/elevenlabs-js') as Sdk;
  return sdkModule;
}

/** A ProviderError for whatever the SDK threw. */
function errorOf(sdk: Sdk, errors: ErrorFactory, error: unknown): ProviderError {
  if (error instanceof sdk.ElevenLabsTimeoutError) return errors.make('timeout', 'the SDK timed out');
  if (error instanceof sdk.ElevenLabsError && error.statusCode !== undefined) return errors.fromStatus(error.statusCode, detailOf(error.body));
  if (error instanceof sdk.ElevenLabsError) return errors.make('network', `request failed: ${firstLine(error.message)}`);
  return errors.make('network', `the stream failed: ${error instanceof Error ? firstLine(error.message) : String(error)}`);
}

/** The message in an ElevenLabs error body (`{"detail": {"status", "message"}}`). */
function detailOf(body: unknown): string {
  const detail = (body as { detail?: unknown } | null | undefined)?.detail;
  if (typeof detail === 'string') return detail;
  const message = (detail as { message?: unknown } | undefined)?.message;
  return typeof message === 'string' ? message : '';
}

function firstLine(text: string): string {
  return text.split('\n')[0] ?? '';
}
