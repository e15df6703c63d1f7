import type { TraceEventOf } from '../../core/trace/events.js';
import type { Expectation, PercentileBudget, TextMatcher } from '../scenario/model.js';
import type { CallResult } from '../world/call.js';
import { judgedWithBargeIn, stoppedForEchoAlone, type CallAnalysis, type OverlapReport, type TurnReport } from './analysis.js';
import { summarize } from '../../core/metrics/summary.js';
import { checkInvariants } from './invariants.js';

/** The verdict on one expectation. */
export interface AssertionResult {
  /** The expectation's name (`voice_to_voice`, `barge_in_stops_within`, …). */
  readonly id: string;
  readonly passed: boolean;
  /** What happened, in a sentence; on failure, where and why. */
  readonly message: string;
  readonly expected: unknown;
  readonly actual: unknown;
  /** Line of the expectation in the scenario file (absent for implicit checks). */
  readonly line?: number;
}

/** Evaluates a scenario's expectations, plus the implicit check that its whole script ran. */
export function evaluate(call: CallResult, analysis: CallAnalysis): AssertionResult[] {
  const results = call.scenario.expect.map((e) => ({ ...check(e, call, analysis), line: e.source.line }));
  return [scriptCompleted(call), ...results];
}

function check(expectation: Expectation, call: CallResult, analysis: CallAnalysis): Omit<AssertionResult, 'line'> {
  switch (expectation.kind) {
    case 'voice_to_voice':
      return percentiles('voice_to_voice', 'voice-to-voice', expectation.budget, analysis.turns, (t) => t.voiceToVoiceMs, (t) =>
        `turn ${t.index}: user stopped at ${s(t.userSpeechEndMs)}, agent audio at ${s(t.agentAudioStartMs)}`);
    case 'eou_delay':
      return percentiles('eou_delay', 'end-of-utterance delay', expectation.budget, analysis.turns, (t) => t.eouDelayMs, (t) =>
        `turn ${t.index}: user stopped at ${s(t.userSpeechEndMs)}, endpoint (${t.endpointReason}) at ${s(t.endpointMs)}`);
    case 'no_takeover_during_pauses':
      return noTakeover(call, analysis);
    case 'barge_in_stops_within':
      return bargeInStops(expectation.ms, analysis.overlaps);
    case 'backchannels_ignored':
      return backchannelsIgnored(call, analysis.overlaps);
    case 'no_self_interruption': {
      const stops = analysis.overlaps.filter(stoppedForEchoAlone);
      return {
        id: 'no_self_interruption',
        passed: stops.length === 0,
        message: stops.length === 0
          ? `the agent never stopped for its own echo (${analysis.overlaps.filter((o) => o.kind === 'echo').length} echo onsets)`
          : `the agent stopped for its own echo at ${stops.map((o) => s(o.atMs)).join(', ')}`,
        expected: 0,
        actual: stops.length,
      };
    }
    case 'max_overlap':
      return {
        id: 'max_overlap',
        passed: analysis.longestOverlapMs <= expectation.ms,
        message: `longest overlap of user speech and agent audio: ${analysis.longestOverlapMs} ms (bound ${expectation.ms} ms)`,
        expected: expectation.ms,
        actual: analysis.longestOverlapMs,
      };
    case 'max_pause': {
      const paused = analysis.overlaps.filter((o) => o.pauseMs !== null);
      const longest = paused.reduce<OverlapReport | undefined>((a, o) => (!a || o.pauseMs! > a.pauseMs! ? o : a), undefined);
      const ms = longest?.pauseMs ?? 0;
      return {
        id: 'max_pause',
        passed: ms <= expectation.ms,
        message: longest
          ? `longest pause of the agent for something that was not a barge-in: ${ms} ms for the ${longest.kind} at ${s(longest.atMs)} (bound ${expectation.ms} ms)`
          : `the agent never paused and resumed (bound ${expectation.ms} ms)`,
        expected: expectation.ms,
        actual: ms,
      };
    }
    case 'invariants': {
      const violations = checkInvariants(call, analysis, {
        ...(expectation.bargeInBudgetMs !== undefined ? { bargeInBudgetMs: expectation.bargeInBudgetMs } : {}),
        ...(expectation.stuckBoundMs !== undefined ? { stuckBoundMs: expectation.stuckBoundMs } : {}),
      });
      return {
        id: 'invariants',
        passed: violations.length === 0,
        message: violations.length === 0 ? 'every turn-taking invariant holds' : violations.map((v) => `${v.invariant}: ${v.message}`).join('; '),
        expected: [],
        actual: violations.map((v) => v.invariant),
      };
    }
    case 'every_turn_answered': {
      const unanswered = analysis.userTurns.filter(
        (turn) => !analysis.speeches.some((speech) => speech.turn > 0 && speech.firstAudioMs > turn.endMs),
      );
      return {
        id: 'every_turn_answered',
        passed: unanswered.length === 0,
        message: unanswered.length === 0
          ? `all ${analysis.userTurns.length} user turns were answered`
          : unanswered.map((t) => `user turn ${t.index} ("${clip(t.text)}", ended ${s(t.endMs)}) was never answered${failureOf(t.endMs, analysis)}`).join('; '),
        expected: analysis.userTurns.length,
        actual: analysis.userTurns.length - unanswered.length,
      };
    }
    case 'agent_said':
    case 'agent_never_said': {
      const heard = analysis.agentHeard.join(' ');
      const found = matches(expectation.matcher, heard);
      const wanted = expectation.kind === 'agent_said';
      return {
        id: expectation.kind,
        passed: found === wanted,
        message: `${found ? 'the agent said' : 'the agent never said'} ${describeMatcher(expectation.matcher)}${found === wanted ? '' : `; what the user heard: ${analysis.agentHeard.map((t) => `"${clip(t)}"`).join(', ') || 'nothing'}`}`,
        expected: describeMatcher(expectation.matcher),
        actual: found,
      };
    }
    case 'turns': {
      const count = analysis.turns.length;
      return {
        id: 'turns',
        passed: count >= expectation.min && count <= expectation.max,
        message: `${count} user turns ended by the agent (expected ${range(expectation.min, expectation.max)})${
          count > 0 ? `: ${analysis.turns.map((t) => `${s(t.endpointMs)} ${t.endpointReason}`).join(', ')}` : ''
        }`,
        expected: range(expectation.min, expectation.max),
        actual: count,
      };
    }
    case 'failed_turns': {
      const count = analysis.failedTurns.length;
      return {
        id: 'failed_turns',
        passed: count >= expectation.min && count <= expectation.max,
        message: `${count} failed turns (expected ${range(expectation.min, expectation.max)})${
          count > 0 ? `: ${analysis.failedTurns.map((f) => `turn ${f.turn} at ${s(f.t)}: ${f.why}`).join('; ')}` : ''
        }`,
        expected: range(expectation.min, expectation.max),
        actual: count,
      };
    }
  }
}

