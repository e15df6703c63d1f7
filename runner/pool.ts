import { existsSync, readdirSync, statSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { executeTask } from './execute.js';
import type { RunArtifact, RunTask } from './run.js';
import { UsageError } from './usage.js';

/** How `executeTasks` runs. */
export interface ExecuteOptions {
  /** Worker threads: 1 runs every task in this thread, one after another. */
  readonly workers: number;
  /**
   * Called with each artifact in task order, whatever order the workers finish in (a result that
   * comes early is held back until those before it are in), so progress lines come out the same.
   */
  readonly onResult?: (artifact: RunArtifact, index: number) => void;
}

/** A task that threw (a bug, not a failed expectation): the run stops; `parley` exits 70. */
export class TaskFailure extends Error {
  override readonly name = 'TaskFailure';
  readonly task: RunTask;

  constructor(task: RunTask, cause: unknown) {
    const reason = cause instanceof Error ? cause.message : String(cause);
    super(`the run of ${task.scenario.file} with seed ${task.seed} threw: ${reason}`, { cause });
    this.task = task;
    if (cause instanceof Error && cause.stack) this.stack = `${this.name}: ${this.message}\n  caused by ${cause.stack}`;
  }
}

/**
 * Runs tasks and returns their artifacts in task order. With `workers` > 1 (and more than one
 * task) the tasks go to a piscina pool of worker threads; the artifacts are the same as in one
 * thread, since a task is plain data and its run depends on nothing else. The first task to throw
 * stops the run: no more tasks start, those running finish, the pool is destroyed, and a
 * TaskFailure naming the task is thrown (with several workers, whichever failure comes first).
 */
export async function executeTasks(tasks: readonly RunTask[], options: ExecuteOptions): Promise<RunArtifact[]> {
  const threads = Math.min(options.workers, tasks.length);
  return threads > 1 ? inWorkers(tasks, threads, options.onResult) : inThisThread(tasks, options.onResult);
}

async function inThisThread(tasks: readonly RunTask[], onResult: ExecuteOptions['onResult']): Promise<RunArtifact[]> {
  const artifacts: RunArtifact[] = [];
  for (const [index, task] of tasks.entries()) {
    let artifact: RunArtifact;
    try {
      artifact = await executeTask(task);
    } catch (error) {
      throw new TaskFailure(task, error);
    }
    artifacts.push(artifact);
    onResult?.(artifact, index);
  }
  return artifacts;
}

async function inWorkers(tasks: readonly RunTask[], threads: number, onResult: ExecuteOptions['onResult']): Promise<RunArtifact[]> {
  const filename = workerFile().href;
  const { Piscina } = await import('piscina');
  const pool = new Piscina<RunTask, RunArtifact>({ filename, minThreads: threads, maxThreads: threads });
  const artifacts: RunArtifact[] = [];
  // Tasks go to the pool one per free thread, so that after a failure the pool is only
  // destroyed once the tasks already running have finished: a thread terminated in the middle
  // of an ONNX inference (Silero, in an acoustic run) aborts the whole process.
  const running = new Set<Promise<void>>();
  let failure: { error: unknown; index: number } | undefined;
  const deliver = inOrder<RunArtifact>(tasks.length, (artifact, index) => {
    artifacts.push(artifact);
    onResult?.(artifact, index);
  });
  let workerError: unknown;
  // A worker dying outside a task (it should not) fails the run instead of crashing the process.
  pool.on('error', (error: unknown) => {
    workerError ??= error;
  });
  try {
    for (const [index, task] of tasks.entries()) {
      if (failure || workerError !== undefined) break;
      const settled: Promise<void> = pool.run(task).then(
        (artifact) => {
          // Results before the failed task still go out, in order; none after it.
          if (failure && index > failure.index) return;
          try {
            deliver(artifact, index);
          } catch (error) {
            failure ??= { error, index };
          }
        },
        (error: unknown) => {
          failure ??= { error: new TaskFailure(task, error), index };
        },
      );
      const tracked = settled.finally(() => running.delete(tracked));
      running.add(tracked);
      if (running.size >= threads) await Promise.race(running);
    }
    await Promise.all(running);
  } finally {
    await pool.destroy();
  }
  if (workerError !== undefined) {
    throw new Error(`a worker thread failed: ${workerError instanceof Error ? workerError.message : String(workerError)}`, { cause: workerError });
  }
  if (failure) throw failure.error;
  return artifacts;
}

/**
 * Puts results that arrive in any order back in index order: the returned function takes each
 * (value, index) once and calls `emit` for every value whose predecessors have all arrived.
 */
export function inOrder<T>(count: number, emit: (value: T, index: number) => void): (value: T, index: number) => void {
  const waiting = new Map<number, T>();
  let next = 0;
  return (value, index) => {
    if (index < next || index >= count || waiting.has(index)) throw new RangeError(`result ${index} delivered twice or out of range`);
    waiting.set(index, value);
    while (waiting.has(next)) {
      const ready = waiting.get(next) as T;
      waiting.delete(next);
      emit(ready, next++);
    }
  };
}

/** Parses `--workers`: an integer ≥ 1, or `auto` (the number of CPUs node can use). */
export function parseWorkers(text: string): number {
  if (text === 'auto') return availableParallelism();
  const value = Number(text);
  if (!/^\d+$/.test(text) || !Number.isSafeInteger(value) || value < 1) {
    throw new UsageError(`--workers expects an integer ≥ 1 or "auto", got "${text}"`);
  }
  return value;
}

/**
 * The worker module. Compiled (dist/, or an installed package): task-worker.js beside this file.
 * Running from the TypeScript sources (vitest), worker threads cannot load .ts files on Node 20,
 * so they load the built dist/runner/task-worker.js; to keep them from silently running older
 * code than this thread, that build must be at least as new as every source file it comes from
 * (else: "run npm run build").
 */
export function workerFile(): URL {
  const here = import.meta.url;
  if (!here.endsWith('.ts')) return new URL('./task-worker.js', here);
  const root = fileURLToPath(new URL('..', here));
  const built = new URL('../dist/runner/task-worker.js', here);
  const stale = staleSource(root);
  if (!existsSync(fileURLToPath(built)) || stale !== undefined) {
    const why = stale === undefined ? 'is missing' : `is older than ${relative(root, stale)}`;
    throw new Error(`worker threads run the built dist/runner/task-worker.js, which ${why}: run npm run build (or use --workers 1)`);
  }
  return built;
}

/** A built source file (as tsconfig.build.json takes them) newer than its dist/ output, or without one. */
function staleSource(root: string): string | undefined {
  const sources = [join(root, 'index.ts')];
  for (const folder of ['core', 'providers', 'sim', 'runner', 'reports']) {
    for (const entry of readdirSync(join(root, folder), { withFileTypes: true, recursive: true })) {
      const path = join(entry.parentPath, entry.name);
      if (!entry.isFile() || !entry.name.endsWith('.ts') || /\.(test|d)\.ts$/.test(entry.name) || relative(root, path).split(sep).includes('test-support')) continue;
      sources.push(path);
    }
  }
  return sources.find((source) => {
    const output = join(root, 'dist', relative(root, source)).replace(/\.ts$/, '.js');
    return !existsSync(output) || statSync(output).mtimeMs < statSync(source).mtimeMs;
  });
}
