/**
 * The gates file (`--gates FILE` on `parley run --baseline` and `parley compare`): how much worse
 * each latency statistic may get against the baseline before it is a regression.
 *
 * ```yaml
 * # yaml-language-server: $schema=gates.schema.json
 * default: { relative: 10%, absolute: 30ms }     # every metric and statistic (these are the built-in defaults)
 * metrics:
 *   voiceToVoiceMs:
 *     p95: { relative: 5%, absolute: 50ms }      # one statistic of one metric
 *   eouDelayMs: { absolute: 20ms }               # both statistics of a metric; relative stays 10%
 *   bargeInStopMs: { relative: 20%, absolute: 20ms, p50: { absolute: 10ms } }
 * ```
 *
 * - Metrics: `voiceToVoiceMs`, `eouDelayMs`, `bargeInStopMs` (the names in report.json);
 *   statistics: `p50`, `p95`.
 * - `relative`: a percentage of the baseline value (`"10%"`, or a fraction such as `0.1`);
 *   `absolute`: a duration (`"30ms"`, `"0.05s"`).
 * - A statistic regresses when it grows by more than BOTH bounds. `absolute: 0ms` gates on the
 *   relative bound alone, `relative: 0%` on the absolute bound alone.
 * - Each bound is looked up from the most specific place that sets it: the statistic, then the
 *   metric, then `default`, then the built-in 10% and 30 ms.
 * - Every key is optional; an unknown or misspelt key is an error (`file:line:col: message`).
 *
 * @module
 */
import * as z from 'zod';
import type { ComparedMetric, ComparedStat, Tolerance, Tolerances } from '../reports/comparison.js';
import { COMPARED_METRICS, COMPARED_STATS, DEFAULT_TOLERANCE } from '../reports/baseline.js';
import { didYouMean, durationSchema, type InputError, loadYaml, percentSchema } from '../sim/load/index.js';
import { readInputFile } from '../sim/load/read.js';

const boundFields = {
  relative: percentSchema.optional().describe('how much worse, as a share of the baseline value, e.g. "10%"'),
  absolute: durationSchema.optional().describe('how much worse, in time, e.g. "30ms"'),
};

/** A tolerance for one statistic: `{ relative, absolute }`, either may be left out. */
const statSchema = z.strictObject(boundFields).describe('A tolerance: a statistic regresses when it grows by more than both bounds.');

const STATISTIC_LIKE = /^(p\d+|min|max|count|mean|avg|average)$/i;

/** The tolerance of one metric: bounds for both statistics, and per statistic. */
const metricSchema = z
  .strictObject(
    {
      ...boundFields,
      p50: statSchema.optional().describe('the tolerance of the median'),
      p95: statSchema.optional().describe('the tolerance of the 95th percentile'),
    },
    {
      error: (issue) => {
        if (issue.code !== 'unrecognized_keys') return undefined;
        return issue.keys
          .map((key) => {
            const stat = COMPARED_STATS.find((s) => s === key.toLowerCase());
            if (stat !== undefined) return `unknown key ${JSON.stringify(key)} (did you mean ${JSON.stringify(stat)}?)`;
            if (STATISTIC_LIKE.test(key)) return `the statistic ${JSON.stringify(key)} is not compared; statistics: ${COMPARED_STATS.join(', ')}`;
            const suggestion = didYouMean(key, ['relative', 'absolute', ...COMPARED_STATS]);
            return suggestion === undefined
              ? `unknown key ${JSON.stringify(key)}; expected relative, absolute, p50 or p95`
              : `unknown key ${JSON.stringify(key)} (did you mean ${JSON.stringify(suggestion)}?)`;
          })
          .join('\n');
      },
    },
  )
  .describe('The tolerance of a metric: relative and absolute bounds for p50 and p95, overridden per statistic.');

/** `voice_to_voice`, `VoiceToVoice`, `voiceToVoice` → `voiceToVoiceMs`; else the closest name. */
function suggestMetric(key: string): string | undefined {
  const plain = (text: string) => text.toLowerCase().replace(/[^a-z]/g, '').replace(/ms$/, '');
  const aliases: Readonly<Record<string, ComparedMetric>> = { bargeinstops: 'bargeInStopMs', bargeinstopswithin: 'bargeInStopMs', bargein: 'bargeInStopMs', eou: 'eouDelayMs', v2v: 'voiceToVoiceMs' };
  return COMPARED_METRICS.find((m) => plain(m) === plain(key)) ?? aliases[plain(key)] ?? didYouMean(key, COMPARED_METRICS);
}

const optionalMetric = metricSchema.optional();
const metricsSchema = z
  .strictObject(Object.fromEntries(COMPARED_METRICS.map((m) => [m, optionalMetric])) as Record<ComparedMetric, typeof optionalMetric>, {
    error: (issue) => {
      if (issue.code !== 'unrecognized_keys') return undefined;
      return issue.keys
        .map((key) => {
          const suggestion = suggestMetric(key);
          return `unknown metric ${JSON.stringify(key)}${suggestion === undefined ? `; metrics: ${COMPARED_METRICS.join(', ')}` : ` (did you mean ${JSON.stringify(suggestion)}?)`}`;
        })
        .join('\n');
    },
  })
  .describe('Tolerances per metric: voiceToVoiceMs, eouDelayMs, bargeInStopMs.');

/** A gates file. */
export const gatesFileSchema = z.strictObject({
  $schema: z.string().optional(),
  default: statSchema.optional().describe('the tolerance of every metric and statistic not set below (built in: 10% and 30ms)'),
  metrics: metricsSchema.optional(),
});

export type GatesFile = z.output<typeof gatesFileSchema>;

/** The tolerance of every statistic, from a gates file (see the module documentation for the lookup). */
export function tolerancesOf(file: GatesFile): Tolerances {
  type Bounds = { relative?: number | undefined; absolute?: number | undefined };
  const pick = (...levels: (Bounds | undefined)[]): Tolerance => ({
    relative: levels.find((l) => l?.relative !== undefined)?.relative ?? DEFAULT_TOLERANCE.relative,
    absoluteMs: levels.find((l) => l?.absolute !== undefined)?.absolute ?? DEFAULT_TOLERANCE.absoluteMs,
  });
  const entries = COMPARED_METRICS.map((metric) => {
    const m = file.metrics?.[metric];
    const stats = Object.fromEntries(COMPARED_STATS.map((stat) => [stat, pick(m?.[stat], m, file.default)])) as Record<ComparedStat, Tolerance>;
    return [metric, stats] as const;
  });
  return Object.fromEntries(entries) as unknown as Tolerances;
}

/** Result of {@link loadGatesFile}. */
export type GatesLoad = { readonly ok: true; readonly tolerances: Tolerances } | { readonly ok: false; readonly errors: readonly InputError[] };

/** Validates the text of a gates file named `display`. */
export function parseGates(text: string, display: string): GatesLoad {
  const result = loadYaml(display, text, gatesFileSchema, { expected: 'a gates file: a mapping with default or metrics' });
  return result.ok ? { ok: true, tolerances: tolerancesOf(result.loaded.value) } : { ok: false, errors: result.errors };
}

/** Reads and validates a gates file; every mistake is an `InputError` (`file:line:col: message`). */
export function loadGatesFile(path: string, display: string): GatesLoad {
  const read = readInputFile(path, display);
  return read.ok ? parseGates(read.text, display) : { ok: false, errors: read.errors };
}
