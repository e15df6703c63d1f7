import { judgeCall } from '../sim/assert/scenario-result.js';
import { buildTimeline } from '../reports/timeline.js';
import { runCall } from '../sim/world/call.js';
import type { RunArtifact, RunTask } from './run.js';

/**
 * Runs one task: the call, its verdict and its timeline. In a module of its own (re-exported by
 * run.ts) so a worker thread loads only what a call needs, not the scenario loaders and writers:
 * that is a third of a worker's start-up.
 */
export async function executeTask(task: RunTask): Promise<RunArtifact> {
  const call = await runCall(task.scenario, task.config, task.seed);
  const { result, analysis } = judgeCall(call);
  return { result, timeline: buildTimeline(call, analysis, result) };
}
