import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { ScenarioResult } from '../sim/assert/scenario-result.js';
import { main } from './cli.js';
import { createProgress, isInteractive } from './progress.js';
import { Capture } from './test-support/cli.js';

/** A captured output stream; `isTTY` as a terminal's stdout would have it (or not). */
const summary = (count: number, p95: number | null = null) => ({ count, min: null, p50: null, p90: null, p95, p99: null, max: null });

/** Just what a result line reads. */
function result(name: string, passed: boolean, seed = 1): ScenarioResult {
  return {
    name,
    file: `${name}.yaml`,
    seed,
    passed,
    assertions: passed ? [] : [{ id: 'agent_said', line: 9, passed: false, message: 'the agent never said "ten"' }],
    metrics: { voiceToVoiceMs: passed ? summary(2, 800) : summary(0), eouDelayMs: summary(0), bargeInStopMs: summary(0) },
  } as unknown as ScenarioResult;
}

const CLEAR = '\r\x1b[2K';

function drive(out: Capture, env: NodeJS.ProcessEnv): string {
  const progress = createProgress(out, env);
  progress.start(3);
  progress.result(result('a', true));
  progress.result(result('b', false, 2));
  progress.result(result('c', true));
  progress.finish();
  return out.text;
}

const PLAIN = [
  '✓ a (a.yaml, seed 1)  voice-to-voice p95 800 ms',
  '✗ b (b.yaml, seed 2)',
  '    agent_said (line 9): the agent never said "ten"',
  '✓ c (c.yaml, seed 1)  voice-to-voice p95 800 ms',
  '',
].join('\n');

describe('progress', () => {
  it('on a terminal: one status line redrawn in place, failing runs printed above it, erased at the end', () => {
    expect(drive(new Capture(true), {})).toBe(
      `${CLEAR}0/3 scenario runs · 0 failed so far` +
        `${CLEAR}1/3 scenario runs · 0 failed so far` +
        `${CLEAR}✗ b (b.yaml, seed 2)\n    agent_said (line 9): the agent never said "ten"\n2/3 scenario runs · 1 failed so far` +
        `${CLEAR}3/3 scenario runs · 1 failed so far` +
        CLEAR,
    );
  });

  it('in CI (CI set), even on a terminal: exactly one plain line per scenario run', () => {
    expect(drive(new Capture(true), { CI: 'true' })).toBe(PLAIN);
    expect(drive(new Capture(true), { CI: '1' })).toBe(PLAIN);
  });

  it('not a terminal (a pipe, a file, a stream without isTTY): plain lines', () => {
    expect(drive(new Capture(false), {})).toBe(PLAIN);
    expect(drive(new Capture(), {})).toBe(PLAIN);
  });

  it('CI empty, "0" or "false" counts as not CI', () => {
    for (const CI of ['', '0', 'false', 'FALSE']) expect(isInteractive(new Capture(true), { CI })).toBe(true);
    expect(isInteractive(new Capture(true), { CI: 'github' })).toBe(false);
    expect(isInteractive(new Capture(1 as unknown as boolean), {})).toBe(false); // only isTTY === true
  });

  it('finish without start writes nothing (bad input stops a run before it starts)', () => {
    const out = new Capture(true);
    createProgress(out, {}).finish();
    expect(out.text).toBe('');
  });
});

describe('parley run progress, end to end', () => {
  const home = process.cwd();
  let dir: string | undefined;
  afterEach(() => {
    vi.unstubAllEnvs();
    process.chdir(home);
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  async function runOn(out: Capture): Promise<{ code: number; report: { summary: { scenarios: number; passed: number; failed: number }; metrics: { voiceToVoiceMs: { count: number; p50: number; p95: number } }; scenarios: { passed: boolean }[] } }> {
    dir = mkdtempSync(join(tmpdir(), 'parley-progress-'));
    process.chdir(dir);
    const body = ['user:', '  - say: "Hello there, can you help me?"', 'expect:', '  - every_turn_answered'];
    writeFileSync('a.yaml', ['name: fine', ...body].join('\n'));
    writeFileSync('b.yaml', ['name: never says banana', ...body, '  - agent_said: banana'].join('\n'));
    const err = new Capture();
    const code = await main(['run', '.'], out, err);
    expect(err.text).toBe('');
    return { code, report: JSON.parse(readFileSync('parley-report/report.json', 'utf8')) };
  }

  it('on a terminal outside CI: the status line, the failing run, then the summary', async () => {
    vi.stubEnv('CI', undefined);
    const out = new Capture(true);
    const { code, report } = await runOn(out);
    expect(code).toBe(1);
    const v2v = report.metrics.voiceToVoiceMs;
    const [failing] = out.text.split(`${CLEAR}✗ `)[1]!.split('\n2/2');
    expect(failing).toMatch(/^never says banana \(b\.yaml, seed 1\)\n {4}agent_said \(line 6\): /);
    expect(out.text).toBe(
      `${CLEAR}0/2 scenario runs · 0 failed so far` +
        `${CLEAR}1/2 scenario runs · 0 failed so far` +
        `${CLEAR}✗ ${failing}\n2/2 scenario runs · 1 failed so far` +
        CLEAR +
        `\n2 scenario runs: 1 passed, 1 failed · voice-to-voice p50 ${v2v.p50} ms, p95 ${v2v.p95} ms over ${v2v.count} turns · parley-report/report.json\n`,
    );
  });

  it('with CI set, on a terminal too: the same lines as without a terminal', async () => {
    vi.stubEnv('CI', 'true');
    const tty = new Capture(true);
    await runOn(tty);
    process.chdir(home);
    rmSync(dir!, { recursive: true, force: true });
    vi.stubEnv('CI', undefined);
    const pipe = new Capture(false);
    await runOn(pipe);
    expect(tty.text).toBe(pipe.text);
    expect(tty.text).not.toContain('\r');
    expect(tty.text.split('\n')[0]).toMatch(/^✓ fine \(a\.yaml, seed 1\)/);
    expect(tty.text).toMatch(/\n✗ never says banana \(b\.yaml, seed 1\)\n {4}agent_said \(line 6\): [^\n]+\n\n2 scenario runs: 1 passed, 1 failed · /);
  });
});
