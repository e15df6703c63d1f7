/**
 * Zod schemas for values with units, as scenario authors write them in YAML: durations ("250ms"),
 * levels ("-18dB"), percentages ("2%"), rates ("160wpm", "3/min") and seeded distributions of any
 * of these. Each parses to a plain number in a fixed unit, rejects mistakes with a message naming
 * what was expected, and exports to JSON Schema (`z.toJSONSchema(s, { io: 'input' })`) as a string
 * with a `pattern`, a `description` and `examples`.
 *
 * Construction note (zod 4): a unit schema is `z.string().regex(pattern, { error }).meta(…)`
 * piped into `.transform(…)`. In input mode a pipe exports its input side, so the regex becomes
 * `pattern`; the metadata sits on the string (not on the pipe) because zod drops `examples` from
 * transforming schemas in input mode. The regex check's `error` callback diagnoses the input
 * ("cannot be negative", unknown unit …), so the pattern and the parser never disagree.
 *
 * @module
 */
import * as z from 'zod';
import { describeSchema, expecting, isMapping, phraseOf, showValue, unknownName } from './messages.js';
import type { Distribution } from '../distribution.js';

const NUMBER = String.raw`(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?`;
const ANY_QUANTITY = new RegExp(String.raw`^\s*([+-]?)(${NUMBER})\s*(.*?)\s*$`);

interface UnitSpec {
  /** Noun for messages, e.g. "duration" ("a duration cannot be negative"). */
  readonly noun: string;
  /** What is expected, after "expected", e.g. `a duration with a unit, like "250ms" or "1.2s"`. */
  readonly phrase: string;
  /** JSON Schema description. */
  readonly description: string;
  readonly examples: readonly string[];
  /** Unit suffix → conversion of the written number to the schema's number. */
  readonly units: Readonly<Record<string, (n: number) => number>>;
  readonly signed: boolean;
  /** Extra check on the converted value; returns a message when the value is not allowed. */
  readonly check?: (value: number) => string | undefined;
}

type Interpretation = { readonly ok: true; readonly value: number } | { readonly ok: false; readonly message: string };

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}

/** The regex a well-formed quantity matches (the JSON Schema `pattern`). */
function patternOf(spec: UnitSpec): RegExp {
  const units = Object.keys(spec.units).sort((a, b) => b.length - a.length).map(escapeRegExp);
  return new RegExp(String.raw`^\s*${spec.signed ? '[+-]?' : '\\+?'}${NUMBER}\s*(?:${units.join('|')})\s*$`);
}

/** Reads `text` as a quantity of `spec`; the single source of both values and messages. */
function interpret(spec: UnitSpec, text: string): Interpretation {
  const match = ANY_QUANTITY.exec(text);
  const [, sign = '', digits = '', unit = ''] = match ?? [];
  if (!match) return { ok: false, message: `expected ${spec.phrase}, got ${showValue(text)}` };
  if (sign === '-' && !spec.signed) return { ok: false, message: `a ${spec.noun} cannot be negative` };
  if (unit === '') return { ok: false, message: `expected ${spec.phrase}` };
  const convert = spec.units[unit];
  if (convert === undefined) {
    const known = Object.keys(spec.units);
    const message = unknownName(`${spec.noun} unit`, unit, known);
    return { ok: false, message: message.includes('did you mean') ? message : `${message}; expected one of: ${known.join(', ')}` };
  }
  const value = convert(Number(`${sign}${digits}`));
  const problem = spec.check?.(value);
  return problem === undefined ? { ok: true, value } : { ok: false, message: problem };
}

function parser(spec: UnitSpec): (text: string) => number {
  return (text) => {
    const result = interpret(spec, text);
    if (!result.ok) throw new Error(result.message);
    return result.value;
  };
}

