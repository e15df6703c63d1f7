import { resolveEndpointerConfig } from '../../core/endpointer/endpointer.js';
import type { TraceEvent, TraceEventOf } from '../../core/trace/events.js';
import type { Distribution } from '../distribution.js';
import type { CallResult } from '../world/call.js';
import { judgedWithBargeIn, stoppedForEchoAlone, type CallAnalysis } from './analysis.js';
import { s } from './expectations.js';

/** The turn-taking invariants every call must keep, whatever the scenario. */
export type InvariantName =
  /** 1. Every completed user turn is answered, or the failure is reported in the trace. */
  | 'turn_answered'
  /** 2. No takeover during a hesitation shorter than the endpointer's max delay. */
  | 'no_takeover'
  /** 3. Every real barge-in stops the agent's audio within the budget. */
  | 'barge_in_stops'
  /** 4. Backchannels and echo never stop the agent. */
  | 'no_false_stop'
  /** 5. The session never gets stuck: it gets back to listening within a bound. */
  | 'not_stuck'
  /** 6. Every LLM and TTS request ends, completed or aborted. */
  | 'requests_end'
  /** 7. The same seed gives the same trace (checked by running twice). */
  | 'deterministic';

/** A broken invariant, with where and why. */
export interface Violation {
  readonly invariant: InvariantName;
  readonly atMs: number;
  readonly message: string;
}

/** Bounds the invariants are checked against. */
export interface InvariantOptions {
  /**
   * The agent-side barge-in budget: from the first audio of the interruption reaching the agent
   * to its own audio stopping, plus the worst downlink delay of the call's channel. Default 250 ms.
   */
  readonly bargeInBudgetMs?: number;
  /** Longest time the session may stay out of `listening` without being stuck. Default 30 s. */
  readonly stuckBoundMs?: number;
}

export const DEFAULT_INVARIANT_OPTIONS: Required<InvariantOptions> = { bargeInBudgetMs: 250, stuckBoundMs: 30_000 };

/** Checks invariants 1–6 on one call (7 needs a second run; see `fuzz`). */
export function checkInvariants(call: CallResult, analysis: CallAnalysis, options: InvariantOptions = {}): Violation[] {
  const bounds = { ...DEFAULT_INVARIANT_OPTIONS, ...options };
  return [
    ...turnsAnswered(call, analysis),
    ...noTakeover(call, analysis),
    ...bargeInsStop(call, analysis, bounds.bargeInBudgetMs),
    ...noFalseStops(call, analysis),
    ...notStuck(call, bounds.stuckBoundMs),
    ...requestsEnd(call.events),
  ].sort((a, b) => a.atMs - b.atMs);
}

function turnsAnswered(call: CallResult, analysis: CallAnalysis): Violation[] {
  const reported = call.events.filter((e) => e.type === 'turn.failed' || e.type === 'endpoint.discarded');
  // A call cut off while the agent was still working on a reply: the last turns had no chance.
  const states = call.events.filter((e): e is TraceEventOf<'session.state'> => e.type === 'session.state');
  const last = states.at(-1);
  const cutOffAtMs = call.endReason === 'max_duration' && last !== undefined && last.to !== 'listening'
    ? ([...states].reverse().find((e) => e.to === 'listening')?.t ?? 0)
    : Infinity;
  return analysis.userTurns.flatMap((turn) => {
    if (turn.endMs > cutOffAtMs) return [];
    // A turn the network lost entirely never reached the agent: nothing to answer.
    const reached = call.sounds.some((sound) => sound.startMs >= turn.startMs && sound.startMs < turn.endMs && sound.arrivedMs !== undefined);
    if (!reached) return [];
    const answered = analysis.speeches.some((speech) => speech.turn > 0 && speech.firstAudioMs > turn.endMs);
    const failed = reported.some((e) => e.t > turn.startMs);
    if (answered || failed) return [];
    return [{ invariant: 'turn_answered' as const, atMs: turn.endMs, message: `user turn ${turn.index} ("${turn.text}", ended ${s(turn.endMs)}) was neither answered nor reported as failed` }];
  });
}

function noTakeover(call: CallResult, analysis: CallAnalysis): Violation[] {
  // Lost packets can take the word that made a phrase incomplete: then a short wait is right.
  if (call.scenario.channel.loss) return [];
  const maxDelayMs = resolveEndpointerConfig(call.config.endpointer).maxDelayMs;
  return analysis.takeovers.flatMap((t) => {
    if (t.brief || !t.pause || t.pause.endMs - t.pause.startMs >= maxDelayMs) return [];
    return [{
      invariant: 'no_takeover' as const,
      atMs: t.atMs,
      message: `the agent took the turn at ${s(t.atMs)} during a ${Math.round(t.pause.endMs - t.pause.startMs)} ms pause (shorter than the ${maxDelayMs} ms max delay) in user turn ${t.turn}`,
    }];
  });
}

