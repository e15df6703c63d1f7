import type { CallAnalysis, OverlapReport, TurnReport } from '../assert/analysis.js';
import { PRESETS } from '../config/presets.js';
import type { Expectation, SourceRef } from '../scenario/model.js';
import type { CallResult } from '../world/call.js';
import { scenario } from './scenarios.js';

/**
 * Hand-built call results and analyses, for testing the expectations' verdicts and messages
 * without running a call. Everything is empty unless given.
 */
export function callResult(overrides: Partial<CallResult> = {}): CallResult {
  return {
    scenario: scenario({ user: [] }),
    config: PRESETS.default!,
    seed: 1,
    events: [],
    sounds: [],
    falseAlarms: [],
    actions: [],
    unrun: [],
    endMs: 10_000,
    endReason: 'script_done',
    ...overrides,
  };
}

export function analysis(overrides: Partial<CallAnalysis> = {}): CallAnalysis {
  return {
    userTurns: [],
    speeches: [],
    turns: [],
    overlaps: [],
    takeovers: [],
    longestOverlapMs: 0,
    agentHeard: [],
    failedTurns: [],
    ...overrides,
  };
}

/** A turn report; latencies null unless given. */
export function turnReport(index: number, fields: Partial<TurnReport> = {}): TurnReport {
  return {
    index,
    userSpeechEndMs: null,
    endpointMs: 0,
    endpointReason: 'semantic',
    llmFirstTokenMs: null,
    ttsFirstByteMs: null,
    agentAudioStartMs: null,
    voiceToVoiceMs: null,
    eouDelayMs: null,
    interrupted: false,
    ...fields,
  };
}

/** An overlap on agent utterance 1 that the agent never noticed, unless told otherwise. */
export function overlapReport(fields: Partial<OverlapReport> & Pick<OverlapReport, 'atMs' | 'kind'>): OverlapReport {
  return {
    decision: 'none',
    classifiedAs: null,
    decidedAtMs: null,
    alongside: [],
    stopLatencyMs: null,
    pauseMs: null,
    speech: 1,
    text: '',
    line: null,
    ...fields,
  };
}

/** An expectation without its source position. */
export type UnplacedExpectation = Expectation extends infer E ? (E extends unknown ? Omit<E, 'source'> : never) : never;

/** Places an expectation on line `line` of the scenario file. */
export function onLine(line: number, expectation: UnplacedExpectation): Expectation {
  const source: SourceRef = { line, column: 3 };
  return { ...expectation, source } as Expectation;
}
