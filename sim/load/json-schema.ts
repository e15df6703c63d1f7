/**
 * JSON Schema export of input schemas, for editors: put
 * `# yaml-language-server: $schema=<url or path>` at the top of a YAML file to get completion and
 * checking as you type.
 *
 * zod 4 notes: the export uses `io: 'input'`, so pipes and transforms are described by what the
 * user writes (a unit string with its `pattern`), not by what they parse to. In input mode only
 * `z.strictObject` gets `additionalProperties: false`; a plain `z.object` accepts (and drops)
 * unknown keys, so it is exported as allowing them — use strict objects for input files.
 *
 * @module
 */
import * as z from 'zod';

/** A JSON Schema document. */
export type JsonSchema = z.core.JSONSchema.BaseSchema;

/** Options of {@link toJsonSchema}. */
export interface JsonSchemaOptions {
  /** Short name shown by editors, e.g. "parley scenario". */
  readonly title: string;
  readonly description: string;
  /** `$id`, e.g. the URL the schema is published at. */
  readonly id?: string;
}

const DRAFT_2020_12 = 'https://json-schema.org/draft/2020-12/schema';

/**
 * A draft 2020-12 JSON Schema describing the input `schema` accepts. Throws if part of the
 * schema cannot be represented (e.g. `z.custom`), rather than silently accepting anything there.
 */
export function toJsonSchema(schema: z.ZodType, options: JsonSchemaOptions): JsonSchema {
  const { $schema: _draft, title: _title, description: _description, ...body } = z.toJSONSchema(schema, {
    io: 'input',
    target: 'draft-2020-12',
    unrepresentable: 'throw',
    // Shared pieces (durations, distributions, providers) once under $defs, not copied inline.
    reused: 'ref',
  });
  return {
    $schema: DRAFT_2020_12,
    ...(options.id === undefined ? {} : { $id: options.id }),
    title: options.title,
    description: options.description,
    ...body,
  };
}
