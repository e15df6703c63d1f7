/**
 * Loads a YAML file and validates it with a zod schema, reporting every mistake as one line
 * `file:line:col: message` at the place the user has to edit.
 *
 * - YAML syntax errors and warnings (duplicate keys, bad indentation, unclosed quotes, unknown
 *   tags, undefined aliases …) are reported at their positions; no schema errors are reported for
 *   a file that does not parse.
 * - Each zod issue is placed at the YAML node at its path: the value for wrong values, the key
 *   for unknown keys (one error per key, with "did you mean"), the enclosing mapping for missing
 *   keys; when the path does not exist, the nearest existing ancestor.
 * - A failed union is resolved to the one branch the value structurally matches (no unknown or
 *   missing keys, right kind of value); only when no single branch fits does the union's own
 *   message appear (see {@link keyedUnion}).
 *
 * Objects must be `z.strictObject` for unknown keys to be errors (plain `z.object` drops them).
 * Schemas must be synchronous.
 *
 * @module
 */
import { isAlias, isMap, isScalar, isSeq, LineCounter, parseDocument, visit, type Document, type Node, type YAMLError } from 'yaml';
import * as z from 'zod';
import { describeSchema, expecting, friendlyErrorMap, isMapping, orList, showValue, unknownName } from './messages.js';

/** A 1-based line and column in a source file. */
export interface SourcePosition {
  readonly line: number;
  readonly column: number;
}

/** One mistake in an input file. `message` is the bare message; `toString()` adds the location. */
export class InputError extends Error {
  override readonly name = 'InputError';
  readonly file: string;
  readonly position: SourcePosition | undefined;

  constructor(file: string, position: SourcePosition | undefined, message: string) {
    super(message);
    this.file = file;
    this.position = position;
  }

  /** `file:line:col: message`, or `file: message` without a position. */
  override toString(): string {
    const where = this.position ? `${this.file}:${this.position.line}:${this.position.column}` : this.file;
    return `${where}: ${this.message}`;
  }
}

/** A validated document and a way back to where its parts were written. */
export interface Loaded<T> {
  readonly value: T;
  /**
   * Where the value at `path` (object keys and array indices, as in the parsed value) was
   * written; for a key with an empty value, where the key was written. `undefined` when the path
   * does not exist in the file.
   */
  positionOf(path: readonly (string | number)[]): SourcePosition | undefined;
}

/** Result of {@link loadYaml}: the loaded value, or every error found, sorted by position. */
export type LoadResult<T> = { readonly ok: true; readonly loaded: Loaded<T> } | { readonly ok: false; readonly errors: InputError[] };

/** Options of {@link loadYaml}. */
export interface LoadOptions {
  /** What the whole file should be, for the empty-file message; derived from the schema if absent. */
  readonly expected?: string;
}

/** One line per error, `file:line:col: message`. */
export function formatErrors(errors: readonly InputError[]): string {
  return errors.map(String).join('\n');
}

type Path = readonly PropertyKey[];

/** A node found by following a path, and how far the walk got. */
interface Located {
  /** The node at the full path, if it exists. */
  readonly value?: Node | null;
  /** The key of the last mapping entry on the path, if the last step was a mapping key. */
  readonly key?: Node | null;
  /** The deepest node that exists along the path. */
  readonly nearest: Node;
}

/** Navigates a parsed YAML document by value paths and converts offsets to positions. */
class SourceMap {
  constructor(
    private readonly doc: Document,
    private readonly lines: LineCounter,
  ) {}

  at(offset: number): SourcePosition {
    const { line, col } = this.lines.linePos(offset);
    return { line, column: col };
  }

  positionOfNode(node: Node | null | undefined): SourcePosition | undefined {
    return node?.range ? this.at(node.range[0]) : undefined;
  }

  locate(path: Path): Located | undefined {
    const root = this.doc.contents;
    if (!root) return undefined;
    let node: Node = root;
    let key: Node | null | undefined;
    for (const [i, segment] of path.entries()) {
      const container = isAlias(node) ? (node.resolve(this.doc) ?? node) : node;
      let next: Node | null | undefined;
      if (isMap(container)) {
        const pair = container.items.find((p) => keyText(p.key) === String(segment));
        if (!pair) return { nearest: node };
        key = isNode(pair.key) ? pair.key : null;
        next = isNode(pair.value) ? pair.value : null;
        // An entry without a value: only the key exists to point at.
        if (!next) return i === path.length - 1 ? { value: null, key, nearest: key ?? node } : { nearest: key ?? node };
      } else if (isSeq(container) && typeof segment === 'number') {
        const item = container.items[segment];
        if (!isNode(item)) return { nearest: node };
        key = undefined;
        next = item;
      } else {
        return { nearest: node };
      }
      node = next;
    }
    return { value: node, key, nearest: node };
  }

