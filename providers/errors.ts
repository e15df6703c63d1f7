/** What kind of failure a provider reported; decides whether retrying or failing over makes sense. */
export type ProviderErrorKind =
  | 'auth'
  | 'rate_limit'
  | 'server'
  | 'network'
  | 'protocol'
  | 'timeout'
  | 'cancelled'
  | 'unknown';

/** A failure of an STT, LLM or TTS provider, as the core sees it. Never carries credentials. */
export class ProviderError extends Error {
  override readonly name = 'ProviderError';
  readonly provider: string;
  readonly kind: ProviderErrorKind;
  /** HTTP status or websocket close code, when there is one. */
  readonly code: number | undefined;

  constructor(provider: string, kind: ProviderErrorKind, message: string, options: { code?: number; cause?: unknown } = {}) {
    super(message, { cause: options.cause });
    this.provider = provider;
    this.kind = kind;
    this.code = options.code;
  }

  /** Whether trying again (or the next provider in a failover chain) may help. */
  get retryable(): boolean {
    return this.kind === 'rate_limit' || this.kind === 'server' || this.kind === 'network' || this.kind === 'timeout';
  }
}

export { describeError } from '../core/util/errors.js';
