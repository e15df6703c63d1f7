import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import type { AgentConfig } from '../sim/config/model.js';
import { PRESETS } from '../sim/config/presets.js';
import { withProviderOverrides } from '../sim/config/resolve.js';
import { tenMinuteCall } from './bench-scenarios.js';
import { executeTasks, inOrder, parseWorkers, TaskFailure, workerFile } from './pool.js';
import { planTasks, prepare, type RunArtifact, type RunTask } from './run.js';

/**
 * The worker pool. Under vitest this file runs from the TypeScript sources, and the worker threads
 * load the built dist/runner/task-worker.js (see workerFile in pool.ts): run `npm run build`
 * first (`npm ci` does it); a dist/ older than the sources fails these tests with that advice.
 */

const root = fileURLToPath(new URL('..', import.meta.url));
let tasks: RunTask[];
let sequential: RunArtifact[];

beforeAll(async () => {
  const { scenarios, errors } = prepare({ paths: [join(root, 'scenarios')], config: 'default' });
  expect(errors).toEqual([]);
  // The symbolic library and two acoustic scenarios (onnxruntime in worker threads).
  const acoustic = scenarios.filter((s) => s.scenario.acoustic).slice(0, 2);
  tasks = planTasks([...scenarios.filter((s) => !s.scenario.acoustic), ...acoustic], { seed: undefined, seeds: 1 });
  sequential = await executeTasks(tasks, { workers: 1 });
});

/**
 * An artifact with its recording (a WAV of a megabyte or two) replaced by a digest: deep
 * equality walks typed arrays element by element, which takes seconds for recordings.
 */
function comparable(artifact: RunArtifact | undefined): unknown {
  if (!artifact?.audio) return artifact;
  return { ...artifact, audio: createHash('sha256').update(artifact.audio).digest('hex') };
}

/** Worker threads now alive in this process (Node's diagnostic report lists them). */
function liveWorkers(): number {
  return (process.report.getReport() as unknown as { workers: unknown[] }).workers.length;
}

describe('executeTasks', () => {
  it('tasks and artifacts are plain data: a structured clone runs the same and comes back equal', async () => {
    const task = tasks.find((t) => t.scenario.file.includes('barge-in'))!;
    const clone = structuredClone(task);
    expect(clone).toStrictEqual(task);
    const [fromClone] = await executeTasks([clone], { workers: 1 });
    expect(comparable(fromClone)).toStrictEqual(comparable(sequential[tasks.indexOf(task)]));
    expect(comparable(structuredClone(fromClone))).toStrictEqual(comparable(fromClone));
  }, 30_000);

  it('3 workers give the same artifacts in the same order as 1, with onResult in task order', async () => {
    const seen: number[] = [];
    const delivered: RunArtifact[] = [];
    const before = liveWorkers();
    const parallel = await executeTasks(tasks, {
      workers: 3,
      onResult: (artifact, index) => {
        seen.push(index);
        delivered.push(artifact);
      },
    });
    expect(parallel).toHaveLength(tasks.length);
    expect(JSON.stringify(parallel.map(comparable))).toBe(JSON.stringify(sequential.map(comparable)));
    expect(parallel.map(comparable)).toStrictEqual(sequential.map(comparable));
    expect(seen).toEqual(tasks.map((_, i) => i));
    expect(delivered.map(comparable)).toEqual(parallel.map(comparable));
    expect(liveWorkers()).toBe(before); // the pool is destroyed at the end
  }, 30_000);

  it('a slow first task: later results wait for it, so onResult still goes in task order', async () => {
    // A 10-minute call takes ~100× longer than a library scenario: the other worker finishes the
    // short ones first, and their results are held back until the long one is in.
    const call = tenMinuteCall();
    const long: RunTask = { scenario: call, config: withProviderOverrides(PRESETS.default!, call.providers), seed: 1 };
    const mixed = [long, ...tasks.slice(0, 12)];
    const seen: string[] = [];
    const artifacts = await executeTasks(mixed, { workers: 2, onResult: (artifact) => seen.push(artifact.result.file) });
    expect(seen).toEqual(mixed.map((t) => t.scenario.file));
    expect(artifacts.slice(1).map(comparable)).toStrictEqual(sequential.slice(0, 12).map(comparable));
  }, 30_000);

  it.each([1, 2])('a task that throws fails the run with its file and seed (workers %i), and the pool shuts down', async (workers) => {
    const broken: RunTask = { ...tasks[3]!, config: undefined as unknown as AgentConfig };
    const before = liveWorkers();
    const seen: number[] = [];
    const failure = await executeTasks([tasks[0]!, tasks[1]!, tasks[2]!, broken, ...tasks.slice(4, 10)], {
      workers,
      onResult: (_, index) => seen.push(index),
    }).then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(failure).toBeInstanceOf(TaskFailure);
    expect((failure as TaskFailure).message).toMatch(
      new RegExp(`^the run of ${tasks[3]!.scenario.file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} with seed ${tasks[3]!.seed} threw: \\S`),
    );
    expect((failure as TaskFailure).task.scenario.file).toBe(tasks[3]!.scenario.file);
    expect(seen.every((index) => index < 3)).toBe(true); // nothing after the failed task is delivered
    expect(liveWorkers()).toBe(before);
  });

  it('a failure waits for the tasks running in other workers before the pool goes (a thread killed mid-inference aborts the process)', async () => {
    const acoustic = tasks.find((t) => t.scenario.acoustic)!;
    const broken: RunTask = { ...tasks.find((t) => !t.scenario.acoustic)!, config: undefined as unknown as AgentConfig };
    const before = liveWorkers();
    const seen: number[] = [];
    // The broken task fails at once, while the other worker is inside Silero inferences: that
    // run finishes (its result, before the failed task, is delivered), then the pool goes.
    await expect(executeTasks([acoustic, broken, acoustic], { workers: 2, onResult: (_, index) => seen.push(index) })).rejects.toBeInstanceOf(TaskFailure);
    expect(seen).toEqual([0]);
    expect(liveWorkers()).toBe(before);
  }, 30_000);

  it('a task that cannot be sent to a worker fails the run the same way', async () => {
    const unclonable = { ...tasks[1]!, scenario: { ...tasks[1]!.scenario, hook: () => {} } } as unknown as RunTask;
    await expect(executeTasks([tasks[0]!, unclonable, tasks[2]!], { workers: 2 })).rejects.toThrow(/^the run of .* with seed \d+ threw: .*could not be cloned/);
  });

  it('no tasks: nothing to do, no pool', async () => {
    expect(await executeTasks([], { workers: 4 })).toEqual([]);
  });
});

