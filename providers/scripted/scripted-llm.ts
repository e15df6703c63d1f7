import { sleep, type Clock } from '../../core/clock/clock.js';
import { ProviderError } from '../errors.js';
import type { LlmEvent, LlmProvider, LlmRequest } from '../llm.js';
import { delayMs, type Delay } from './delay.js';

/** A scripted answer: when the last user message matches, reply with `say`. */
export interface ScriptedReply {
  /** Case-insensitive substring, or a regular expression, tested on the last user message. */
  readonly when: string | RegExp;
  readonly say: string;
}

/** A fault injected into one request. */
export interface LlmFault {
  /** Stop streaming for `stallMs` after this many tokens. */
  readonly stallAfterTokens?: number;
  readonly stallMs?: number;
  /** End the stream with an error after this many tokens (0: before the first). */
  readonly failAfterTokens?: number;
  readonly message?: string;
}

/** Options of {@link ScriptedLlm}. */
export interface ScriptedLlmOptions {
  readonly clock: Clock;
  readonly replies?: readonly ScriptedReply[];
  /** The answer when no reply matches. Default "Okay." */
  readonly defaultReply?: string;
  /** Time to first token. Default 300 ms. */
  readonly timeToFirstTokenMs?: Delay;
  /** Time between tokens. Default 20 ms (50 tokens per second). */
  readonly tokenIntervalMs?: Delay;
  /** Fail every request with this message instead of answering (after the first-token delay). */
  readonly failWith?: string;
  /** Faults for request number `request` (from 1), if any. */
  readonly faults?: (request: number) => LlmFault | undefined;
  readonly name?: string;
}

/** Splits text into LLM-like tokens: words with their leading space. */
export function tokenize(text: string): string[] {
  return text.match(/\s*\S+/g) ?? [];
}

/**
 * An in-memory chat model on the clock: picks a scripted reply by matching the last user
 * message, and streams it word by word with the configured timing. Honours aborts.
 */
export class ScriptedLlm implements LlmProvider {
  readonly name: string;
  readonly #options: ScriptedLlmOptions;
  #requests = 0;

  constructor(options: ScriptedLlmOptions) {
    this.#options = options;
    this.name = options.name ?? 'scripted-llm';
  }

  /** The reply the model gives to `userText`. */
  replyTo(userText: string): string {
    for (const reply of this.#options.replies ?? []) {
      const matches = typeof reply.when === 'string'
        ? userText.toLowerCase().includes(reply.when.toLowerCase())
        : reply.when.test(userText);
      if (matches) return reply.say;
    }
    return this.#options.defaultReply ?? 'Okay.';
  }

  async *stream(request: LlmRequest, signal: AbortSignal): AsyncGenerator<LlmEvent> {
    const { clock } = this.#options;
    const number = ++this.#requests;
    const lastUser = [...request.messages].reverse().find((m) => m.role === 'user')?.content ?? '';
    const fault: LlmFault | undefined =
      this.#options.failWith !== undefined ? { failAfterTokens: 0, message: this.#options.failWith } : this.#options.faults?.(number);
    try {
      await sleep(clock, delayMs(this.#options.timeToFirstTokenMs ?? 300), signal);
      const tokens = tokenize(this.replyTo(lastUser));
      for (let i = 0; i <= tokens.length; i++) {
        if (fault?.failAfterTokens === i) {
          yield { type: 'end', reason: 'error', error: new ProviderError(this.name, 'server', fault.message ?? 'scripted failure') };
          return;
        }
        if (i === tokens.length) break;
        if (i > 0) await sleep(clock, delayMs(this.#options.tokenIntervalMs ?? 20), signal);
        if (fault?.stallAfterTokens === i && i > 0) await sleep(clock, fault.stallMs ?? 0, signal);
        yield { type: 'token', text: tokens[i]! };
      }
      yield { type: 'end', reason: 'stop' };
    } catch (error) {
      if (!signal.aborted) throw error;
      yield { type: 'end', reason: 'cancelled' };
    }
  }
}
