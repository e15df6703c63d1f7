import { describe, expect, it } from 'vitest';
import { create } from 'xmlbuilder2';
import { junitClassname, renderJUnit } from './junit.js';
import { assertion, metrics, runReport, scenarioRun } from './test-support.js';

/** The parts of a DOM element these tests read. */
interface El {
  readonly nodeType: number;
  readonly tagName: string;
  readonly childNodes: ArrayLike<El>;
  readonly attributes: ArrayLike<{ readonly name: string; readonly value: string }>;
  readonly textContent: string | null;
  getAttribute(name: string): string | null;
  getElementsByTagName(name: string): ArrayLike<El>;
}

/** The XML parsed back into a DOM (the parser decodes entities, as a CI test reporter's would). */
function parse(xml: string): El {
  return create(xml).root().node as unknown as El;
}

const children = (el: El, name: string): El[] => Array.from(el.childNodes).filter((n) => n.nodeType === 1 && n.tagName === name);
const attrs = (el: El): Record<string, string> => Object.fromEntries(Array.from(el.attributes).map((a) => [a.name, a.value]));

const report = runReport([
  scenarioRun('scenarios/hesitation/before-the-date.yaml', 7, { name: 'hesitation before the date', durationMs: 21_480 }),
  scenarioRun('scenarios/hesitation/let-me-see.yaml', 3, {
    name: 'let me see',
    durationMs: 9_005,
    metrics: metrics([700, 950], [290, 310], [120, 180]),
    assertions: [
      assertion('script_completed', true),
      assertion('no_takeover_during_pauses', false, 24, 'the agent started speaking at 16.87 s during the user\'s pause <in turn 2> & "after" the endpoint'),
      assertion('every_turn_answered', true, 25),
      assertion('turns', false, 26, '3 user turns ended by the agent (expected 2)'),
    ],
  }),
  scenarioRun('scenarios/clean-qa/opening-hours.yaml', 1, { name: 'opening hours', durationMs: 8_000, metrics: metrics([null, null], [null, null]) }),
]);

describe('renderJUnit', () => {
  const xml = renderJUnit(report);
  const root = parse(xml);

  it('one suite per category, one test case per scenario run, with counts and simulated times', () => {
    expect(xml.startsWith('<?xml version="1.0" encoding="UTF-8"?>\n<testsuites ')).toBe(true);
    expect(xml.endsWith('</testsuites>\n')).toBe(true);
    expect(root.tagName).toBe('testsuites');
    expect(attrs(root)).toEqual({ name: 'parley', tests: '3', failures: '1', errors: '0', skipped: '0', time: '38.485' });
    const suites = children(root, 'testsuite');
    expect(suites.map(attrs)).toEqual([
      { name: 'hesitation', tests: '2', failures: '1', errors: '0', skipped: '0', time: '30.485' },
      { name: 'clean-qa', tests: '1', failures: '0', errors: '0', skipped: '0', time: '8.000' },
    ]);
    const cases = suites.flatMap((s) => children(s, 'testcase'));
    expect(cases.map(attrs)).toEqual([
      { name: 'hesitation before the date (seed 7)', classname: 'scenarios.hesitation.before-the-date', file: 'scenarios/hesitation/before-the-date.yaml', time: '21.480' },
      { name: 'let me see (seed 3)', classname: 'scenarios.hesitation.let-me-see', file: 'scenarios/hesitation/let-me-see.yaml', time: '9.005' },
      { name: 'opening hours (seed 1)', classname: 'scenarios.clean-qa.opening-hours', file: 'scenarios/clean-qa/opening-hours.yaml', time: '8.000' },
    ]);
    expect(cases.map((c) => children(c, 'failure').length)).toEqual([0, 1, 0]);
  });

  it('a failed run carries every failed assertion with its line, escaped and read back intact', () => {
    const failing = children(children(root, 'testsuite')[0]!, 'testcase')[1]!;
    const [failure] = children(failing, 'failure');
    const first = 'no_takeover_during_pauses (line 24): the agent started speaking at 16.87 s during the user\'s pause <in turn 2> & "after" the endpoint';
    const second = 'turns (line 26): 3 user turns ended by the agent (expected 2)';
    expect(attrs(failure!)).toEqual({ message: `${first}; ${second}`, type: 'no_takeover_during_pauses' });
    expect(failure!.textContent).toBe(`${first}\n${second}`);
    // Escaped in the text of the file.
    expect(xml).toContain('pause &lt;in turn 2&gt; &amp; &quot;after&quot; the endpoint; turns');
    expect(xml).toContain('pause &lt;in turn 2&gt; &amp; "after" the endpoint\nturns (line 26)');
  });

  it('properties: seed, config, stack, and p50/p95 of each measured metric', () => {
    const cases = children(root, 'testsuite').flatMap((s) => children(s, 'testcase'));
    const properties = (c: El) => Object.fromEntries(children(children(c, 'properties')[0]!, 'property').map((p) => [p.getAttribute('name'), p.getAttribute('value')]));
    expect(properties(cases[1]!)).toEqual({
      seed: '3',
      config: 'default',
      stack: 'fast-stt / gpt-4o-mini-like / flash-like',
      'voiceToVoiceMs.p50': '700',
      'voiceToVoiceMs.p95': '950',
      'eouDelayMs.p50': '290',
      'eouDelayMs.p95': '310',
      'bargeInStopMs.p50': '120',
      'bargeInStopMs.p95': '180',
    });
    expect(properties(cases[2]!)).toEqual({ seed: '1', config: 'default', stack: 'fast-stt / gpt-4o-mini-like / flash-like' });
  });

  it('replaces characters XML cannot hold, and is deterministic', () => {
    const odd = runReport([scenarioRun('x.yaml', 1, { assertions: [assertion('agent_said', false, 3, 'bell \u0007 and nul \u0000 here')] })]);
    const text = renderJUnit(odd);
    const failure = parse(text).getElementsByTagName('failure')[0]!;
    expect(failure.getAttribute('message')).toBe('agent_said (line 3): bell \uFFFD and nul \uFFFD here');
    expect(renderJUnit(odd)).toBe(text);
    expect(renderJUnit(report)).toBe(xml);
  });

  it('an empty run is an empty suite list', () => {
    const empty = renderJUnit(runReport([]));
    expect(empty).toBe('<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="parley" tests="0" failures="0" errors="0" skipped="0" time="0.000"/>\n');
  });

  it('classnames', () => {
    expect(junitClassname('scenarios/barge-in/wait-wait.yaml')).toBe('scenarios.barge-in.wait-wait');
    expect(junitClassname('./local.yml')).toBe('local');
    expect(junitClassname('a\\b.yaml')).toBe('a.b');
  });
});