/** A zod schema for a quantity written as a string with a unit; output is the converted number. */
function quantitySchema(spec: UnitSpec): z.ZodPipe<z.ZodString, z.ZodTransform<number, string>> {
  const text = z
    .string()
    .regex(patternOf(spec), {
      error: (issue) => {
        const result = typeof issue.input === 'string' ? interpret(spec, issue.input) : undefined;
        return result && !result.ok ? result.message : `expected ${spec.phrase}, got ${showValue(issue.input)}`;
      },
    })
    .meta({ description: spec.description, examples: [...spec.examples] });
  return expecting(text, spec.phrase).transform((input, ctx) => {
    const result = interpret(spec, input);
    if (result.ok) return result.value;
    ctx.issues.push({ code: 'custom', message: result.message, input });
    return z.NEVER;
  });
}

const roundTo3 = (n: number): number => Math.round(n * 1000) / 1000;

const DURATION: UnitSpec = {
  noun: 'duration',
  phrase: 'a duration with a unit, like "250ms" or "1.2s"',
  description: 'A duration with a unit: ms, s, min or h (e.g. "250ms", "1.2s", "2min").',
  examples: ['250ms', '1.2s'],
  units: { ms: (n) => roundTo3(n), s: (n) => roundTo3(n * 1000), min: (n) => roundTo3(n * 60_000), h: (n) => roundTo3(n * 3_600_000) },
  signed: false,
};

const DECIBELS: UnitSpec = {
  noun: 'level',
  phrase: 'a level in decibels, like "-18dB" or "-6 dBFS"',
  description: 'A level in decibels, "dB" or "dBFS" (e.g. "-18dB", "+3dB").',
  examples: ['-18dB', '-6 dBFS'],
  units: { dB: (n) => n, dBFS: (n) => n },
  signed: true,
};

const PERCENT: UnitSpec = {
  noun: 'percentage',
  phrase: 'a percentage like "2%"',
  description: 'A percentage (e.g. "2%", "0.5%").',
  examples: ['2%', '0.5%'],
  units: { '%': (n) => n / 100 },
  signed: false,
  check: (fraction) => (fraction > 1 ? 'a percentage cannot exceed 100%' : undefined),
};

const positive = (noun: string) => (value: number) => (value > 0 ? undefined : `a ${noun} must be greater than zero`);

const WORDS_PER_MINUTE: UnitSpec = {
  noun: 'speaking rate',
  phrase: 'a speaking rate like "160wpm"',
  description: 'A speaking rate in words per minute (e.g. "160wpm").',
  examples: ['160wpm'],
  units: { wpm: (n) => n },
  signed: false,
  check: positive('speaking rate'),
};

const PER_MINUTE: UnitSpec = {
  noun: 'rate',
  phrase: 'a rate per minute like "3/min"',
  description: 'A number of events per minute (e.g. "3/min").',
  examples: ['3/min'],
  units: { '/min': (n) => n },
  signed: false,
};

/** `"250ms"`, `"1.2s"`, `"1.5 s"`, `"2min"`, `"1h"` → milliseconds (rounded to 3 decimals). */
export const durationSchema = quantitySchema(DURATION);
/** Parses a duration like {@link durationSchema}; throws an `Error` with the user-facing message. */
export const parseDuration: (text: string) => number = parser(DURATION);

/** `"-18dB"`, `"-6 dB"`, `"+3dB"`, `"-12dBFS"` → decibels. */
export const decibelSchema = quantitySchema(DECIBELS);
/** Parses a level like {@link decibelSchema}; throws an `Error` with the user-facing message. */
export const parseDecibels: (text: string) => number = parser(DECIBELS);

const percentText = quantitySchema(PERCENT);
const outOfRange = (issue: { readonly input: unknown }): string =>
  `expected a fraction between 0 and 1 or a percentage like "2%", got ${showValue(issue.input)}`;
const fraction = expecting(z.number().min(0, { error: outOfRange }).max(1, { error: outOfRange }), 'a fraction between 0 and 1');

/** `"2%"` → 0.02, `"0.5%"` → 0.005, or a plain fraction in [0, 1]; at most 100%. */
export const percentSchema = expecting(z.union([percentText, fraction]), 'a percentage like "2%" or a fraction between 0 and 1');
/** Parses a percentage string like {@link percentSchema} (to a fraction); throws on mistakes. */
export const parsePercent: (text: string) => number = parser(PERCENT);

