import { describe, expect, it } from 'vitest';
import * as z from 'zod';
import { action, scenario } from './test-support/scenario-schema.js';
import { formatErrors, InputError, keyedUnion, loadYaml, validate } from './yaml-load.js';

const GOOD = `# a scenario
name: barge-in
seed: 7
user:
  - say: "I'd like to book a table"
  - pause: 1.2s
  - noise: { kind: cafe, duration: 3s }
  - silence: { p50: 300ms, p95: 800ms }
  - hangup:
expect:
  endpointing: semantic
  maxLatency: 800ms
`;

/** The formatted errors of loading `text` as scenario.yaml (or "ok"). */
function errorsOf(text: string): string[] {
  const result = loadYaml('scenario.yaml', text, scenario);
  return result.ok ? ['ok'] : result.errors.map(String);
}

describe('loadYaml: valid files', () => {
  it('returns the parsed value', () => {
    const result = loadYaml('scenario.yaml', GOOD, scenario);
    if (!result.ok) throw new Error(formatErrors(result.errors));
    expect(result.loaded.value).toEqual({
      name: 'barge-in',
      seed: 7,
      user: [
        { say: "I'd like to book a table" },
        { pause: 1200 },
        { noise: { kind: 'cafe', duration: 3000 } },
        { silence: { kind: 'lognormal', mu: Math.log(300), sigma: (Math.log(800) - Math.log(300)) / 1.6449 } },
        { hangup: null },
      ],
      expect: { endpointing: 'semantic', maxLatency: 800 },
    });
  });

  it('positionOf finds nested values, keys with empty values, and nothing for absent paths', () => {
    const result = loadYaml('scenario.yaml', GOOD, scenario);
    if (!result.ok) throw new Error(formatErrors(result.errors));
    const { positionOf } = result.loaded;
    expect(positionOf([])).toEqual({ line: 2, column: 1 });
    expect(positionOf(['user', 1, 'pause'])).toEqual({ line: 6, column: 12 });
    expect(positionOf(['user', 2, 'noise', 'duration'])).toEqual({ line: 7, column: 36 });
    expect(positionOf(['user', 3, 'silence', 'p95'])).toEqual({ line: 8, column: 33 });
    expect(positionOf(['user', 4, 'hangup'])).toEqual({ line: 9, column: 5 });
    expect(positionOf(['expect', 'maxLatency'])).toEqual({ line: 12, column: 15 });
    expect(positionOf(['user', 9])).toBeUndefined();
    expect(positionOf(['nope'])).toBeUndefined();
  });

  it('follows aliases', () => {
    const text = 'name: x\nuser:\n  - &greet { say: hi }\n  - *greet\nexpect: {}\n';
    const result = loadYaml('scenario.yaml', text, scenario);
    if (!result.ok) throw new Error(formatErrors(result.errors));
    expect(result.loaded.value.user).toEqual([{ say: 'hi' }, { say: 'hi' }]);
    expect(result.loaded.positionOf(['user', 1, 'say'])).toEqual({ line: 3, column: 19 });
  });
});

