import { mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { main } from './cli.js';
import { STARTER_CONFIG, STARTER_SCENARIO } from './init-command.js';
import { Capture } from './test-support/cli.js';

const temp: string[] = [];
afterAll(() => temp.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

describe('parley init', () => {
  it('writes a starter scenario and config that pass when run', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'parley-init-'));
    temp.push(dir);
    const out = new Capture();
    expect(await main(['init', dir], out, new Capture())).toBe(0);
    expect(readFileSync(join(dir, 'scenarios', 'first-call.yaml'), 'utf8')).toBe(STARTER_SCENARIO);
    expect(readFileSync(join(dir, 'parley.config.yaml'), 'utf8')).toBe(STARTER_CONFIG);
    expect(out.text).toContain(`wrote ${join(dir, 'scenarios', 'first-call.yaml')}\nwrote ${join(dir, 'parley.config.yaml')}\n`);

    const run = new Capture();
    const err = new Capture();
    const code = await main(
      ['run', join(dir, 'scenarios'), '--config', join(dir, 'parley.config.yaml'), '--report-dir', join(dir, 'report')],
      run,
      err,
    );
    expect(err.text).toBe('');
    expect(run.text).toContain('✓ booking with a hesitation and a correction');
    expect(code).toBe(0);
  });

  it('refuses to overwrite, unless told to', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'parley-init-'));
    temp.push(dir);
    writeFileSync(join(dir, 'parley.config.yaml'), 'extends: default\n');
    const err = new Capture();
    expect(await main(['init', dir], new Capture(), err)).toBe(2);
    expect(err.text).toBe(`parley init: ${join(dir, 'parley.config.yaml')} already exists (use --force to overwrite)\n`);
    expect(readFileSync(join(dir, 'parley.config.yaml'), 'utf8')).toBe('extends: default\n');
    mkdirSync(join(dir, 'scenarios'), { recursive: true });
    expect(await main(['init', dir, '--force'], new Capture(), new Capture())).toBe(0);
    expect(readFileSync(join(dir, 'parley.config.yaml'), 'utf8')).toBe(STARTER_CONFIG);
  });
});
