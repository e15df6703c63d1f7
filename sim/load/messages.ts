/**
 * Shared wording for input errors: "did you mean" suggestions, short renderings of the value a
 * user wrote, what a schema expects, and a zod error map that turns zod issues into messages a
 * scenario author can act on.
 *
 * @module
 */
import { distance } from 'fastest-levenshtein';
import * as z from 'zod';

/**
 * The closest candidate to a misspelt `word`, or `undefined` when none is close enough
 * (Levenshtein distance ≤ max(2, word.length / 3)) or when two candidates are equally close.
 * A candidate equal to `word` ignoring case always wins.
 */
export function didYouMean(word: string, candidates: readonly string[]): string | undefined {
  const lower = word.toLowerCase();
  const sameCase = candidates.find((c) => c.toLowerCase() === lower);
  if (sameCase !== undefined) return sameCase;
  const limit = Math.max(2, word.length / 3);
  let best: string | undefined;
  let bestDistance = Infinity;
  let tie = false;
  for (const candidate of candidates) {
    const d = distance(word, candidate);
    if (d < bestDistance) [best, bestDistance, tie] = [candidate, d, false];
    else if (d === bestDistance) tie = true;
  }
  return bestDistance <= limit && !tie ? best : undefined;
}

/** `unknown <noun> "<word>"` plus ` (did you mean "<x>"?)` when a candidate is close. */
export function unknownName(noun: string, word: string, candidates: readonly string[]): string {
  const suggestion = didYouMean(word, candidates);
  return `unknown ${noun} ${JSON.stringify(word)}${suggestion === undefined ? '' : ` (did you mean ${JSON.stringify(suggestion)}?)`}`;
}