function scriptCompleted(call: CallResult): AssertionResult {
  const first = call.unrun[0];
  const ran = call.actions.length;
  return {
    id: 'script_completed',
    passed: first === undefined,
    message: first === undefined
      ? `all ${ran} user actions ran (call ended at ${s(call.endMs)}: ${call.endReason.replace('_', ' ')})`
      : `the action at line ${first.source.line} never ran: it was waiting for ${first.waitingFor} when the call ended at ${s(call.endMs)} (${call.endReason.replace('_', ' ')})`,
    expected: call.scenario.user.length,
    actual: ran,
  };
}

function percentiles(
  id: string,
  label: string,
  budget: PercentileBudget,
  turns: readonly TurnReport[],
  value: (t: TurnReport) => number | null,
  explain: (t: TurnReport) => string,
): Omit<AssertionResult, 'line'> {
  const summary = summarize(turns.map(value));
  const actual: Record<string, number | null> = {};
  const failures: string[] = [];
  const parts: string[] = [];
  for (const [name, limit] of Object.entries(budget) as [keyof PercentileBudget, number][]) {
    const measured = summary[name];
    actual[name] = measured;
    if (measured === null) {
      failures.push(`no ${label} was measured (no answered turns)`);
      continue;
    }
    parts.push(`${name} ${measured} ms`);
    if (measured > limit) {
      const worst = turns.find((t) => value(t) === measured);
      failures.push(`${name} ${label} ${measured} ms > ${limit} ms${worst ? ` (${explain(worst)})` : ''}`);
    }
  }
  return {
    id,
    passed: failures.length === 0,
    message: failures.length === 0 ? `${label} ${parts.join(', ')} within ${fmtBudget(budget)} over ${summary.count} turns` : failures.join('; '),
    expected: budget,
    actual,
  };
}

function noTakeover(call: CallResult, analysis: CallAnalysis): Omit<AssertionResult, 'line'> {
  const endpoints = call.events.filter((e): e is TraceEventOf<'endpoint.end'> => e.type === 'endpoint.end');
  const takeovers = analysis.takeovers.filter((t) => !t.brief);
  const messages = takeovers.map((t) => {
    const endpoint = endpoints.filter((e) => e.t <= t.atMs).at(-1);
    const why = endpoint ? ` after the endpoint at ${s(endpoint.t)} (${endpoint.reason}, ${endpoint.silenceMs} ms of silence on "${clip(endpoint.transcript)}")` : '';
    const where = t.pause ? `during the user's pause at ${s(t.pause.startMs)}–${s(t.pause.endMs)}` : 'while the user was speaking';
    return `the agent started speaking at ${s(t.atMs)} ${where} in turn ${t.turn}${why}; the user heard ${t.audibleMs} ms, ${t.wordsHeard} words`;
  });
  const pauses = analysis.userTurns.reduce((n, t) => n + t.pauses.length, 0);
  const brief = analysis.takeovers.filter((t) => t.brief);
  const briefNote = brief.length === 0 ? '' : `; ${brief.length} brief interjection${brief.length > 1 ? 's' : ''} not counted (${brief.map((t) => `${s(t.atMs)}: ${t.audibleMs} ms, ${t.wordsIntended} words`).join('; ')})`;
  return {
    id: 'no_takeover_during_pauses',
    passed: messages.length === 0,
    message: messages.length === 0 ? `no takeover (${pauses} pauses in ${analysis.userTurns.length} user turns)${briefNote}` : messages.join('; ') + briefNote,
    expected: 0,
    actual: messages.length,
  };
}

