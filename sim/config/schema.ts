import * as z from 'zod';
import { SILENCE_ONLY_ENDPOINTER, type EndpointerOptions } from '../../core/endpointer/endpointer.js';
import type { AudioInputEchoOptions } from '../../core/input/audio-input.js';
import type { InterruptionOptions } from '../../core/interruption/policy.js';
import type { SentenceBufferOptions } from '../../core/text/sentence-buffer.js';
import {
  decibelSchema,
  distributionSchema,
  durationSchema,
  expecting,
  percentSchema,
  perMinuteSchema,
} from '../load/index.js';
import type { ProviderTimeouts } from '../../providers/timeouts.js';
import type { RealLlmSpec, RealProvidersSpec, RealSttSpec, RealTtsSpec } from '../../providers/real-providers.js';
import type { LlmSpec, SttSpec, TtsSpec, VadSpec } from './model.js';
import { LLM_PROFILES, STT_PROFILES, TTS_PROFILES } from './profiles.js';

const durations = distributionSchema(durationSchema);
const count = z.number().int().min(0);
const positiveNumber = z.number().positive();
const requestNumbers = z.array(z.number().int().min(1)).describe('1-based numbers of the requests that fail');

/** A profile name (string) from a fixed set. */
function profileName(names: readonly string[], what: string) {
  return expecting(z.enum(names as [string, ...string[]]), `the name of a ${what} profile (${names.join(', ')})`);
}

const sttFields = z.strictObject({
  profile: profileName(Object.keys(STT_PROFILES), 'STT').optional(),
  partial_interval: durations.optional().describe('time between interim results'),
  partial_lag: durations.optional().describe('how far interim results lag the audio'),
  final_latency: durations.optional().describe('from the end of speech to the final result'),
  word_error_rate: percentSchema.optional(),
  turn_events: z.boolean().optional().describe('Flux-like EagerEndOfTurn / TurnResumed / EndOfTurn events'),
  end_of_turn: durations.optional().describe('silence after which the turn-event model ends a complete turn'),
  transcribe_above: decibelSchema.optional().describe('quieter sounds are not transcribed'),
});

const llmFields = z.strictObject({
  profile: profileName(Object.keys(LLM_PROFILES), 'LLM').optional(),
  ttft: durations.optional().describe('time to first token'),
  tokens_per_second: distributionSchema(positiveNumber).optional(),
  stall: z
    .strictObject({
      after_tokens: count,
      duration: durations,
      probability: percentSchema.optional().describe('chance that a request stalls; default 100%'),
    })
    .optional(),
  error_rate: percentSchema.optional(),
  fail_requests: requestNumbers.optional(),
});

const ttsFields = z.strictObject({
  profile: profileName(Object.keys(TTS_PROFILES), 'TTS').optional(),
  ttfb: durations.optional().describe('time to first byte'),
  chars_per_second: positiveNumber.optional().describe('speaking rate of the voice'),
  chunk: durationSchema.optional().describe('length of each audio chunk'),
  realtime_factor: positiveNumber.optional(),
  alignment: z.boolean().optional(),
  level: decibelSchema.optional(),
  error_rate: percentSchema.optional(),
  fail_requests: requestNumbers.optional(),
  clear_ack: durations.optional(),
});

/** A provider written as a profile name or as fields on top of the configured (or named) profile. */
function provider<T extends z.ZodType>(names: readonly string[], what: string, fields: T) {
  return z.union([profileName(names, what), fields]);
}

export const sttProviderSchema = provider(Object.keys(STT_PROFILES), 'STT', sttFields);
export const llmProviderSchema = provider(Object.keys(LLM_PROFILES), 'LLM', llmFields);
export const ttsProviderSchema = provider(Object.keys(TTS_PROFILES), 'TTS', ttsFields);

/** The `providers:` section, in a config file or a scenario. */
export const providersSchema = z.strictObject({
  stt: sttProviderSchema.optional(),
  llm: llmProviderSchema.optional(),
  tts: ttsProviderSchema.optional(),
});

const vadFields = z.strictObject({
  model: z.enum(['silero', 'energy']).optional().describe('the frame VAD of acoustic scenarios: Silero (default) or the energy detector'),
  threshold: z.number().gt(0).max(1).optional().describe('activation threshold of the speech probability'),
  min_speech: durationSchema.optional(),
  min_silence: durationSchema.optional(),
  prefix_padding: durationSchema.optional(),
  sensitivity: decibelSchema.optional().describe('the quietest sound taken for speech (symbolic world)'),
  detection_latency: durations.optional().describe('decision delay beyond min speech / min silence (symbolic world)'),
  miss_rate: percentSchema.optional(),
  false_alarms: perMinuteSchema.optional(),
});

