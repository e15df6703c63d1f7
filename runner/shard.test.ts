import { cpSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, renameSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseShard, shardTasks } from './shard.js';
import { parley } from './test-support/cli.js';

/**
 * `--workers`, `--shard i/n` and `parley merge`, end to end in-process (`main`), in a temporary
 * working directory. With more than one worker, the worker threads run the built dist/ (see
 * pool.test.ts): run `npm run build` first.
 */

/** Every file under `dir` (relative path → bytes), sorted: a report dir as a whole. */
function tree(dir: string): Map<string, string> {
  const files = readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => join(entry.parentPath, entry.name).slice(dir.length + 1))
    .sort();
  return new Map(files.map((file) => [file, readFileSync(join(dir, file), 'latin1')]));
}

function readReport(dir: string): Record<string, any> {
  return JSON.parse(readFileSync(join(dir, 'report.json'), 'utf8'));
}

const home = process.cwd();
let dir: string;
let unsharded: { code: number; out: string; err: string };

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'parley-shard-'));
  process.chdir(dir);
  // A snapshot of the library, so scenarios added meanwhile cannot make two runs differ.
  cpSync(join(home, 'scenarios'), 'scenarios', { recursive: true });
  // Two acoustic scenarios are enough to show recordings follow their runs through shards and
  // merges; all of them would triple the time of every run here.
  for (const folder of readdirSync('scenarios/acoustic')) {
    if (folder !== 'barge-in' && folder !== 'echo') rmSync(join('scenarios/acoustic', folder), { recursive: true });
  }
  // Each run writes to report/ and is then moved: report dirs are compared byte for byte with
  // nothing depending on their names.
  unsharded = await parley('run', 'scenarios', '--workers', '1', '--report-dir', 'report');
  renameSync('report', 'unsharded');
});

afterAll(() => {
  process.chdir(home);
  rmSync(dir, { recursive: true, force: true });
});

describe('workers and shards give the same report', () => {
  it('the library ran, unsharded, with no shard in its report', () => {
    expect(unsharded.err).toBe('');
    expect(unsharded.code).toBe(0);
    expect(Object.keys(readReport('unsharded'))).toEqual(['schemaVersion', 'seed', 'seeds', 'config', 'summary', 'metrics', 'scenarios']);
    expect(readdirSync('unsharded/timelines')).toHaveLength(readReport('unsharded').scenarios.length);
  });

  it('--workers 3: the same report dir, byte for byte, and the same lines in the same order', async () => {
    const three = await parley('run', 'scenarios', '--workers', '3', '--report-dir', 'report');
    expect(three.err).toBe('');
    expect(three.code).toBe(0);
    expect(three.out).toBe(unsharded.out);
    expect(tree('report')).toEqual(tree('unsharded'));
    rmSync('report', { recursive: true });
  });

  it('--shard 1/3, 2/3, 3/3 (round-robin), merged: the unsharded report dir, byte for byte', async () => {
    const all = readReport('unsharded').scenarios as { file: string; seed: number }[];
    const runs = [
      ['1/3', '2'],
      ['2/3', '1'],
      ['3/3', '2'],
    ] as const;
    for (const [shard, workers] of runs) {
      const index = Number(shard[0]);
      const result = await parley('run', 'scenarios', '--shard', shard, '--workers', workers, '--report-dir', 'report');
      expect(result.err).toBe('');
      expect(result.code).toBe(0);
      const report = readReport('report');
      expect(Object.keys(report)).toEqual(['schemaVersion', 'seed', 'seeds', 'config', 'shard', 'summary', 'metrics', 'scenarios']);
      expect(report.shard).toEqual({ index, count: 3 });
      const mine = all.filter((_, k) => k % 3 === index - 1);
      expect(report.scenarios).toEqual(mine);
      expect(report.summary).toEqual({ scenarios: mine.length, passed: mine.length, failed: 0 });
      expect(readdirSync('report/timelines')).toHaveLength(mine.length);
      expect(result.out.trimEnd().split('\n').at(-1)).toMatch(new RegExp(`^${mine.length} scenario runs: ${mine.length} passed, 0 failed · .* · shard ${shard} · report/report\\.json$`));
      renameSync('report', `shard-${index}`);
    }

    // Inputs in any order, as dirs or report.json files.
    const merged = await parley('merge', 'shard-3', 'shard-1/report.json', 'shard-2', '--report-dir', 'report');
    expect(merged.err).toBe('');
    expect(merged.code).toBe(0);
    const summary = unsharded.out.trimEnd().split('\n').at(-1)!;
    expect(merged.out).toBe(`${summary.replace(/^(\d+) scenario runs:/, '$1 scenario runs from 3 reports:')}\n`);
    expect(readdirSync('report/audio')).toHaveLength(2);
    expect(tree('report')).toEqual(tree('unsharded'));
    expect(readFileSync('report/report.json').equals(readFileSync('unsharded/report.json'))).toBe(true);
    rmSync('report', { recursive: true });
  });
});

