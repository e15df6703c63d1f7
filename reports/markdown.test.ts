import { describe, expect, it } from 'vitest';
import { compareReports } from './baseline.js';
import { cell, MAX_FAILURE_ROWS, renderComparisonMarkdown, renderMarkdownSummary, verdict } from './markdown.js';
import { assertion, metrics, runReport, scenarioRun } from './test-support.js';

const before = runReport(
  [scenarioRun('a.yaml', 1), scenarioRun('b.yaml', 2, { metrics: metrics([600, 793], [290, 300], [100, 150]) }), scenarioRun('c.yaml', 1)],
  metrics([700, 900], [290, 300], [100, 150]),
);
const after = runReport(
  [
    scenarioRun('a.yaml', 1),
    scenarioRun('b.yaml', 2, {
      name: 'booking | table',
      metrics: metrics([600, 912], [290, 300], [null, null]),
      assertions: [assertion('script_completed', true), assertion('every_turn_answered', false, 10, 'turn 2 was not answered <after 3 s>'), assertion('turns', false, 11)],
    }),
    scenarioRun('d.yaml', 1),
  ],
  metrics([700, 990], [290, 280], [null, null]),
);

describe('renderMarkdownSummary', () => {
  it('a passing run: heading, config line and the latency table', () => {
    expect(renderMarkdownSummary(before)).toBe(
      [
        '## ✅ parley: 3 of 3 scenario runs passed',
        '',
        'Config `default` · each scenario with its own seed · 3 passed, 0 failed',
        '',
        '### Latency over all runs',
        '',
        '| metric | count | p50 | p95 |',
        '|---|---|---|---|',
        '| voice-to-voice | 4 turns | 700 ms | 900 ms |',
        '| end-of-utterance delay | 4 turns | 290 ms | 300 ms |',
        '| barge-in stop latency | 4 barge-ins | 100 ms | 150 ms |',
        '',
      ].join('\n'),
    );
  });

  it('a failing run with a baseline: failures with the first failure, escaped, and the regressions', () => {
    const comparison = compareReports(before, after);
    expect(renderMarkdownSummary(after, comparison, { baseline: 'main.json' })).toBe(
      [
        '## ❌ parley: 1 of 3 scenario runs failed',
        '',
        'Config `default` · each scenario with its own seed · 2 passed, 1 failed',
        '',
        '### Failures',
        '',
        '| scenario | file | seed | first failure |',
        '|---|---|---|---|',
        '| booking \\| table | `b.yaml` | 2 | `every_turn_answered (line 10)`: turn 2 was not answered &lt;after 3 s&gt; (+1 more: `turns`) |',
        '',
        '### Latency over all runs',
        '',
        '| metric | count | p50 | p95 |',
        '|---|---|---|---|',
        '| voice-to-voice | 4 turns | 700 ms | 990 ms |',
        '| end-of-utterance delay | 4 turns | 290 ms | 280 ms |',
        '| barge-in stop latency | 0 barge-ins | — | — |',
        '',
        '### Baseline',
        '',
        '❌ 2 regressions against `main.json` (2 scenario runs compared, 1 new, 1 removed):',
        '',
        '- b.yaml (seed 2): voice-to-voice p95 793 ms → 912 ms (+119 ms, +15%; tolerance 10% and 30 ms)',
        '- b.yaml (seed 2): assertion every_turn_answered (line 10) passed before, fails now: turn 2 was not answered &lt;after 3 s&gt;',
        '',
      ].join('\n'),
    );
  });

  it('no regression, seeds given on the command line', () => {
    const report = { ...before, seed: 5, seeds: 3 };
    const text = renderMarkdownSummary(report, compareReports(before, before));
    expect(text).toContain('\nConfig `default` · seeds 5–7 · 3 passed, 0 failed\n');
    expect(text.endsWith('### Baseline\n\n✅ No regression against the baseline (3 scenario runs compared).\n')).toBe(true);
    expect(renderMarkdownSummary({ ...before, seed: 5, seeds: 1 })).toContain('· seed 5 ·');
    expect(renderMarkdownSummary({ ...before, seeds: 2 })).toContain('· 2 seeds per scenario from its own ·');
  });

  it(`lists at most ${MAX_FAILURE_ROWS} failing runs and counts the rest`, () => {
    const runs = Array.from({ length: MAX_FAILURE_ROWS + 5 }, (_, i) => scenarioRun(`s${i}.yaml`, 1, { assertions: [assertion('turns', false, 3, 'x'.repeat(300))] }));
    const text = renderMarkdownSummary(runReport(runs));
    expect(text.split('\n').filter((line) => /^\| s\d+ \|/.test(line)).length).toBe(MAX_FAILURE_ROWS);
    expect(text).toContain('\n… and 5 more failing runs (see report.json).\n');
    expect(text).toContain(`: ${'x'.repeat(239)}… |`);
  });

  it('cells', () => {
    expect(cell('a | b\nc <d> & e')).toBe('a \\| b c &lt;d&gt; &amp; e');
  });
});

