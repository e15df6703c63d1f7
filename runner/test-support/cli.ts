import { Writable } from 'node:stream';
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
