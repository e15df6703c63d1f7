import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { beforeEach, describe, expect, it } from 'vitest';
import { create } from 'xmlbuilder2';
import { inTemporaryDirectory, parley, writeLines } from './test-support/cli.js';

/**
 * The baseline gate, `parley compare` and `--junit` end to end, in-process, in a temporary working
 * directory: a two-scenario suite is run to make a baseline, then changed between runs.
 */

inTemporaryDirectory('baseline');
const write = writeLines;

beforeEach(() => {
  write('suite/quick.yaml', ...quick());
  write('suite/other.yaml', 'name: other', 'user:', '  - say: "Hello there, can you help me?"', 'expect:', '  - every_turn_answered');
});

/** A two-turn scenario whose LLM time to first token and opening-hours reply can be changed. */
function quick(ttft = '300ms', hours = 'nine'): string[] {
  return [
    'name: quick question',
    'seed: 3',
    'providers:',
    `  llm: { ttft: ${ttft} }`,
    'user:',
    '  - say: "What time do you open tomorrow?"',
    '  - say: "And on Sunday?"',
    '    at: agent.speech.end + 500ms',
    'agent:',
    '  replies:',
    '    - when: Sunday',
    '      say: "Noon on Sundays."',
    '    - when: open',
    `      say: "We open at ${hours}."`,
    'expect:',
    '  - every_turn_answered',
    '  - agent_said: "nine"', // line 17
    '  - voice_to_voice: { p95: 2s }',
  ];
}

/** The p50/p95 voice-to-voice of report.json's quick.yaml run and overall. */
function v2v(path: string): { overall: [number, number]; quick: [number, number] } {
  const report = JSON.parse(readFileSync(path, 'utf8'));
  const run = report.scenarios.find((s: { file: string }) => s.file === 'suite/quick.yaml');
  return { overall: [report.metrics.voiceToVoiceMs.p50, report.metrics.voiceToVoiceMs.p95], quick: [run.metrics.voiceToVoiceMs.p50, run.metrics.voiceToVoiceMs.p95] };
}

const pct = (before: number, after: number) => Math.round(((after - before) / before) * 100);
const line = (who: string, stat: string, before: number, after: number, tolerance = '10% and 30 ms') =>
  `${who}: voice-to-voice ${stat} ${before} ms → ${after} ms (+${after - before} ms, +${pct(before, after)}%; tolerance ${tolerance})`;

/** Makes base.json from the suite as written. */
async function makeBaseline(): Promise<void> {
  const made = await parley('run', 'suite', '--baseline', 'base.json', '--update-baseline');
  expect(made.err).toBe('');
  expect(made.code).toBe(0);
}

