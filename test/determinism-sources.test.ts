import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { findNondeterminism, scanProject } from './nondeterminism.js';

const root = fileURLToPath(new URL('..', import.meta.url));

/** Folders whose code must take time only from the injected Clock and randomness only from RandomStreams. */
const DETERMINISTIC = ['core', 'sim', 'providers'].filter((folder) => existsSync(`${root}/${folder}`));

/** The one place allowed to read the wall clock and the global timers. */
const ALLOWED = new Set(['core/clock/real-clock.ts']);

describe('determinism of the sources', () => {
  it('core/, sim/ and providers/ read no wall clock, global timer or Math.random outside the real clock', () => {
    expect(DETERMINISTIC).toContain('core');
    expect(scanProject(root, DETERMINISTIC, ALLOWED)).toEqual([]);
  });

  it('the check catches each kind of forbidden read', () => {
    const samples = [
      'const t = Date.now();',
      'const d = new Date();',
      'const p = performance.now();',
      'const r = Math.random();',
      'setTimeout(() => {}, 10);',
      'const h = setInterval(tick, 5);',
      'await new Promise((r) => setImmediate(r));',
      'globalThis.setTimeout(f, 1);',
      "import { setTimeout } from 'node:timers/promises';",
      'const id = crypto.randomUUID();',
      'const [s, ns] = process.hrtime();',
    ];
    for (const sample of samples) {
      expect(findNondeterminism('sample.ts', sample), sample).toHaveLength(1);
    }
  });

  it('allows the injected clock, comments and strings', () => {
    const allowed = [
      'this.#clock.setTimeout(() => {}, 10);',
      'clock.setTimeout(fire, delay);',
      '// never call Date.now() here',
      '/* Math.random() is banned */',
      "const message = 'use setTimeout( on the clock';",
      'const later = sleep(clock, 10);',
      'setTimeout(callback: () => void, delayMs: number): TimerHandle {',
      '  clearTimeout(handle: TimerHandle): void;',
    ];
    for (const sample of allowed) {
      expect(findNondeterminism('sample.ts', sample), sample).toEqual([]);
    }
  });
});
