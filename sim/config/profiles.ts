import { fixed, lognormalP50P95, type Distribution } from '../distribution.js';
import type { LlmSpec, SttSpec, TtsSpec } from './model.js';

/**
 * Named simulated-provider profiles, so a scenario can say which kind of stack it models.
 * Figures come from design.md "Reference figures": provider latency priors from the project
 * seeds (STT 100–350 ms, LLM TTFT 150–400 ms with Groq at 50–100 ms, TTS TTFB 40–200 ms) and
 * Pipecat's P99 time-to-final-transcript priors (Deepgram 0.35 s, OpenAI 2.01 s). They are
 * models of a kind of provider, not measurements of a product.
 */
export interface Profile<T> {
  readonly spec: T;
  /** Where the numbers come from. */
  readonly source: string;
}

const ms = (p50: number, p95: number): Distribution => lognormalP50P95(p50, p95);

export const STT_PROFILES: Readonly<Record<string, Profile<SttSpec>>> = {
  'fast-stt': {
    source: 'Deepgram-like streaming STT: final 100–350 ms after speech (seed prior), P99 ≈ 350 ms (Pipecat Deepgram prior); interims every ~250 ms.',
    spec: {
      profile: 'fast-stt',
      partialIntervalMs: { kind: 'uniform', min: 200, max: 300 },
      partialLagMs: ms(150, 250),
      finalLatencyMs: ms(180, 320),
      wordErrorRate: 0,
      turnEvents: false,
      endOfTurnMs: ms(400, 700),
      transcribeAboveDb: -35,
    },
  },
  'flux-like': {
    source: 'Deepgram Flux-like STT with turn events: same latencies as fast-stt; EndOfTurn after ~400 ms of silence on complete text.',
    spec: {
      profile: 'flux-like',
      partialIntervalMs: { kind: 'uniform', min: 200, max: 300 },
      partialLagMs: ms(150, 250),
      finalLatencyMs: ms(180, 320),
      wordErrorRate: 0,
      turnEvents: true,
      endOfTurnMs: ms(400, 700),
      transcribeAboveDb: -35,
    },
  },
  'slow-stt': {
    source: 'OpenAI-like batch-ish STT: P99 time-to-final ≈ 2.01 s (Pipecat OpenAI prior); median ≈ 0.9 s.',
    spec: {
      profile: 'slow-stt',
      partialIntervalMs: { kind: 'uniform', min: 400, max: 600 },
      partialLagMs: ms(500, 900),
      finalLatencyMs: ms(900, 1700),
      wordErrorRate: 0,
      turnEvents: false,
      endOfTurnMs: ms(400, 700),
      transcribeAboveDb: -35,
    },
  },
};

export const LLM_PROFILES: Readonly<Record<string, Profile<LlmSpec>>> = {
  'gpt-4o-mini-like': {
    source: 'A small hosted model: TTFT within the 150–400 ms seed prior (median 300 ms, p95 450 ms); ~80 tokens/s.',
    spec: { profile: 'gpt-4o-mini-like', timeToFirstTokenMs: ms(300, 450), tokensPerSecond: fixed(80), stall: undefined, errorRate: 0, failRequests: [] },
  },
  'gpt-4o-like': {
    source: 'A large hosted model: TTFT at the slow end of the 150–400 ms seed prior and beyond (median 400 ms, p95 700 ms); ~50 tokens/s.',
    spec: { profile: 'gpt-4o-like', timeToFirstTokenMs: ms(400, 700), tokensPerSecond: fixed(50), stall: undefined, errorRate: 0, failRequests: [] },
  },
  'groq-like': {
    source: 'A fast-inference host: TTFT 50–100 ms (Groq seed prior); ~250 tokens/s.',
    spec: { profile: 'groq-like', timeToFirstTokenMs: ms(70, 100), tokensPerSecond: fixed(250), stall: undefined, errorRate: 0, failRequests: [] },
  },
};

export const TTS_PROFILES: Readonly<Record<string, Profile<TtsSpec>>> = {
  'flash-like': {
    source: 'ElevenLabs Flash-like streaming TTS: TTFB at the fast end of the 40–200 ms seed prior (median 90 ms, p95 150 ms); character alignment.',
    spec: {
      profile: 'flash-like',
      timeToFirstByteMs: ms(90, 150),
      charsPerSecond: 15,
      chunkMs: 200,
      realtimeFactor: 4,
      alignment: true,
      levelDb: -20,
      errorRate: 0,
      failRequests: [],
      clearAckMs: fixed(20),
    },
  },
  'aura-like': {
    source: 'Deepgram Aura-like websocket TTS: TTFB in the middle of the 40–200 ms seed prior (median 150 ms, p95 220 ms); no alignment.',
    spec: {
      profile: 'aura-like',
      timeToFirstByteMs: ms(150, 220),
      charsPerSecond: 15,
      chunkMs: 200,
      realtimeFactor: 3,
      alignment: false,
      levelDb: -20,
      errorRate: 0,
      failRequests: [],
      clearAckMs: fixed(30),
    },
  },
};