describe('parley run --baseline', () => {
  it('--update-baseline creates a missing baseline: the bytes of report.json', async () => {
    const result = await parley('run', 'suite', '--baseline', 'ci/base.json', '--update-baseline');
    expect(result.err).toBe('');
    expect(result.code).toBe(0);
    expect(result.out.endsWith('· parley-report/report.json\n\nno comparison: ci/base.json does not exist yet\nupdated baseline ci/base.json\n')).toBe(true);
    expect(readFileSync('ci/base.json', 'utf8')).toBe(readFileSync('parley-report/report.json', 'utf8'));
    expect(readdirSync('ci')).toEqual(['base.json']);
  });

  it('an unchanged suite: exit 0, "no regression", also in summary.md', async () => {
    await makeBaseline();
    const result = await parley('run', 'suite', '--baseline', 'base.json');
    expect(result.err).toBe('');
    expect(result.code).toBe(0);
    expect(result.out.endsWith('· parley-report/report.json\n\nno regression against base.json (2 scenario runs compared)\n')).toBe(true);
    expect(readFileSync('parley-report/summary.md', 'utf8')).toContain('\n### Baseline\n\n✅ No regression against the baseline (2 scenario runs compared).\n');
  });

  it('a slower LLM: exit 1, each regression named with both values', async () => {
    await makeBaseline();
    const before = v2v('base.json');
    write('suite/quick.yaml', ...quick('700ms'));
    const result = await parley('run', 'suite', '--baseline', 'base.json');
    expect(result.err).toBe('');
    expect(result.code).toBe(1);
    const after = v2v('parley-report/report.json');
    // 400 ms more to the first token is 400 ms more voice-to-voice on both of the scenario's turns.
    expect([after.quick[0] - before.quick[0], after.quick[1] - before.quick[1]]).toEqual([400, 400]);
    const section = result.out.slice(result.out.indexOf('\n\n', result.out.indexOf('scenario runs:')) + 2);
    expect(section.split('\n')).toEqual([
      '4 regressions against base.json (2 scenario runs compared):',
      `  ${line('overall', 'p50', before.overall[0], after.overall[0])}`,
      `  ${line('overall', 'p95', before.overall[1], after.overall[1])}`,
      `  ${line('suite/quick.yaml (seed 3)', 'p50', before.quick[0], after.quick[0])}`,
      `  ${line('suite/quick.yaml (seed 3)', 'p95', before.quick[1], after.quick[1])}`,
      '',
    ]);
    // The scenarios themselves still pass: only the gate fails.
    expect(result.out).toContain('2 scenario runs: 2 passed, 0 failed');
    const summary = readFileSync('parley-report/summary.md', 'utf8');
    expect(summary).toContain('❌ 4 regressions against the baseline (2 scenario runs compared):');
    expect(summary).toContain(`- ${line('suite/quick.yaml (seed 3)', 'p95', before.quick[1], after.quick[1])}\n`);
  });

  it('a gates file decides the tolerance', async () => {
    await makeBaseline();
    write('suite/quick.yaml', ...quick('700ms'));
    write('gates.yaml', 'metrics:', '  voiceToVoiceMs: { absolute: 500ms }');
    const lenient = await parley('run', 'suite', '--baseline', 'base.json', '--gates', 'gates.yaml');
    expect(lenient.code).toBe(0);
    expect(lenient.out).toContain('\nno regression against base.json (2 scenario runs compared)\n');

    write('gates.yaml', 'default: { relative: 100% }', 'metrics:', '  voiceToVoiceMs:', '    p95: { relative: 50%, absolute: 100ms }');
    const strict = await parley('run', 'suite', '--baseline', 'base.json', '--gates', 'gates.yaml');
    expect(strict.code).toBe(1);
    const before = v2v('base.json');
    const after = v2v('parley-report/report.json');
    expect(strict.out).toContain(
      `\n1 regression against base.json (2 scenario runs compared):\n  ${line('suite/quick.yaml (seed 3)', 'p95', before.quick[1], after.quick[1], '50% and 100 ms')}\n`,
    );
  });

  it('an assertion that passed in the baseline and fails now: exit 1, named with its line', async () => {
    await makeBaseline();
    write('suite/quick.yaml', ...quick('300ms', 'ten'));
    const result = await parley('run', 'suite', '--baseline', 'base.json');
    expect(result.code).toBe(1);
    expect(result.out).toContain(
      '\n1 regression against base.json (2 scenario runs compared):\n' +
        '  suite/quick.yaml (seed 3): assertion agent_said (line 17) passed before, fails now: the agent never said "nine"; what the user heard: "We open at ten.", "Noon on Sundays."\n',
    );
  });

  it('--update-baseline lists the regressions, rewrites the baseline and exits 0; the next run compares with it', async () => {
    await makeBaseline();
    write('suite/quick.yaml', ...quick('700ms'));
    const updated = await parley('run', 'suite', '--baseline', 'base.json', '--update-baseline');
    expect(updated.code).toBe(0);
    expect(updated.out).toContain('\n4 regressions against base.json (2 scenario runs compared):\n');
    expect(updated.out.endsWith('\nupdated baseline base.json\n')).toBe(true);
    expect(readFileSync('base.json', 'utf8')).toBe(readFileSync('parley-report/report.json', 'utf8'));
    expect(readdirSync('.').sort()).toEqual(['base.json', 'parley-report', 'suite']);

    const again = await parley('run', 'suite', '--baseline', 'base.json');
    expect(again.code).toBe(0);
    expect(again.out).toContain('\nno regression against base.json (2 scenario runs compared)\n');
  });

  it('new and removed scenarios are counted, not regressions', async () => {
    await makeBaseline();
    rmSync('suite/other.yaml');
    write('suite/third.yaml', 'name: third', 'user:', '  - say: "Is anyone there?"', 'expect:', '  - every_turn_answered');
    const result = await parley('run', 'suite', '--baseline', 'base.json');
    expect(result.out).toContain('\nno regression against base.json (1 scenario runs compared, 1 new, 1 removed)\n');
    expect(result.code).toBe(0);
  });
});