  /** Position of the value at `path`, or of its key when the value is empty. */
  valuePosition(path: Path): SourcePosition | undefined {
    const found = this.locate(path);
    if (!found || found.value === undefined) return undefined;
    const empty = !found.value || (isScalar(found.value) && found.value.value === null && found.value.range?.[0] === found.value.range?.[1]);
    return this.positionOfNode(empty && found.key ? found.key : found.value);
  }

  /** Position for an error about `path`: its value (or key), else the nearest existing ancestor. */
  bestPosition(path: Path, onKey: boolean): SourcePosition | undefined {
    const found = this.locate(path);
    if (!found) return undefined;
    if (onKey && found.key) return this.positionOfNode(found.key);
    return this.valuePosition(path) ?? this.positionOfNode(found.nearest);
  }
}

function isNode(x: unknown): x is Node {
  return typeof x === 'object' && x !== null && 'range' in x;
}

function keyText(key: unknown): string {
  if (isScalar(key)) return String(key.value);
  return String(key);
}

// ---------------------------------------------------------------------------------------------
// YAML syntax errors

function firstLower(text: string): string {
  return text.charAt(0).toLowerCase() + text.slice(1).replace(/\.$/, '');
}

/** Words a `yaml` library error for a scenario author, positioned where the fix goes. */
function syntaxError(file: string, error: YAMLError, doc: Document, source: SourceMap): InputError {
  const offset = error.pos[0];
  let position = source.at(offset);
  let message = firstLower(error.message);
  switch (error.code) {
    case 'DUPLICATE_KEY': {
      visit(doc, {
        Map(_, map) {
          const index = map.items.findIndex((p) => isNode(p.key) && p.key.range?.[0] === offset);
          const pair = map.items[index];
          if (!pair) return undefined;
          const name = keyText(pair.key);
          const first = map.items.find((p) => keyText(p.key) === name);
          const firstAt = isNode(first?.key) ? source.positionOfNode(first.key) : undefined;
          message = `duplicate key ${JSON.stringify(name)}${firstAt ? ` (first defined at line ${firstAt.line})` : ''}`;
          return visit.BREAK;
        },
      });
      break;
    }
    case 'MISSING_CHAR':
      if (/quote/.test(error.message)) {
        const quote = error.message.includes("'") ? "'" : '"';
        message = `unclosed quoted string: missing closing ${quote}`;
        // The parser notices at the end of the file; point at the opening quote instead.
        visit(doc, {
          Scalar(_, scalar) {
            const [start, end] = scalar.range ?? [0, 0];
            if ((scalar.type === 'QUOTE_DOUBLE' || scalar.type === 'QUOTE_SINGLE') && start < offset && end >= offset) {
              position = source.at(start);
            }
          },
        });
      }
      break;
    case 'MULTIPLE_DOCS':
      message = 'expected a single YAML document, found a second one here';
      break;
    case 'BAD_INDENT':
      message = `bad indentation: ${message}`;
      break;
    case 'BLOCK_AS_IMPLICIT_KEY':
    case 'MULTILINE_IMPLICIT_KEY':
      message = `${message} (check the indentation of the next lines, or quote a value that contains ": ")`;
      break;
    default:
      break;
  }
  return new InputError(file, position, message);
}

/** Aliases whose anchor is not defined before them (`yaml` only notices when converting). */
function unresolvedAliases(file: string, doc: Document, source: SourceMap): InputError[] {
  const errors: InputError[] = [];
  visit(doc, {
    Alias(_, alias) {
      if (alias.resolve(doc) === undefined) {
        errors.push(new InputError(file, source.positionOfNode(alias), `unknown alias "*${alias.source}"; define the anchor "&${alias.source}" before using it`));
      }
    },
  });
  return errors;
}

// ---------------------------------------------------------------------------------------------
// zod issues → positioned errors

/**
 * A validation problem, before it is placed in a file. `at` says which node the message is about:
 * the value at `path`, the key that is the last element of `path` (unknown keys), or the mapping
 * at `path` (missing keys).
 */
export interface Problem {
  readonly path: readonly PropertyKey[];
  readonly message: string;
  readonly at: 'value' | 'key' | 'mapping';
}

/** Result of {@link validate}. */
export type Validation<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly problems: Problem[] };

interface MissingKey extends Problem {
  readonly missing: string;
}

