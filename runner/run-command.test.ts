import { existsSync, mkdirSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { inTemporaryDirectory, parley, writeLines } from './test-support/cli.js';

/**
 * `parley run` end to end, in-process: `main(argv, out, err)` in a temporary working directory
 * holding scenario files written here. Paths in messages are relative to the working directory.
 */

inTemporaryDirectory('run');
const write = writeLines;

function readReport(reportDir = 'parley-report'): Record<string, any> {
  return JSON.parse(readFileSync(join(reportDir, 'report.json'), 'utf8'));
}

/** A scenario that passes on the default config. */
const PASSING = [
  'name: table for two',
  'seed: 3',
  'user:',
  '  - say: "Hi, I would like to book a table for two"',
  '  - pause: 250ms',
  '  - say: "tomorrow evening, please."',
  '  - pause: 1.2s',
  '  - say: "Around seven would be great."',
  '    at: agent.speech.end + 500ms',
  'agent:',
  '  replies:',
  '    - when: seven',
  '      say: "Seven it is. See you tomorrow."',
  '    - when: table',
  '      say: "Sure, for what time?"',
  'expect:',
  '  - every_turn_answered',
  '  - agent_said: "for what time"',
  '  - voice_to_voice: { p95: 3s }',
];

/** A valid scenario body with `extra` spliced in after the name (for pinning configs). */
function scenario(name: string, ...extra: string[]): string[] {
  return [`name: ${name}`, ...extra, 'user:', '  - say: "Hello there, can you help me?"', 'expect:', '  - every_turn_answered'];
}

const SUMMARY_KEYS = ['count', 'min', 'p50', 'p90', 'p95', 'p99', 'max'];
const METRIC_KEYS = ['voiceToVoiceMs', 'eouDelayMs', 'bargeInStopMs'];

describe('parley run: passing and failing scenarios', () => {
  it('exits 0 for a passing scenario and writes report.json', async () => {
    write('pass.yaml', ...PASSING);
    const result = await parley('run', 'pass.yaml');
    expect(result.err).toBe('');
    expect(result.code).toBe(0);
    const lines = result.out.split('\n');
    expect(lines[0]).toMatch(/^✓ table for two \(pass\.yaml, seed 3\) {2}voice-to-voice p95 \d+ ms$/);
    expect(lines[1]).toBe('');
    expect(lines[2]).toMatch(
      /^1 scenario runs: 1 passed, 0 failed · voice-to-voice p50 \d+ ms, p95 \d+ ms over 2 turns · parley-report\/report\.json$/,
    );
    expect(lines.slice(3)).toEqual(['']);

    // Only the report: no temporary file left beside it.
    expect(readdirSync('parley-report')).toEqual(['report.html', 'report.json', 'summary.md', 'timelines', 'traces']);
    const text = readFileSync('parley-report/report.json', 'utf8');
    expect(text.endsWith('}\n')).toBe(true);
    expect(text).toBe(`${JSON.stringify(JSON.parse(text), null, 2)}\n`);

    const report = readReport();
    expect(Object.keys(report)).toEqual(['schemaVersion', 'seed', 'seeds', 'config', 'summary', 'metrics', 'scenarios']);
    expect(report).toMatchObject({ schemaVersion: 1, seed: null, seeds: 1, config: 'default', summary: { scenarios: 1, passed: 1, failed: 0 } });
    expect(Object.keys(report.metrics)).toEqual(METRIC_KEYS);
    for (const key of METRIC_KEYS) expect(Object.keys(report.metrics[key])).toEqual(SUMMARY_KEYS);
    expect(report.metrics.voiceToVoiceMs.count).toBe(2);

    expect(report.scenarios).toHaveLength(1);
    const [run] = report.scenarios;
    expect(Object.keys(run)).toEqual([
      'name', 'file', 'category', 'seed', 'config', 'stack', 'passed', 'durationMs', 'endReason', 'assertions', 'turns', 'overlaps', 'metrics',
    ]);
    expect(run).toMatchObject({ name: 'table for two', file: 'pass.yaml', seed: 3, config: 'default', passed: true, endReason: 'script_done' });
    expect(Number.isInteger(run.durationMs)).toBe(true);
    expect(run.assertions.map((a: { id: string }) => a.id)).toEqual(['script_completed', 'every_turn_answered', 'agent_said', 'voice_to_voice']);
    expect(run.assertions.map((a: { line?: number }) => a.line)).toEqual([undefined, 17, 18, 19]);
    for (const assertion of run.assertions) {
      expect(assertion).toMatchObject({ passed: true, message: expect.any(String) });
      expect(assertion).toHaveProperty('expected');
      expect(assertion).toHaveProperty('actual');
    }
    expect(run.turns).toHaveLength(2);
    for (const turn of run.turns) {
      expect(Object.keys(turn).sort()).toEqual(
        ['agentAudioStartMs', 'endpointMs', 'endpointReason', 'eouDelayMs', 'index', 'interrupted', 'llmFirstTokenMs', 'ttsFirstByteMs', 'userSpeechEndMs', 'voiceToVoiceMs'].sort(),
      );
      expect(turn.voiceToVoiceMs).toBeGreaterThan(0);
      expect(Number.isInteger(turn.endpointMs)).toBe(true);
    }
    expect(Array.isArray(run.overlaps)).toBe(true);
    expect(run.metrics.voiceToVoiceMs.count).toBe(2);
  });

  it('exits 1 when an expectation fails, naming the assertion and its line', async () => {
    write('fail.yaml', ...PASSING.slice(0, -3), '  - every_turn_answered', '  - agent_said: banana');
    const result = await parley('run', 'fail.yaml', '--report-dir', 'out');
    expect(result.err).toBe('');
    expect(result.code).toBe(1);
    const lines = result.out.split('\n');
    expect(lines[0]).toBe('✗ table for two (fail.yaml, seed 3)');
    expect(lines[1]).toMatch(/^ {4}agent_said \(line 18\): the agent never said "banana"; what the user heard: "Sure, for what time\?", /);
    expect(lines[2]).toBe('');
    expect(lines[3]).toMatch(/^1 scenario runs: 0 passed, 1 failed · .* · out\/report\.json$/);
    const report = readReport('out');
    expect(report.summary).toEqual({ scenarios: 1, passed: 0, failed: 1 });
    const failed = report.scenarios[0].assertions.filter((a: { passed: boolean }) => !a.passed);
    expect(failed).toMatchObject([{ id: 'agent_said', line: 18, passed: false }]);
  });

  it('exits 1 when any of several scenarios fails, and reports every run', async () => {
    write('a.yaml', ...PASSING);
    write('b.yaml', ...scenario('never says banana'), '  - agent_said: banana');
    const result = await parley('run', '.');
    expect(result.code).toBe(1);
    expect(result.out).toMatch(/^✓ table for two \(a\.yaml, seed 3\)/);
    expect(result.out).toContain('\n✗ never says banana (b.yaml, seed 1)\n');
    expect(readReport().summary).toEqual({ scenarios: 2, passed: 1, failed: 1 });
  });
});

describe('parley run: bad input exits 2 with file:line:col lines and writes nothing', () => {
  /** Runs `parley run <paths>` into report dir "rep"; expects exit 2, these stderr lines, nothing on stdout, no report. */
  async function rejects(paths: string[], expected: string[], ...options: string[]): Promise<void> {
    const result = await parley('run', ...paths, '--report-dir', 'rep', ...options);
    expect(result.errLines).toEqual(expected);
    expect(result.code).toBe(2);
    expect(result.out).toBe('');
    expect(result.err).not.toMatch(/\n\s+at /); // no stack trace
    expect(existsSync('rep')).toBe(false);
  }

  it('malformed YAML', async () => {
    write('bad.yaml', 'name: x', 'user:', '  - say: "hello', 'expect:', '  - every_turn_answered');
    await rejects(['bad.yaml'], ['bad.yaml:3:10: unclosed quoted string: missing closing "']);
  });

  it('an unknown top-level key, with did-you-mean', async () => {
    write('espect.yaml', 'name: x', 'user:', '  - say: hi', 'espect:', '  - every_turn_answered');
    await rejects(['espect.yaml'], ['espect.yaml:4:1: unknown key "espect" (did you mean "expect"?)']);
  });

  // Known failure (sim/, not the runner): when resolving the failed action union, sim/load's
  // `isAbsent` does not count the hangup branch's missing `hangup: true` (zod reports it as
  // invalid_value, not invalid_type), so that branch looks like the best fit and its "unknown key"
  // message, without a suggestion, wins over keyedUnion's "unknown action … did you mean".
  it('an unknown action key, with did-you-mean', async () => {
    write('sey.yaml', 'name: x', 'user:', '  - sey: hi', 'expect:', '  - every_turn_answered');
    await rejects(['sey.yaml'], ['sey.yaml:3:5: unknown action "sey" (did you mean "say"?)']);
  });

  it('a value of the wrong type', async () => {
    write('type.yaml', 'name: x', 'seed: abc', 'user:', '  - say: hi', 'expect:', '  - every_turn_answered');
    await rejects(['type.yaml'], ['type.yaml:2:7: expected an integer, got "abc"']);
  });

  it('an unparsable duration', async () => {
    write('twelve.yaml', 'name: x', 'user:', '  - say: hi', '  - pause: twelve', 'expect:', '  - every_turn_answered');
    await rejects(['twelve.yaml'], ['twelve.yaml:4:12: expected a duration with a unit, like "250ms" or "1.2s", got "twelve"']);
  });

  it('a negative duration', async () => {
    write('negative.yaml', 'name: x', 'user:', '  - say: hi', '  - pause: -5ms', 'expect:', '  - every_turn_answered');
    await rejects(['negative.yaml'], ['negative.yaml:4:12: a duration cannot be negative']);
  });

  it('an unknown anchor event, with did-you-mean', async () => {
    write('anchor.yaml', 'name: x', 'user:', '  - say: hi', '  - say: there', '    at: agent.speach.start + 1s', 'expect:', '  - every_turn_answered');
    await rejects(
      ['anchor.yaml'],
      [
        'anchor.yaml:5:9: unknown event "agent.speach.start" (did you mean "agent.speech.start"?); events: call.start, agent.speech.start, agent.speech.end, agent.turn.end, endpoint, previous.start, previous.end',
      ],
    );
  });

  it('a missing file', async () => {
    await rejects(['nothere.yaml'], ['nothere.yaml: no such file or directory']);
  });

  it('an empty directory', async () => {
    mkdirSync('empty/nested', { recursive: true });
    write('empty/notes.txt', 'not a scenario');
    await rejects(['empty'], ['empty: no scenario files (*.yaml) in this directory']);
  });

  it('an unknown --config preset, with a suggestion', async () => {
    write('ok.yaml', ...scenario('ok'));
    await rejects(
      ['ok.yaml'],
      ['--config: unknown config "silense-only" (did you mean "silence-only"?); expected a preset (default, silence-only) or a .yaml file'],
      '--config',
      'silense-only',
    );
  });

  it('a missing --config file', async () => {
    write('ok.yaml', ...scenario('ok'));
    await rejects(['ok.yaml'], ['--config: cannot read config file nothere.yaml: no such file'], '--config', 'nothere.yaml');
  });

  it('a --config file with mistakes', async () => {
    write('ok.yaml', ...scenario('ok'));
    write('configs/agent.yaml', 'endpointr:', '  mode: silence', 'vad:', '  threshold: 2');
    await rejects(
      ['ok.yaml'],
      ['configs/agent.yaml:1:1: unknown key "endpointr" (did you mean "endpointer"?)', 'configs/agent.yaml:4:14: expected a number <= 1, got 2'],
      '--config',
      'configs/agent.yaml',
    );
  });

  it("an unknown preset pinned by a scenario, at the scenario's config line", async () => {
    write('pinned.yaml', ...scenario('pinned', 'config: silense-only'));
    await rejects(
      ['pinned.yaml'],
      ['pinned.yaml:2:9: unknown config "silense-only" (did you mean "silence-only"?); expected a preset (default, silence-only) or a .yaml file'],
    );
  });

  it("a missing config file pinned by a scenario, at the scenario's config line", async () => {
    write('suite/pinned.yaml', ...scenario('pinned', 'config: ../configs/none.yaml'));
    await rejects(['suite'], ['suite/pinned.yaml:2:9: cannot read config file configs/none.yaml: no such file']);
  });

  it('a broken config file pinned by several scenarios is reported once', async () => {
    write('configs/broken.yaml', 'endpointer:', '  mode: sometimes');
    write('suite/a.yaml', ...scenario('a', 'config: ../configs/broken.yaml'));
    write('suite/b.yaml', ...scenario('b', 'config: ../configs/broken.yaml'));
    await rejects(['suite'], ['configs/broken.yaml:2:9: expected one of: semantic, silence, got "sometimes"']);
  });

  it('several mistakes in several files, all reported, sorted by file and position', async () => {
    write('suite/b.yaml', 'name: b', 'seed: -1', 'user:', '  - say: hi', '  - pause: twelve', 'expect:', '  - every_turn_answered');
    write('suite/a.yaml', 'name: a', 'user:', '  - say: hi', 'espect:', '  - every_turn_answered', 'colour: blue');
    write('suite/c.yaml', ...scenario('c'));
    write('z.yaml', 'name: [');
    mkdirSync('empty');
    await rejects(
      ['z.yaml', 'suite', 'missing.yaml', 'empty'],
      [
        'empty: no scenario files (*.yaml) in this directory',
        'missing.yaml: no such file or directory',
        'suite/a.yaml:4:1: unknown key "espect" (did you mean "expect"?)',
        'suite/a.yaml:6:1: unknown key "colour"',
        'suite/b.yaml:2:7: expected a number >= 0, got -1',
        'suite/b.yaml:5:12: expected a duration with a unit, like "250ms" or "1.2s", got "twelve"',
        expect.stringMatching(/^z\.yaml:2:1: /), // wording from the yaml library
      ] as string[],
    );
  });

  it('leaves an earlier report untouched', async () => {
    write('pass.yaml', ...PASSING);
    expect((await parley('run', 'pass.yaml', '--report-dir', 'kept')).code).toBe(0);
    const before = readFileSync('kept/report.json');
    const mtime = statSync('kept/report.json').mtimeMs;
    write('bad.yaml', 'name: x', 'user:', '  - pause: twelve', 'expect:', '  - every_turn_answered');
    const result = await parley('run', 'pass.yaml', 'bad.yaml', '--report-dir', 'kept');
    expect(result.code).toBe(2);
    expect(result.errLines).toEqual(['bad.yaml:3:12: expected a duration with a unit, like "250ms" or "1.2s", got "twelve"']);
    expect(readFileSync('kept/report.json')).toEqual(before);
    expect(statSync('kept/report.json').mtimeMs).toBe(mtime);
    expect(readdirSync('kept')).toEqual(['report.html', 'report.json', 'summary.md', 'timelines', 'traces']);
  });

  it('a --report-dir that is a file, before running anything', async () => {
    write('pass.yaml', ...PASSING);
    write('taken', 'a file');
    const result = await parley('run', 'pass.yaml', '--report-dir', 'taken');
    expect(result.errLines).toEqual(['--report-dir: taken is a file, expected a directory']);
    expect(result.code).toBe(2);
    expect(result.out).toBe('');
    expect(readFileSync('taken', 'utf8')).toBe('a file\n');
  });
});

describe('parley run: usage errors exit 2 with one line', () => {
  async function usage(argv: string[], line: string): Promise<void> {
    write('pass.yaml', ...PASSING);
    const result = await parley(...argv);
    expect(result.err).toBe(`${line}\n`);
    expect(result.code).toBe(2);
    expect(result.out).toBe('');
    expect(existsSync('parley-report')).toBe(false);
  }

  it('no paths', () => usage(['run'], 'parley run: give scenario files or directories, e.g. parley run scenarios/'));
  it('--seeds 0', () => usage(['run', 'pass.yaml', '--seeds', '0'], 'parley run: --seeds expects an integer ≥ 1, got "0"'));
  it('--seed abc', () => usage(['run', 'pass.yaml', '--seed', 'abc'], 'parley run: --seed expects an integer ≥ 0, got "abc"'));
  it('--seed -3', () => usage(['run', 'pass.yaml', '--seed=-3'], 'parley run: --seed expects an integer ≥ 0, got "-3"'));
  it('--seed without a value', () => usage(['run', 'pass.yaml', '--seed'], "parley run: Option '--seed <value>' argument missing"));
  it('an unknown option', () => usage(['run', 'pass.yaml', '--frob'], 'parley run: unknown option "--frob" (try: parley run --help)'));
  it('an unknown command', () => usage(['walk', 'pass.yaml'], 'parley: unknown command "walk" (try: parley --help)'));

  it('--help prints the options and exits 0', async () => {
    const result = await parley('run', '--help');
    expect(result.code).toBe(0);
    expect(result.out).toMatch(/^Usage: parley run <files or dirs\.\.\.> \[options\]\n/);
    for (const option of ['--seed N', '--seeds K', '--config X', '--report-dir DIR']) expect(result.out).toContain(option);
  });
});

describe('parley run: agent configs', () => {
  it('--config silence-only applies to every scenario and is recorded', async () => {
    write('a.yaml', ...PASSING);
    const result = await parley('run', 'a.yaml', '--config', 'silence-only');
    expect(result.err).toBe('');
    expect(result.code).toBe(0);
    const report = readReport();
    expect(report.config).toBe('silence-only');
    expect(report.scenarios[0].config).toBe('silence-only');
    expect(report.scenarios[0].turns.map((t: { endpointReason: string }) => t.endpointReason)).toEqual(['silence', 'silence']);
  });

  it('a scenario pinning a preset runs on it, beside scenarios on the --config one', async () => {
    write('a.yaml', ...scenario('default one'));
    write('b.yaml', ...scenario('pinned one', 'config: silence-only'));
    const result = await parley('run', 'a.yaml', 'b.yaml');
    expect(result.err).toBe('');
    expect(result.code).toBe(0);
    const report = readReport();
    expect(report.config).toBe('default');
    expect(report.scenarios.map((s: { name: string; config: string }) => [s.name, s.config])).toEqual([
      ['default one', 'default'],
      ['pinned one', 'silence-only'],
    ]);
  });

  it('a scenario pinning a config file resolves it relative to the scenario file', async () => {
    write('configs/slow.yaml', 'extends: silence-only', 'endpointer:', '  silence: 900ms');
    write('suite/deep/pinned.yaml', ...scenario('pinned file', 'config: ../../configs/slow.yaml'));
    write('suite/plain.yaml', ...scenario('plain'));
    const result = await parley('run', 'suite', '--config', 'configs/slow.yaml');
    expect(result.err).toBe('');
    expect(result.code).toBe(0);
    const report = readReport();
    expect(report.config).toBe('configs/slow.yaml');
    expect(report.scenarios.map((s: { file: string; config: string }) => [s.file, s.config])).toEqual([
      ['suite/deep/pinned.yaml', 'configs/slow.yaml'],
      ['suite/plain.yaml', 'configs/slow.yaml'],
    ]);
    // 900 ms of silence, not the default 500 ms: the endpoint comes later.
    const eou = report.scenarios[0].turns[0].eouDelayMs as number;
    expect(eou).toBeGreaterThanOrEqual(900);
  });
});