describe('loadYaml: YAML syntax errors', () => {
  it.each([
    ['unclosed quote', 'name: "hello\nseed: 3\n', 'scenario.yaml:1:7: unclosed quoted string: missing closing "'],
    [
      'bad indentation of a list item',
      'name: x\nuser:\n  - say: hi\n   - pause: 1s\nexpect: {}\n',
      'scenario.yaml:4:4: bad indentation: all sequence items must start at the same column',
    ],
    [
      'over-indented key',
      'name: x\n  seed: 3\n',
      'scenario.yaml:1:7: nested mappings are not allowed in compact mappings (check the indentation of the next lines, or quote a value that contains ": ")',
    ],
    ['tab indentation', 'name: x\nexpect:\n\tmaxLatency: 1s\n', 'scenario.yaml:3:1: tabs are not allowed as indentation'],
    ['duplicate key', 'name: x\nseed: 1\nname: y\n', 'scenario.yaml:3:1: duplicate key "name" (first defined at line 1)'],
    ['unknown alias', 'name: x\nuser: [*greeting]\nexpect: {}\n', 'scenario.yaml:2:8: unknown alias "*greeting"; define the anchor "&greeting" before using it'],
    ['unknown tag (a warning)', 'name: !secret x\n', 'scenario.yaml:1:7: unresolved tag: !secret'],
    ['two documents', 'name: x\n---\nname: y\n', 'scenario.yaml:2:1: expected a single YAML document, found a second one here'],
  ])('%s', (_, text, error) => {
    expect(errorsOf(text)).toEqual([error]);
  });

  it('reports an empty file, deriving what was expected from the schema or an option', () => {
    expect(errorsOf('')).toEqual(['scenario.yaml:1:1: the file is empty; expected a mapping with keys name, seed, user, expect']);
    expect(errorsOf('# only a comment\n')).toEqual(['scenario.yaml:1:1: the file is empty; expected a mapping with keys name, seed, user, expect']);
    const result = loadYaml('agent.yaml', '', scenario, { expected: 'an agent config with "name" and "voice"' });
    expect(result.ok ? [] : result.errors.map(String)).toEqual(['agent.yaml:1:1: the file is empty; expected an agent config with "name" and "voice"']);
  });
});

