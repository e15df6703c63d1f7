import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { parse } from 'yaml';
import { afterAll, describe, expect, it } from 'vitest';
import { PRESETS } from '../sim/config/presets.js';
import { scenarioFile } from '../sim/fuzz/arbitraries.js';
import { parseScenario, scenarioFromObject } from '../sim/scenario/load.js';
import type { AgentConfig } from '../sim/config/model.js';
import { main } from './cli.js';
import { counterexampleYaml, fuzz } from './fuzz.js';
import { Capture } from './test-support/cli.js';

const temp: string[] = [];
afterAll(() => temp.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

/** The planted bug: no backchannel lexicon, and no minimum duration before an interruption. */
const BROKEN: AgentConfig = { ...PRESETS.default!, name: 'broken', interruption: { backchannels: [], minDurationMs: 0 } };

describe('parley fuzz', () => {
  it('finds the planted bug within 200 scenarios and shrinks it to at most 3 user actions', async () => {
    const outcome = await fuzz({ config: BROKEN, runs: 200, seed: 11 });
    expect(outcome.failure).toBeDefined();
    const { scenario, violations } = outcome.failure!;
    expect(violations.map((v) => v.invariant)).toContain('no_false_stop');
    expect(scenario.user.length).toBeLessThanOrEqual(3);
    expect(outcome.runs - outcome.failure!.shrinks).toBeLessThanOrEqual(200);
  });

  it('writes a counterexample that `parley run` reproduces, failing on the same invariant', async () => {
    const outcome = await fuzz({ config: BROKEN, runs: 200, seed: 5 });
    const dir = mkdtempSync(join(tmpdir(), 'parley-fuzz-'));
    temp.push(dir);
    writeFileSync(join(dir, 'broken.yaml'), 'extends: default\ninterruption:\n  backchannels: []\n  min_duration: 0ms\n');
    const file = join(dir, 'counterexample.yaml');
    writeFileSync(file, counterexampleYaml(outcome.failure!.scenario, outcome.failure!.violations, { seed: 5, config: 'broken.yaml' }));
    expect(readFileSync(file, 'utf8')).toMatch(/^# Found by parley fuzz --seed 5\./);
    const out = new Capture();
    const err = new Capture();
    const code = await main(['run', file, '--report-dir', join(dir, 'report')], out, err);
    expect(err.text).toBe('');
    expect(code).toBe(1);
    expect(out.text).toMatch(/invariants \(line \d+\): no_false_stop: the agent stopped for the backchannel/);
  });

  it('finds no broken invariant with the default config', async () => {
    const outcome = await fuzz({ config: PRESETS.default!, runs: 120, seed: 2026 });
    expect(outcome.failure?.violations).toBeUndefined();
    expect(outcome.runs).toBe(120);
  });

  it('finds the takeovers of the fixed-silence endpointer', async () => {
    const outcome = await fuzz({ config: PRESETS['silence-only']!, runs: 200, seed: 3 });
    expect(outcome.failure?.violations.map((v) => v.invariant)).toContain('no_takeover');
    // A hesitant turn (say, pause, say) and at most a turn more.
    expect(outcome.failure!.scenario.user.length).toBeLessThanOrEqual(4);
  });
});

describe('the scenario arbitraries', () => {
  it('generate valid scenarios that survive a round trip through YAML', () => {
    fc.assert(
      fc.property(scenarioFile(), (file) => {
        const direct = scenarioFromObject(file, 'generated.yaml');
        expect(direct.ok).toBe(true);
        const text = counterexampleYaml(file, [], { seed: 1, config: undefined });
        const parsed = parseScenario(text, 'generated.yaml');
        expect(parsed.ok).toBe(true);
        if (!direct.ok || !parsed.ok) return;
        const strip = (s: typeof direct.scenario) =>
          JSON.stringify({
            ...s,
            name: '',
            description: '',
            user: s.user.map(({ source: _s, ...a }) => a),
            // Where things were written differs between the object and the YAML text.
            agent: { ...s.agent, replies: s.agent.replies.map(({ source: _s, ...r }) => r), sources: undefined },
            expect: [],
          });
        expect(strip(parsed.scenario)).toBe(strip(direct.scenario));
        expect(parse(text).expect).toEqual(['invariants']);
      }),
      { numRuns: 300 },
    );
  });

  it('switch behaviours on and off (swarm): some scenarios have each feature, some none', () => {
    const files = fc.sample(scenarioFile(), { numRuns: 400, seed: 9 });
    const share = (test: (f: (typeof files)[number]) => boolean) => files.filter(test).length / files.length;
    const actions = (f: (typeof files)[number]) => f.user.map((a) => (typeof a === 'string' ? a : Object.keys(a).find((k) => k !== 'at')));
    for (const feature of [
      (f: (typeof files)[number]) => actions(f).includes('backchannel'),
      (f: (typeof files)[number]) => actions(f).includes('pause'),
      (f: (typeof files)[number]) => actions(f).includes('filler'),
      (f: (typeof files)[number]) => actions(f).includes('noise'),
      (f: (typeof files)[number]) => f.channel?.echo !== undefined,
      (f: (typeof files)[number]) => f.channel?.loss !== undefined,
      (f: (typeof files)[number]) => f.providers?.llm !== undefined,
      (f: (typeof files)[number]) => f.providers?.tts !== undefined,
    ]) {
      expect(share(feature)).toBeGreaterThan(0.05);
      expect(share(feature)).toBeLessThan(0.95);
    }
  });
});

describe('the command', () => {
  it('exits 0 when every invariant holds, printing the seed and the rate', async () => {
    const out = new Capture();
    const code = await main(['fuzz', '--runs', '40', '--seed', '8'], out, new Capture());
    expect(code).toBe(0);
    expect(out.text).toMatch(/^parley fuzz: seed 8, up to 40 scenarios, config default\n40 scenarios, every invariant held · \d+ scenarios\/s\n$/);
  });

  it('exits 1 on a failure, writing the minimal scenario to --out and naming it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'parley-fuzz-'));
    temp.push(dir);
    const config = join(dir, 'broken.yaml');
    writeFileSync(config, 'extends: default\ninterruption:\n  backchannels: []\n  min_duration: 0ms\n');
    const out = new Capture();
    const code = await main(['fuzz', '--runs', '200', '--seed', '4', '--config', config, '--out', join(dir, 'found')], out, new Capture());
    expect(code).toBe(1);
    const path = join(dir, 'found', 'fuzz-4.yaml');
    expect(existsSync(path)).toBe(true);
    expect(out.text).toContain(`minimal scenario (`);
    expect(out.text).toContain(`reproduce: parley run ${path}    (fuzz seed 4)`);
    // The config file is pinned relative to where the scenario was written.
    expect(parse(readFileSync(path, 'utf8')).config).toBe('../broken.yaml');
  });

  it('exits 2 on bad usage or an unknown config, with one line', async () => {
    for (const args of [['--runs', '0'], ['--seed', 'x'], ['--time-budget', 'soon'], ['extra'], ['--config', 'defualt']]) {
      const err = new Capture();
      expect(await main(['fuzz', ...args], new Capture(), err), args.join(' ')).toBe(2);
      expect(err.text.trim().split('\n'), args.join(' ')).toHaveLength(1);
    }
  });
});