describe('renderComparisonMarkdown', () => {
  it('every overall statistic, then only what changed per scenario run, then the regressions', () => {
    const comparison = compareReports(before, after);
    expect(renderComparisonMarkdown(comparison, { baseline: 'main.json', current: 'parley-report/report.json' })).toBe(
      [
        '## ❌ parley compare: 2 regressions',
        '',
        'Baseline `main.json` → current `parley-report/report.json`',
        '',
        '| scenario | metric | baseline | current | delta | verdict |',
        '|---|---|---|---|---|---|',
        '| overall | voice-to-voice p50 | 700 ms | 700 ms | 0 ms | same |',
        '| overall | voice-to-voice p95 | 900 ms | 990 ms | +90 ms, +10% | within tolerance |',
        '| overall | end-of-utterance delay p50 | 290 ms | 290 ms | 0 ms | same |',
        '| overall | end-of-utterance delay p95 | 300 ms | 280 ms | −20 ms, −7% | within tolerance |',
        '| overall | barge-in stop latency p50 | 100 ms | — |  | no longer measured |',
        '| overall | barge-in stop latency p95 | 150 ms | — |  | no longer measured |',
        '| `b.yaml` (seed 2) | voice-to-voice p95 | 793 ms | 912 ms | +119 ms, +15% | **regressed** (tolerance 10% and 30 ms) |',
        '| `b.yaml` (seed 2) | barge-in stop latency p50 | 100 ms | — |  | no longer measured |',
        '| `b.yaml` (seed 2) | barge-in stop latency p95 | 150 ms | — |  | no longer measured |',
        '| `b.yaml` (seed 2) | assertion `every_turn_answered (line 10)` | passed | failed |  | **regressed** |',
        '| `d.yaml` (seed 1) |  |  |  |  | new (not in baseline) |',
        '| `c.yaml` (seed 1) |  |  |  |  | removed (only in baseline) |',
        '',
        '2 scenario runs compared, 1 unchanged.',
        '',
        'Regressions:',
        '',
        '- b.yaml (seed 2): voice-to-voice p95 793 ms → 912 ms (+119 ms, +15%; tolerance 10% and 30 ms)',
        '- b.yaml (seed 2): assertion every_turn_answered (line 10) passed before, fails now: turn 2 was not answered &lt;after 3 s&gt;',
        '',
      ].join('\n'),
    );
  });

  it('the reverse direction: improvements and fixed assertions, no regression', () => {
    const text = renderComparisonMarkdown(compareReports(after, before));
    expect(text.startsWith('## ✅ parley compare: no regression\n\n| scenario |')).toBe(true);
    expect(text).toContain('| `b.yaml` (seed 2) | voice-to-voice p95 | 912 ms | 793 ms | −119 ms, −13% | improved |');
    expect(text).toContain('| `b.yaml` (seed 2) | barge-in stop latency p50 | — | 100 ms |  | not in baseline |');
    expect(text).toContain('| `b.yaml` (seed 2) | assertion `every_turn_answered (line 10)` | failed | passed |  | fixed |');
    expect(text).not.toContain('Regressions:');
  });

  it('verdicts', () => {
    const tolerance = { relative: 0.1, absoluteMs: 30 };
    const d = (baseline: number | null, current: number | null, regressed = false) => ({
      metric: 'voiceToVoiceMs' as const,
      stat: 'p95' as const,
      baseline,
      current,
      delta: baseline === null || current === null ? null : current - baseline,
      tolerance,
      regressed,
    });
    expect([d(null, null), d(800, 800), d(800, 820), d(800, 700), d(800, 790), d(800, 1000, true)].map(verdict)).toEqual([
      'not measured',
      'same',
      'within tolerance',
      'improved',
      'within tolerance',
      '**regressed** (tolerance 10% and 30 ms)',
    ]);
  });
});
