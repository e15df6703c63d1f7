import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { Writable } from 'node:stream';
import { afterEach, beforeEach } from 'vitest';
import { main } from '../cli.js';

/** A writable stream that keeps what is written (optionally posing as a terminal). */
export class Capture extends Writable {
  text = '';
  constructor(readonly isTTY?: boolean) {
    super();
  }
  override _write(chunk: Buffer | string, _encoding: BufferEncoding, done: (error?: Error | null) => void): void {
    this.text += chunk.toString();
    done();
  }
}

/** Runs the command line in-process: the exit code, what it printed, and its error lines. */
export async function parley(...argv: string[]): Promise<{ code: number; out: string; err: string; errLines: string[] }> {
  const out = new Capture();
  const err = new Capture();
  const code = await main(argv, out, err);
  return { code, out: out.text, err: err.text, errLines: err.text.split('\n').filter((line) => line !== '') };
}

/**
 * Runs each test of the calling file in a fresh temporary working directory, removed afterwards.
 * Returns the directory the tests started in (where the project is) and the current temporary one.
 */
export function inTemporaryDirectory(prefix: string): { readonly home: string; readonly dir: () => string } {
  const home = process.cwd();
  let dir = '';
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), `parley-${prefix}-`));
    process.chdir(dir);
  });
  afterEach(() => {
    process.chdir(home);
    rmSync(dir, { recursive: true, force: true });
  });
  return { home, dir: () => dir };
}

/** Writes `lines` (joined with newlines, and a final one) to `path`, making its folders; returns the path. */
export function writeLines(path: string, ...lines: string[]): string {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, `${lines.join('\n')}\n`);
  return path;
}
