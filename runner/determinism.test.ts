import { cpSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { inTemporaryDirectory, parley, writeLines } from './test-support/cli.js';

/**
 * The same inputs and seed give the same report.json bytes; different seeds give different draws;
 * `--seeds K` runs every scenario K times and aggregates over all runs.
 */

const { home, dir } = inTemporaryDirectory('determinism');
const library = join(home, 'scenarios');
const write = writeLines;

function readReport(reportDir: string): Report {
  return JSON.parse(readFileSync(join(reportDir, 'report.json'), 'utf8')) as Report;
}

interface Turn {
  readonly index: number;
  readonly userSpeechEndMs: number | null;
  readonly endpointMs: number;
  readonly agentAudioStartMs: number | null;
  readonly voiceToVoiceMs: number | null;
  readonly eouDelayMs: number | null;
}
interface Summary {
  readonly count: number;
}
interface ScenarioRun {
  readonly name: string;
  readonly file: string;
  readonly seed: number;
  readonly turns: readonly Turn[];
  readonly overlaps: readonly { readonly kind: string; readonly stopLatencyMs: number | null }[];
  readonly metrics: { readonly voiceToVoiceMs: Summary; readonly eouDelayMs: Summary; readonly bargeInStopMs: Summary };
}
interface Report {
  readonly seed: number | null;
  readonly seeds: number;
  readonly summary: { readonly scenarios: number; readonly passed: number; readonly failed: number };
  readonly metrics: ScenarioRun['metrics'];
  readonly scenarios: readonly ScenarioRun[];
}

/** Nearest-rank summary, written out here as an independent check of the report's aggregation. */
function summarize(values: readonly (number | null)[]): Record<string, number | null> {
  const sorted = values.filter((v): v is number => v !== null).sort((a, b) => a - b);
  const rank = (p: number) => (sorted.length === 0 ? null : sorted[Math.max(1, Math.ceil((p / 100) * sorted.length)) - 1]!);
  return { count: sorted.length, min: sorted[0] ?? null, p50: rank(50), p90: rank(90), p95: rank(95), p99: rank(99), max: sorted.at(-1) ?? null };
}

function yamlFiles(path: string): string[] {
  return readdirSync(path, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && /\.ya?ml$/i.test(entry.name))
    .map((entry) => join(entry.parentPath, entry.name));
}

/** A scenario whose timings depend on the draws: jittery network, several turns, a barge-in. */
const JITTERY = [
  'name: jittery booking',
  'user:',
  '  - say: "I need to move my appointment to next week."',
  '  - say: "Thursday afternoon if you have it."',
  '    at: agent.speech.end + 600ms',
  '  - say: "Actually, make it Friday."',
  '    at: agent.speech.start + 1500ms',
  'agent:',
  '  replies:',
  '    - when: Friday',
  '      say: "Friday works. You are booked."',
  '    - when: Thursday',
  '      say: "Let me check Thursday afternoon for you. I have a few slots between two and five, which one would you like?"',
  '    - when: appointment',
  '      say: "Of course. Which day suits you?"',
  'channel:',
  '  latency: { min: 20ms, max: 80ms }',
  '  jitter: { mean: 30ms, sd: 15ms }',
  'expect:',
  '  - every_turn_answered',
];

describe('determinism', () => {
  it('the whole bundled library, run twice with the same seed, gives byte-identical reports', async () => {
    // A snapshot, so scenarios being added meanwhile cannot make the two runs differ.
    cpSync(library, 'scenarios', { recursive: true });
    const count = yamlFiles('scenarios').length;
    expect(count).toBeGreaterThan(0);

    const first = await parley('run', 'scenarios', '--seed', '17', '--report-dir', 'first');
    const second = await parley('run', 'scenarios', '--seed', '17', '--report-dir', 'second');

    expect(first.err).toBe('');
    expect([0, 1]).toContain(first.code);
    expect(second.code).toBe(first.code);
    expect(second.out.replace(/second\/report\.json/g, 'first/report.json')).toBe(first.out);
    const bytes = readFileSync('first/report.json');
    expect(readFileSync('second/report.json').equals(bytes)).toBe(true);
    // The recordings of the acoustic calls too, byte for byte.
    const recordings = readdirSync('first/audio').sort();
    expect(recordings.length).toBe(yamlFiles('scenarios/acoustic').length);
    expect(readdirSync('second/audio').sort()).toEqual(recordings);
    for (const file of recordings) expect(readFileSync(join('second/audio', file)).equals(readFileSync(join('first/audio', file))), file).toBe(true);

    const report = readReport('first');
    expect(report.summary.scenarios).toBe(count);
    expect(report.scenarios.every((s) => s.seed === 17)).toBe(true);
    // Wall-clock facts never go in the report: no dates, no host, no working directory.
    const text = bytes.toString('utf8');
    expect(text).not.toMatch(/\d{4}-\d{2}-\d{2}T\d{2}:/);
    expect(text).not.toContain(dir());
  }, 120_000);

  it("the library passes with the default config, each scenario with its own seed", async () => {
    cpSync(library, 'scenarios', { recursive: true });
    const first = await parley('run', 'scenarios', '--report-dir', 'first');
    expect(first.err).toBe('');
    // The library is the regression suite: every scenario passes as bundled.
    expect(first.out.split('\n').filter((line) => line.startsWith('✗ ') || line.startsWith('    '))).toEqual([]);
    expect(first.code).toBe(0);
    expect(readReport('first').seed).toBeNull();
  }, 120_000);

  it('different seeds give different draws', async () => {
    write('jittery.yaml', ...JITTERY);
    const one = await parley('run', 'jittery.yaml', '--seed', '1', '--report-dir', 'one');
    const two = await parley('run', 'jittery.yaml', '--seed', '2', '--report-dir', 'two');
    const again = await parley('run', 'jittery.yaml', '--seed', '1', '--report-dir', 'again');
    expect([one.err, two.err, again.err]).toEqual(['', '', '']);

    const timings = (report: Report) => report.scenarios[0]!.turns.map((t) => [t.endpointMs, t.agentAudioStartMs, t.voiceToVoiceMs]);
    const [a, b] = [readReport('one'), readReport('two')];
    expect(a.scenarios[0]!.seed).toBe(1);
    expect(b.scenarios[0]!.seed).toBe(2);
    expect(timings(a).length).toBeGreaterThan(0);
    expect(timings(b)).not.toEqual(timings(a));
    expect(readFileSync('again/report.json').equals(readFileSync('one/report.json'))).toBe(true);
  });

  it('--seeds K runs each scenario with K consecutive seeds and aggregates over every run', async () => {
    write('suite/jittery.yaml', ...JITTERY);
    write('suite/own-seed.yaml', ...JITTERY.map((line) => line.replace('name: jittery booking', 'name: own seed\nseed: 7')));

    const own = await parley('run', 'suite', '--seeds', '3', '--report-dir', 'own');
    expect(own.err).toBe('');
    const ownReport = readReport('own');
    expect(ownReport.seed).toBeNull();
    expect(ownReport.seeds).toBe(3);
    expect(ownReport.scenarios.map((s) => [s.name, s.seed])).toEqual([
      ['jittery booking', 1],
      ['jittery booking', 2],
      ['jittery booking', 3],
      ['own seed', 7],
      ['own seed', 8],
      ['own seed', 9],
    ]);

    const based = await parley('run', 'suite', '--seeds', '3', '--seed', '10', '--report-dir', 'based');
    expect(based.err).toBe('');
    const report = readReport('based');
    expect(report).toMatchObject({ seed: 10, seeds: 3 });
    expect(report.scenarios.map((s) => [s.name, s.seed])).toEqual([
      ['jittery booking', 10],
      ['jittery booking', 11],
      ['jittery booking', 12],
      ['own seed', 10],
      ['own seed', 11],
      ['own seed', 12],
    ]);

    // The summary counts runs; one result line per run.
    expect(report.summary.scenarios).toBe(6);
    expect(report.summary.passed + report.summary.failed).toBe(6);
    expect(based.out.split('\n').filter((line) => /^[✓✗] /.test(line))).toHaveLength(6);
    expect(based.out).toMatch(/\n6 scenario runs: \d+ passed, \d+ failed/);

    // The top-level metrics aggregate over the turns of every run, not per scenario.
    const sum = (pick: (run: ScenarioRun) => number) => report.scenarios.reduce((total, run) => total + pick(run), 0);
    expect(report.metrics.voiceToVoiceMs.count).toBe(sum((run) => run.metrics.voiceToVoiceMs.count));
    expect(report.metrics.eouDelayMs.count).toBe(sum((run) => run.metrics.eouDelayMs.count));
    expect(report.metrics.bargeInStopMs.count).toBe(sum((run) => run.metrics.bargeInStopMs.count));
    expect(report.metrics.voiceToVoiceMs.count).toBeGreaterThan(report.scenarios[0]!.metrics.voiceToVoiceMs.count);
    const turns = report.scenarios.flatMap((run) => run.turns);
    expect(report.metrics.voiceToVoiceMs).toEqual(summarize(turns.map((t) => t.voiceToVoiceMs)));
    expect(report.metrics.eouDelayMs).toEqual(summarize(turns.map((t) => t.eouDelayMs)));
    const bargeIns = report.scenarios.flatMap((run) => run.overlaps).filter((o) => o.kind === 'bargeIn');
    expect(report.metrics.bargeInStopMs).toEqual(summarize(bargeIns.map((o) => o.stopLatencyMs)));

    // Seeds of a --seeds run are the same runs as single-seed runs with those seeds.
    const single = await parley('run', 'suite/own-seed.yaml', '--seed', '11', '--report-dir', 'single');
    expect(single.err).toBe('');
    expect(readReport('single').scenarios[0]).toEqual(report.scenarios[4]);
  });

  it("a scenario's own seed is used unless --seed overrides it", async () => {
    write('seeded.yaml', ...JITTERY.map((line) => line.replace('name: jittery booking', 'name: seeded\nseed: 42')));
    write('unseeded.yaml', ...JITTERY);

    const own = await parley('run', 'seeded.yaml', 'unseeded.yaml', '--report-dir', 'own');
    expect(own.err).toBe('');
    expect(own.out).toContain('(seeded.yaml, seed 42)');
    expect(own.out).toContain('(unseeded.yaml, seed 1)');
    const ownReport = readReport('own');
    expect(ownReport.seed).toBeNull();
    expect(ownReport.scenarios.map((s) => s.seed)).toEqual([42, 1]);

    const overridden = await parley('run', 'seeded.yaml', 'unseeded.yaml', '--seed', '3', '--report-dir', 'overridden');
    expect(overridden.err).toBe('');
    const overriddenReport = readReport('overridden');
    expect(overriddenReport.seed).toBe(3);
    expect(overriddenReport.scenarios.map((s) => s.seed)).toEqual([3, 3]);

    // --seed 42 on the seeded scenario is exactly its own-seed run.
    const same = await parley('run', 'seeded.yaml', '--seed', '42', '--report-dir', 'same');
    expect(same.err).toBe('');
    expect(readReport('same').scenarios[0]).toEqual(ownReport.scenarios[0]);
  });
});
