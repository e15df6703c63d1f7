import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { main } from './cli.js';
import { CONFIG_SCHEMA_FILE, GATES_SCHEMA_FILE, SCENARIO_SCHEMA_FILE, schemaFiles } from './schema-files.js';
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import { Capture } from './test-support/cli.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const scenariosDir = join(root, 'scenarios');
const temp: string[] = [];
afterAll(() => temp.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

const generated = schemaFiles();
const byName = (name: string) => JSON.parse(generated.find((f) => f.name === name)!.text) as Record<string, unknown>;

function yamlFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && /\.ya?ml$/i.test(entry.name))
    .map((entry) => join(entry.parentPath, entry.name))
    .sort();
}

/** What an editor's validator (Ajv, draft 2020-12) says about `value`: the paths it rejects. */
const compiled = new WeakMap<object, ValidateFunction>();
function problems(schema: unknown, value: unknown): string[] {
  let validate = compiled.get(schema as object);
  if (!validate) {
    validate = new Ajv2020({ strict: false, allErrors: true }).compile(schema as object);
    compiled.set(schema as object, validate);
  }
  return validate(value) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message ?? ''}`);
}

describe('JSON Schema files', () => {
  it('names the three files, generated deterministically as 2-space JSON with a final newline', () => {
    expect(generated.map((f) => f.name)).toEqual([SCENARIO_SCHEMA_FILE, CONFIG_SCHEMA_FILE, GATES_SCHEMA_FILE]);
    expect(schemaFiles()).toEqual(generated);
    for (const { text } of generated) {
      expect(text).toBe(`${JSON.stringify(JSON.parse(text), null, 2)}\n`);
    }
  });

  it.each(generated.map((f) => f.name))('scenarios/%s is committed and current', (name) => {
    const path = join(scenariosDir, name);
    const expected = generated.find((f) => f.name === name)!.text;
    const committed = existsSync(path) ? readFileSync(path, 'utf8') : undefined;
    // Compared as a boolean: a diff of two large JSON documents helps nobody.
    expect(committed === expected, `scenarios/${name} is ${committed === undefined ? 'missing' : 'stale'}: run \`npx parley schema\` to regenerate`).toBe(true);
  });

  it('describes a scenario file: strict at the top level, with name, user and expect required', () => {
    const schema = byName(SCENARIO_SCHEMA_FILE);
    expect(schema).toMatchObject({
      $schema: 'https://json-schema.org/draft/2020-12/schema',
      $id: 'https://parley.dev/schema/scenario.schema.json',
      title: 'parley scenario',
      type: 'object',
      additionalProperties: false,
    });
    expect(schema.required).toEqual(expect.arrayContaining(['name', 'user', 'expect']));
    expect(Object.keys(schema.properties as object)).toEqual(expect.arrayContaining(['$schema', 'name', 'seed', 'config', 'user', 'agent', 'channel', 'providers', 'expect']));
  });

  it('describes an agent config file: strict at the top level, nothing required', () => {
    const schema = byName(CONFIG_SCHEMA_FILE);
    expect(schema).toMatchObject({
      $id: 'https://parley.dev/schema/config.schema.json',
      title: 'parley agent config',
      type: 'object',
      additionalProperties: false,
    });
    expect(schema.required ?? []).toEqual([]);
    expect(Object.keys(schema.properties as object)).toEqual(
      expect.arrayContaining(['extends', 'vad', 'endpointer', 'interruption', 'sentence_buffer', 'providers']),
    );
  });

  it('describes a gates file: strict, nothing required, accepting what the gates loader accepts', () => {
    const schema = byName(GATES_SCHEMA_FILE);
    expect(schema).toMatchObject({
      $id: 'https://parley.dev/schema/gates.schema.json',
      title: 'parley gates',
      type: 'object',
      additionalProperties: false,
    });
    expect(schema.required ?? []).toEqual([]);
    expect(Object.keys(schema.properties as object)).toEqual(['$schema', 'default', 'metrics']);
    const good = {
      default: { relative: '10%', absolute: '30ms' },
      metrics: { voiceToVoiceMs: { p95: { relative: '5%', absolute: '50ms' } }, bargeInStopMs: { relative: 0.2, absolute: '20ms' }, eouDelayMs: {} },
    };
    expect(problems(schema, good)).toEqual([]);
    expect(problems(schema, { metrics: { voiceToVoice: {} } }).length).toBeGreaterThan(0);
    expect(problems(schema, { metrics: { eouDelayMs: { p90: {} } } }).length).toBeGreaterThan(0);
    expect(problems(schema, { default: { absolute: 'twelve' } }).length).toBeGreaterThan(0);
    expect(problems(schema, { default: { relative: '-5%' } }).length).toBeGreaterThan(0);
  });

  it('every bundled scenario starts with a yaml-language-server comment pointing at the scenario schema', () => {
    const files = yamlFiles(scenariosDir);
    expect(files.length).toBeGreaterThan(0);
    const wrong = files.flatMap((file) => {
      const schema = relative(dirname(file), join(scenariosDir, SCENARIO_SCHEMA_FILE)).split(sep).join('/');
      const expected = `# yaml-language-server: $schema=${schema}`;
      const first = readFileSync(file, 'utf8').split(/\r?\n/, 1)[0];
      const name = relative(root, file).split(sep).join('/');
      return first === expected ? [] : [`${name}: first line should be "${expected}", is ${JSON.stringify(first)}`];
    });
    expect(wrong).toEqual([]);
  });

  it('accepts every bundled scenario, and rejects misspelt keys and bad values as an editor would', () => {
    const schema = byName(SCENARIO_SCHEMA_FILE);
    const files = yamlFiles(scenariosDir);
    const rejected = files.flatMap((file) => problems(schema, parse(readFileSync(file, 'utf8'))).map((p) => `${relative(root, file)}: ${p}`));
    expect(rejected).toEqual([]);

    const good = { name: 'x', user: [{ say: 'hi' }, { pause: '1.2s' }, { say: 'there', at: 'agent.speech.start + 250ms' }, 'hangup'], expect: ['every_turn_answered', { voice_to_voice: { p95: '800ms' } }] };
    expect(problems(schema, good)).toEqual([]);
    expect(problems(schema, { ...good, espect: [] }).length).toBeGreaterThan(0);
    expect(problems(schema, { ...good, user: [{ sey: 'hi' }] }).length).toBeGreaterThan(0);
    expect(problems(schema, { ...good, user: [{ pause: 'twelve' }] }).length).toBeGreaterThan(0);
    expect(problems(schema, { ...good, user: [{ say: 'x', at: 'agent.speach.start + 1s' }] }).length).toBeGreaterThan(0);
    expect(problems(schema, { name: 'x', user: [{ say: 'hi' }] })).toEqual(["/ must have required property 'expect'"]);
  });

  it('`parley schema --out DIR` writes every file and names them', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'parley-schema-'));
    temp.push(dir);
    const out = new Capture();
    const err = new Capture();
    const target = join(dir, 'nested');
    expect(await main(['schema', '--out', target], out, err)).toBe(0);
    expect(err.text).toBe('');
    expect(out.text).toBe(generated.map((f) => `wrote ${join(target, f.name)}\n`).join(''));
    expect(readdirSync(target).sort()).toEqual([CONFIG_SCHEMA_FILE, GATES_SCHEMA_FILE, SCENARIO_SCHEMA_FILE]);
    for (const { name, text } of generated) expect(readFileSync(join(target, name), 'utf8')).toBe(text);
  });

  it('`parley schema` usage errors exit 2 with one line', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'parley-schema-'));
    temp.push(dir);
    const file = join(dir, 'taken');
    writeFileSync(file, '');
    const cases: [string[], RegExp][] = [
      [['schema', 'scenarios'], /^parley schema: unexpected argument "scenarios" \(the folder goes after --out\)\n$/],
      [['schema', '--frob'], /^parley schema: unknown option "--frob" \(try: parley schema --help\)\n$/],
      [['schema', '--out', file], /^parley schema: cannot write to .*taken: .*\n$/],
    ];
    for (const [argv, line] of cases) {
      const out = new Capture();
      const err = new Capture();
      expect(await main(argv, out, err)).toBe(2);
      expect(err.text).toMatch(line);
      expect(out.text).toBe('');
    }
  });
});