describe('inOrder', () => {
  it('holds results that come early until those before them are in', () => {
    const emitted: [string, number][] = [];
    const deliver = inOrder<string>(5, (value, index) => emitted.push([value, index]));
    deliver('c', 2);
    deliver('e', 4);
    expect(emitted).toEqual([]);
    deliver('a', 0);
    expect(emitted).toEqual([['a', 0]]);
    deliver('b', 1);
    expect(emitted).toEqual([['a', 0], ['b', 1], ['c', 2]]);
    deliver('d', 3);
    expect(emitted.map(([value]) => value).join('')).toBe('abcde');
    expect(() => deliver('again', 3)).toThrow(RangeError);
  });
});

describe('the worker module', () => {
  it('from the sources, the workers run the built dist/runner/task-worker.js', () => {
    expect(fileURLToPath(workerFile())).toBe(join(root, 'dist/runner/task-worker.js'));
  });

  it('the compiled CLI finds task-worker.js beside pool.js and gives the same report with --workers 2', () => {
    const dir = mkdtempSync(join(tmpdir(), 'parley-pool-'));
    try {
      const cli = (...args: string[]) =>
        spawnSync(process.execPath, [join(root, 'dist/runner/bin.js'), 'run', join(root, 'scenarios/barge-in'), join(root, 'scenarios/echo'), ...args], {
          cwd: dir,
          encoding: 'utf8',
          env: { ...process.env, CI: '1' },
        });
      const one = cli('--report-dir', 'one');
      const two = cli('--workers', '2', '--report-dir', 'two');
      expect(two.stderr).toBe('');
      expect([one.status, two.status]).toEqual([0, 0]);
      expect(two.stdout).toBe(one.stdout.replace('one/report.json', 'two/report.json'));
      expect(readFileSync(join(dir, 'two/report.json'), 'utf8')).toBe(readFileSync(join(dir, 'one/report.json'), 'utf8'));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('parseWorkers', () => {
  it('takes an integer ≥ 1 or auto', () => {
    expect(parseWorkers('1')).toBe(1);
    expect(parseWorkers('8')).toBe(8);
    expect(parseWorkers('auto')).toBeGreaterThanOrEqual(1);
    for (const bad of ['0', '-1', '1.5', 'x', '', ' 2']) expect(() => parseWorkers(bad)).toThrow(`--workers expects an integer ≥ 1 or "auto", got "${bad}"`);
  });
});
