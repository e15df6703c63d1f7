import type { ScenarioResult } from '../sim/assert/scenario-result.js';
import { resultLine } from './run-command.js';

/** What `parley run` shows while it runs. */
export interface Progress {
  /** The run is about to start `total` scenario runs (after its input was checked). */
  start(total: number): void;
  /** A scenario run finished (called in task order). */
  result(result: ScenarioResult): void;
  /** The run is over (or stopped): leave the output clean for what follows. */
  finish(): void;
}

/** Carriage return, then erase the whole line: the status line is redrawn in place. */
const CLEAR = '\r\x1b[2K';

/**
 * Progress on `out`. Interactive (a terminal, and not CI): one status line redrawn in place —
 * `12/41 scenario runs · 1 failed so far` — with the lines of failing runs printed above it, and
 * the status line erased at the end. Otherwise (CI set, a pipe or a file): exactly one line per
 * scenario run, passing or not, and nothing else.
 */
export function createProgress(out: NodeJS.WritableStream, env: NodeJS.ProcessEnv = process.env): Progress {
  if (!isInteractive(out, env)) {
    return { start: () => {}, result: (result) => out.write(`${resultLine(result)}\n`), finish: () => {} };
  }
  let total = 0;
  let done = 0;
  let failed = 0;
  let shown = false;
  const status = (): string => `${done}/${total} scenario runs · ${failed} failed so far`;
  return {
    start(count) {
      total = count;
      shown = true;
      out.write(`${CLEAR}${status()}`);
    },
    result(result) {
      done += 1;
      if (!result.passed) failed += 1;
      shown = true;
      out.write(`${CLEAR}${result.passed ? '' : `${resultLine(result)}\n`}${status()}`);
    },
    finish() {
      if (shown) out.write(CLEAR);
      shown = false;
    },
  };
}

/**
 * A live status line only on a terminal (the stream's `isTTY` is true) outside CI (`CI` unset,
 * empty, "0" or "false"): in CI logs, carriage returns and escape codes would be noise.
 */
export function isInteractive(out: NodeJS.WritableStream, env: NodeJS.ProcessEnv = process.env): boolean {
  const ci = env['CI'];
  const inCi = ci !== undefined && ci !== '' && ci !== '0' && ci.toLowerCase() !== 'false';
  return (out as { isTTY?: unknown }).isTTY === true && !inCi;
}
