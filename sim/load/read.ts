import { readFileSync } from 'node:fs';
import { InputError } from './yaml-load.js';

/** The text of an input file, or the one-line reason it cannot be read, named `display`. */
export function readInputFile(path: string, display: string): { ok: true; text: string } | { ok: false; errors: InputError[] } {
  try {
    return { ok: true, text: readFileSync(path, 'utf8') };
  } catch (error) {
    return { ok: false, errors: [new InputError(display, undefined, readProblem(error))] };
  }
}

/** A one-line reason a file could not be read. */
export function readProblem(error: unknown): string {
  const code = (error as { code?: string }).code;
  if (code === 'ENOENT') return 'no such file';
  if (code === 'EISDIR') return 'is a directory, expected a file';
  if (code === 'EACCES') return 'permission denied';
  return error instanceof Error ? error.message : String(error);
}