const endpointerFields = z.strictObject({
  mode: z.enum(['semantic', 'silence']).optional(),
  min_delay: durationSchema.optional().describe('wait after a complete-sounding turn'),
  silence: durationSchema.optional().describe('wait when the text gives no sign (the only wait in silence mode)'),
  max_delay: durationSchema.optional().describe('wait after an incomplete-sounding turn'),
  eager: z.union([durationSchema, z.literal(false)]).optional().describe('silence before a speculative reply, or false'),
  final_timeout: durationSchema.optional(),
  provider_signals: z.boolean().optional(),
});

const interruptionFields = z.strictObject({
  min_duration: durationSchema.optional(),
  min_words: count.optional(),
  backchannels: z.array(z.string()).optional(),
  backchannel_max: durationSchema.optional(),
  pause_on_suspicion: z.boolean().optional(),
  words_timeout: durationSchema.optional(),
  echo_max_gain: z.union([decibelSchema, z.null()]).optional().describe('echo detection threshold; null turns it off'),
});

const echoCancellerFields = z.union([
  z.literal(false),
  z.strictObject({
    min_delay: durationSchema.optional().describe('shortest echo delay searched for (default 48ms)'),
    max_delay: durationSchema.optional().describe('longest echo delay searched for (default 600ms)'),
    max_echo_gain: decibelSchema.optional().describe('the loudest echo expected relative to the agent\'s audio (default -6dB)'),
    suppression: decibelSchema.optional().describe('how far blocks of echo alone are turned down (default 60dB)'),
    double_talk_margin: decibelSchema.optional().describe('how much louder than the expected echo the caller must be to be let through (default 3dB)'),
  }),
]);

const sentenceBufferFields = z.strictObject({
  eager_first_chunk: z.boolean().optional(),
  eager_min_words: z.number().int().min(1).optional(),
  min_chunk_chars: count.optional(),
});

const baseUrl = z.url({ protocol: /^(https?|wss?)$/ }).describe('where the provider is (a proxy or a fake); default: the *_BASE_URL variable, then the public API');

const timeoutFields = z
  .strictObject({
    connect: durationSchema.optional(),
    first_byte: durationSchema.optional().describe('from a request to its first token or audio'),
    stall: durationSchema.optional().describe('longest gap inside a response, or while audio flows to the STT'),
  })
  .describe('time limits; a provider\'s own replace the section\'s');

/**
 * Rejects the keys of `object` that belong to another variant of the entry (e.g. a Flux setting on
 * listen.v1), at the key, saying which variant they need.
 */
function onlyWith(object: Record<string, unknown>, keys: readonly string[], applies: boolean, needs: string, ctx: z.RefinementCtx): void {
  if (applies) return;
  for (const key of keys) {
    if (object[key] !== undefined) ctx.addIssue({ code: 'custom', path: [key], message: `${key} is a setting of ${needs}` });
  }
}

const liveSttFields = z
  .strictObject({
    provider: z.literal('deepgram'),
    api: z.enum(['listen.v1', 'flux']).optional().describe('listen.v1 (default: interim results, endpointing, utterance end) or flux (listen v2, turn events)'),
    model: z.string().min(1).optional().describe('default nova-3 (flux: flux-general-en)'),
    endpointing: z.union([durationSchema, z.literal(false)]).optional().describe("listen.v1: Deepgram's silence endpointing (default 300ms), or false"),
    utterance_end: z.union([durationSchema, z.literal(false)]).optional().describe('listen.v1: UtteranceEnd after this gap between words (default 1000ms), or false'),
    eager_eot_threshold: z.number().gt(0).max(1).optional().describe('flux'),
    eot_threshold: z.number().gt(0).max(1).optional().describe('flux'),
    eot_timeout: durationSchema.optional().describe('flux'),
    base_url: baseUrl.optional(),
    timeouts: timeoutFields.optional(),
  })
  .superRefine((s, ctx) => {
    onlyWith(s, ['eager_eot_threshold', 'eot_threshold', 'eot_timeout'], s.api === 'flux', 'Flux (api: flux)', ctx);
    onlyWith(s, ['endpointing', 'utterance_end'], s.api !== 'flux', 'listen.v1, not Flux', ctx);
  });

