import { Ajv2020 } from 'ajv/dist/2020.js';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import * as z from 'zod';
import { toJsonSchema, type JsonSchema } from './json-schema.js';
import { scenario } from './test-support/scenario-schema.js';

/** Whether the exported schema accepts `value`, as an editor's validator (Ajv, draft 2020-12) would say. */
function accepts(schema: JsonSchema, value: unknown): boolean {
  return new Ajv2020({ strict: false }).validate(schema as object, value) as boolean;
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
    const property = ((json.properties as Record<string, JsonSchema>)['expect']?.properties as Record<string, JsonSchema>)['maxLatency'];
    // Durations are used in several places, so the export keeps them once under $defs.
    const ref = (property as { $ref?: string })?.$ref;
    const latency = ref?.startsWith('#/$defs/') ? (json.$defs as Record<string, JsonSchema>)[ref.slice('#/$defs/'.length)] : property;
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
