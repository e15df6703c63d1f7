import { executeTask } from './execute.js';
import type { RunArtifact, RunTask } from './run.js';

/**
 * The worker-thread module of the pool (runner/pool.ts): piscina loads it in each worker and
 * calls the default export with each task, structured-cloned (tasks and artifacts are plain data).
 */
export default function runTask(task: RunTask): Promise<RunArtifact> {
  return executeTask(task);
}
