/**
 * vitest global setup: builds dist/ before the tests run. Worker-thread tests run the built
 * dist/runner/task-worker.js (worker threads cannot load TypeScript), and the pool refuses a dist
 * older than the sources; building here (about 1.5 s) keeps an edit-and-test loop from tripping it.
 */
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export default function setup(): void {
  const tsc = fileURLToPath(new URL('../node_modules/typescript/bin/tsc', import.meta.url));
  execFileSync(process.execPath, [tsc, '-p', 'tsconfig.build.json'], { stdio: 'inherit' });
}
