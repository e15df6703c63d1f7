import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  compareReports,
  DEFAULT_TOLERANCES,
  describeRegression,
  exceeds,
  formatChange,
  formatTolerance,
  parseReport,
  readReportFile,
  uniformTolerances,
  writeBaseline,
} from './baseline.js';
import type { Tolerances } from './comparison.js';
import { serializeReport } from './json.js';
import { assertion, metrics, runReport, scenarioRun } from './test-support.js';

const temp: string[] = [];
afterAll(() => temp.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

describe('exceeds: a statistic regresses only when it grows by more than BOTH bounds', () => {
  const defaults = { relative: 0.1, absoluteMs: 30 };
  it.each([
    // baseline, current, tolerance, regressed
    [793, 912, defaults, true], // +119 ms, +15%
    [200, 229, defaults, false], // +29 ms: within 30 ms (although +14.5%)
    [200, 230, defaults, false], // exactly 30 ms: not more than
    [200, 231, defaults, true], // +31 ms, +15.5%
    [1000, 1100, defaults, false], // +100 ms but exactly 10%
    [1000, 1101, defaults, true],
    [1000, 1090, defaults, false], // +90 ms, 9%
    [300, 200, defaults, false], // faster
    [500, 500, defaults, false],
    [0, 30, defaults, false], // a zero baseline: only the absolute bound can hold
    [0, 31, defaults, true],
    [100, 111, { relative: 0.1, absoluteMs: 0 }, true], // relative bound alone
    [100, 110, { relative: 0.1, absoluteMs: 0 }, false],
    [1000, 1031, { relative: 0, absoluteMs: 30 }, true], // absolute bound alone
    [1000, 1030, { relative: 0, absoluteMs: 30 }, false],
  ] as const)('%d → %d with %o: %s', (baseline, current, tolerance, regressed) => {
    expect(exceeds(baseline, current, tolerance)).toBe(regressed);
  });
});

describe('compareReports', () => {
  it('an unchanged run has no regression and every delta 0', () => {
    const report = runReport([scenarioRun('a.yaml', 1), scenarioRun('b.yaml', 2)]);
    const comparison = compareReports(report, structuredClone(report));
    expect(comparison.passed).toBe(true);
    expect(comparison.regressions).toEqual([]);
    expect(comparison.overall).toHaveLength(6);
    expect(comparison.overall.map((d) => `${d.metric}.${d.stat}`)).toEqual([
      'voiceToVoiceMs.p50', 'voiceToVoiceMs.p95', 'eouDelayMs.p50', 'eouDelayMs.p95', 'bargeInStopMs.p50', 'bargeInStopMs.p95',
    ]);
    expect(comparison.scenarios.map((s) => [s.file, s.seed, s.status])).toEqual([['a.yaml', 1, 'compared'], ['b.yaml', 2, 'compared']]);
    for (const s of comparison.scenarios) {
      expect(s.metrics.filter((d) => d.delta !== null).map((d) => d.delta)).toEqual([0, 0, 0, 0]);
      expect(s.newlyFailing).toEqual([]);
      expect(s.newlyPassing).toEqual([]);
    }
  });

  it('names each regression with both values, the change and the tolerance, overall first', () => {
    const before = runReport([scenarioRun('hesitation/before-the-date.yaml', 7, { metrics: metrics([600, 793]) })], metrics([600, 793]));
    const after = runReport([scenarioRun('hesitation/before-the-date.yaml', 7, { metrics: metrics([640, 912]) })], metrics([640, 912]));
    const comparison = compareReports(before, after);
    expect(comparison.passed).toBe(false);
    expect(comparison.regressions).toEqual([
      'overall: voice-to-voice p95 793 ms → 912 ms (+119 ms, +15%; tolerance 10% and 30 ms)',
      'hesitation/before-the-date.yaml (seed 7): voice-to-voice p95 793 ms → 912 ms (+119 ms, +15%; tolerance 10% and 30 ms)',
    ]);
    const delta = comparison.scenarios[0]!.metrics.find((d) => d.metric === 'voiceToVoiceMs' && d.stat === 'p95')!;
    expect(delta).toEqual({ metric: 'voiceToVoiceMs', stat: 'p95', baseline: 793, current: 912, delta: 119, tolerance: { relative: 0.1, absoluteMs: 30 }, regressed: true });
    // p50 grew by 40 ms (> 30 ms) but only 6.7% (< 10%): not a regression.
    expect(comparison.scenarios[0]!.metrics.find((d) => d.metric === 'voiceToVoiceMs' && d.stat === 'p50')).toMatchObject({ delta: 40, regressed: false });
  });

  it('per-metric and per-statistic tolerances', () => {
    const tolerances: Tolerances = {
      ...DEFAULT_TOLERANCES,
      voiceToVoiceMs: { p50: { relative: 0.1, absoluteMs: 30 }, p95: { relative: 0.05, absoluteMs: 50 } },
      bargeInStopMs: { p50: { relative: 0.2, absoluteMs: 20 }, p95: { relative: 0.2, absoluteMs: 20 } },
    };
    const before = runReport([scenarioRun('x.yaml', 1, { metrics: metrics([793, 793], [290, 300], [100, 150]) })]);
    const after = runReport([scenarioRun('x.yaml', 1, { metrics: metrics([850, 850], [290, 300], [125, 181]) })]);
    const comparison = compareReports(before, after, tolerances);
    const verdicts = comparison.overall.map((d) => `${d.metric}.${d.stat}: ${d.delta} ${d.regressed}`);
    expect(verdicts).toEqual([
      'voiceToVoiceMs.p50: 57 false', // 57 > 30 ms but 7.2% ≤ 10%
      'voiceToVoiceMs.p95: 57 true', // 57 > 50 ms and 7.2% > 5%
      'eouDelayMs.p50: 0 false',
      'eouDelayMs.p95: 0 false',
      'bargeInStopMs.p50: 25 true', // 25 > 20 ms and 25% > 20%
      'bargeInStopMs.p95: 31 true', // 31 > 20 ms and 20.7% > 20%
    ]);
    expect(comparison.regressions[1]).toBe('overall: barge-in stop latency p50 100 ms → 125 ms (+25 ms, +25%; tolerance 20% and 20 ms)');
    // The same change under the defaults: only barge-in p50 (+25%, but 25 ms ≤ 30 ms) is spared.
    const defaults = compareReports(before, after);
    expect(defaults.overall.map((d) => d.regressed)).toEqual([false, false, false, false, false, true]);
    expect(uniformTolerances({ relative: 0.1, absoluteMs: 30 })).toEqual(DEFAULT_TOLERANCES);
  });

  it('a statistic measured in only one run is shown, with no delta, and is not a regression', () => {
    const before = runReport([scenarioRun('x.yaml', 1, { metrics: metrics([800, 900], [290, 300], [null, null]) })]);
    const after = runReport([scenarioRun('x.yaml', 1, { metrics: metrics([null, null], [290, 300], [120, 400]) })]);
    const comparison = compareReports(before, after);
    expect(comparison.passed).toBe(true);
    expect(comparison.overall.map((d) => [d.baseline, d.current, d.delta, d.regressed])).toEqual([
      [800, null, null, false],
      [900, null, null, false],
      [290, 290, 0, false],
      [300, 300, 0, false],
      [null, 120, null, false],
      [null, 400, null, false],
    ]);
  });

  it('new and removed scenario runs are listed (current order, then removed) but are not regressions', () => {
    const before = runReport([scenarioRun('a.yaml', 1), scenarioRun('b.yaml', 1), scenarioRun('c.yaml', 1)]);
    const after = runReport([
      scenarioRun('a.yaml', 2), // another seed: a different run
      scenarioRun('b.yaml', 1),
      scenarioRun('d.yaml', 1, { assertions: [assertion('agent_said', false, 5)], metrics: metrics([5000, 9000]) }),
    ]);
    const comparison = compareReports(before, after);
    expect(comparison.scenarios.map((s) => `${s.file}#${s.seed} ${s.status}`)).toEqual([
      'a.yaml#2 new', 'b.yaml#1 compared', 'd.yaml#1 new', 'a.yaml#1 removed', 'c.yaml#1 removed',
    ]);
    expect(comparison.passed).toBe(true);
    const removed = comparison.scenarios.find((s) => s.file === 'c.yaml')!;
    expect(removed.metrics[1]).toMatchObject({ baseline: 900, current: null, delta: null, regressed: false });
    const added = comparison.scenarios.find((s) => s.file === 'd.yaml')!;
    expect(added.metrics[1]).toMatchObject({ baseline: null, current: 9000, delta: null, regressed: false });
    expect(added.newlyFailing).toEqual([]);
  });

  it('an assertion that passed and fails now is a regression; one that failed and passes now is listed', () => {
    const before = runReport([
      scenarioRun('pauses/card.yaml', 23, {
        assertions: [assertion('script_completed', true), assertion('no_takeover_during_pauses', true, 21), assertion('turns', false, 26), assertion('agent_said', false, 30)],
      }),
    ]);
    const after = runReport([
      scenarioRun('pauses/card.yaml', 23, {
        assertions: [
          assertion('script_completed', false, undefined, 'the action at line 9 never ran'),
          assertion('no_takeover_during_pauses', false, 21, 'the agent started speaking at 16.87 s'),
          assertion('turns', true, 26),
          assertion('agent_said', false, 30),
        ],
      }),
    ]);
    const comparison = compareReports(before, after);
    expect(comparison.passed).toBe(false);
    const [run] = comparison.scenarios;
    expect(run!.newlyFailing).toEqual(['script_completed', 'no_takeover_during_pauses (line 21)']);
    expect(run!.newlyPassing).toEqual(['turns (line 26)']);
    expect(comparison.regressions).toEqual([
      'pauses/card.yaml (seed 23): assertion script_completed passed before, fails now: the action at line 9 never ran',
      'pauses/card.yaml (seed 23): assertion no_takeover_during_pauses (line 21) passed before, fails now: the agent started speaking at 16.87 s',
    ]);
  });

  it('matches assertions by id and line, or by id alone when each run has one of that id (a moved line)', () => {
    const before = runReport([scenarioRun('x.yaml', 1, { assertions: [assertion('agent_said', true, 20), assertion('agent_said', true, 21), assertion('turns', true, 22)] })]);
    const after = runReport([
      scenarioRun('x.yaml', 1, {
        // Two lines were inserted above the expectations.
        assertions: [assertion('agent_said', false, 22), assertion('agent_said', true, 23), assertion('turns', false, 24)],
      }),
    ]);
    const comparison = compareReports(before, after);
    // agent_said (line 22) has no counterpart (line 22 was `turns` and two agent_said exist); turns matches by id.
    expect(comparison.scenarios[0]!.newlyFailing).toEqual(['turns (line 24)']);
  });

  it('compares the first of duplicate (file, seed) runs in a baseline', () => {
    const before = runReport([scenarioRun('x.yaml', 1, { metrics: metrics([800, 900]) }), scenarioRun('x.yaml', 1, { metrics: metrics([1, 1]) })]);
    const after = runReport([scenarioRun('x.yaml', 1, { metrics: metrics([800, 900]) })]);
    expect(compareReports(before, after).passed).toBe(true);
  });

  it('is plain data (JSON round-trips)', () => {
    const before = runReport([scenarioRun('x.yaml', 1, { metrics: metrics([800, 900]) })]);
    const after = runReport([scenarioRun('x.yaml', 1, { metrics: metrics([800, 1200]) })]);
    const comparison = compareReports(before, after);
    expect(JSON.parse(JSON.stringify(comparison))).toEqual(comparison);
  });
});

describe('wording', () => {
  it('formats changes and tolerances', () => {
    expect(formatChange(793, 119)).toBe('+119 ms, +15%');
    expect(formatChange(400, -20)).toBe('−20 ms, −5%');
    expect(formatChange(0, 40)).toBe('+40 ms');
    expect(formatTolerance({ relative: 0.07, absoluteMs: 12.5 })).toBe('7% and 12.5 ms');
    expect(formatTolerance({ relative: 0, absoluteMs: 0 })).toBe('0% and 0 ms');
    expect(
      describeRegression({ metric: 'eouDelayMs', stat: 'p50', baseline: 0, current: 45, delta: 45, tolerance: { relative: 0.1, absoluteMs: 30 }, regressed: true }),
    ).toBe('end-of-utterance delay p50 0 ms → 45 ms (+45 ms; tolerance 10% and 30 ms)');
  });
});

describe('reading report files', () => {
  const good = runReport([scenarioRun('a.yaml', 1)]);

  it('parses a report.json', () => {
    const read = parseReport(serializeReport(good), 'main.json');
    expect(read).toEqual({ ok: true, report: good });
  });

  it.each([
    ['{', 'main.json: not valid JSON (', 'invalid'],
    ['[1, 2]', 'main.json: not a parley report (expected the report.json written by parley run)', 'invalid'],
    ['{"name": "x"}', 'main.json: not a parley report (expected the report.json written by parley run)', 'invalid'],
    ['{"schemaVersion": 2}', 'main.json: report schema version 2; this parley reads version 1 (write a new baseline with --update-baseline)', 'version'],
    [
      JSON.stringify({ ...good, scenarios: [{ ...good.scenarios[0], seed: 'one' }] }),
      'main.json: not a parley report (expected the report.json written by parley run): scenarios[0].seed: invalid input: expected number, received string',
      'invalid',
    ],
    [
      JSON.stringify({ ...good, metrics: undefined }),
      'main.json: not a parley report (expected the report.json written by parley run): metrics: invalid input: expected object, received undefined',
      'invalid',
    ],
  ])('%s → %s', (text, message, reason) => {
    const read = parseReport(text, 'main.json');
    expect(read.ok).toBe(false);
    if (read.ok) return;
    expect(read.error.toString().startsWith(message)).toBe(true);
    expect(read.error.toString()).not.toContain('\n');
    expect(read.reason).toBe(reason);
  });

  it('reads files and report directories, and says why it cannot', () => {
    const dir = mkdtempSync(join(tmpdir(), 'parley-baseline-'));
    temp.push(dir);
    mkdirSync(join(dir, 'rep'));
    writeFileSync(join(dir, 'rep', 'report.json'), serializeReport(good));
    expect(readReportFile(join(dir, 'rep'), 'rep', { directories: true })).toEqual({ ok: true, report: good });
    const asFile = readReportFile(join(dir, 'rep'), 'rep');
    expect(asFile.ok ? '' : `${asFile.reason}: ${asFile.error.toString()}`).toBe('unreadable: rep: is a directory, expected a file');
    const missing = readReportFile(join(dir, 'nothere.json'), 'nothere.json');
    expect(missing.ok ? '' : `${missing.reason}: ${missing.error.toString()}`).toBe('missing: nothere.json: no such file');
    const emptyDir = readReportFile(dir, 'x', { directories: true });
    expect(emptyDir.ok ? '' : `${emptyDir.reason}: ${emptyDir.error.toString()}`).toBe('missing: x/report.json: no such file');
  });

  it('writes a baseline atomically with report.json bytes', () => {
    const dir = mkdtempSync(join(tmpdir(), 'parley-baseline-'));
    temp.push(dir);
    const path = join(dir, 'nested', 'main.json');
    writeBaseline(path, good);
    expect(readFileSync(path, 'utf8')).toBe(serializeReport(good));
    expect(readdirSync(join(dir, 'nested'))).toEqual(['main.json']);
  });
});
