import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import * as z from 'zod';
import {
  decibelSchema,
  distributionSchema,
  durationSchema,
  parseDecibels,
  parseDuration,
  parsePercent,
  parsePerMinute,
  parseRate,
  percentSchema,
  perMinuteSchema,
  rateSchema,
  Z95,
} from './units.js';
import { validate } from './yaml-load.js';

/** The messages `validate` gives for `value`, as `path: message` (path omitted at the root). */
function problems(schema: z.ZodType, value: unknown): string[] {
  const result = validate(schema, value);
  if (result.ok) return [];
  return result.problems.map((p) => (p.path.length > 0 ? `${p.path.join('.')}: ${p.message}` : p.message));
}

function thrown(parse: (text: string) => number, text: string): string {
  try {
    return `returned ${parse(text)}`;
  } catch (e) {
    return (e as Error).message;
  }
}

const DURATION_PHRASE = 'a duration with a unit, like "250ms" or "1.2s"';

describe('duration', () => {
  it.each([
    ['250ms', 250],
    ['1.2s', 1200],
    ['1.5 s', 1500],
    ['2min', 120_000],
    ['1h', 3_600_000],
    ['0ms', 0],
    ['0.0001s', 0.1],
    ['0.1234567ms', 0.123],
    ['  3ms ', 3],
    ['+5ms', 5],
    ['.5s', 500],
    ['1e3ms', 1000],
  ])('%j → %d ms', (text, ms) => {
    expect(parseDuration(text)).toBe(ms);
    expect(durationSchema.parse(text)).toBe(ms);
  });

  it.each([
    ['12', `expected ${DURATION_PHRASE}`],
    ['1.5', `expected ${DURATION_PHRASE}`],
    ['-5ms', 'a duration cannot be negative'],
    ['twelve', `expected ${DURATION_PHRASE}, got "twelve"`],
    ['', `expected ${DURATION_PHRASE}, got ""`],
    ['5m', 'unknown duration unit "m"; expected one of: ms, s, min, h'],
    ['5 sec', 'unknown duration unit "sec" (did you mean "s"?)'],
    ['5MS', 'unknown duration unit "MS" (did you mean "ms"?)'],
    ['5 days', 'unknown duration unit "days"; expected one of: ms, s, min, h'],
  ])('%j is rejected: %s', (text, message) => {
    expect(thrown(parseDuration, text)).toBe(message);
    expect(problems(durationSchema, text)).toEqual([message]);
  });

  it('names the expected form for YAML numbers and other types', () => {
    expect(problems(durationSchema, 12)).toEqual([`expected ${DURATION_PHRASE}, got 12`]);
    expect(problems(durationSchema, null)).toEqual([`expected ${DURATION_PHRASE}, got an empty value`]);
  });

  it('parses "<n>ms" and "<n/1000>s" back to n', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 1e12 }), fc.boolean(), (micros, seconds) => {
        // Durations are kept to 3 decimals of a millisecond, so draw n on that grid.
        const n = micros / 1000;
        const text = seconds ? `${n / 1000}s` : `${n}ms`;
        expect(Math.abs(parseDuration(text) - n)).toBeLessThanOrEqual(1e-9);
      }),
    );
  });

  it('accepts exactly what its JSON Schema pattern accepts', () => {
    const { pattern } = z.toJSONSchema(durationSchema, { io: 'input' }) as { pattern: string };
    const regex = new RegExp(pattern);
    const text = fc.string({ unit: fc.constantFrom(...'0123456789.-+ eEmsinhx%'), maxLength: 8 });
    fc.assert(
      fc.property(text, (s) => {
        expect(durationSchema.safeParse(s).success).toBe(regex.test(s));
        expect(thrown(parseDuration, s).startsWith('returned')).toBe(regex.test(s));
      }),
    );
  });
});

describe('decibels', () => {
  it.each([
    ['-18dB', -18],
    ['-6 dB', -6],
    ['0dB', 0],
    ['+3dB', 3],
    ['-12dBFS', -12],
    ['-3.5 dBFS', -3.5],
  ])('%j → %d dB', (text, db) => {
    expect(parseDecibels(text)).toBe(db);
    expect(decibelSchema.parse(text)).toBe(db);
  });

  it.each([
    ['-18', 'expected a level in decibels, like "-18dB" or "-6 dBFS"'],
    ['-18db', 'unknown level unit "db" (did you mean "dB"?)'],
    ['loud', 'expected a level in decibels, like "-18dB" or "-6 dBFS", got "loud"'],
  ])('%j is rejected: %s', (text, message) => {
    expect(thrown(parseDecibels, text)).toBe(message);
    expect(problems(decibelSchema, text)).toEqual([message]);
  });
});

