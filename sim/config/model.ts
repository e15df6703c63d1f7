import type { EndpointerOptions } from '../../core/endpointer/endpointer.js';
import type { AudioInputEchoOptions } from '../../core/input/audio-input.js';
import type { InterruptionOptions } from '../../core/interruption/policy.js';
import type { SentenceBufferOptions } from '../../core/text/sentence-buffer.js';
import type { RealProvidersSpec } from '../../providers/real-providers.js';
import type { Distribution } from '../distribution.js';

/**
 * The voice-activity detector: the core hysteresis settings, and how the symbolic world's
 * simulated sensor behaves (it turns sounds at the microphone into speech start/end decisions).
 */
export interface VadSpec {
  /** The frame VAD of the acoustic world (the symbolic world simulates one from the fields below). */
  readonly model: 'silero' | 'energy';
  readonly activationThreshold: number;
  readonly minSpeechMs: number;
  readonly minSilenceMs: number;
  readonly prefixPaddingMs: number;
  /** The quietest sound (dBFS) the detector takes for speech. */
  readonly sensitivityDb: number;
  /** Decision delay beyond min speech / min silence (framing and inference). */
  readonly detectionLatencyMs: Distribution;
  /** Chance that a user utterance goes undetected. */
  readonly missRate: number;
  /** Spurious detections per minute of call. */
  readonly falseAlarmsPerMinute: number;
}

/** A streaming speech-to-text service, as the simulator models it. */
export interface SttSpec {
  /** The profile the spec came from (for reports). */
  readonly profile: string;
  /** Time between interim results while speech goes on. */
  readonly partialIntervalMs: Distribution;
  /** How far interim results lag behind the audio. */
  readonly partialLagMs: Distribution;
  /** From the end of speech to the final result. */
  readonly finalLatencyMs: Distribution;
  /** Fraction of words recognised wrongly (substituted or dropped). */
  readonly wordErrorRate: number;
  /** Flux-like turn events (EagerEndOfTurn, TurnResumed, EndOfTurn). */
  readonly turnEvents: boolean;
  /** Silence after which a turn-event model ends a complete-sounding turn. */
  readonly endOfTurnMs: Distribution;
  /** Sounds quieter than this (dBFS) are not transcribed (e.g. faint echo). */
  readonly transcribeAboveDb: number;
}

/** A streaming chat model, as the simulator models it. */
export interface LlmSpec {
  readonly profile: string;
  readonly timeToFirstTokenMs: Distribution;
  readonly tokensPerSecond: Distribution;
  /** A pause in the middle of the token stream. */
  readonly stall: { readonly probability: number; readonly afterTokens: number; readonly durationMs: Distribution } | undefined;
  /** Requests fail with this probability... */
  readonly errorRate: number;
  /** ...and these requests (1-based) always fail. */
  readonly failRequests: readonly number[];
}

/** A streaming text-to-speech service, as the simulator models it. */
export interface TtsSpec {
  readonly profile: string;
  readonly timeToFirstByteMs: Distribution;
  /** Speaking rate of the synthesized voice. */
  readonly charsPerSecond: number;
  /** Length of each audio chunk. */
  readonly chunkMs: number;
  /** Generation speed after the first byte, in multiples of real time. */
  readonly realtimeFactor: number;
  /** Character alignment with the audio (ElevenLabs gives it; Deepgram Aura does not). */
  readonly alignment: boolean;
  /** Level of the synthesized speech, dBFS. */
  readonly levelDb: number;
  readonly errorRate: number;
  /** These flushes (1-based, over the call) always fail. */
  readonly failRequests: readonly number[];
  readonly clearAckMs: Distribution;
}

/** A fully resolved agent configuration: everything the core exposes, plus the simulated stack. */
export interface AgentConfig {
  /** Preset name or config file it came from. */
  readonly name: string;
  readonly vad: VadSpec;
  readonly endpointer: EndpointerOptions;
  readonly interruption: InterruptionOptions;
  readonly sentenceBuffer: SentenceBufferOptions;
  /** The acoustic echo canceller on the microphone path (acoustic world), or false for none. */
  readonly echoCanceller: AudioInputEchoOptions | false;
  readonly providers: { readonly stt: SttSpec; readonly llm: LlmSpec; readonly tts: TtsSpec };
  /** The real providers `parley run --live` connects to instead of the simulated ones. */
  readonly live: RealProvidersSpec;
}
