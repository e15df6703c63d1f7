import type { CallResult } from '../world/call.js';
import type { CassetteRef } from '../scenario/model.js';
import { analyseCall, type CallAnalysis, type OverlapReport, type TurnReport } from './analysis.js';
import { evaluate, type AssertionResult } from './expectations.js';
import { summarize, type Summary } from '../../core/metrics/summary.js';

/** The metrics parley gates on, summarised over turns (and over seeds when merged). */
export interface Metrics {
  readonly voiceToVoiceMs: Summary;
  readonly eouDelayMs: Summary;
  readonly bargeInStopMs: Summary;
}

/** The outcome of one scenario run with one seed. */
export interface ScenarioResult {
  readonly name: string;
  readonly file: string;
  readonly category: string;
  readonly seed: number;
  readonly config: string;
  readonly stack: { readonly stt: string; readonly llm: string; readonly tts: string };
  readonly passed: boolean;
  readonly durationMs: number;
  readonly endReason: CallResult['endReason'];
  readonly assertions: readonly AssertionResult[];
  readonly turns: readonly TurnReport[];
  readonly overlaps: readonly OverlapReport[];
  readonly metrics: Metrics;
  /** For an acoustic scenario: how it was heard, and its recording. */
  readonly acoustic?: AcousticRunFacts;
  /** For a live run (`parley run --live`): the real providers, what went wrong with them, and the cassettes. */
  readonly live?: LiveRunFacts;
}

/** What a live run adds to its result. */
export interface LiveRunFacts {
  /** The real providers (or failover chains) by role; also the result's `stack`. */
  readonly providers: { readonly stt: string; readonly llm: string; readonly tts: string };
  /** Every provider error of the call (refusals, disconnects, timeouts), in order. */
  readonly providerErrors: readonly { readonly atMs: number; readonly role: 'stt' | 'llm' | 'tts'; readonly provider: string; readonly message: string }[];
  readonly failovers: readonly { readonly atMs: number; readonly role: 'stt' | 'llm' | 'tts'; readonly from: string; readonly to: string; readonly why: string }[];
  /** The cassettes recorded, by role, relative to the report directory. */
  readonly cassettes: Readonly<Partial<Record<'stt' | 'llm' | 'tts', string>>>;
}

/** What an acoustic run adds to its result. */
export interface AcousticRunFacts {
  readonly vad: 'silero' | 'energy';
  readonly sampleRate: number;
  readonly codec: 'pcm16' | 'mulaw';
  /** The echo path delay the echo canceller found (null: none found). */
  readonly echoPathMs: number | null;
  readonly packetsSent: number;
  readonly packetsLost: number;
  /** The call's stereo recording (caller's microphone left, agent right), relative to the report directory. */
  readonly audio: string;
}

/** Judges a call: analysis, expectations and metrics. */
export function judgeCall(call: CallResult): { result: ScenarioResult; analysis: CallAnalysis } {
  const analysis = analyseCall(call);
  const assertions = evaluate(call, analysis);
  const { providers } = call.config;
  const { cassettes } = call.scenario;
  return {
    analysis,
    result: {
      name: call.scenario.name,
      file: call.scenario.file,
      category: call.scenario.category,
      seed: call.seed,
      config: call.config.name,
      stack: {
        stt: stackName(providers.stt.profile, cassettes?.stt),
        llm: stackName(providers.llm.profile, cassettes?.llm),
        tts: stackName(providers.tts.profile, cassettes?.tts),
      },
      passed: assertions.every((a) => a.passed),
      durationMs: Math.round(call.endMs),
      endReason: call.endReason,
      assertions,
      turns: analysis.turns,
      overlaps: analysis.overlaps,
      metrics: metricsOf([analysis.turns], [analysis.overlaps]),
    },
  };
}

/** A role's simulated profile, or the cassette it was replayed from. */
function stackName(profile: string, cassette: CassetteRef | undefined): string {
  return cassette ? `cassette ${cassette.file}` : profile;
}

/** Metrics over the turns and overlaps of one or more runs. */
export function metricsOf(turns: readonly (readonly TurnReport[])[], overlaps: readonly (readonly OverlapReport[])[]): Metrics {
  const allTurns = turns.flat();
  return {
    voiceToVoiceMs: summarize(allTurns.map((t) => t.voiceToVoiceMs)),
    eouDelayMs: summarize(allTurns.map((t) => t.eouDelayMs)),
    bargeInStopMs: summarize(overlaps.flat().filter((o) => o.kind === 'bargeIn').map((o) => o.stopLatencyMs)),
  };
}