const liveLlmFields = z.strictObject({
  provider: z.literal('openai'),
  model: z.string().min(1).optional().describe('default gpt-4o-mini'),
  max_tokens: z.number().int().min(1).optional(),
  temperature: z.number().min(0).max(2).optional(),
  base_url: baseUrl.optional(),
  timeouts: timeoutFields.optional(),
});

const liveTtsFields = z
  .strictObject({
    provider: z.enum(['elevenlabs', 'deepgram']).describe('ElevenLabs, or Deepgram Aura'),
    transport: z.enum(['websocket', 'http']).optional().describe('elevenlabs: the stream-input websocket (default) or HTTP streaming'),
    voice_id: z.string().min(1).optional().describe('elevenlabs'),
    model_id: z.string().min(1).optional().describe('elevenlabs: default eleven_flash_v2_5'),
    model: z.string().min(1).optional().describe('deepgram: an Aura voice, default aura-2-thalia-en'),
    base_url: baseUrl.optional(),
    timeouts: timeoutFields.optional(),
  })
  .superRefine((s, ctx) => {
    onlyWith(s, ['transport', 'voice_id', 'model_id'], s.provider === 'elevenlabs', 'ElevenLabs (provider: elevenlabs)', ctx);
    onlyWith(s, ['model'], s.provider === 'deepgram', 'Deepgram Aura (provider: deepgram); ElevenLabs takes model_id', ctx);
  });

/** One provider, or a failover chain of them (used in order, moving on after failures). */
function chain<T extends z.ZodType>(fields: T) {
  return z.union([fields, z.array(fields).min(1)]);
}

/** The `live:` section: the real providers `parley run --live` uses. */
export const liveSchema = z.strictObject({
  stt: chain(liveSttFields).optional(),
  llm: chain(liveLlmFields).optional(),
  tts: chain(liveTtsFields).optional(),
  failover_after: z.number().int().min(1).optional().describe('consecutive failures after which a chain moves to its next provider (default 1)'),
  timeouts: timeoutFields.optional(),
});

/** An agent configuration file. */
export const configFileSchema = z.strictObject({
  $schema: z.string().optional(),
  extends: z.string().optional().describe('the preset this file changes (default: default)'),
  vad: vadFields.optional(),
  endpointer: endpointerFields.optional(),
  interruption: interruptionFields.optional(),
  sentence_buffer: sentenceBufferFields.optional(),
  echo_canceller: echoCancellerFields.optional().describe('the echo canceller of acoustic scenarios, or false for none'),
  providers: providersSchema.optional(),
  live: liveSchema.optional().describe('the real providers of live mode (parley run --live)'),
});

export type ConfigFile = z.output<typeof configFileSchema>;
export type ProvidersInput = z.output<typeof providersSchema>;

// ——— From file fields to the model ———

/** Drops undefined fields, so spreading an override never erases a default. */
function defined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}

export function echoCancellerOverride(e: z.output<typeof echoCancellerFields>): AudioInputEchoOptions | false {
  if (e === false) return false;
  return defined({ minDelayMs: e.min_delay, maxDelayMs: e.max_delay, maxEchoGainDb: e.max_echo_gain, suppressionDb: e.suppression, doubleTalkMarginDb: e.double_talk_margin });
}

export function vadOverride(v: z.output<typeof vadFields>): Partial<VadSpec> {
  return defined({
    model: v.model,
    activationThreshold: v.threshold,
    minSpeechMs: v.min_speech,
    minSilenceMs: v.min_silence,
    prefixPaddingMs: v.prefix_padding,
    sensitivityDb: v.sensitivity,
    detectionLatencyMs: v.detection_latency,
    missRate: v.miss_rate,
    falseAlarmsPerMinute: v.false_alarms,
  });
}

export function endpointerOverride(e: z.output<typeof endpointerFields>): EndpointerOptions {
  const base = e.mode === 'silence' ? SILENCE_ONLY_ENDPOINTER : {};
  return {
    ...base,
    ...defined({
      mode: e.mode,
      minDelayMs: e.min_delay,
      silenceMs: e.silence,
      maxDelayMs: e.max_delay,
      eagerDelayMs: e.eager,
      finalTimeoutMs: e.final_timeout,
      providerSignals: e.provider_signals,
    }),
  };
}

export function interruptionOverride(i: z.output<typeof interruptionFields>): InterruptionOptions {
  return defined({
    minDurationMs: i.min_duration,
    minWords: i.min_words,
    backchannels: i.backchannels,
    backchannelMaxMs: i.backchannel_max,
    pauseOnSuspicion: i.pause_on_suspicion,
    wordsTimeoutMs: i.words_timeout,
    echoMaxGainDb: i.echo_max_gain,
  });
}