/** A small suite: one scenario that passes, one that fails. */
function writeSuite(): void {
  const body = ['user:', '  - say: "Hello there, can you help me?"', 'expect:', '  - every_turn_answered'];
  mkdirSync('small', { recursive: true });
  writeFileSync('small/a.yaml', ['name: fine', ...body].join('\n'));
  writeFileSync('small/b.yaml', ['name: never says banana', ...body, '  - agent_said: banana'].join('\n'));
}

describe('a small suite: empty shards, failures', () => {
  it('shards with no runs write a valid empty report; merging all six gives the unsharded dir; a failure exits 1', async () => {
    writeSuite();
    const whole = await parley('run', 'small', '--seeds', '2', '--report-dir', 'report');
    expect(whole.code).toBe(1);
    renameSync('report', 'small-whole');

    for (let index = 1; index <= 6; index++) {
      const result = await parley('run', 'small', '--seeds', '2', '--shard', `${index}/6`, '--workers', '2', '--report-dir', `small-${index}`);
      expect(result.err).toBe('');
      const report = readReport(`small-${index}`);
      expect(report.scenarios.map((s: { file: string; seed: number }) => `${s.file}:${s.seed}`)).toEqual(
        [['small/a.yaml:1'], ['small/a.yaml:2'], ['small/b.yaml:1'], ['small/b.yaml:2'], [], []][index - 1],
      );
      expect(result.code).toBe(index >= 3 && index <= 4 ? 1 : 0);
    }
    const empty = readReport('small-6');
    expect(empty).toMatchObject({ seeds: 2, shard: { index: 6, count: 6 }, summary: { scenarios: 0, passed: 0, failed: 0 }, scenarios: [] });
    expect(empty.metrics.voiceToVoiceMs).toEqual({ count: 0, min: null, p50: null, p90: null, p95: null, p99: null, max: null });
    expect(readdirSync('small-6/timelines')).toEqual([]);

    const merged = await parley('merge', ...[6, 5, 4, 3, 2, 1].map((i) => `small-${i}`), '--report-dir', 'report');
    expect(merged.err).toBe('');
    expect(merged.code).toBe(1);
    const failing = whole.out.split('\n\n')[0]!.split(/\n(?=[✓✗] )/).filter((line) => line.startsWith('✗'));
    expect(failing).toHaveLength(2);
    const summary = whole.out.trimEnd().split('\n').at(-1)!.replace('4 scenario runs:', '4 scenario runs from 6 reports:');
    expect(merged.out).toBe(`${failing.join('\n')}\n\n${summary}\n`);
    expect(tree('report')).toEqual(tree('small-whole'));
    rmSync('report', { recursive: true });
  });
});

describe('bad values exit 2 with one line', () => {
  it.each(['0/3', '4/3', '1/0', 'x', '1/3/2', '', '-1/3', '1.5/3', '/3', '2/'])('--shard "%s"', async (value) => {
    const result = await parley('run', 'scenarios', `--shard=${value}`, '--report-dir', 'never');
    expect(result.err).toBe(`parley run: --shard expects i/n with 1 ≤ i ≤ n, like 2/3, got "${value}"\n`);
    expect(result.code).toBe(2);
    expect(result.out).toBe('');
    expect(existsSync('never')).toBe(false);
  });

  it.each(['0', '-2', 'x', '1.5', ''])('--workers "%s"', async (value) => {
    const result = await parley('run', 'scenarios', `--workers=${value}`, '--report-dir', 'never');
    expect(result.err).toBe(`parley run: --workers expects an integer ≥ 1 or "auto", got "${value}"\n`);
    expect(result.code).toBe(2);
    expect(result.out).toBe('');
    expect(existsSync('never')).toBe(false);
  });
});

