/**
 * What every fake server's script has in common: faults, the causal triggers that place them,
 * and loading a script file (YAML or JSON, validated with zod, errors as `file:line:col: message`
 * through the scenario loader's machinery).
 *
 * ```yaml
 * faults:
 *   - handshake: 401          # refuse the connection (or HTTP request) with this status
 *     on: [1]                 # only the first connection; default: every one
 *   - close: 1011             # close the websocket with this code (HTTP: drop the connection)
 *     after: { audio: 1500ms }
 *   - malformed: true         # send a frame that is not JSON (alone: just `- malformed`)
 *     after: { messages: 2 }
 *   - stall: true             # stop sending; keep the connection open (alone: just `- stall`)
 *     after: { flushes: 1 }
 *   - first_byte_delay: 800ms # hold the first message (HTTP: the response) back
 *   - inactivity: 2s          # close when the client sends nothing for this long
 * ```
 *
 * @module
 */
import * as z from 'zod';
import { durationSchema, InputError, keyedUnion, loadYaml, readInputFile } from '../../sim/load/index.js';

/**
 * When a fault fires, counted on its connection: after the server has sent `messages` messages,
 * after `audio` of audio has been received, or after the client's `flushes`-th flush (or end of
 * input).
 */
export const triggerSchema = keyedUnion(
  {
    messages: z.number().int().min(0),
    audio: durationSchema,
    flushes: z.number().int().min(1),
  },
  { noun: 'trigger' },
);

/** A fault's trigger. */
export type Trigger = z.output<typeof triggerSchema>;

const on = z.array(z.number().int().min(1)).describe('connection or request numbers (from 1) the fault applies to; default: all');
const after = triggerSchema.optional();
const reason = z.string().optional();

/** One injected failure. */
export const faultSchema = keyedUnion(
  {
    handshake: z.number().int().min(400).max(599).describe('refuse the connection or request with this HTTP status'),
    close: z.number().int().min(1000).max(4999).describe('close the websocket with this code; over HTTP, drop the connection'),
    malformed: z.literal(true).describe('send a frame that is not valid JSON'),
    stall: z.literal(true).describe('stop sending, keep the connection open'),
    first_byte_delay: durationSchema.describe('hold the first message (HTTP: the response) back this long'),
    inactivity: durationSchema.describe('close the websocket when the client sends nothing for this long'),
  },
  {
    noun: 'fault',
    bare: ['malformed', 'stall'],
    extras: {
      handshake: { on: on.optional(), message: z.string().optional() },
      close: { on: on.optional(), after, reason },
      malformed: { on: on.optional(), after },
      stall: { on: on.optional(), after },
      first_byte_delay: { on: on.optional() },
      inactivity: { on: on.optional(), code: z.number().int().min(1000).max(4999).optional(), reason },
    },
  },
);

/** One injected failure, as validated. */
export type Fault = z.output<typeof faultSchema>;

/** The `faults` list every script has. */
export const faultsSchema = z.array(faultSchema).optional();

/** A script, or every mistake in its file. */
export type ScriptLoad<T> = { readonly ok: true; readonly script: T } | { readonly ok: false; readonly errors: readonly InputError[] };

/** Reads and validates a script file (YAML or JSON: JSON is YAML). */
export function loadScriptFile<S extends z.ZodType>(path: string, schema: S, display = path): ScriptLoad<z.output<S>> {
  const read = readInputFile(path, display);
  if (!read.ok) return { ok: false, errors: read.errors };
  return parseScript(display, read.text, schema);
}

/** Validates the text of a script file named `file`. */
export function parseScript<S extends z.ZodType>(file: string, text: string, schema: S): ScriptLoad<z.output<S>> {
  const result = loadYaml(file, text, schema, { expected: 'a mapping of script settings' });
  return result.ok ? { ok: true, script: result.loaded.value } : { ok: false, errors: result.errors };
}

/**
 * Validates a script given as a value (from code): throws an Error listing every problem.
 */
export function scriptFrom<S extends z.ZodType>(schema: S, value: unknown, what: string): z.output<S> {
  const result = parseScript(what, JSON.stringify(value ?? {}), schema);
  if (result.ok) return result.script;
  throw new Error(result.errors.map(String).join('\n'));
}
