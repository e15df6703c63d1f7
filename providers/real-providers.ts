/**
 * The real providers an agent config names for live mode, built in one place: each role's
 * failover chain of adapters, with keys and base URLs from the environment, timeouts, and
 * (when asked) a cassette recorder on every adapter's transport seam.
 *
 * @module
 */
import type { Clock } from '../core/clock/clock.js';
import type { Trace } from '../core/trace/trace.js';
import { CassetteRecorder } from './cassette/recorder.js';
import type { CassetteRole } from './cassette/format.js';
import { DEEPGRAM_ENV } from './deepgram/client.js';
import { DeepgramFluxStt, DeepgramStt } from './deepgram/stt.js';
import { DeepgramAuraTts } from './deepgram/tts.js';
import { ELEVENLABS_ENV, type ElevenLabsPcmRate } from './elevenlabs/client.js';
import { ElevenLabsHttpTts } from './elevenlabs/http-tts.js';
import { ElevenLabsWsTts } from './elevenlabs/ws-tts.js';
import { FailoverLlm, FailoverStt, FailoverTts } from './failover.js';
import type { LlmProvider } from './llm.js';
import { OPENAI_ENV, OpenAiLlm } from './openai/llm.js';
import type { SttProvider } from './stt.js';
import type { ProviderTimeouts } from './timeouts.js';
import type { TtsProvider } from './tts.js';

/** A real speech-to-text service. */
export type RealSttSpec =
  | {
      readonly provider: 'deepgram';
      readonly api: 'listen.v1';
      readonly model?: string;
      /** Deepgram's own silence endpointing, or false. */
      readonly endpointingMs?: number | false;
      readonly utteranceEndMs?: number | false;
      readonly baseUrl?: string;
      /** This provider's own time limits, over the spec's. */
      readonly timeouts?: ProviderTimeouts;
    }
  | {
      readonly provider: 'deepgram';
      readonly api: 'flux';
      readonly model?: string;
      readonly eagerEotThreshold?: number;
      readonly eotThreshold?: number;
      readonly eotTimeoutMs?: number;
      readonly baseUrl?: string;
      readonly timeouts?: ProviderTimeouts;
    };

/** A real chat model. */
export interface RealLlmSpec {
  readonly provider: 'openai';
  readonly model?: string;
  readonly maxTokens?: number;
  readonly temperature?: number;
  readonly baseUrl?: string;
  readonly timeouts?: ProviderTimeouts;
}

/** A real text-to-speech service. */
export type RealTtsSpec =
  | {
      readonly provider: 'elevenlabs';
      /** The stream-input websocket, or HTTP streaming through the SDK. */
      readonly transport: 'websocket' | 'http';
      readonly voiceId?: string;
      readonly modelId?: string;
      readonly baseUrl?: string;
      readonly timeouts?: ProviderTimeouts;
    }
  | { readonly provider: 'deepgram'; readonly model?: string; readonly baseUrl?: string; readonly timeouts?: ProviderTimeouts };

/** The real providers of live mode: a failover chain per role (usually of one). */
export interface RealProvidersSpec {
  readonly stt: readonly RealSttSpec[];
  readonly llm: readonly RealLlmSpec[];
  readonly tts: readonly RealTtsSpec[];
  /** Consecutive failures after which a chain moves to its next provider. */
  readonly failuresBeforeSwitch: number;
  /** Time limits of every adapter (connect, first byte or token, stall), unless it has its own. */
  readonly timeouts: ProviderTimeouts;
}

/** Live mode's defaults: Deepgram nova-3, OpenAI gpt-4o-mini, ElevenLabs over its websocket. */
export const DEFAULT_REAL_PROVIDERS: RealProvidersSpec = {
  stt: [{ provider: 'deepgram', api: 'listen.v1', model: 'nova-3' }],
  llm: [{ provider: 'openai', model: 'gpt-4o-mini' }],
  tts: [{ provider: 'elevenlabs', transport: 'websocket' }],
  failuresBeforeSwitch: 1,
  timeouts: { connectMs: 5000, firstByteMs: 5000, stallMs: 5000 },
};