/** Speaking rate: `"160wpm"` → 160 words per minute (must be positive). */
export const rateSchema = quantitySchema(WORDS_PER_MINUTE);
/** Parses a rate like {@link rateSchema}; throws an `Error` with the user-facing message. */
export const parseRate: (text: string) => number = parser(WORDS_PER_MINUTE);

/** Events per minute: `"3/min"` → 3. */
export const perMinuteSchema = quantitySchema(PER_MINUTE);
/** Parses a rate like {@link perMinuteSchema}; throws an `Error` with the user-facing message. */
export const parsePerMinute: (text: string) => number = parser(PER_MINUTE);

// ---------------------------------------------------------------------------------------------
// Distributions

/** z-score of the 95th percentile of a standard normal distribution, as used for p95 inputs. */
export const Z95 = 1.6449;

export type { Distribution };

/** The YAML forms {@link distributionSchema} accepts, for values of input type `I`. */
export type DistributionInput<I> =
  | I
  | { min: I; max: I }
  | { uniform: [I, I] }
  | { mean: I; sd: I }
  | { p50: I; p95: I }
  | { normal: { mean: I; sd: I } | { p50: I; p95: I } }
  | { lognormal: { mean: I; sd: I } | { p50: I; p95: I } };

const DISTRIBUTION_KEYS = ['min', 'max', 'uniform', 'mean', 'sd', 'p50', 'p95', 'normal', 'lognormal'];
const DISTRIBUTION_FORMS = 'min/max, mean/sd, p50/p95, uniform, normal or lognormal';

type Numbers<K extends string> = { [P in K]: number };
type Refinement<T> = (value: T) => { readonly path: string; readonly message: string } | undefined;

/** A strict mapping of `keys` (all of `unit`) with cross-field checks (reported at `path`). */
function shape<K extends string>(unit: z.ZodType<number>, keys: readonly K[], ...rules: Refinement<Numbers<K>>[]) {
  const fields = Object.fromEntries(keys.map((k) => [k, unit])) as Record<K, z.ZodType<number>>;
  return z.strictObject(fields).superRefine((value, ctx) => {
    for (const rule of rules) {
      const problem = rule(value as Numbers<K>);
      if (problem) ctx.addIssue({ code: 'custom', path: [problem.path], message: problem.message, input: value });
    }
  });
}

const ordered: Refinement<Numbers<'min' | 'max'>> = (v) =>
  v.max < v.min ? { path: 'max', message: 'max must not be less than min' } : undefined;
const percentiles: Refinement<Numbers<'p50' | 'p95'>> = (v) =>
  v.p95 < v.p50 ? { path: 'p95', message: 'p95 must not be less than p50' } : undefined;
const spread: Refinement<Numbers<'sd'>> = (v) => (v.sd < 0 ? { path: 'sd', message: 'sd cannot be negative' } : undefined);
const positiveP50: Refinement<Numbers<'p50'>> = (v) =>
  v.p50 > 0 ? undefined : { path: 'p50', message: 'p50 must be greater than zero for a lognormal distribution' };
const positiveMean: Refinement<Numbers<'mean'>> = (v) =>
  v.mean > 0 ? undefined : { path: 'mean', message: 'mean must be greater than zero for a lognormal distribution' };

const uniform = (min: number, max: number): Distribution => ({ kind: 'uniform', min, max });
const normalFromPercentiles = (v: Numbers<'p50' | 'p95'>): Distribution => ({ kind: 'normal', mean: v.p50, sd: (v.p95 - v.p50) / Z95 });
const lognormalFromPercentiles = (v: Numbers<'p50' | 'p95'>): Distribution => ({
  kind: 'lognormal',
  mu: Math.log(v.p50),
  sigma: (Math.log(v.p95) - Math.log(v.p50)) / Z95,
});
const lognormalFromMoments = (v: Numbers<'mean' | 'sd'>): Distribution => {
  const variance = Math.log(1 + (v.sd * v.sd) / (v.mean * v.mean));
  return { kind: 'lognormal', mu: Math.log(v.mean) - variance / 2, sigma: Math.sqrt(variance) };
};

