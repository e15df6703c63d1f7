import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DEFAULT_TOLERANCES } from '../reports/baseline.js';
import { loadGatesFile, parseGates } from './gates.js';

const temp: string[] = [];
afterAll(() => temp.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

/** The error lines for a gates file written as `lines`. */
function errors(...lines: string[]): string[] {
  const result = parseGates(`${lines.join('\n')}\n`, 'gates.yaml');
  return result.ok ? [] : result.errors.map(String);
}

describe('gates files', () => {
  it('resolves each bound from the statistic, the metric, default, then the built-in 10% and 30 ms', () => {
    const result = parseGates(
      [
        '# yaml-language-server: $schema=gates.schema.json',
        'default: { relative: 15% }',
        'metrics:',
        '  voiceToVoiceMs:',
        '    p95: { relative: 5%, absolute: 50ms }',
        '  eouDelayMs: { absolute: 0.02s }',
        '  bargeInStopMs: { relative: 0.2, absolute: 20ms, p50: { absolute: 10ms } }',
        '',
      ].join('\n'),
      'gates.yaml',
    );
    expect(result).toEqual({
      ok: true,
      tolerances: {
        voiceToVoiceMs: { p50: { relative: 0.15, absoluteMs: 30 }, p95: { relative: 0.05, absoluteMs: 50 } },
        eouDelayMs: { p50: { relative: 0.15, absoluteMs: 20 }, p95: { relative: 0.15, absoluteMs: 20 } },
        bargeInStopMs: { p50: { relative: 0.2, absoluteMs: 10 }, p95: { relative: 0.2, absoluteMs: 20 } },
      },
    });
  });

  it('the example from the issue', () => {
    const result = parseGates(
      ['default: { relative: 10%, absolute: 30ms }', 'metrics:', '  voiceToVoiceMs: { p95: { relative: 5%, absolute: 50ms } }', '  bargeInStopMs: { relative: 20%, absolute: 20ms }', ''].join('\n'),
      'gates.yaml',
    );
    expect(result.ok && result.tolerances.voiceToVoiceMs).toEqual({ p50: { relative: 0.1, absoluteMs: 30 }, p95: { relative: 0.05, absoluteMs: 50 } });
    expect(result.ok && result.tolerances.bargeInStopMs.p95).toEqual({ relative: 0.2, absoluteMs: 20 });
  });

  it('an empty mapping gives the defaults; absolute 0 and relative 0 are allowed', () => {
    expect(parseGates('{}\n', 'gates.yaml')).toEqual({ ok: true, tolerances: DEFAULT_TOLERANCES });
    const zero = parseGates('default: { relative: 0%, absolute: 0ms }\n', 'gates.yaml');
    expect(zero.ok && zero.tolerances.eouDelayMs.p50).toEqual({ relative: 0, absoluteMs: 0 });
  });

  it('misspelt metric names, with did-you-mean (also for the names used in scenario files)', () => {
    expect(errors('metrics:', '  voiceToVoice: { relative: 5% }', '  voice_to_voice: {}', '  eou_delay: {}', '  barge_in_stops_within: {}', '  latency: {}')).toEqual([
      'gates.yaml:2:3: unknown metric "voiceToVoice" (did you mean "voiceToVoiceMs"?)',
      'gates.yaml:3:3: unknown metric "voice_to_voice" (did you mean "voiceToVoiceMs"?)',
      'gates.yaml:4:3: unknown metric "eou_delay" (did you mean "eouDelayMs"?)',
      'gates.yaml:5:3: unknown metric "barge_in_stops_within" (did you mean "bargeInStopMs"?)',
      'gates.yaml:6:3: unknown metric "latency"; metrics: voiceToVoiceMs, eouDelayMs, bargeInStopMs',
    ]);
  });

  it('each mistake at its position', () => {
    expect(errors('defaults: { relative: 10% }')).toEqual(['gates.yaml:1:1: unknown key "defaults" (did you mean "default"?)']);
    expect(errors('default:', '  relative: 10%', '  absolut: 30ms')).toEqual(['gates.yaml:3:3: unknown key "absolut" (did you mean "absolute"?)']);
    expect(errors('metrics:', '  eouDelayMs:', '    p90: { relative: 5% }', '    P95: {}', '    relativ: 3%', '    tolerance: 3%')).toEqual([
      'gates.yaml:3:5: the statistic "p90" is not compared; statistics: p50, p95',
      'gates.yaml:4:5: unknown key "P95" (did you mean "p95"?)',
      'gates.yaml:5:5: unknown key "relativ" (did you mean "relative"?)',
      'gates.yaml:6:5: unknown key "tolerance"; expected relative, absolute, p50 or p95',
    ]);
    expect(errors('metrics:', '  voiceToVoiceMs:', '    p95: { relative: 5%, absolute: twelve }')).toEqual([
      'gates.yaml:3:36: expected a duration with a unit, like "250ms" or "1.2s", got "twelve"',
    ]);
    expect(errors('default: { relative: 10, absolute: -5ms }')).toEqual([
      'gates.yaml:1:22: expected a fraction between 0 and 1 or a percentage like "2%", got 10',
      'gates.yaml:1:36: a duration cannot be negative',
    ]);
    expect(errors('default: { relative: 150% }')).toEqual(['gates.yaml:1:22: a percentage cannot exceed 100%']);
    expect(errors('metrics: [voiceToVoiceMs]')).toEqual(['gates.yaml:1:10: expected a mapping with keys voiceToVoiceMs, eouDelayMs, bargeInStopMs, got a list']);
    expect(errors('default: { relative: 10%')).toEqual([expect.stringMatching(/^gates\.yaml:\d+:\d+: /)]);
    expect(errors('')).toEqual(['gates.yaml:1:1: the file is empty; expected a gates file: a mapping with default or metrics']);
  });

  it('reads a file, or says why it cannot', () => {
    const dir = mkdtempSync(join(tmpdir(), 'parley-gates-'));
    temp.push(dir);
    const path = join(dir, 'gates.yaml');
    writeFileSync(path, 'default: { absolute: 40ms }\n');
    const loaded = loadGatesFile(path, 'gates.yaml');
    expect(loaded.ok && loaded.tolerances.voiceToVoiceMs.p95).toEqual({ relative: 0.1, absoluteMs: 40 });
    const missing = loadGatesFile(join(dir, 'none.yaml'), 'none.yaml');
    expect(missing.ok ? [] : missing.errors.map(String)).toEqual(['none.yaml: no such file']);
  });
});