type Env = Readonly<Record<string, string | undefined>>;

/** What building the real providers needs. */
export interface RealProvidersOptions {
  /** The session's clock (the wall clock live; timestamps and timeouts use it). */
  readonly clock: Clock;
  /** Where failover events go. */
  readonly trace?: Trace;
  /** Keys and base URLs are read from here (never from anywhere else). */
  readonly env: Env;
  /** The pipeline's rate: STT audio in, TTS audio out. */
  readonly sampleRate: ElevenLabsPcmRate;
  /** Record every connection and request into one cassette per role. */
  readonly record?: boolean;
}

/** The providers of a live session, and their recorders when recording. */
export interface RealProviders {
  readonly stt: SttProvider;
  readonly llm: LlmProvider;
  readonly tts: TtsProvider;
  /** One per role when recording, else empty. */
  readonly recorders: readonly CassetteRecorder[];
}

/** The environment variable holding each provider's key. */
const KEY_VARIABLE = { deepgram: DEEPGRAM_ENV.key, openai: OPENAI_ENV.key, elevenlabs: ELEVENLABS_ENV.key } as const;

/** A key live mode needs and does not have. */
export interface MissingKey {
  readonly variable: string;
  /** The roles of the providers that need it, e.g. `stt (deepgram)`. */
  readonly neededBy: readonly string[];
}

/** The key variables `spec` needs that `env` lacks (empty or blank counts as missing), in a stable order. */
export function missingKeys(spec: RealProvidersSpec, env: Env): MissingKey[] {
  const needs = new Map<string, string[]>();
  const need = (role: CassetteRole, provider: keyof typeof KEY_VARIABLE): void => {
    const variable = KEY_VARIABLE[provider];
    if ((env[variable] ?? '').trim() !== '') return;
    const roles = needs.get(variable) ?? [];
    const label = `${role} (${provider})`;
    if (!roles.includes(label)) roles.push(label);
    needs.set(variable, roles);
  };
  for (const s of spec.stt) need('stt', s.provider);
  for (const s of spec.llm) need('llm', s.provider);
  for (const s of spec.tts) need('tts', s.provider);
  return [...needs].map(([variable, neededBy]) => ({ variable, neededBy }));
}

/**
 * Builds the adapters `spec` names, each role as a failover chain (a chain of one is the adapter
 * itself). Keys and base URLs come from `options.env`: a base URL in the spec wins over the
 * `*_BASE_URL` variable. Retries and reconnects stay off. Nothing connects until the session does.
 */