function bargeInsStop(call: CallResult, analysis: CallAnalysis, budgetMs: number): Violation[] {
  const { channel } = call.scenario;
  const downlinkMs = upperBound(channel.downlinkMs) + upperBound(channel.jitterMs);
  // A lost burst can leave only a fragment too short to be speech before it: allow a few bursts.
  const lossMs = channel.loss ? 3 * channel.loss.burstMs : 0;
  const limitMs = budgetMs + downlinkMs + lossMs;
  return analysis.overlaps.flatMap((overlap) => {
    if (overlap.kind !== 'bargeIn') return [];
    const sound = call.sounds.find((x) => Math.round(x.startMs) === overlap.atMs && (x.kind === 'speech' || x.kind === 'filler'));
    if (sound?.arrivedMs === undefined) return [];
    if (overlap.stopLatencyMs === null) {
      return [{ invariant: 'barge_in_stops' as const, atMs: overlap.atMs, message: `the barge-in at ${s(overlap.atMs)} ("${overlap.text}") never stopped the agent (${overlap.pauseMs !== null ? `it paused ${overlap.pauseMs} ms and resumed; ` : ''}taken for ${overlap.classifiedAs ?? 'nothing'})` }];
    }
    const fromArrivalMs = Math.round(overlap.stopLatencyMs - (sound.arrivedMs - sound.startMs));
    if (fromArrivalMs <= limitMs) return [];
    const allowances = `${Math.round(downlinkMs)} ms downlink${lossMs > 0 ? ` + ${Math.round(lossMs)} ms for lost packets` : ''}`;
    return [{ invariant: 'barge_in_stops' as const, atMs: overlap.atMs, message: `the barge-in at ${s(overlap.atMs)} ("${overlap.text}") stopped the agent ${fromArrivalMs} ms after it reached the agent (budget ${budgetMs} ms + ${allowances})` }];
  });
}

function noFalseStops(call: CallResult, analysis: CallAnalysis): Violation[] {
  const verdicts = call.events.filter((e): e is TraceEventOf<'interruption.classified'> => e.type === 'interruption.classified');
  return analysis.overlaps.flatMap((overlap) => {
    if (overlap.decision !== 'stop') return [];
    if (overlap.kind === 'echo') {
      if (!stoppedForEchoAlone(overlap)) return [];
      return [{ invariant: 'no_false_stop' as const, atMs: overlap.atMs, message: `the agent stopped for its own echo at ${s(overlap.atMs)}` }];
    }
    if (overlap.kind !== 'backchannel' || judgedWithBargeIn(overlap)) return [];
    if (call.scenario.channel.loss) {
      // Loss can cut "I see" to "see": the agent heard words the user did not say as a whole.
      const verdict = verdicts.find((v) => Math.round(v.t) === overlap.decidedAtMs && v.speech === overlap.speech);
      if (verdict && verdict.words.join(' ').toLowerCase() !== overlap.text.toLowerCase()) return [];
    }
    return [{ invariant: 'no_false_stop' as const, atMs: overlap.atMs, message: `the agent stopped for the backchannel "${overlap.text}" at ${s(overlap.atMs)}` }];
  });
}

function notStuck(call: CallResult, boundMs: number): Violation[] {
  const violations: Violation[] = [];
  let since = { state: 'listening', atMs: 0 };
  const check = (untilMs: number): void => {
    if (since.state !== 'listening' && untilMs - since.atMs > boundMs) {
      violations.push({ invariant: 'not_stuck', atMs: since.atMs, message: `the session stayed ${since.state} from ${s(since.atMs)} for ${Math.round(untilMs - since.atMs)} ms (bound ${boundMs} ms)` });
    }
  };
  for (const e of call.events) {
    if (e.type !== 'session.state') continue;
    check(e.t);
    since = { state: e.to, atMs: e.t };
  }
  // A call cut off mid-turn is not stuck unless the state had lasted too long by then.
  check(call.endMs);
  return violations;
}

function requestsEnd(events: readonly TraceEvent[]): Violation[] {
  const violations: Violation[] = [];
  const llmEnded = new Set(events.flatMap((e) => (e.type === 'llm.done' || e.type === 'llm.aborted' || e.type === 'llm.error' ? [e.speech] : [])));
  for (const e of events) {
    if (e.type === 'llm.request' && !llmEnded.has(e.speech)) {
      violations.push({ invariant: 'requests_end', atMs: e.t, message: `the LLM request of speech ${e.speech} at ${s(e.t)} never ended` });
    }
    if (e.type === 'tts.request') {
      const ended = events.some(
        (x) =>
          x.t >= e.t &&
          ((x.type === 'tts.flushed' && x.speech === e.speech && x.segment === e.segment) ||
            ((x.type === 'tts.clear' || x.type === 'tts.error') && x.speech === e.speech)),
      );
      if (!ended) violations.push({ invariant: 'requests_end', atMs: e.t, message: `the TTS request of speech ${e.speech} segment ${e.segment} at ${s(e.t)} never ended` });
    }
  }
  return violations;
}

/** A value a draw from `distribution` (practically) never exceeds. */
export function upperBound(distribution: Distribution): number {
  switch (distribution.kind) {
    case 'fixed':
      return distribution.value;
    case 'uniform':
      return distribution.max;
    case 'normal':
      return distribution.mean + 4 * distribution.sd;
    case 'lognormal':
      return Math.exp(distribution.mu + 4 * distribution.sigma);
  }
}
