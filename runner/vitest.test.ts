import { describe, expect, it } from 'vitest';
import { runScenario } from './vitest.js';

describe('parley/vitest', () => {
  it('runs a bundled scenario file and meets its budgets', async () => {
    const run = await runScenario('scenarios/hesitation/before-the-date.yaml', { seeds: 3 });
    expect(run.runs.map((r) => r.seed)).toEqual([7, 8, 9]);
    expect(run).toPassExpectations();
    expect(run).toMeetLatencyBudget({ p95: 1200 });
    expect(run).toMeetLatencyBudget({ p50: 400 }, 'eouDelay');
    expect(run).toHaveNoTakeovers();
    expect(run).toStopWithin(250);
    expect(run.metrics.voiceToVoiceMs.count).toBe(6);
  });

  it('fails with messages that say what happened', async () => {
    const run = await runScenario('scenarios/hesitation/before-the-date.yaml');
    expect(() => expect(run).toMeetLatencyBudget({ p95: 100 })).toThrow(
      /expected voiceToVoice of hesitation before the date over 2 measurements to meet the budget: p95 \d+ ms \(budget 100 ms\)/,
    );
    expect(() => expect(run).toStopWithin(10)).toThrow(/expected every barge-in in hesitation before the date to stop within 10 ms: seed 7: "Actually, make it Wednesday\." at \d+\.\d\d s stopped after \d+ ms/);
  });

  it('finds takeovers with the fixed-silence preset, and takes scenarios as objects', async () => {
    const scenario = {
      name: 'hesitant caller',
      user: [{ say: "I'd like to book a table for" }, { pause: '1500ms' }, { say: 'four people tonight.' }],
      expect: ['no_takeover_during_pauses' as const],
    };
    const run = await runScenario(scenario, { config: 'silence-only' });
    expect(run).not.toHaveNoTakeovers();
    expect(() => expect(run).toHaveNoTakeovers()).toThrow(/expected no takeovers in hesitant caller, got: seed 1: at \d+\.\d\d s in a 1500 ms pause \(turn 1\)/);
    expect(await runScenario(scenario)).toHaveNoTakeovers();
  });

  it('reports bad input as file:line:col lines', async () => {
    await expect(runScenario({ name: 'x', user: [{ sey: 'hi' }], expect: ['invariants'] } as never)).rejects.toThrow(/inline scenario: user\.0: unknown action "sey" \(did you mean "say"\?\)/);
    await expect(runScenario('no/such/file.yaml')).rejects.toThrow(/no\/such\/file\.yaml: no such file/);
  });
});