export function realProviders(spec: RealProvidersSpec, options: RealProvidersOptions): RealProviders {
  const { clock, env, sampleRate } = options;
  const recorders = new Map<CassetteRole, CassetteRecorder>();
  const recorder = (role: CassetteRole, provider: string): CassetteRecorder | undefined => {
    if (!options.record) return undefined;
    const secrets = Object.values(KEY_VARIABLE).flatMap((variable) => (env[variable] ? [env[variable]] : []));
    const made = new CassetteRecorder({ role, provider, clock, secrets });
    recorders.set(role, made);
    return made;
  };
  const common = (own: { readonly timeouts?: ProviderTimeouts }) => ({ clock, env, timeouts: { ...spec.timeouts, ...own.timeouts } });
  const chainName = (names: readonly string[]): string => names.join('>');
  /** Names as given, numbered where a chain holds the same one twice (`openai#1>openai#2`). */
  const distinct = (names: readonly string[]): string[] => names.map((n, i) => (names.filter((m) => m === n).length > 1 ? `${n}#${i + 1}` : n));

  const sttNames = distinct(spec.stt.map((s) => (s.api === 'flux' ? 'deepgram-flux' : 'deepgram')));
  const sttRecorder = recorder('stt', chainName(sttNames));
  const stts: SttProvider[] = spec.stt.map((s, i) => {
    const base = {
      ...common(s),
      name: sttNames[i]!,
      sampleRate,
      ...(s.model !== undefined ? { model: s.model } : {}),
      ...(s.baseUrl !== undefined ? { baseUrl: s.baseUrl } : {}),
      ...(sttRecorder ? { transportFactory: sttRecorder.deepgramTransportFactory() } : {}),
    };
    if (s.api === 'flux') {
      return new DeepgramFluxStt({
        ...base,
        ...(s.eagerEotThreshold !== undefined ? { eagerEotThreshold: s.eagerEotThreshold } : {}),
        ...(s.eotThreshold !== undefined ? { eotThreshold: s.eotThreshold } : {}),
        ...(s.eotTimeoutMs !== undefined ? { eotTimeoutMs: s.eotTimeoutMs } : {}),
      });
    }
    return new DeepgramStt({
      ...base,
      ...(s.endpointingMs !== undefined ? { endpointingMs: s.endpointingMs } : {}),
      ...(s.utteranceEndMs !== undefined ? { utteranceEndMs: s.utteranceEndMs } : {}),
    });
  });

  const llmNames = distinct(spec.llm.map(() => 'openai'));
  const llmRecorder = recorder('llm', chainName(llmNames));
  const llms: LlmProvider[] = spec.llm.map(
    (s, i) =>
      new OpenAiLlm({
        ...common(s),
        name: llmNames[i]!,
        maxRetries: 0,
        ...(s.model !== undefined ? { model: s.model } : {}),
        ...(s.maxTokens !== undefined ? { maxTokens: s.maxTokens } : {}),
        ...(s.temperature !== undefined ? { temperature: s.temperature } : {}),
        ...(s.baseUrl !== undefined ? { baseUrl: s.baseUrl } : {}),
        ...(llmRecorder ? { fetch: llmRecorder.fetch() } : {}),
      }),
  );

  const ttsNames = distinct(spec.tts.map((s) => (s.provider === 'deepgram' ? 'deepgram-aura' : `elevenlabs-${s.transport === 'http' ? 'http' : 'ws'}`)));
  const ttsRecorder = recorder('tts', chainName(ttsNames));
  const ttss: TtsProvider[] = spec.tts.map((s, i) => {
    const base = { ...common(s), name: ttsNames[i]!, sampleRate, ...(s.baseUrl !== undefined ? { baseUrl: s.baseUrl } : {}) };
    if (s.provider === 'deepgram') {
      return new DeepgramAuraTts({
        ...base,
        ...(s.model !== undefined ? { model: s.model } : {}),
        ...(ttsRecorder ? { transportFactory: ttsRecorder.deepgramTransportFactory() } : {}),
      });
    }
    const voice = { ...(s.voiceId !== undefined ? { voiceId: s.voiceId } : {}), ...(s.modelId !== undefined ? { modelId: s.modelId } : {}) };
    if (s.transport === 'http') {
      return new ElevenLabsHttpTts({ ...base, ...voice, maxRetries: 0, ...(ttsRecorder ? { fetch: ttsRecorder.fetch() } : {}) });
    }
    return new ElevenLabsWsTts({ ...base, ...voice, ...(ttsRecorder ? { webSocketFactory: ttsRecorder.webSocketFactory() } : {}) });
  });

  const failover = { failuresBeforeSwitch: spec.failuresBeforeSwitch, ...(options.trace ? { trace: options.trace } : {}) };
  return {
    stt: stts.length === 1 ? stts[0]! : new FailoverStt(stts, failover),
    llm: llms.length === 1 ? llms[0]! : new FailoverLlm(llms, failover),
    tts: ttss.length === 1 ? ttss[0]! : new FailoverTts(ttss, failover),
    recorders: [...recorders.values()],
  };
}
