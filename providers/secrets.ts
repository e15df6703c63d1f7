/**
 * API keys and base URLs of the real providers: taken from explicit options or the environment,
 * never echoed. Every message an adapter builds goes through {@link redact} with its key, so a
 * server (or an SDK) repeating the key cannot carry it into an error, a trace or a log.
 *
 * @module
 */
import { ProviderError } from './errors.js';

/** Where a provider's key and base URL come from. */
export interface Credentials {
  /** The key; when absent, the environment variable named by the adapter. */
  readonly apiKey?: string;
  /** The base URL (a proxy or a fake); when absent, the environment variable, then the provider's public API. */
  readonly baseUrl?: string;
  /** Environment to read; `process.env` by default. */
  readonly env?: Readonly<Record<string, string | undefined>>;
}

/** A resolved key, and the base URL when one was configured (else the SDK's default applies). */
export interface ResolvedCredentials {
  readonly apiKey: string;
  readonly baseUrl: string | undefined;
}

/**
 * The key and base URL for `provider`. Throws a ProviderError of kind `auth` naming `keyVariable`
 * when there is no key, before anything connects.
 */
export function resolveCredentials(
  provider: string,
  options: Credentials,
  variables: { readonly key: string; readonly baseUrl: string },
): ResolvedCredentials {
  const env = options.env ?? process.env;
  const apiKey = options.apiKey ?? env[variables.key];
  if (apiKey === undefined || apiKey.trim() === '') {
    throw new ProviderError(provider, 'auth', `${provider}: no API key: set ${variables.key} or pass apiKey`);
  }
  const baseUrl = nonEmpty(options.baseUrl) ?? nonEmpty(env[variables.baseUrl]);
  return { apiKey, baseUrl: baseUrl?.replace(/\/+$/, '') };
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value;
}

/** `text` with every occurrence of each secret replaced by `***`. */
export function redact(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const secret of secrets) {
    if (secret.length >= 4) out = out.split(secret).join('***');
  }
  return out;
}

/**
 * Builds the ProviderErrors of one adapter: messages start with the provider's name and never
 * contain its key. Causes are not attached: SDK errors can hold request headers.
 */
export class ErrorFactory {
  readonly provider: string;
  readonly #secrets: readonly string[];

  constructor(provider: string, secrets: readonly string[]) {
    this.provider = provider;
    this.#secrets = secrets;
  }

  /** A ProviderError `provider: message`, redacted. */
  make(kind: ProviderError['kind'], message: string, code?: number): ProviderError {
    return new ProviderError(this.provider, kind, redact(`${this.provider}: ${message}`, this.#secrets), code === undefined ? {} : { code });
  }

  /** The same error if it is already a ProviderError of this provider, else one of `kind` describing it. */
  wrap(error: unknown, kind: ProviderError['kind'] = 'unknown'): ProviderError {
    if (error instanceof ProviderError) return error;
    return this.make(kind, error instanceof Error ? error.message || error.name : String(error));
  }

  /** A ProviderError for an HTTP status (handshake or request). */
  fromStatus(status: number, detail: string): ProviderError {
    return this.make(kindOfStatus(status), `HTTP ${status}${detail ? `: ${detail}` : ''}`, status);
  }
}

/** What an HTTP status says about a failure. */
export function kindOfStatus(status: number): ProviderError['kind'] {
  if (status === 401 || status === 403) return 'auth';
  if (status === 429) return 'rate_limit';
  if (status === 408 || status === 504) return 'timeout';
  if (status >= 500) return 'server';
  return 'protocol';
}

/** What a websocket close code says about a failure (codes other than 1000). */
export function kindOfCloseCode(code: number): ProviderError['kind'] {
  if (code === 1008) return 'protocol';
  if (code === 1011 || code === 1012 || code === 1013 || code === 1014) return 'server';
  if (code === 1006) return 'network';
  if (code >= 4000 && code < 5000) return 'server';
  return 'network';
}
