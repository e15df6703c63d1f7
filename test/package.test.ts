import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

/**
 * The package as users get it: the `parley` bin after `npm ci`, the root export by self-reference,
 * and an installed tarball in another project. Runs the built dist/ (made by `prepare`).
 */
const root = fileURLToPath(new URL('..', import.meta.url));
const temp: string[] = [];
afterAll(() => temp.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

const IMPORT_CHECK = `
import { SentenceBuffer, VirtualClock, AgentSession } from 'parley';
const buffer = new SentenceBuffer();
const chunks = [...buffer.push('Dr. Smith paid $4,230.50 at 3:00 p.m. today. Then he left'), ...buffer.flush()];
console.log(JSON.stringify({ chunks, clock: typeof VirtualClock, session: typeof AgentSession }));
`;
const EXPECTED = { chunks: ['Dr. Smith paid $4,230.50 at 3:00 p.m. today.', 'Then he left'], clock: 'function', session: 'function' };

function run(command: string, args: readonly string[], cwd: string) {
  const result = spawnSync(command, args, { cwd, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('the package', () => {
  it('`npx parley --help` prints the usage and exits 0', () => {
    const result = run('npx', ['--no-install', 'parley', '--help'], root);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('Usage: parley <command>');
  });

  it('`parley` with an unknown command exits 2 with a one-line reason', () => {
    const result = run(join(root, 'node_modules/.bin/parley'), ['frobnicate'], root);
    expect(result.code).toBe(2);
    expect(result.stderr.trim().split('\n')).toEqual(['parley: unknown command "frobnicate" (try: parley --help)']);
  });

  it("imports from 'parley' inside the project (package self-reference)", () => {
    const result = run(process.execPath, ['--input-type=module', '-e', IMPORT_CHECK], root);
    expect(result.stderr).toBe('');
    expect(JSON.parse(result.stdout)).toEqual(EXPECTED);
  });

  it('works installed in another project, bin included', () => {
    const packDir = mkdtempSync(join(tmpdir(), 'parley-pack-'));
    const project = mkdtempSync(join(tmpdir(), 'parley-user-'));
    temp.push(packDir, project);
    execFileSync('npm', ['pack', '--silent', '--ignore-scripts', '--pack-destination', packDir], { cwd: root, stdio: 'pipe' });
    const tarball = join(packDir, readdirSync(packDir).find((f) => f.endsWith('.tgz'))!);
    writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'user-project', private: true, type: 'module' }));
    const install = run('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', tarball], project);
    expect(install.code, install.stderr).toBe(0);

    const imported = run(process.execPath, ['--input-type=module', '-e', IMPORT_CHECK], project);
    expect(imported.stderr).toBe('');
    expect(JSON.parse(imported.stdout)).toEqual(EXPECTED);
    const arbitraries = run(
      process.execPath,
      ['--input-type=module', '-e', "import fc from 'fast-check'; import { scenarioFile } from 'parley/arbitraries'; console.log(fc.sample(scenarioFile(), { numRuns: 1, seed: 1 })[0].expect.join());"],
      project,
    );
    expect(arbitraries.stderr).toBe('');
    expect(arbitraries.stdout.trim()).toBe('invariants');
    // parley/vitest needs the project's own vitest (a peer dependency): here only its entry is checked.
    const vitestEntry = run(process.execPath, ['--input-type=module', '-e', "console.log(import.meta.resolve('parley/vitest'))"], project);
    expect(vitestEntry.stdout.trim()).toMatch(/node_modules\/parley\/dist\/runner\/vitest\.js$/);
    const help = run(join(project, 'node_modules/.bin/parley'), ['--help'], project);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('Usage: parley <command>');
  }, 120_000);
});