describe('parley run --baseline: bad input exits 2 with one line, before running', () => {
  async function rejects(argv: string[], err: string): Promise<void> {
    const result = await parley('run', 'suite', '--report-dir', 'rep', ...argv);
    expect(result.err).toBe(`${err}\n`);
    expect(result.code).toBe(2);
    expect(result.out).toBe('');
    expect(existsSync('rep')).toBe(false);
  }

  it('a missing baseline', () => rejects(['--baseline', 'nothere.json'], '--baseline: cannot read nothere.json: no such file'));
  it('a directory', () => {
    mkdirSync('adir');
    return rejects(['--baseline', 'adir', '--update-baseline'], '--baseline: cannot read adir: is a directory, expected a file');
  });
  it('not JSON', async () => {
    write('bad.json', 'hello');
    const result = await parley('run', 'suite', '--report-dir', 'rep', '--baseline', 'bad.json');
    expect(result.err).toMatch(/^bad\.json: not valid JSON \([^\n]*\); not a parley report \(expected the report\.json written by parley run\)\n$/);
    expect(result.code).toBe(2);
    expect(existsSync('rep')).toBe(false);
  });
  it('JSON that is not a report (even with --update-baseline: it is not overwritten)', async () => {
    write('package.json', '{"name": "x"}');
    await rejects(['--baseline', 'package.json', '--update-baseline'], 'package.json: not a parley report (expected the report.json written by parley run)');
    expect(readFileSync('package.json', 'utf8')).toBe('{"name": "x"}\n');
  });
  it('a report of another schema version', () => {
    write('old.json', '{"schemaVersion": 0, "scenarios": []}');
    return rejects(['--baseline', 'old.json'], 'old.json: report schema version 0; this parley reads version 1 (write a new baseline with --update-baseline)');
  });
  it('a gates file with a mistake', async () => {
    await makeBaseline();
    write('gates.yaml', 'metrics:', '  voiceToVoiceMs:', '    p95: { relative: 5%, absolute: 50 }');
    await rejects(['--baseline', 'base.json', '--gates', 'gates.yaml'], 'gates.yaml:3:36: expected a duration with a unit, like "250ms" or "1.2s", got 50');
  });
  it('a missing gates file', () => rejects(['--baseline', 'x.json', '--update-baseline', '--gates', 'none.yaml'], '--gates: cannot read none.yaml: no such file'));
  it('a --junit directory', () => {
    mkdirSync('adir');
    return rejects(['--junit', 'adir'], '--junit: adir is a directory, expected a file');
  });
  it('--update-baseline without --baseline', () => rejects(['--update-baseline'], 'parley run: --update-baseline needs --baseline FILE (where to write it)'));
  it('--gates without --baseline', () => rejects(['--gates', 'g.yaml'], 'parley run: --gates needs --baseline FILE (the tolerances apply to a comparison)'));
  it('--baseline with --shard', () =>
    rejects(
      ['--baseline', 'b.json', '--shard', '1/2'],
      'parley run: --baseline compares whole runs, not shards: join the shards with parley merge, then use parley compare BASELINE MERGED/report.json',
    ));

  it('a baseline of another schema version is replaced with --update-baseline', async () => {
    write('old.json', '{"schemaVersion": 0, "scenarios": []}');
    const result = await parley('run', 'suite', '--baseline', 'old.json', '--update-baseline');
    expect(result.code).toBe(0);
    expect(result.out).toContain(
      '\nno comparison: old.json: report schema version 0; this parley reads version 1 (write a new baseline with --update-baseline)\nupdated baseline old.json\n',
    );
    expect(JSON.parse(readFileSync('old.json', 'utf8')).schemaVersion).toBe(1);
  });
});

