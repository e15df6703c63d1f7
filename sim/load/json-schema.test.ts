import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import * as z from 'zod';
import { toJsonSchema, type JsonSchema } from './json-schema.js';
import { scenario } from './test-support/scenario-schema.js';

/**
 * A minimal validator for the JSON Schema subset zod emits here (type, properties, required,
 * additionalProperties, items/prefixItems, anyOf, enum, pattern, minimum/maximum); enough to
 * check that the exported schema accepts good documents and rejects bad ones.
 */
function accepts(schema: JsonSchema | boolean, value: unknown): boolean {
  if (typeof schema === 'boolean') return schema;
  const s = schema as Record<string, unknown> & JsonSchema;
  if (s.anyOf && !s.anyOf.some((option) => accepts(option, value))) return false;
  if (s.enum && !s.enum.includes(value as never)) return false;
  const type = s.type;
  const kind = value === null ? 'null' : Array.isArray(value) ? 'array' : typeof value;
  if (type === 'integer' && !Number.isInteger(value)) return false;
  if (typeof type === 'string' && type !== 'integer' && type !== kind) return false;
  if (typeof value === 'string' && typeof s.pattern === 'string' && !new RegExp(s.pattern).test(value)) return false;
  if (typeof value === 'number') {
    if (typeof s.minimum === 'number' && value < s.minimum) return false;
    if (typeof s.maximum === 'number' && value > s.maximum) return false;
  }
  if (Array.isArray(value)) {
    const prefix = s.prefixItems ?? [];
    if (typeof s.minItems === 'number' && value.length < s.minItems) return false;
    if (typeof s.maxItems === 'number' && value.length > s.maxItems) return false;
    const rest = Array.isArray(s.items) ? true : (s.items ?? true);
    return value.every((item, i) => accepts(prefix[i] ?? rest, item));
  }
  if (kind === 'object') {
    const record = value as Record<string, unknown>;
    if ((s.required ?? []).some((key) => !(key in record))) return false;
    return Object.entries(record).every(([key, v]) => accepts(s.properties?.[key] ?? s.additionalProperties ?? true, v));
  }
  return true;
}

const json = toJsonSchema(scenario, {
  title: 'parley scenario',
  description: 'A parley test scenario.',
  id: 'https://example.com/parley/scenario.schema.json',
});

describe('toJsonSchema', () => {
  it('is a draft 2020-12 document with the given header', () => {
    expect(json).toMatchObject({
      $schema: 'https://json-schema.org/draft/2020-12/schema',
      $id: 'https://example.com/parley/scenario.schema.json',
      title: 'parley scenario',
      description: 'A parley test scenario.',
      type: 'object',
      required: ['name', 'user', 'expect'],
      additionalProperties: false,
    });
    expect(toJsonSchema(z.string(), { title: 't', description: 'd' })).not.toHaveProperty('$id');
  });

  it('disallows unknown keys in strict objects, keyed-union branches included', () => {
    const properties = json.properties as Record<string, JsonSchema>;
    expect(properties['expect']).toMatchObject({ type: 'object', additionalProperties: false });
    const actions = (properties['user']?.items as JsonSchema).anyOf ?? [];
    expect(actions.map((a) => (a as JsonSchema).required)).toEqual([
      ['say'],
      ['pause'],
      ['filler'],
      ['backchannel'],
      ['noise'],
      ['silence'],
      ['hangup'],
    ]);
    for (const a of actions) expect(a).toMatchObject({ type: 'object', additionalProperties: false });
  });

  it('describes unit values by what the user writes', () => {
    const latency = ((json.properties as Record<string, JsonSchema>)['expect']?.properties as Record<string, JsonSchema>)['maxLatency'];
    expect(latency).toMatchObject({ type: 'string', examples: ['250ms', '1.2s'] });
    expect(latency?.description).toContain('A duration with a unit');
  });

  it('accepts a good document and rejects the usual mistakes', () => {
    const good = parse('name: x\nseed: 3\nuser:\n  - say: hi\n  - pause: 1.2s\n  - silence: {min: 80ms, max: 160ms}\n  - hangup:\nexpect:\n  endpointing: semantic\n');
    expect(accepts(json, good)).toBe(true);
    for (const bad of [
      'name: x\nuser: []\nexpect: {}\nespect: {}\n', // unknown top-level key
      'name: x\nuser: [{sey: hi}]\nexpect: {}\n', // unknown action
      'name: x\nuser: [{say: hi, pause: 1s}]\nexpect: {}\n', // two actions in one
      'name: x\nuser: [{pause: twelve}]\nexpect: {}\n', // bad duration
      'name: x\nuser: [{pause: -5ms}]\nexpect: {}\n', // negative duration
      'name: x\nseed: 1.5\nuser: []\nexpect: {}\n', // not an integer
      'user: []\nexpect: {}\n', // missing name
      'name: x\nuser: []\nexpect: {endpointing: fast}\n', // not in the enum
    ]) {
      expect(accepts(json, parse(bad)), bad).toBe(false);
    }
  });

  it('leaves plain (stripping) objects open, as zod does in input mode', () => {
    expect(toJsonSchema(z.object({ a: z.string() }), { title: 't', description: 'd' })).not.toHaveProperty('additionalProperties');
  });

  it('refuses schemas it cannot represent', () => {
    expect(() => toJsonSchema(z.custom<string>(() => true), { title: 't', description: 'd' })).toThrow();
  });
});
