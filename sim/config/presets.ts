import { SILENCE_ONLY_ENDPOINTER } from '../../core/endpointer/endpointer.js';
import { DEFAULT_REAL_PROVIDERS } from '../../providers/real-providers.js';
import type { AgentConfig } from './model.js';
import { LLM_PROFILES, STT_PROFILES, TTS_PROFILES } from './profiles.js';

/**
 * The `default` preset: the core's own defaults (semantic endpointer, speculative replies,
 * pause-on-suspicion barge-in handling), with an eager first chunk, on a fast STT, a GPT-4o-mini-like LLM and a Flash-like
 * TTS. VAD figures follow LiveKit's Silero settings, with a 200 ms minimum silence (Pipecat's stop
 * time) because the endpointer, not the VAD, decides when a turn is over.
 */
const DEFAULT: AgentConfig = {
  name: 'default',
  vad: {
    model: 'silero',
    activationThreshold: 0.5,
    minSpeechMs: 50,
    minSilenceMs: 200,
    prefixPaddingMs: 500,
    sensitivityDb: -45,
    detectionLatencyMs: { kind: 'uniform', min: 10, max: 40 },
    missRate: 0,
    falseAlarmsPerMinute: 0,
  },
  endpointer: {},
  interruption: {},
  // Speak the first clause of a long first sentence early: it cuts time to first audio.
  sentenceBuffer: { eagerFirstChunk: true },
  // The canceller's own defaults: echo up to −6 dB and 600 ms, suppressed by 60 dB.
  echoCanceller: {},
  providers: {
    stt: STT_PROFILES['fast-stt']!.spec,
    llm: LLM_PROFILES['gpt-4o-mini-like']!.spec,
    tts: TTS_PROFILES['flash-like']!.spec,
  },
  live: DEFAULT_REAL_PROVIDERS,
};

/** The `silence-only` preset: the common fixed-silence endpointer (500 ms), nothing else changed. */
const SILENCE_ONLY: AgentConfig = {
  ...DEFAULT,
  name: 'silence-only',
  endpointer: SILENCE_ONLY_ENDPOINTER,
};

export const PRESETS: Readonly<Record<string, AgentConfig>> = {
  default: DEFAULT,
  'silence-only': SILENCE_ONLY,
};

