import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { NO_RELAUNCH, relaunchFlags, SMALL_MACHINE_FLAGS } from './relaunch.js';

describe('relaunchFlags', () => {
  const env = {};

  it('starts again with --single-threaded-gc on a machine of two cores or fewer', () => {
    expect(SMALL_MACHINE_FLAGS).toEqual(['--single-threaded-gc']);
    expect(relaunchFlags({ execArgv: [], env, cores: 2 })).toEqual(['--single-threaded-gc']);
    expect(relaunchFlags({ execArgv: ['--enable-source-maps'], env, cores: 1 })).toEqual(['--single-threaded-gc']);
  });

  it('goes on in this process when it has the flags, on more cores, or when told not to relaunch', () => {
    expect(relaunchFlags({ execArgv: ['--single-threaded-gc'], env, cores: 2 })).toBeUndefined();
    expect(relaunchFlags({ execArgv: [], env, cores: 4 })).toBeUndefined();
    expect(relaunchFlags({ execArgv: [], env: { [NO_RELAUNCH]: '1' }, cores: 2 })).toBeUndefined();
  });
});

describe('relaunch', () => {
  const dir = mkdtempSync(join(tmpdir(), 'parley-relaunch-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const module = fileURLToPath(new URL('../dist/runner/relaunch.js', import.meta.url));
  // Relaunches itself with a flag; the relaunched process reports how it runs, exits with the
  // code it was given, or waits to be signalled.
  const script = join(dir, 'script.mjs');
  writeFileSync(
    script,
    [
      `import { relaunch } from ${JSON.stringify(module)};`,
      `if (!process.execArgv.includes('--single-threaded-gc')) {`,
      `  process.exitCode = await relaunch(['--single-threaded-gc']);`,
      `} else if (process.argv[2] === 'wait') {`,
      `  console.log('ready');`,
      `  setInterval(() => {}, 1000);`,
      `} else {`,
      `  console.log(JSON.stringify({ execArgv: process.execArgv, args: process.argv.slice(2), marked: process.env.${NO_RELAUNCH} }));`,
      `  process.exitCode = Number(process.argv[2]);`,
      `}`,
    ].join('\n'),
  );

  it('runs the script again with the flag, the same arguments and streams, and exits with its code', () => {
    const result = spawnSync(process.execPath, [script, '3', 'two words'], { encoding: 'utf8' });
    expect(result.status).toBe(3);
    expect(JSON.parse(result.stdout)).toEqual({ execArgv: ['--single-threaded-gc'], args: ['3', 'two words'], marked: '1' });
  });

  it('passes a signal on, and dies of the signal that ended the relaunched process', async () => {
    const parent = spawn(process.execPath, [script, 'wait'], { stdio: ['ignore', 'pipe', 'inherit'] });
    for await (const line of createInterface({ input: parent.stdout })) if (line === 'ready') break;
    const ended = new Promise<NodeJS.Signals | null>((resolve) => parent.on('exit', (_code, signal) => resolve(signal)));
    parent.kill('SIGTERM');
    expect(await ended).toBe('SIGTERM');
  });
});