function bargeInStops(budgetMs: number, overlaps: readonly OverlapReport[]): Omit<AssertionResult, 'line'> {
  const bargeIns = overlaps.filter((o) => o.kind === 'bargeIn');
  if (bargeIns.length === 0) {
    return { id: 'barge_in_stops_within', passed: false, message: 'no user speech overlapped the agent, so no barge-in was measured', expected: budgetMs, actual: null };
  }
  const failures = bargeIns.filter((o) => o.stopLatencyMs === null || o.stopLatencyMs > budgetMs);
  const latencies = bargeIns.map((o) => o.stopLatencyMs);
  return {
    id: 'barge_in_stops_within',
    passed: failures.length === 0,
    message: failures.length === 0
      ? `${bargeIns.length} barge-ins stopped the agent within ${Math.max(...latencies.map((l) => l ?? 0))} ms (budget ${budgetMs} ms)`
      : failures.map((o) => `barge-in at ${s(o.atMs)} ("${clip(o.text)}") ${
          o.stopLatencyMs === null
            ? `never stopped the agent${o.pauseMs !== null ? ` (it paused ${o.pauseMs} ms and resumed)` : ''}${o.classifiedAs ? `; classified as ${o.classifiedAs}` : '; the agent never noticed it'}`
            : `stopped the agent after ${o.stopLatencyMs} ms > ${budgetMs} ms`
        }`).join('; '),
    expected: budgetMs,
    actual: latencies,
  };
}

function backchannelsIgnored(call: CallResult, overlaps: readonly OverlapReport[]): Omit<AssertionResult, 'line'> {
  const backchannels = overlaps.filter((o) => o.kind === 'backchannel');
  const scripted = call.actions.filter((a) => a.kind === 'backchannel');
  if (backchannels.length === 0) {
    const where = scripted.map((a) => `line ${a.source.line} at ${s(a.startMs)}`).join(', ');
    return {
      id: 'backchannels_ignored',
      passed: false,
      message: scripted.length === 0 ? 'the scenario has no backchannel to check' : `no backchannel overlapped the agent's speech (${where}), so nothing was checked`,
      expected: 'backchannels overlapping agent speech',
      actual: 0,
    };
  }
  const stopped = backchannels.filter((o) => o.decision === 'stop' && !judgedWithBargeIn(o));
  return {
    id: 'backchannels_ignored',
    passed: stopped.length === 0,
    message: stopped.length === 0
      ? `${backchannels.length} backchannels did not stop the agent${pauses(backchannels)}`
      : stopped.map((o) => `the agent stopped for the backchannel "${o.text}" at ${s(o.atMs)} (taken for ${o.classifiedAs ?? 'a barge-in'})`).join('; '),
    expected: 0,
    actual: stopped.length,
  };
}

function pauses(overlaps: readonly OverlapReport[]): string {
  const paused = overlaps.filter((o) => o.pauseMs !== null);
  if (paused.length === 0) return '';
  return ` (the agent paused for ${paused.map((o) => `${o.pauseMs} ms`).join(', ')} and resumed)`;
}

function failureOf(afterMs: number, analysis: CallAnalysis): string {
  const failure = analysis.failedTurns.find((f) => f.t >= afterMs);
  return failure ? ` — ${failure.why}` : '';
}

function matches(matcher: TextMatcher, text: string): boolean {
  if ('substring' in matcher) return text.toLowerCase().includes(matcher.substring.toLowerCase());
  return new RegExp(matcher.pattern, matcher.flags).test(text);
}

function describeMatcher(matcher: TextMatcher): string {
  return 'substring' in matcher ? `"${matcher.substring}"` : `/${matcher.pattern}/${matcher.flags}`;
}

function fmtBudget(budget: PercentileBudget): string {
  return Object.entries(budget).map(([k, v]) => `${k} ${v} ms`).join(', ');
}

function range(min: number, max: number): string {
  if (min === max) return String(min);
  if (max === Infinity) return `at least ${min}`;
  if (min === 0) return `at most ${max}`;
  return `${min}–${max}`;
}

/** Seconds with two decimals: "3.41 s". */
export function s(ms: number | null): string {
  return ms === null ? '—' : `${(ms / 1000).toFixed(2)} s`;
}

function clip(text: string, max = 40): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

