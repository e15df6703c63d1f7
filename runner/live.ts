/**
 * Live mode (`parley run --live`): a scenario's call on the wall clock against the real providers
 * its config names. The caller's side is the acoustic world's (clips streamed in real time,
 * echo of the agent's real audio, noise), heard by the core's audio path; the cleaned audio goes
 * to the real STT. Every provider session is recorded into cassettes.
 *
 * @module
 */
import { RealClock } from '../core/clock/real-clock.js';
import { sleep } from '../core/clock/clock.js';
import type { TraceEvent } from '../core/trace/events.js';
import { Trace } from '../core/trace/trace.js';
import { CASSETTE_EXTENSION } from '../providers/cassette/format.js';
import { missingKeys, realProviders, type RealProviders } from '../providers/real-providers.js';
import { runAcousticCall } from '../sim/acoustic/acoustic-call.js';
import type { LiveRunFacts, ScenarioResult } from '../sim/assert/scenario-result.js';
import { InputError } from '../sim/load/index.js';
import { timelineId } from '../reports/timeline.js';
import { acousticArtifact } from './execute.js';
import type { PreparedScenario, RunArtifact, RunTask } from './run.js';

type Env = Readonly<Record<string, string | undefined>>;

/**
 * Why the scenarios cannot run live, checked before anything connects: a scenario without clips
 * to stream (not acoustic), and each API key the configs need that the environment lacks.
 */
export function liveProblems(prepared: readonly PreparedScenario[], env: Env): InputError[] {
  const problems: InputError[] = [];
  for (const { scenario } of prepared) {
    if (!scenario.acoustic) {
      problems.push(new InputError(scenario.file, undefined, 'live mode streams the caller\'s clips, and this scenario has none: add "acoustic: true" (and a clip bank) to run it live'));
    }
  }
  const missing = new Map<string, Set<string>>();
  for (const { config } of prepared) {
    for (const key of missingKeys(config.live, env)) {
      const needs = missing.get(key.variable) ?? new Set<string>();
      for (const role of key.neededBy) needs.add(`${role} in config ${config.name}`);
      missing.set(key.variable, needs);
    }
  }
  for (const [variable, needs] of missing) {
    problems.push(new InputError('--live', undefined, `${variable} is not set: the real providers need it (${[...needs].join('; ')}); export it, nothing was connected`));
  }
  return problems;
}

/** Runs tasks live, one after another, calling `onResult` after each. */
export async function executeLiveTasks(tasks: readonly RunTask[], env: Env, onResult: (result: ScenarioResult) => void): Promise<RunArtifact[]> {
  const artifacts: RunArtifact[] = [];
  for (const task of tasks) {
    const artifact = await executeLiveTask(task, env);
    artifacts.push(artifact);
    onResult(artifact.result);
  }
  return artifacts;
}

/**
 * Runs one task live: the acoustic call on the wall clock with the real providers, judged as a
 * simulated run is, with the provider errors and failovers of the call and its cassettes.
 */
export async function executeLiveTask(task: RunTask, env: Env): Promise<RunArtifact> {
  let providers: RealProviders | undefined;
  const call = await runAcousticCall(task.scenario, task.config, task.seed, (sampleRate) => {
    const clock = new RealClock();
    const trace = new Trace(clock);
    providers = realProviders(task.config.live, { clock, trace, env, sampleRate, record: true });
    return {
      clock,
      trace,
      providers,
      forwardAudio: true,
      advance: async (ms) => {
        const wait = ms - clock.now();
        if (wait > 0) await sleep(clock, wait);
      },
    };
  });
  const id = timelineId(task.scenario.file, task.seed);
  const cassettes = (providers?.recorders ?? [])
    .filter((recorder) => recorder.size > 0)
    .map((recorder) => ({ role: recorder.role, path: `cassettes/${id}/${recorder.role}${CASSETTE_EXTENSION}`, bytes: recorder.encode() }));
  const live: LiveRunFacts = {
    providers: { stt: providers!.stt.name, llm: providers!.llm.name, tts: providers!.tts.name },
    providerErrors: providerErrors(call.events),
    failovers: call.events.flatMap((e) => (e.type === 'provider.failover' ? [{ atMs: Math.round(e.t), role: e.role, from: e.from, to: e.to, why: e.why }] : [])),
    cassettes: Object.fromEntries(cassettes.map((c) => [c.role, c.path])),
  };
  const artifact = acousticArtifact(task, call, { live, stack: live.providers });
  return { ...artifact, cassettes: cassettes.map(({ path, bytes }) => ({ path, bytes })) };
}

/** Every provider error of a call's trace, in order. */
function providerErrors(events: readonly TraceEvent[]): LiveRunFacts['providerErrors'] {
  const roles = { 'stt.error': 'stt', 'llm.error': 'llm', 'tts.error': 'tts' } as const;
  return events.flatMap((e) =>
    e.type === 'stt.error' || e.type === 'llm.error' || e.type === 'tts.error'
      ? [{ atMs: Math.round(e.t), role: roles[e.type], provider: e.provider, message: e.message }]
      : [],
  );
}