describe('loadYaml: schema errors', () => {
  it.each([
    [
      'unknown top-level key with a suggestion (no separate "missing expect")',
      'name: x\nuser: []\nespect: {}\n',
      ['scenario.yaml:3:1: unknown key "espect" (did you mean "expect"?)'],
    ],
    [
      'unknown key without a close match',
      'name: x\nuser: []\nexpect: {}\nvoice: alloy\n',
      ['scenario.yaml:4:1: unknown key "voice"'],
    ],
    [
      'unknown action key with a suggestion',
      'name: x\nuser:\n  - sey: hello\nexpect: {}\n',
      ['scenario.yaml:3:5: unknown action "sey" (did you mean "say"?)'],
    ],
    [
      'unknown action key without a close match',
      'name: x\nuser:\n  - shout: hello\nexpect: {}\n',
      ['scenario.yaml:3:5: unknown action "shout"; expected one of the actions: say, pause, filler, backchannel, noise, silence, hangup'],
    ],
    [
      'not an action at all',
      'name: x\nuser:\n  - hello\nexpect: {}\n',
      ['scenario.yaml:3:5: expected one of the actions: say, pause, filler, backchannel, noise, silence, hangup, got "hello"'],
    ],
    [
      'two actions in one item',
      'name: x\nuser:\n  - say: hi\n    pause: 1s\nexpect: {}\n',
      ['scenario.yaml:3:5: expected exactly one action, got "say" and "pause"'],
    ],
    [
      'an extra key next to an action',
      'name: x\nuser:\n  - say: hi\n    voice: alloy\nexpect: {}\n',
      ['scenario.yaml:4:5: unknown key "voice"'],
    ],
    ['wrong type', 'name: x\nseed: many\nuser: []\nexpect: {}\n', ['scenario.yaml:2:7: expected an integer, got "many"']],
    ['not an integer', 'name: x\nseed: 1.5\nuser: []\nexpect: {}\n', ['scenario.yaml:2:7: expected an integer, got 1.5']],
    ['a mapping where a list belongs', 'name: x\nuser:\n  say: hi\nexpect: {}\n', ['scenario.yaml:3:3: expected a list, got a mapping']],
    [
      'bad duration',
      'name: x\nuser:\n  - pause: twelve\nexpect: {}\n',
      ['scenario.yaml:3:12: expected a duration with a unit, like "250ms" or "1.2s", got "twelve"'],
    ],
    [
      'duration without a unit',
      'name: x\nuser:\n  - pause: 12\nexpect: {}\n',
      ['scenario.yaml:3:12: expected a duration with a unit, like "250ms" or "1.2s", got 12'],
    ],
    ['negative duration', 'name: x\nuser: []\nexpect:\n  maxLatency: -5ms\n', ['scenario.yaml:4:15: a duration cannot be negative']],
    [
      'enum value with a suggestion',
      'name: x\nuser: []\nexpect:\n  endpointing: semantc\n',
      ['scenario.yaml:4:16: expected one of: semantic, silence, got "semantc" (did you mean "semantic"?)'],
    ],
    ['missing required key, at the mapping', 'seed: 1\nuser: []\nexpect: {}\n', ['scenario.yaml:1:1: missing required key "name"']],
    ['missing required keys together', 'seed: 1\nuser: []\n', ['scenario.yaml:1:1: missing required keys "name" and "expect"']],
    [
      'missing key of a nested mapping',
      'name: x\nuser:\n  - noise:\n      kind: cafe\nexpect: {}\n',
      ['scenario.yaml:4:7: missing required key "duration"'],
    ],
    ['empty value', 'name:\nuser: []\nexpect: {}\n', ['scenario.yaml:1:1: expected a string, got an empty value']],
    [
      'a scalar document',
      'hello\n',
      ['scenario.yaml:1:1: expected a mapping with keys name, seed, user, expect, got "hello"'],
    ],
    [
      'errors inside a distribution inside an action',
      'name: x\nuser:\n  - silence: { mn: 80ms, max: 160ms }\n  - silence: { min: 200ms, max: 100ms }\nexpect: {}\n',
      ['scenario.yaml:3:16: unknown key "mn" (did you mean "min"?)', 'scenario.yaml:4:33: max must not be less than min'],
    ],
  ])('%s', (_, text, errors) => {
    expect(errorsOf(text)).toEqual(errors);
  });

  it('reports every error, sorted by position, one per position', () => {
    const text = [
      'user:', //                       1
      '  - sey: hi', //                 2
      '  - pause: twelve', //           3
      'nmae: x', //                     4
      'expect:', //                     5
      '  maxLatency: 12', //            6
      '  endpointing: fast', //         7
      '',
    ].join('\n');
    expect(errorsOf(text)).toEqual([
      'scenario.yaml:2:5: unknown action "sey" (did you mean "say"?)',
      'scenario.yaml:3:12: expected a duration with a unit, like "250ms" or "1.2s", got "twelve"',
      'scenario.yaml:4:1: unknown key "nmae" (did you mean "name"?)',
      'scenario.yaml:6:15: expected a duration with a unit, like "250ms" or "1.2s", got 12',
      'scenario.yaml:7:16: expected one of: semantic, silence, got "fast"',
    ]);
    // "missing required key name" (at 1:1, the root mapping) is dropped: "nmae" already suggests it.
  });

  it('keeps one error per position, preferring the unknown key over the missing one', () => {
    expect(errorsOf('seeds: 1\nuser: []\nexpect: {}\n')).toEqual(['scenario.yaml:1:1: unknown key "seeds" (did you mean "seed"?)']);
  });
});

describe('keyedUnion', () => {
  it('types its output as a union of single-key objects', () => {
    const value: z.output<typeof action> = { pause: 250 };
    expect(action.parse({ pause: '250ms' })).toEqual(value);
  });

  it('defaults to calling its keys "keys"', () => {
    const either = keyedUnion({ left: z.number(), right: z.number() });
    const result = validate(either, { lfet: 1 });
    expect(result.ok ? [] : result.problems.map((p) => p.message)).toEqual(['unknown key "lfet" (did you mean "left"?)']);
    expect(() => keyedUnion({})).toThrow('keyedUnion needs at least one branch');
  });
});

describe('InputError and formatErrors', () => {
  it('formats with and without a position', () => {
    const a = new InputError('a.yaml', { line: 3, column: 5 }, 'unknown key "x"');
    const b = new InputError('b.yaml', undefined, 'cannot read the file');
    expect(a.message).toBe('unknown key "x"');
    expect(a).toBeInstanceOf(Error);
    expect(formatErrors([a, b])).toBe('a.yaml:3:5: unknown key "x"\nb.yaml: cannot read the file');
  });
});
