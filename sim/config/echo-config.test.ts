import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfigFile } from './load.js';

const dir = mkdtempSync(join(tmpdir(), 'parley-echo-config-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function load(...lines: string[]) {
  const path = join(dir, 'agent.yaml');
  writeFileSync(path, `${lines.join('\n')}\n`);
  return loadConfigFile(path, 'agent.yaml');
}

describe('the echo_canceller section of an agent config', () => {
  it('reads the echo delays searched for', () => {
    const loaded = load('echo_canceller: { min_delay: 80ms, max_delay: 400ms }');
    expect(loaded.ok && loaded.config.echoCanceller).toMatchObject({ minDelayMs: 80, maxDelayMs: 400 });
  });

  it('refuses a shortest delay that is not below the longest, at the section', () => {
    const loaded = load('vad: { threshold: 0.5 }', 'echo_canceller: { min_delay: 700ms }');
    expect(loaded.ok ? [] : loaded.errors.map(String)).toEqual([
      'agent.yaml:2:17: echo delays must satisfy 0 ≤ minDelayMs < maxDelayMs, got 700 and 600',
    ]);
  });
});
