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
    const lastUser = [...request.messages].reverse().find((m) => m.role === 'user')?.content ?? '';
    try {
      await sleep(clock, delayMs(this.#options.timeToFirstTokenMs ?? 300), signal);
      if (this.#options.failWith !== undefined) {
        yield { type: 'end', reason: 'error', error: new ProviderError(this.name, 'server', this.#options.failWith) };
        return;
      }
      const tokens = tokenize(this.replyTo(lastUser));
      for (let i = 0; i < tokens.length; i++) {
        if (i > 0) await sleep(clock, delayMs(this.#options.tokenIntervalMs ?? 20), signal);
        yield { type: 'token', text: tokens[i]! };
      }
      yield { type: 'end', reason: 'stop' };
    } catch (error) {
      if (!signal.aborted) throw error;
      yield { type: 'end', reason: 'cancelled' };
    }
  }
}