describe('parley compare', () => {
  it('identical reports: the Markdown table, exit 0', async () => {
    await makeBaseline();
    const result = await parley('compare', 'base.json', 'parley-report');
    expect(result.err).toBe('');
    expect(result.code).toBe(0);
    const { overall } = v2v('base.json');
    expect(result.out.split('\n').slice(0, 8)).toEqual([
      '## ✅ parley compare: no regression',
      '',
      'Baseline `base.json` → current `parley-report`',
      '',
      '| scenario | metric | baseline | current | delta | verdict |',
      '|---|---|---|---|---|---|',
      `| overall | voice-to-voice p50 | ${overall[0]} ms | ${overall[0]} ms | 0 ms | same |`,
      `| overall | voice-to-voice p95 | ${overall[1]} ms | ${overall[1]} ms | 0 ms | same |`,
    ]);
    expect(result.out.endsWith('\n\n2 scenario runs compared, 2 unchanged.\n')).toBe(true);
  });

  it('a regression: exit 1, the changed rows and the regression lines', async () => {
    await makeBaseline();
    const before = v2v('base.json');
    write('suite/quick.yaml', ...quick('700ms'));
    expect((await parley('run', 'suite', '--report-dir', 'slow')).code).toBe(0);
    const after = v2v('slow/report.json');
    const result = await parley('compare', 'base.json', 'slow/report.json');
    expect(result.code).toBe(1);
    expect(result.out.startsWith('## ❌ parley compare: 4 regressions\n')).toBe(true);
    expect(result.out).toContain(
      `\n| \`suite/quick.yaml\` (seed 3) | voice-to-voice p95 | ${before.quick[1]} ms | ${after.quick[1]} ms | +400 ms, +${pct(before.quick[1], after.quick[1])}% | **regressed** (tolerance 10% and 30 ms) |\n`,
    );
    expect(result.out).toContain(`\n- ${line('suite/quick.yaml (seed 3)', 'p95', before.quick[1], after.quick[1])}\n`);
    // The other way round it is an improvement.
    const reverse = await parley('compare', 'slow', 'base.json');
    expect(reverse.code).toBe(0);
    expect(reverse.out).toContain(`| voice-to-voice p95 | ${after.quick[1]} ms | ${before.quick[1]} ms | −400 ms, −${-pct(after.quick[1], before.quick[1])}% | improved |`);
    // A gates file applies.
    write('gates.yaml', 'default: { absolute: 1s }');
    expect((await parley('compare', 'base.json', 'slow', '--gates', 'gates.yaml')).code).toBe(0);
  });

  it('bad input exits 2 with one line per problem', async () => {
    await makeBaseline();
    write('bad.json', '[]');
    write('old.json', '{"schemaVersion": 9}');
    const cases: [string[], string][] = [
      [['compare', 'base.json', 'nothere.json'], 'nothere.json: no such file\n'],
      [['compare', 'bad.json', 'base.json'], 'bad.json: not a parley report (expected the report.json written by parley run)\n'],
      [['compare', 'base.json', 'old.json'], 'old.json: report schema version 9; this parley reads version 1 (write a new baseline with --update-baseline)\n'],
      [['compare', 'suite', 'base.json'], 'suite/report.json: no such file\n'],
      [['compare', 'base.json', 'base.json', '--gates', 'none.yaml'], '--gates: cannot read none.yaml: no such file\n'],
      [['compare', 'base.json'], 'parley compare: expected two reports, the baseline and the current run (e.g. parley compare main.json parley-report/report.json), got 1\n'],
      [['compare', 'base.json', 'base.json', '--frob'], 'parley compare: unknown option "--frob" (try: parley compare --help)\n'],
    ];
    for (const [argv, err] of cases) {
      const result = await parley(...argv);
      expect(result.err, argv.join(' ')).toBe(err);
      expect(result.code).toBe(2);
      expect(result.out).toBe('');
    }
  });

  it('a shard report is not a whole run: exit 2 (also as --baseline)', async () => {
    await makeBaseline();
    expect((await parley('run', 'suite', '--shard', '1/2', '--report-dir', 's1')).code).toBe(0);
    const result = await parley('compare', 'base.json', 's1');
    expect(result.err).toBe('s1: the report of shard 1/2, not of a whole run: join the shards with parley merge first\n');
    expect(result.code).toBe(2);
    const run = await parley('run', 'suite', '--baseline', 's1/report.json');
    expect(run.err).toBe('s1/report.json: the report of shard 1/2, not of a whole run: join the shards with parley merge first\n');
    expect(run.code).toBe(2);
  });

  it('--help', async () => {
    const result = await parley('compare', '--help');
    expect(result.code).toBe(0);
    expect(result.out.startsWith('Usage: parley compare BASELINE CURRENT [--gates FILE]\n')).toBe(true);
    expect((await parley('--help')).out).toContain('\n  compare A.json B.json    compare two reports');
  });
});

describe('parley run --junit', () => {
  it('writes JUnit XML: one test case per scenario and seed, failures with their messages', async () => {
    write('suite/quick.yaml', ...quick('300ms', 'ten'));
    const result = await parley('run', 'suite', '--seeds', '2', '--junit', 'out/junit.xml');
    expect(result.err).toBe('');
    expect(result.code).toBe(1);
    expect(readdirSync('out')).toEqual(['junit.xml']);
    const root = create(readFileSync('out/junit.xml', 'utf8')).root().node as unknown as {
      getAttribute(name: string): string | null;
      getElementsByTagName(name: string): ArrayLike<{ getAttribute(name: string): string | null; textContent: string | null }>;
    };
    expect([root.getAttribute('tests'), root.getAttribute('failures')]).toEqual(['4', '2']);
    const cases = Array.from(root.getElementsByTagName('testcase')).map((c) => `${c.getAttribute('classname')} ${c.getAttribute('name')}`);
    expect(cases).toEqual(['suite.other other (seed 1)', 'suite.other other (seed 2)', 'suite.quick quick question (seed 3)', 'suite.quick quick question (seed 4)']);
    const failures = Array.from(root.getElementsByTagName('failure')).map((f) => f.getAttribute('message'));
    expect(failures).toEqual([
      'agent_said (line 17): the agent never said "nine"; what the user heard: "We open at ten.", "Noon on Sundays."',
      'agent_said (line 17): the agent never said "nine"; what the user heard: "We open at ten.", "Noon on Sundays."',
    ]);
    // The same run gives the same bytes.
    const first = readFileSync('out/junit.xml', 'utf8');
    await parley('run', 'suite', '--seeds', '2', '--junit', 'out/junit.xml');
    expect(readFileSync('out/junit.xml', 'utf8')).toBe(first);
  });
});
