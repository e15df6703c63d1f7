/**
 * The fake servers by provider name, for the command line and for code that picks one at run
 * time: the environment variables a client reads, and how to start one from a script file.
 *
 * @module
 */
import type * as z from 'zod';
import type { Clock } from '../core/clock/clock.js';
import type { InputError } from '../sim/load/index.js';
import { DeepgramFakeServer } from './deepgram/fake-server.js';
import { deepgramScriptSchema } from './deepgram/fake-script.js';
import { ElevenLabsFakeServer } from './elevenlabs/fake-server.js';
import { elevenLabsScriptSchema } from './elevenlabs/fake-script.js';
import { loadScriptFile } from './fake/script.js';
import { OpenAiFakeServer } from './openai/fake-server.js';
import { openAiScriptSchema } from './openai/fake-script.js';

/** A started fake: the base URL clients use, and how to stop it. */
export interface RunningFake {
  readonly baseUrl: string;
  close(): Promise<void>;
}

/** Where and how to start a fake. */
export interface LaunchOptions {
  /** A YAML or JSON script; without one, the fake's defaults. */
  readonly scriptFile?: string;
  /** Port on 127.0.0.1; default: any free port. */
  readonly port?: number;
  readonly clock?: Clock;
  /** Keep what clients send (default false here: a fake started by name is a long-running service). */
  readonly keepFrames?: boolean;
}

/** The fake server of one provider. */
export interface FakeServerKind {
  /** Environment variable the adapters read the base URL from. */
  readonly baseUrlVariable: string;
  /** Environment variable the adapters read the key from (the fake accepts any non-empty key). */
  readonly keyVariable: string;
  /** Loads the script, then starts the fake; every mistake in the script instead, if it has any. */
  launch(options: LaunchOptions): Promise<{ readonly ok: true; readonly fake: RunningFake } | { readonly ok: false; readonly errors: readonly InputError[] }>;
}

function kind<S extends z.ZodType>(
  schema: S,
  variables: { readonly baseUrl: string; readonly key: string },
  start: (script: z.output<S> | undefined, options: { port?: number; clock?: Clock; keepFrames: boolean }) => Promise<RunningFake>,
): FakeServerKind {
  return {
    baseUrlVariable: variables.baseUrl,
    keyVariable: variables.key,
    async launch({ scriptFile, port, clock, keepFrames }) {
      let script: z.output<S> | undefined;
      if (scriptFile !== undefined) {
        const loaded = loadScriptFile(scriptFile, schema);
        if (!loaded.ok) return { ok: false, errors: loaded.errors };
        script = loaded.script;
      }
      return { ok: true, fake: await start(script, { ...(port !== undefined ? { port } : {}), ...(clock ? { clock } : {}), keepFrames: keepFrames ?? false }) };
    },
  };
}

/** The fake servers, by provider. */
export const FAKE_SERVERS = {
  deepgram: kind(deepgramScriptSchema, { baseUrl: 'DEEPGRAM_BASE_URL', key: 'DEEPGRAM_API_KEY' }, async (script, options) => {
    const server = await DeepgramFakeServer.start({ ...(script ? { script } : {}), ...options });
    return { baseUrl: server.url, close: () => server.close() };
  }),
  openai: kind(openAiScriptSchema, { baseUrl: 'OPENAI_BASE_URL', key: 'OPENAI_API_KEY' }, async (script, options) => {
    const server = await OpenAiFakeServer.start({ ...(script ? { script } : {}), ...options });
    return { baseUrl: server.baseUrl, close: () => server.close() };
  }),
  elevenlabs: kind(elevenLabsScriptSchema, { baseUrl: 'ELEVENLABS_BASE_URL', key: 'ELEVENLABS_API_KEY' }, async (script, options) => {
    const server = await ElevenLabsFakeServer.start({ ...(script ? { script } : {}), ...options });
    return { baseUrl: server.url, close: () => server.close() };
  }),
} as const satisfies Record<string, FakeServerKind>;

/** A provider with a fake server. */
export type FakeServerName = keyof typeof FAKE_SERVERS;