describe('percent', () => {
  it.each([
    ['2%', 0.02],
    ['0.5%', 0.005],
    ['7%', 0.07],
    ['100%', 1],
    ['0%', 0],
    [0, 0],
    [0.25, 0.25],
    [1, 1],
  ])('%j → %d', (input, fraction) => {
    expect(percentSchema.parse(input)).toBe(fraction);
  });

  it.each([
    ['150%', 'a percentage cannot exceed 100%'],
    ['-2%', 'a percentage cannot be negative'],
    ['2', 'expected a percentage like "2%"'],
    [2, 'expected a fraction between 0 and 1 or a percentage like "2%", got 2'],
    [-0.5, 'expected a fraction between 0 and 1 or a percentage like "2%", got -0.5'],
    [true, 'expected a percentage like "2%" or a fraction between 0 and 1, got true'],
  ])('%j is rejected: %s', (input, message) => {
    expect(problems(percentSchema, input)).toEqual([message]);
  });

  it('parsePercent reads strings', () => {
    expect(parsePercent('2%')).toBe(0.02);
    expect(thrown(parsePercent, '101%')).toBe('a percentage cannot exceed 100%');
  });
});

describe('rates', () => {
  it.each([
    ['160wpm', 160],
    ['150.5 wpm', 150.5],
  ])('words per minute %j → %d', (text, wpm) => {
    expect(parseRate(text)).toBe(wpm);
    expect(rateSchema.parse(text)).toBe(wpm);
  });

  it.each([
    ['0wpm', 'a speaking rate must be greater than zero'],
    ['-10wpm', 'a speaking rate cannot be negative'],
    ['160', 'expected a speaking rate like "160wpm"'],
    ['160 wps', 'unknown speaking rate unit "wps" (did you mean "wpm"?)'],
  ])('words per minute %j is rejected: %s', (text, message) => {
    expect(thrown(parseRate, text)).toBe(message);
    expect(problems(rateSchema, text)).toEqual([message]);
  });

  it.each([
    ['3/min', 3],
    ['0.5 /min', 0.5],
    ['0/min', 0],
  ])('per minute %j → %d', (text, n) => {
    expect(parsePerMinute(text)).toBe(n);
    expect(perMinuteSchema.parse(text)).toBe(n);
  });

  it('per minute rejects other units', () => {
    expect(thrown(parsePerMinute, '3/s')).toBe('unknown rate unit "/s"; expected one of: /min');
    expect(thrown(parsePerMinute, '3')).toBe('expected a rate per minute like "3/min"');
  });
});