/** The real providers of a config file's `live:` section, on top of `base`. */
export function liveOverride(base: RealProvidersSpec, l: z.output<typeof liveSchema>): RealProvidersSpec {
  const timeouts = (t: z.output<typeof timeoutFields> | undefined): ProviderTimeouts => (t === undefined ? {} : defined({ connectMs: t.connect, firstByteMs: t.first_byte, stallMs: t.stall }));
  const own = (t: z.output<typeof timeoutFields> | undefined): { timeouts?: ProviderTimeouts } => (t === undefined ? {} : { timeouts: timeouts(t) });
  const list = <T>(value: T | readonly T[] | undefined): readonly T[] | undefined => (value === undefined ? undefined : Array.isArray(value) ? value : [value as T]);
  const stt = list(l.stt)?.map((s): RealSttSpec =>
    s.api === 'flux'
      ? { provider: 'deepgram', api: 'flux', ...defined({ model: s.model, eagerEotThreshold: s.eager_eot_threshold, eotThreshold: s.eot_threshold, eotTimeoutMs: s.eot_timeout, baseUrl: s.base_url }), ...own(s.timeouts) }
      : { provider: 'deepgram', api: 'listen.v1', ...defined({ model: s.model, endpointingMs: s.endpointing, utteranceEndMs: s.utterance_end, baseUrl: s.base_url }), ...own(s.timeouts) },
  );
  const llm = list(l.llm)?.map((s): RealLlmSpec => ({ provider: 'openai', ...defined({ model: s.model, maxTokens: s.max_tokens, temperature: s.temperature, baseUrl: s.base_url }), ...own(s.timeouts) }));
  const tts = list(l.tts)?.map((s): RealTtsSpec =>
    s.provider === 'deepgram'
      ? { provider: 'deepgram', ...defined({ model: s.model, baseUrl: s.base_url }), ...own(s.timeouts) }
      : { provider: 'elevenlabs', transport: s.transport ?? 'websocket', ...defined({ voiceId: s.voice_id, modelId: s.model_id, baseUrl: s.base_url }), ...own(s.timeouts) },
  );
  return {
    stt: stt ?? base.stt,
    llm: llm ?? base.llm,
    tts: tts ?? base.tts,
    failuresBeforeSwitch: l.failover_after ?? base.failuresBeforeSwitch,
    timeouts: { ...base.timeouts, ...timeouts(l.timeouts) },
  };
}

export function sentenceBufferOverride(b: z.output<typeof sentenceBufferFields>): SentenceBufferOptions {
  return defined({ eagerFirstChunk: b.eager_first_chunk, eagerMinWords: b.eager_min_words, minChunkChars: b.min_chunk_chars });
}

type Override<T> = Partial<T> & { profile?: string };

export function sttOverride(s: z.output<typeof sttProviderSchema>): Override<SttSpec> {
  if (typeof s === 'string') return { profile: s };
  return defined({
    profile: s.profile,
    partialIntervalMs: s.partial_interval,
    partialLagMs: s.partial_lag,
    finalLatencyMs: s.final_latency,
    wordErrorRate: s.word_error_rate,
    turnEvents: s.turn_events,
    endOfTurnMs: s.end_of_turn,
    transcribeAboveDb: s.transcribe_above,
  });
}

export function llmOverride(l: z.output<typeof llmProviderSchema>): Override<LlmSpec> {
  if (typeof l === 'string') return { profile: l };
  return defined({
    profile: l.profile,
    timeToFirstTokenMs: l.ttft,
    tokensPerSecond: l.tokens_per_second,
    stall: l.stall ? { afterTokens: l.stall.after_tokens, durationMs: l.stall.duration, probability: l.stall.probability ?? 1 } : undefined,
    errorRate: l.error_rate,
    failRequests: l.fail_requests,
  });
}

export function ttsOverride(t: z.output<typeof ttsProviderSchema>): Override<TtsSpec> {
  if (typeof t === 'string') return { profile: t };
  return defined({
    profile: t.profile,
    timeToFirstByteMs: t.ttfb,
    charsPerSecond: t.chars_per_second,
    chunkMs: t.chunk,
    realtimeFactor: t.realtime_factor,
    alignment: t.alignment,
    levelDb: t.level,
    errorRate: t.error_rate,
    failRequests: t.fail_requests,
    clearAckMs: t.clear_ack,
  });
}
