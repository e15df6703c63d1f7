/**
 * Options shared by the Deepgram adapters, and the SDK client they open sockets with.
 *
 * Transport seam: `transportFactory` is passed to the SDK (`DeepgramClient({ transportFactory })`)
 * and then carries every frame of every socket in both directions. A recorder passes a factory
 * that wraps {@link openWebSocket} (or any other) and logs what goes through; a replayer passes
 * one whose sockets play recorded server frames, or skips the SDK and feeds the frames to the
 * protocol cores (`ListenV1Protocol`, `ListenV2Protocol`, `SpeakProtocol`) under a virtual clock.
 * Without a factory the SDK uses its own `ws` socket.
 *
 * @module
 */
import type { DeepgramClient, DeepgramTransportFactory } from '@deepgram/sdk';
import type { Clock } from '../../core/clock/clock.js';
import { RealClock } from '../../core/clock/real-clock.js';
import { ErrorFactory, resolveCredentials, type Credentials } from '../secrets.js';
import type { ProviderTimeouts } from '../timeouts.js';
import type { SocketConnection, SocketEvents } from '../transport/connection.js';

/** Environment variables the Deepgram adapters read. */
export const DEEPGRAM_ENV = { key: 'DEEPGRAM_API_KEY', baseUrl: 'DEEPGRAM_BASE_URL' } as const;

/** Options every Deepgram adapter takes. */
export interface DeepgramOptions extends Credentials {
  /** Clock for timeouts and keep-alives. Default: the wall clock. */
  readonly clock?: Clock;
  readonly timeouts?: ProviderTimeouts;
  /** The SDK's reconnect attempts. Default 0: a failure surfaces (failover decides what next). */
  readonly reconnectAttempts?: number;
  /** The transport seam (see the module documentation). */
  readonly transportFactory?: DeepgramTransportFactory;
  /** Extra query parameters, passed as given. */
  readonly query?: Readonly<Record<string, string | number | boolean>>;
  /** Name in errors and traces. Default "deepgram". */
  readonly name?: string;
}

/** What an adapter needs to open a socket: the SDK client and how to word errors. */
export interface DeepgramSetup {
  readonly client: DeepgramClient;
  readonly errors: ErrorFactory;
  readonly clock: Clock;
}

/**
 * Resolves credentials (throwing a ProviderError naming DEEPGRAM_API_KEY when there is none) and
 * makes the SDK client. The SDK is loaded on first use, so importing parley does not load it.
 */
export async function deepgramSetup(options: DeepgramOptions): Promise<DeepgramSetup> {
  const name = options.name ?? 'deepgram';
  const { apiKey, baseUrl } = resolveCredentials(name, options, DEEPGRAM_ENV);
  const { DeepgramClient } = await import('@deepgram/sdk');
  const client = new DeepgramClient({
    apiKey,
    ...(baseUrl !== undefined ? { baseUrl } : {}),
    ...(options.transportFactory ? { transportFactory: options.transportFactory } : {}),
  });
  return { client, errors: new ErrorFactory(name, [apiKey]), clock: options.clock ?? new RealClock() };
}

/** What the SDK's streaming sockets have in common. */
export interface SdkSocket {
  on(event: 'open', callback: () => void): void;
  on(event: 'message', callback: (message: unknown) => void): void;
  on(event: 'close', callback: (event: { readonly code?: number; readonly reason?: string }) => void): void;
  on(event: 'error', callback: (error: Error) => void): void;
  connect(): unknown;
  close(): void;
}

/** An SDK socket seen through the listener interface of {@link SocketConnection}. */
export function sdkSocketEvents(socket: SdkSocket): SocketEvents {
  return {
    onOpen: (listener) => socket.on('open', listener),
    onMessage: (listener) => socket.on('message', listener),
    onError: (listener) => socket.on('error', listener),
    onClose: (listener) => socket.on('close', listener),
    start: () => void socket.connect(),
    close: () => socket.close(),
  };
}