describe('distribution', () => {
  const latency = distributionSchema(durationSchema);

  it.each([
    ['250ms', { kind: 'fixed', value: 250 }],
    [{ min: '80ms', max: '160ms' }, { kind: 'uniform', min: 80, max: 160 }],
    [{ uniform: ['80ms', '160ms'] }, { kind: 'uniform', min: 80, max: 160 }],
    [{ min: '1s', max: '1s' }, { kind: 'uniform', min: 1000, max: 1000 }],
    [{ mean: '20ms', sd: '10ms' }, { kind: 'normal', mean: 20, sd: 10 }],
    [{ normal: { mean: '20ms', sd: '0ms' } }, { kind: 'normal', mean: 20, sd: 0 }],
    [{ normal: { p50: '300ms', p95: '800ms' } }, { kind: 'normal', mean: 300, sd: 500 / 1.6449 }],
    [{ p50: '300ms', p95: '800ms' }, { kind: 'lognormal', mu: Math.log(300), sigma: (Math.log(800) - Math.log(300)) / 1.6449 }],
    [{ lognormal: { p50: '1s', p95: '1s' } }, { kind: 'lognormal', mu: Math.log(1000), sigma: 0 }],
    [
      { lognormal: { mean: '20ms', sd: '10ms' } },
      { kind: 'lognormal', mu: Math.log(20) - Math.log(1.25) / 2, sigma: Math.sqrt(Math.log(1.25)) },
    ],
  ])('%j normalizes to %j', (input, expected) => {
    expect(latency.parse(input)).toEqual(expected);
  });

  it('uses z = 1.6449 for the 95th percentile, and the lognormal moments match', () => {
    expect(Z95).toBe(1.6449);
    const d = latency.parse({ lognormal: { mean: '20ms', sd: '10ms' } });
    if (d.kind !== 'lognormal') throw new Error(d.kind);
    // The mean and variance of a lognormal(mu, sigma) are the inputs back.
    expect(Math.exp(d.mu + d.sigma ** 2 / 2)).toBeCloseTo(20, 12);
    expect(Math.sqrt((Math.exp(d.sigma ** 2) - 1) * Math.exp(2 * d.mu + d.sigma ** 2))).toBeCloseTo(10, 12);
  });

  it('works with other units', () => {
    expect(distributionSchema(decibelSchema).parse({ mean: '-18dB', sd: '3dB' })).toEqual({ kind: 'normal', mean: -18, sd: 3 });
    expect(distributionSchema(percentSchema).parse({ min: '1%', max: 0.5 })).toEqual({ kind: 'uniform', min: 0.01, max: 0.5 });
    expect(problems(distributionSchema(decibelSchema), { mean: '-18dB', sd: '-3dB' })).toEqual(['sd: sd cannot be negative']);
  });

  it.each([
    [{ min: '200ms', max: '100ms' }, 'max: max must not be less than min'],
    [{ uniform: ['200ms', '100ms'] }, 'uniform.1: max must not be less than min'],
    [{ p50: '800ms', p95: '300ms' }, 'p95: p95 must not be less than p50'],
    [{ p50: '0ms', p95: '300ms' }, 'p50: p50 must be greater than zero for a lognormal distribution'],
    [{ lognormal: { mean: '0ms', sd: '1ms' } }, 'lognormal.mean: mean must be greater than zero for a lognormal distribution'],
    [{ mn: '80ms', max: '160ms' }, 'mn: unknown key "mn" (did you mean "min"?)'],
    [{ mean: '20ms', sdev: '10ms' }, 'sdev: unknown key "sdev" (did you mean "sd"?)'],
    [{ normal: { p50: '1ms', p59: '3ms' } }, 'normal.p59: unknown key "p59" (did you mean "p95"?)'],
    [{ mean: '20ms', sd: '10ms', seed: 3 }, 'seed: unknown key "seed"'],
    [{ min: '80ms' }, 'missing required key "max"'],
    [{ min: 80, max: '160ms' }, `min: expected ${DURATION_PHRASE}, got 80`],
    [{ min: '-80ms', max: '160ms' }, 'min: a duration cannot be negative'],
    [{ normal: '20ms' }, 'normal: expected a mapping with keys mean, sd or a mapping with keys p50, p95, got "20ms"'],
    [
      { foo: '1ms' },
      'unknown key "foo" in a distribution; expected min/max, mean/sd, p50/p95, uniform, normal or lognormal',
    ],
    [
      { uniforn: ['1ms', '2ms'] },
      'unknown key "uniforn" (did you mean "uniform"?) in a distribution; expected min/max, mean/sd, p50/p95, uniform, normal or lognormal',
    ],
    [
      { min: '1ms', mean: '2ms' },
      'expected a distribution with min/max, mean/sd, p50/p95, uniform, normal or lognormal, got keys min, mean',
    ],
    [
      12,
      `expected ${DURATION_PHRASE}, or a distribution mapping with min/max, mean/sd, p50/p95, uniform, normal or lognormal, got 12`,
    ],
  ])('%j is rejected: %s', (input, message) => {
    expect(problems(latency, input)).toEqual([message]);
  });
});

describe('JSON Schema export (z.toJSONSchema, io: input)', () => {
  it('describes unit strings with a pattern, a description and examples', () => {
    const json = z.toJSONSchema(durationSchema, { io: 'input' });
    expect(json).toMatchObject({
      type: 'string',
      description: 'A duration with a unit: ms, s, min or h (e.g. "250ms", "1.2s", "2min").',
      examples: ['250ms', '1.2s'],
    });
    const pattern = new RegExp(String(json.pattern));
    for (const good of ['250ms', '1.2s', '1.5 s', '2min', '0ms']) expect(pattern.test(good)).toBe(true);
    for (const bad of ['12', '-5ms', 'twelve', '5m']) expect(pattern.test(bad)).toBe(false);
    const db = new RegExp(String(z.toJSONSchema(decibelSchema, { io: 'input' }).pattern));
    expect(['-18dB', '-6 dB', '+3dB', '-1dBFS'].every((s) => db.test(s))).toBe(true);
    expect(z.toJSONSchema(rateSchema, { io: 'input' }).examples).toEqual(['160wpm']);
    expect(z.toJSONSchema(perMinuteSchema, { io: 'input' }).examples).toEqual(['3/min']);
  });

  it('describes percentages as a string or a fraction', () => {
    const json = z.toJSONSchema(percentSchema, { io: 'input' });
    expect(json.anyOf).toMatchObject([{ type: 'string', examples: ['2%', '0.5%'] }, { type: 'number', minimum: 0, maximum: 1 }]);
  });

  it('describes distributions as strict alternatives', () => {
    const json = z.toJSONSchema(distributionSchema(durationSchema), { io: 'input' });
    expect(json.description).toMatch(/^A fixed value \(a duration with a unit/);
    const [fixed, ...mappings] = json.anyOf ?? [];
    expect(fixed).toMatchObject({ type: 'string' });
    expect(mappings.map((m) => Object.keys((m as { properties: object }).properties))).toEqual([
      ['min', 'max'],
      ['uniform'],
      ['mean', 'sd'],
      ['normal'],
      ['p50', 'p95'],
      ['lognormal'],
    ]);
    for (const m of mappings) expect(m).toMatchObject({ type: 'object', additionalProperties: false });
  });
});