function valueAt(root: unknown, path: Path): unknown {
  let value = root;
  for (const segment of path) {
    if (Array.isArray(value) && typeof segment === 'number') value = value[segment];
    else if (isMapping(value) && typeof segment === 'string' && Object.hasOwn(value, segment)) value = value[segment];
    else return undefined;
  }
  return value;
}

/** A type issue about `undefined`: zod's way of saying a required key is absent. */
function isAbsent(issue: z.core.$ZodIssue): boolean {
  // A missing literal (`hangup: true`) comes back as invalid_value, not invalid_type.
  return issue.input === undefined && (issue.code === 'invalid_type' || issue.code === 'invalid_union' || issue.code === 'invalid_value');
}

/**
 * How badly a union branch's issues say the value does not have that branch's shape: `Infinity`
 * for the wrong kind of value (type or literal mismatch at the branch root), else the number of
 * unknown plus missing keys at the root. Issues deeper inside the value do not count.
 */
function mismatch(issues: readonly z.core.$ZodIssue[]): number {
  let score = 0;
  for (const issue of issues) {
    if (issue.path.length === 0) {
      if (issue.code === 'invalid_type' || issue.code === 'invalid_value') return Infinity;
      if (issue.code === 'unrecognized_keys') score += issue.keys.length;
      if (issue.code === 'invalid_union') score += issue.errors.length === 0 ? Infinity : Math.min(...issue.errors.map(mismatch));
    } else if (issue.path.length === 1 && isAbsent(issue)) {
      score += 1;
    }
  }
  return score;
}

/** The index of the single best-fitting branch of a failed union, if there is exactly one. */
function bestBranch(branches: readonly (readonly z.core.$ZodIssue[])[]): number | undefined {
  const scores = branches.map(mismatch);
  const best = Math.min(...scores);
  if (!Number.isFinite(best)) return undefined;
  const winners = scores.flatMap((s, i) => (s === best ? [i] : []));
  return winners.length === 1 ? winners[0] : undefined;
}

/** Turns zod issues (issued with {@link friendlyErrorMap} and `reportInput`) into problems. */
function collect(issues: readonly z.core.$ZodIssue[], base: Path, data: unknown, out: (Problem | MissingKey)[]): void {
  for (const issue of issues) {
    const path = [...base, ...issue.path];
    const key = String(path.at(-1));
    const parent = valueAt(data, path.slice(0, -1));
    if (path.length > 0 && isAbsent(issue) && isMapping(parent) && !Object.hasOwn(parent, key)) {
      out.push({ path: path.slice(0, -1), message: `missing required key ${JSON.stringify(key)}`, at: 'mapping', missing: key });
    } else if (issue.code === 'invalid_union') {
      const branch = bestBranch(issue.errors);
      const chosen = branch === undefined ? undefined : issue.errors[branch];
      if (chosen) collect(chosen, path, data, out);
      else out.push({ path, message: issue.message, at: 'value' });
    } else if (issue.code === 'unrecognized_keys') {
      // friendlyErrorMap words one line per key (a schema's own message is used for every key).
      const lines = issue.message.split('\n');
      issue.keys.forEach((k, i) => {
        out.push({ path: [...path, k], message: (lines.length === issue.keys.length ? lines[i] : undefined) ?? issue.message, at: 'key' });
      });
    } else {
      out.push({ path, message: issue.message, at: 'value' });
    }
  }
}

/**
 * Drops "missing key K" when an unknown key in the same mapping already suggests K, and merges
 * the other missing keys of one mapping into one problem: `missing required keys "a" and "b"`.
 */
function tidyMissing(problems: readonly (Problem | MissingKey)[]): Problem[] {
  const suggested = new Set<string>();
  for (const p of problems) {
    const match = p.at === 'key' ? /did you mean "([^"]*)"/.exec(p.message) : null;
    if (match) suggested.add(JSON.stringify([...p.path.slice(0, -1).map(String), match[1]]));
  }
  const missing = new Map<string, { problem: Problem; keys: string[] }>();
  const out: Problem[] = [];
  for (const p of problems) {
    if (!('missing' in p)) {
      out.push(p);
      continue;
    }
    if (suggested.has(JSON.stringify([...p.path.map(String), p.missing]))) continue;
    const id = JSON.stringify(p.path.map(String));
    const group = missing.get(id);
    if (group) group.keys.push(p.missing);
    else missing.set(id, { problem: { path: p.path, message: p.message, at: 'mapping' }, keys: [p.missing] });
  }
  for (const { problem, keys } of missing.values()) {
    const message = keys.length === 1 ? problem.message : `missing required keys ${orList(keys.map((k) => JSON.stringify(k)), 'and')}`;
    out.push({ ...problem, message });
  }
  return out;
}