/**
 * A value of `unit` that is fixed or drawn from a seeded distribution, normalized to
 * {@link Distribution}. Accepted forms (every value written in `unit`):
 * `"250ms"` (fixed); `{min, max}` or `{uniform: [min, max]}`; `{mean, sd}`, `{normal: {mean, sd}}`
 * or `{normal: {p50, p95}}` (sd = (p95 − p50) / 1.6449); `{p50, p95}` or `{lognormal: {p50, p95}}`
 * (mu = ln p50, sigma = (ln p95 − ln p50) / 1.6449); `{lognormal: {mean, sd}}`
 * (sigma² = ln(1 + sd²/mean²), mu = ln mean − sigma²/2). Unknown keys are errors.
 */
export function distributionSchema<U extends z.ZodType<number>>(unitSchema: U): z.ZodType<Distribution, DistributionInput<z.input<U>>> {
  const unit: z.ZodType<number> = unitSchema;
  const unitPhrase = phraseOf(unit) ?? describeSchema(unit);
  const meanSd = shape(unit, ['mean', 'sd'], spread);
  const p50p95 = shape(unit, ['p50', 'p95'], percentiles);
  const lognormalMeanSd = shape(unit, ['mean', 'sd'], spread, positiveMean);
  const lognormalP50p95 = shape(unit, ['p50', 'p95'], percentiles, positiveP50);
  const options = [
    unit.transform((value): Distribution => ({ kind: 'fixed', value })),
    shape(unit, ['min', 'max'], ordered).transform((v) => uniform(v.min, v.max)),
    z
      .strictObject({ uniform: z.tuple([unit, unit]) })
      .superRefine(({ uniform: [min, max] }, ctx) => {
        if (max < min) ctx.addIssue({ code: 'custom', path: ['uniform', 1], message: 'max must not be less than min', input: max });
      })
      .transform(({ uniform: [min, max] }) => uniform(min, max)),
    meanSd.transform((v): Distribution => ({ kind: 'normal', mean: v.mean, sd: v.sd })),
    z.strictObject({
      normal: z.union([meanSd.transform((v): Distribution => ({ kind: 'normal', mean: v.mean, sd: v.sd })), p50p95.transform(normalFromPercentiles)]),
    }).transform((v) => v.normal),
    lognormalP50p95.transform(lognormalFromPercentiles),
    z.strictObject({
      lognormal: z.union([lognormalP50p95.transform(lognormalFromPercentiles), lognormalMeanSd.transform(lognormalFromMoments)]),
    }).transform((v) => v.lognormal),
  ] as const;
  const schema = z
    .union(options, {
      error: (issue) => {
        if (issue.code !== 'invalid_union') return undefined;
        const input = issue.input;
        if (isMapping(input)) {
          const present = Object.keys(input);
          const stray = present.find((k) => !DISTRIBUTION_KEYS.includes(k));
          const absent = DISTRIBUTION_KEYS.filter((k) => !present.includes(k));
          if (stray !== undefined) return `${unknownName('key', stray, absent)} in a distribution; expected ${DISTRIBUTION_FORMS}`;
          return `expected a distribution with ${DISTRIBUTION_FORMS}, got keys ${Object.keys(input).join(', ')}`;
        }
        return `expected ${unitPhrase}, or a distribution mapping with ${DISTRIBUTION_FORMS}, got ${showValue(input)}`;
      },
    })
    .meta({
      description:
        `A fixed value (${unitPhrase}) or a distribution: {min, max}, {uniform: [min, max]}, {mean, sd}, ` +
        '{normal: {mean, sd} | {p50, p95}}, {p50, p95} (lognormal) or {lognormal: {p50, p95} | {mean, sd}}.',
    });
  // The union's inferred input type is a structural mirror of DistributionInput; zod cannot name it.
  return expecting(schema, `${unitPhrase} or a distribution (${DISTRIBUTION_FORMS})`) as unknown as z.ZodType<
    Distribution,
    DistributionInput<z.input<U>>
  >;
}

