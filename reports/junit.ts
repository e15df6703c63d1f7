/**
 * JUnit XML (`parley run --junit FILE`) for CI test reporters.
 *
 * - `<testsuites name="parley">` holds one `<testsuite>` per scenario category (the scenario's
 *   folder, or its `category:`), in report order, and each suite one `<testcase>` per scenario run:
 *   `name` is `<scenario name> (seed N)`, `classname` the scenario file without its extension with
 *   `/` turned into `.` (e.g. `scenarios.hesitation.before-the-date`), `file` the scenario file.
 * - `time` is the SIMULATED duration of the call in seconds (the virtual clock), not wall time:
 *   the same for every run of the same inputs. Suite and total times are sums.
 * - A failed run has one `<failure>`: its `message` lists every failed assertion as
 *   `id (line N): message` joined by `; `, its text has one such line per failed assertion, its
 *   `type` is the first failed assertion's id.
 * - Each test case has `<properties>`: seed, config, the provider stack, and p50/p95 of each metric
 *   that was measured (e.g. `voiceToVoiceMs.p95`).
 * - No timestamps or host names: the same report gives the same bytes. Characters XML cannot hold
 *   are replaced with U+FFFD.
 *
 * @module
 */
import { create } from 'xmlbuilder2';
import type { XMLBuilder } from 'xmlbuilder2/lib/interfaces.js';
import type { ScenarioResult } from '../sim/assert/scenario-result.js';
import { assertionKey, COMPARED_METRICS, COMPARED_STATS } from './baseline.js';
import type { RunReport } from './json.js';

/** Seconds with three decimals, from milliseconds. */
function seconds(ms: number): string {
  return (ms / 1000).toFixed(3);
}

/** `scenarios/hesitation/before-the-date.yaml` → `scenarios.hesitation.before-the-date`. */
export function junitClassname(file: string): string {
  return file.replace(/\.ya?ml$/i, '').replace(/^\.\//, '').replace(/[\\/]+/g, '.');
}

/** `id (line N): message` for each failed assertion of a run. */
export function failureLines(run: ScenarioResult): string[] {
  return run.assertions.filter((a) => !a.passed).map((a) => `${assertionKey(a)}: ${a.message}`);
}

function addCase(suite: XMLBuilder, run: ScenarioResult): void {
  const testcase = suite.ele('testcase', {
    name: `${run.name} (seed ${run.seed})`,
    classname: junitClassname(run.file),
    file: run.file,
    time: seconds(run.durationMs),
  });
  const properties = testcase.ele('properties');
  const property = (name: string, value: string | number) => properties.ele('property', { name, value: String(value) });
  property('seed', run.seed);
  property('config', run.config);
  property('stack', `${run.stack.stt} / ${run.stack.llm} / ${run.stack.tts}`);
  for (const metric of COMPARED_METRICS) {
    for (const stat of COMPARED_STATS) {
      const value = run.metrics[metric][stat];
      if (value !== null) property(`${metric}.${stat}`, value);
    }
  }
  const failures = failureLines(run);
  const first = run.assertions.find((a) => !a.passed);
  if (!run.passed || failures.length > 0) {
    testcase
      .ele('failure', { message: failures.length > 0 ? failures.join('; ') : 'failed', type: first?.id ?? 'failed' })
      .txt(failures.join('\n'));
  }
}

/** The JUnit XML of a run (UTF-8, two-space indented, final newline). */
export function renderJUnit(report: RunReport): string {
  const categories = new Map<string, ScenarioResult[]>();
  for (const run of report.scenarios) {
    const list = categories.get(run.category);
    if (list) list.push(run);
    else categories.set(run.category, [run]);
  }
  const total = (runs: readonly ScenarioResult[]) => runs.reduce((sum, r) => sum + r.durationMs, 0);
  const failed = (runs: readonly ScenarioResult[]) => runs.filter((r) => !r.passed).length;

  const doc = create({ version: '1.0', encoding: 'UTF-8', invalidCharReplacement: '\uFFFD' });
  const root = doc.ele('testsuites', {
    name: 'parley',
    tests: String(report.scenarios.length),
    failures: String(failed(report.scenarios)),
    errors: '0',
    skipped: '0',
    time: seconds(total(report.scenarios)),
  });
  for (const [category, runs] of categories) {
    const suite = root.ele('testsuite', {
      name: category,
      tests: String(runs.length),
      failures: String(failed(runs)),
      errors: '0',
      skipped: '0',
      time: seconds(total(runs)),
    });
    for (const run of runs) addCase(suite, run);
  }
  return `${doc.end({ prettyPrint: true, indent: '  ' })}\n`;
}