/**
 * Validates an already-parsed value (e.g. from YAML or JSON) with `schema`, wording problems as
 * {@link loadYaml} does, with paths instead of positions. Failed unions are resolved to the
 * single branch whose shape the value has; see the module documentation.
 */
export function validate<S extends z.ZodType>(schema: S, data: unknown): Validation<z.output<S>> {
  const result = schema.safeParse(data, { error: friendlyErrorMap, reportInput: true });
  if (result.success) return { ok: true, value: result.data };
  const problems: (Problem | MissingKey)[] = [];
  collect(result.error.issues, [], data, problems);
  return { ok: false, problems: tidyMissing(problems) };
}

const RANK: Readonly<Record<Problem['at'], number>> = { key: 0, value: 1, mapping: 2 };

/** Sorts by position and keeps one error per position (unknown key, then others, then missing keys). */
function finish(errors: readonly { readonly error: InputError; readonly rank: number }[]): InputError[] {
  const sorted = [...errors].sort(
    (a, b) =>
      (a.error.position?.line ?? 0) - (b.error.position?.line ?? 0) ||
      (a.error.position?.column ?? 0) - (b.error.position?.column ?? 0) ||
      a.rank - b.rank,
  );
  const seen = new Set<string>();
  return sorted.flatMap(({ error }) => {
    const key = error.position ? `${error.position.line}:${error.position.column}` : `-${error.message}`;
    if (seen.has(key)) return [];
    seen.add(key);
    return [error];
  });
}

/**
 * Parses `text` (the contents of `file`) as a single YAML document and validates it with `schema`.
 * Returns the validated value with a position lookup, or every error found, sorted by position,
 * at most one per position. Messages name what was expected; see the module documentation.
 */
export function loadYaml<S extends z.ZodType>(file: string, text: string, schema: S, options: LoadOptions = {}): LoadResult<z.output<S>> {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false });
  const source = new SourceMap(doc, lines);
  const start = { line: 1, column: 1 };
  const fail = (errors: readonly InputError[], ranks: readonly number[] = []): LoadResult<z.output<S>> => ({
    ok: false,
    errors: finish(errors.map((error, i) => ({ error, rank: ranks[i] ?? 1 }))),
  });

  const syntax = [...doc.errors, ...doc.warnings].map((e) => syntaxError(file, e, doc, source));
  syntax.push(...unresolvedAliases(file, doc, source));
  if (syntax.length > 0) return fail(syntax);

  if (doc.contents === null) {
    return fail([new InputError(file, start, `the file is empty; expected ${options.expected ?? describeSchema(schema)}`)]);
  }

  let data: unknown;
  try {
    data = doc.toJS({ maxAliasCount: 1000 });
  } catch (e) {
    return fail([new InputError(file, start, firstLower(e instanceof Error ? e.message : String(e)))]);
  }

  const result = validate(schema, data);
  if (result.ok) return { ok: true, loaded: { value: result.value, positionOf: (path) => source.valuePosition(path) } };
  return fail(
    result.problems.map((p) => new InputError(file, source.bestPosition(p.path, p.at === 'key') ?? start, p.message)),
    result.problems.map((p) => RANK[p.at]),
  );
}

// ---------------------------------------------------------------------------------------------
// Keyed unions

/** Extra keys a branch of a {@link keyedUnion} allows beside its discriminating key. */
export type KeyedExtras<T> = { readonly [K in keyof T]?: z.ZodRawShape };

type ExtrasOutput<S> = S extends z.ZodRawShape ? z.output<z.ZodObject<S>> : unknown;
type ExtrasInput<S> = S extends z.ZodRawShape ? z.input<z.ZodObject<S>> : unknown;

/** Output of {@link keyedUnion}: a mapping with exactly one of the branch keys (and that branch's extras). */
export type KeyedOutput<T extends Readonly<Record<string, z.ZodType>>, E extends KeyedExtras<T> = {}> = {
  [K in keyof T]: { [P in K]: z.output<T[K]> } & ExtrasOutput<E[K]>;
}[keyof T];
/** Input of {@link keyedUnion}. */
export type KeyedInput<T extends Readonly<Record<string, z.ZodType>>, E extends KeyedExtras<T> = {}> = {
  [K in keyof T]: { [P in K]: z.input<T[K]> } & ExtrasInput<E[K]>;
}[keyof T];

