import { readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { displayPath } from '../sim/config/load.js';
import { InputError } from '../sim/load/index.js';

/** Scenario files are YAML; JSON Schema and other files in the folders are skipped. */
const SCENARIO_FILE = /\.ya?ml$/i;

/**
 * The scenario files named on the command line: files as given, directories searched
 * recursively (sorted, so runs are ordered the same everywhere). Missing paths and directories
 * without scenarios are errors.
 */
export function findScenarioFiles(paths: readonly string[]): { files: string[]; errors: InputError[] } {
  const files: string[] = [];
  const errors: InputError[] = [];
  for (const given of paths) {
    const path = resolve(given);
    let isDirectory: boolean;
    try {
      isDirectory = statSync(path).isDirectory();
    } catch {
      errors.push(new InputError(given, undefined, 'no such file or directory'));
      continue;
    }
    if (!isDirectory) {
      files.push(path);
      continue;
    }
    const found = walk(path);
    if (found.length === 0) errors.push(new InputError(displayPath(path), undefined, 'no scenario files (*.yaml) in this directory'));
    files.push(...found);
  }
  return { files: [...new Set(files)], errors };
}

function walk(dir: string): string[] {
  const entries = readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return entries.flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return walk(path);
    return SCENARIO_FILE.test(entry.name) ? [path] : [];
  });
}