describe('parley merge: bad inputs exit 2, one line each, and write nothing', () => {
  beforeAll(async () => {
    writeSuite();
    const runs: [string, ...string[]][] = [
      ['m-1', '--shard', '1/2'],
      ['m-2', '--shard', '2/2'],
      ['m-whole'],
      ['m-whole-again'],
      ['m-seeds', '--shard', '2/2', '--seeds', '2'],
      ['m-silence', '--shard', '2/2', '--config', 'silence-only'],
      ['m-third', '--shard', '1/3'],
    ];
    for (const [reportDir, ...options] of runs) {
      const result = await parley('run', 'small', ...options, '--report-dir', reportDir);
      expect(result.err).toBe('');
    }
    mkdirSync('no-report');
    writeFileSync('bad.json', 'nope');
    writeFileSync('other.json', '{"hello": 1}');
    writeFileSync('a-file', 'not a dir');
    cpSync('m-2', 'v99', { recursive: true });
    writeFileSync('v99/report.json', readFileSync('m-2/report.json', 'utf8').replace('"schemaVersion": 1', '"schemaVersion": 99'));
    cpSync('m-whole', 'no-timeline', { recursive: true });
    rmSync('no-timeline/timelines/small_b-seed1.json');
    cpSync('m-whole', 'no-timelines', { recursive: true });
    rmSync('no-timelines/timelines', { recursive: true });
  });

  async function rejects(inputs: string[], expected: (string | RegExp)[]): Promise<void> {
    const result = await parley('merge', ...inputs, '--report-dir', 'merged');
    const lines = result.err.split('\n').filter((line) => line !== '');
    expect(lines).toHaveLength(expected.length);
    expected.forEach((line, i) => (typeof line === 'string' ? expect(lines[i]).toBe(line) : expect(lines[i]).toMatch(line)));
    expect(result.code).toBe(2);
    expect(result.out).toBe('');
    expect(existsSync('merged')).toBe(false);
  }

  it('no inputs', () =>
    rejects([], ['parley merge: give the report dirs (or report.json files) to join, e.g. parley merge shard-1 shard-2 shard-3 --report-dir parley-report']));
  it('a missing path, a dir without report.json', () => rejects(['m-1', 'nothere', 'no-report', 'm-2'], ['nothere: no such file', 'no-report/report.json: no such file']));
  it('not JSON', () => rejects(['bad.json'], [/^bad\.json: not valid JSON \(.+\); not a parley report \(expected the report\.json written by parley run\)$/]));
  it('JSON, not a report', () => rejects(['other.json'], ['other.json: not a parley report (expected the report.json written by parley run)']));
  it('another schema version', () =>
    rejects(['m-1', 'v99'], ["v99/report.json: another report schema version than this parley's (1); merge reports written by the same parley"]));
  it('other seeds', () => rejects(['m-1', 'm-seeds'], ['m-seeds/report.json: seeds 2 differs from m-1/report.json (seeds 1)']));
  it('another config', () => rejects(['m-1', 'm-silence'], ['m-silence/report.json: config "silence-only" differs from m-1/report.json (config "default")']));
  it('a shard twice', () => rejects(['m-1', 'm-2', 'm-1'], ['m-1/report.json: shard 1/2 again (also m-1/report.json)']));
  it('shards of different splits', () => rejects(['m-1', 'm-third'], ['m-third/report.json: shard 1/3, but m-1/report.json is shard 1/2']));
  it('a missing shard', () => rejects(['m-2'], ['parley merge: missing shard 1/2']));
  it('shards with an unsharded report', () =>
    rejects(['m-whole', 'm-1', 'm-2'], ['m-whole/report.json: not a shard report (no --shard), but m-1/report.json is one; merge the shards of one run']));
  it('the same runs twice', () => rejects(['m-whole', 'm-whole-again'], ['m-whole-again/report.json: 2 scenario runs already in m-whole/report.json (small/a.yaml seed 1, …)']));
  it('a missing timeline', () =>
    rejects(['no-timeline'], ['no-timeline/timelines/small_b-seed1.json: cannot read the timeline of small/b.yaml seed 1: no such file']));
  it('no timelines', () => rejects(['no-timelines'], ['no-timelines/timelines: no such directory (the timelines parley run writes beside report.json)']));
  it('a --report-dir that is a file', async () => {
    const result = await parley('merge', 'm-1', 'm-2', '--report-dir', 'a-file');
    expect(result.err).toBe('--report-dir: a-file is a file, expected a directory\n');
    expect(result.code).toBe(2);
    expect(readFileSync('a-file', 'utf8')).toBe('not a dir');
  });
  it('an unknown option', async () => {
    const result = await parley('merge', 'm-1', '--frob');
    expect(result.err).toBe('parley merge: unknown option "--frob" (try: parley merge --help)\n');
    expect(result.code).toBe(2);
  });

  it('the two shards merge', async () => {
    const result = await parley('merge', 'm-2', 'm-1', '--report-dir', 'merged');
    expect(result.err).toBe('');
    expect(result.code).toBe(1);
    expect(tree('merged')).toEqual(tree('m-whole'));
    rmSync('merged', { recursive: true });
  });

  it('--help', async () => {
    const result = await parley('merge', '--help');
    expect(result.code).toBe(0);
    expect(result.out).toMatch(/^Usage: parley merge <report dirs or report\.json files\.\.\.> \[options\]\n/);
  });
});

describe('the sharding rule', () => {
  it('round-robin over the canonical task list; the shards cover it exactly once', () => {
    const tasks = Array.from({ length: 10 }, (_, k) => k);
    expect(shardTasks(tasks, { index: 1, count: 3 })).toEqual([0, 3, 6, 9]);
    expect(shardTasks(tasks, { index: 2, count: 3 })).toEqual([1, 4, 7]);
    expect(shardTasks(tasks, { index: 3, count: 3 })).toEqual([2, 5, 8]);
    expect(shardTasks(tasks, { index: 12, count: 12 })).toEqual([]);
    expect(shardTasks(tasks, undefined)).toEqual(tasks);
    expect(parseShard('2/3')).toEqual({ index: 2, count: 3 });
    expect(parseShard('1/1')).toEqual({ index: 1, count: 1 });
  });
});