/** Options of {@link keyedUnion}. */
export interface KeyedUnionOptions {
  /** Singular name of one branch key in messages, e.g. "action"; default "key". */
  readonly noun?: string;
  /** Plural of `noun`; default `noun + "s"`. */
  readonly plural?: string;
  /**
   * Keys that may also be written as a bare name (`- hangup`), meaning `{ hangup: true }`; their
   * branch schema must accept `true`.
   */
  readonly bare?: readonly string[];
}

/**
 * A mapping that must have exactly one of several discriminating keys, each with its own value
 * schema, e.g. user actions `keyedUnion({ say: z.string(), pause: durationSchema }, { noun: 'action' })`
 * accepting `{say: "hi"}` or `{pause: "1s"}`. Exports to JSON Schema as `anyOf` strict
 * single-key objects. Errors inside a branch's value are reported as for that branch alone;
 * otherwise one message: `unknown action "sey" (did you mean "say"?)`,
 * `expected exactly one action, got "say" and "pause"`, or
 * `expected one of the actions: say, pause, got "hello"`.
 * A branch may allow options beside its key with `extras`, e.g.
 * `extras: { say: { at: anchorSchema.optional() } }` accepts `{say: "hi", at: "endpoint"}`.
 */
export function keyedUnion<
  const T extends Readonly<Record<string, z.ZodType>>,
  const E extends KeyedExtras<T> = {},
  const B extends readonly (keyof T & string)[] = [],
>(branches: T, options: KeyedUnionOptions & { readonly extras?: E; readonly bare?: B } = {}): z.ZodType<KeyedOutput<T, E>, KeyedInput<T, E> | B[number]> {
  const keys = Object.keys(branches);
  const extras = (options.extras ?? {}) as Readonly<Record<string, z.ZodRawShape | undefined>>;
  const extraKeys = new Set(Object.values(extras).flatMap((shape) => Object.keys(shape ?? {})));
  const noun = options.noun ?? 'key';
  const expected = `one of the ${options.plural ?? `${noun}s`}: ${keys.join(', ')}`;
  const message = (input: unknown): string => {
    if (isMapping(input)) {
      const present = Object.keys(input);
      const known = present.filter((k) => keys.includes(k));
      if (known.length > 1) return `expected exactly one ${noun}, got ${known.map((k) => JSON.stringify(k)).join(' and ')}`;
      const stray = present.find((k) => !keys.includes(k) && !extraKeys.has(k));
      if (known.length === 0 && stray !== undefined) {
        const unknown = unknownName(noun, stray, keys);
        return unknown.includes('did you mean') ? unknown : `${unknown}; expected ${expected}`;
      }
      if (known.length === 0) return `expected ${expected} (with ${present.map((k) => JSON.stringify(k)).join(', ')})`;
    }
    return `expected ${expected}, got ${showValue(input)}`;
  };
  const options_ = keys.map((key) => z.strictObject({ [key]: branches[key] as z.ZodType, ...(extras[key] ?? {}) }));
  const [first, ...rest] = options_;
  if (!first) throw new Error('keyedUnion needs at least one branch');
  const objects = expecting(
    z.union([first, ...rest], { error: (issue) => (issue.code === 'invalid_union' ? message(issue.input) : undefined) }),
    expected,
  );
  const bare = options.bare ?? [];
  const [firstBare, ...restBare] = bare;
  if (firstBare === undefined) {
    // The union of objects is built from runtime keys, so its static type is spelled out here.
    return objects as unknown as z.ZodType<KeyedOutput<T, E>, KeyedInput<T, E> | B[number]>;
  }
  const bareMessage = (input: unknown): string | undefined => {
    if (typeof input !== 'string') return isMapping(input) ? message(input) : `expected ${expected}, got ${showValue(input)}`;
    if (keys.includes(input)) return `"${input}" needs a value: write it as "${input}: <value>"`;
    const unknown = unknownName(noun, input, keys);
    return unknown.includes('did you mean') ? unknown : `${unknown}; expected ${expected}`;
  };
  const names = z.enum([firstBare, ...restBare]).transform((name) => ({ [name]: true }));
  const union = expecting(
    z.union([names, objects], { error: (issue) => (issue.code === 'invalid_union' ? bareMessage(issue.input) : undefined) }),
    `${expected} (${bare.join(', ')} may stand alone)`,
  );
  return union as unknown as z.ZodType<KeyedOutput<T, E>, KeyedInput<T, E> | B[number]>;
}

/** Also exported for schema authors: wording helpers and the error map used by {@link loadYaml}. */
export { describeSchema, expecting, friendlyErrorMap };
