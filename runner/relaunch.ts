/**
 * Starting the CLI (and the bench) again with the V8 flags it runs best with.
 *
 * On a machine with two cores or fewer, parley runs Node with `--single-threaded-gc`. An
 * acoustic run keeps two threads busy (the simulation, and the Silero model on a thread of its
 * own), so V8's parallel and concurrent collector threads find no idle core and can only take one
 * from them. Measured on this project's 2-core machine: the acoustic library at 0.79–0.80 of the
 * model's own speed with the default collector, 0.85–0.86 with this flag; the symbolic entries
 * as fast or faster. On more cores the collector's threads have cores to themselves, so nothing
 * changes there. V8 aborts when this flag is changed in a running process, and NODE_OPTIONS does
 * not accept it, hence a child process.
 *
 * @module
 */
import { spawn } from 'node:child_process';
import { availableParallelism } from 'node:os';

/** The V8 flags the CLI runs with on a small machine. */
export const SMALL_MACHINE_FLAGS: readonly string[] = ['--single-threaded-gc'];

/** Set in the relaunched process (and settable by hand, to run without relaunching). */
export const NO_RELAUNCH = 'PARLEY_NO_RELAUNCH';

/** What decides a relaunch. */
export interface ProcessFacts {
  readonly execArgv: readonly string[];
  readonly env: NodeJS.ProcessEnv;
  readonly cores: number;
}

/** The flags to start again with, or undefined to go on in this process. */
export function relaunchFlags(facts: ProcessFacts): readonly string[] | undefined {
  if (facts.env[NO_RELAUNCH] === '1' || facts.cores > 2) return undefined;
  const missing = SMALL_MACHINE_FLAGS.filter((flag) => !facts.execArgv.includes(flag));
  return missing.length > 0 ? missing : undefined;
}

/** {@link relaunchFlags} for this process. */
export function relaunchFlagsHere(): readonly string[] | undefined {
  return relaunchFlags({ execArgv: process.execArgv, env: process.env, cores: availableParallelism() });
}

/**
 * Runs this process's script again in a child Node with `flags` added, the same arguments and
 * the terminal's streams; signals sent to this process are passed on. Resolves to the child's
 * exit code; when the child died of a signal, this process then dies of it too.
 */
export function relaunch(flags: readonly string[]): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...flags, ...process.execArgv, process.argv[1]!, ...process.argv.slice(2)], {
      stdio: 'inherit',
      env: { ...process.env, [NO_RELAUNCH]: '1' },
    });
    const signals = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;
    const pass = (signal: NodeJS.Signals): void => void child.kill(signal);
    for (const signal of signals) process.on(signal, pass);
    const stopPassing = (): void => {
      for (const signal of signals) process.off(signal, pass);
    };
    child.on('error', (error) => {
      stopPassing();
      reject(error);
    });
    child.on('exit', (code, signal) => {
      stopPassing();
      if (signal) process.kill(process.pid, signal);
      resolve(code ?? 1);
    });
  });
}