/** True for plain objects (YAML mappings), false for arrays, null and scalars. */
export function isMapping(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

const MAX_SHOWN = 40;

/** A short rendering of a value as the user wrote it, for the "got …" part of a message. */
export function showValue(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'an empty value';
  if (typeof value === 'string') {
    return JSON.stringify(value.length > MAX_SHOWN ? `${value.slice(0, MAX_SHOWN - 1)}…` : value);
  }
  if (Array.isArray(value)) return value.length === 0 ? 'an empty list' : 'a list';
  if (isMapping(value)) return Object.keys(value).length === 0 ? 'an empty mapping' : 'a mapping';
  return String(value);
}

/** Joins `["a", "b", "c"]` as `a, b or c` (or `a, b and c` with `conjunction` "and"). */
export function orList(items: readonly string[], conjunction: 'or' | 'and' = 'or'): string {
  return items.length <= 1 ? items.join('') : `${items.slice(0, -1).join(', ')} ${conjunction} ${items.at(-1)}`;
}

/**
 * Registry of the phrase used after "expected" in messages about a schema (e.g.
 * `a duration with a unit, like "250ms" or "1.2s"`). Kept apart from zod's global registry so the
 * phrase does not leak into exported JSON Schema.
 */
export const expectations = z.registry<{ readonly expected: string }>();

/**
 * Registers how messages name what `schema` expects ("expected <phrase>, got …") and returns the
 * same schema. Register the innermost schema that rejects input (e.g. the string under a
 * transform): zod reports issues against the instance that raised them, and `.optional()` etc.
 * create new instances.
 */
export function expecting<T extends z.core.$ZodType>(schema: T, phrase: string): T {
  expectations.add(schema, { expected: phrase });
  return schema;
}

type Def = z.core.$ZodTypes['_zod']['def'];

function defOf(schema: z.core.$ZodType): Def {
  return (schema as z.core.$ZodTypes)._zod.def;
}

/** The schema a wrapper (optional, nullable, default, pipe, lazy, …) checks, or undefined for others. */
function unwrap(schema: z.core.$ZodType): z.core.$ZodType | undefined {
  const def = defOf(schema);
  switch (def.type) {
    case 'pipe':
      // The input side, unless it is a transform (then the output side says what is expected).
      return def.in._zod.traits.has('$ZodTransform') ? def.out : def.in;
    case 'optional':
    case 'nullable':
    case 'default':
    case 'prefault':
    case 'readonly':
    case 'catch':
    case 'nonoptional':
      return def.innerType;
    case 'lazy':
      return def.getter();
    default:
      return undefined;
  }
}

/** The registered phrase for `schema`, looking through wrappers and pipes (input side). */
export function phraseOf(schema: z.core.$ZodType): string | undefined {
  const own = expectations.get(schema)?.expected;
  if (own !== undefined) return own;
  const inner = unwrap(schema);
  return inner === undefined ? undefined : phraseOf(inner);
}

/** Keys of the object schemas a value may be checked against, through wrappers and unions. */
export function objectKeys(schema: z.core.$ZodType): string[] {
  const def = defOf(schema);
  if (def.type === 'object') return Object.keys(def.shape);
  if (def.type === 'union') return [...new Set(def.options.flatMap(objectKeys))];
  const inner = unwrap(schema);
  return inner === undefined ? [] : objectKeys(inner);
}

const TYPE_NAMES: Readonly<Record<string, string>> = {
  string: 'a string',
  number: 'a number',
  int: 'an integer',
  boolean: 'true or false',
  object: 'a mapping',
  record: 'a mapping',
  map: 'a mapping',
  array: 'a list',
  tuple: 'a list',
  set: 'a list',
  null: 'an empty value',
  date: 'a date',
};

/** What a schema expects, as a phrase: the registered phrase, else a description of its shape. */
export function describeSchema(schema: z.core.$ZodType): string {
  const phrase = phraseOf(schema);
  if (phrase !== undefined) return phrase;
  const def = defOf(schema);
  switch (def.type) {
    case 'literal':
      return orList(def.values.map((v) => JSON.stringify(v) ?? String(v)));
    case 'enum':
      return `one of: ${Object.values(def.entries).join(', ')}`;
    case 'object':
      return `a mapping with keys ${Object.keys(def.shape).join(', ')}`;
    case 'union':
      return orList(def.options.map(describeSchema));
    case 'number':
      return (def.checks ?? []).some((c) => /int/.test(String((c._zod.def as { format?: unknown }).format))) ? 'an integer' : 'a number';
    default: {
      const inner = unwrap(schema);
      return inner !== undefined ? describeSchema(inner) : (TYPE_NAMES[def.type] ?? `a ${def.type}`);
    }
  }
}

function bound(kind: 'at least' | 'at most', inclusive: boolean | undefined, n: number | bigint): string {
  if (inclusive !== false) return `${kind} ${n}`;
  return `${kind === 'at least' ? 'more than' : 'fewer than'} ${n}`;
}

function numberBound(kind: 'min' | 'max', inclusive: boolean | undefined, n: number | bigint): string {
  const operator = kind === 'min' ? '>' : '<';
  return `a number ${operator}${inclusive === false ? '' : '='} ${n}`;
}

function sizeBound(origin: string, kind: 'at least' | 'at most', n: number | bigint, inclusive?: boolean): string {
  const unit = origin === 'string' ? 'character' : 'item';
  const plural = n === 1 || n === 1n ? unit : `${unit}s`;
  return `${bound(kind, inclusive, n)} ${plural}`;
}

/**
 * A zod error map (pass as `safeParse(x, { error: friendlyErrorMap, reportInput: true })`) that
 * words issues for scenario authors. Schemas with their own messages keep them: zod consults a
 * schema's `error` before this map. For `unrecognized_keys` it returns one line per unknown key,
 * in the order of `issue.keys`, so a caller can place each at its key.
 */
export const friendlyErrorMap: z.core.$ZodErrorMap = (issue) => {
  const got = `got ${showValue(issue.input)}`;
  const inst = issue.inst instanceof z.core.$ZodType ? issue.inst : undefined;
  switch (issue.code) {
    case 'invalid_type':
            if (issue.expected === 'int') return `expected an integer, ${got}`;
      return `expected ${inst ? describeSchema(inst) : (TYPE_NAMES[issue.expected] ?? issue.expected)}, ${got}`;
    case 'invalid_value': {
      const values = issue.values.map((v) => (typeof v === 'string' ? v : String(v)));
      if (values.length === 1) return `expected ${JSON.stringify(issue.values[0]) ?? values[0]}, ${got}`;
      const suggestion = typeof issue.input === 'string' ? didYouMean(issue.input, values) : undefined;
      return `expected one of: ${values.join(', ')}, ${got}${suggestion === undefined ? '' : ` (did you mean ${JSON.stringify(suggestion)}?)`}`;
    }
    case 'unrecognized_keys': {
      // Keys already present are not what a misspelt key meant.
      const present = isMapping(issue.input) ? Object.keys(issue.input) : [];
      const allowed = (inst ? objectKeys(inst) : []).filter((k) => !present.includes(k));
      return issue.keys.map((key) => unknownName('key', key, allowed)).join('\n');
    }
    case 'invalid_union': {
      if (inst && isMapping(issue.input)) {
        const allowed = objectKeys(inst);
        const present = Object.keys(issue.input);
        const stray = present.find((k) => !allowed.includes(k));
        const absent = allowed.filter((k) => !present.includes(k));
        if (allowed.length > 0 && stray !== undefined) return unknownName('key', stray, absent);
      }
      return `expected ${inst ? describeSchema(inst) : 'a different value'}, ${got}`;
    }
    case 'too_small':
      if (issue.origin === 'string' || issue.origin === 'array' || issue.origin === 'set') {
        return `expected ${sizeBound(issue.origin, 'at least', issue.minimum, issue.inclusive)}, ${got}`;
      }
      return `expected ${numberBound('min', issue.inclusive, issue.minimum)}, ${got}`;
    case 'too_big':
      if (issue.origin === 'string' || issue.origin === 'array' || issue.origin === 'set') {
        return `expected ${sizeBound(issue.origin, 'at most', issue.maximum, issue.inclusive)}, ${got}`;
      }
      return `expected ${numberBound('max', issue.inclusive, issue.maximum)}, ${got}`;
    case 'invalid_format':
      return `expected ${issue.format === 'regex' ? `text matching /${issue.pattern ?? ''}/` : `a valid ${issue.format}`}, ${got}`;
    case 'not_multiple_of':
      return `expected a multiple of ${issue.divisor}, ${got}`;
    case 'invalid_key':
      return `invalid key ${showValue(issue.input)}`;
    case 'invalid_element':
      return `invalid entry ${showValue(issue.key)}`;
    default:
      return `invalid value, ${got}`;
  }
};
