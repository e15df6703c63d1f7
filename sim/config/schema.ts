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
  return defined({ maxDelayMs: e.max_delay, maxEchoGainDb: e.max_echo_gain, suppressionDb: e.suppression, doubleTalkMarginDb: e.double_talk_margin });
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
