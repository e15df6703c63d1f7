/**
 * The JSON Schemas of parley's input files, for editors: `scenarios/scenario.schema.json` (scenario
 * files), `scenarios/config.schema.json` (agent config files) and `scenarios/gates.schema.json`
 * (gates files: baseline tolerances), generated from the zod schemas that validate them. A YAML file opts in with a first line like
 * `# yaml-language-server: $schema=../scenario.schema.json`.
 *
 * `parley schema [--out DIR]` regenerates them; a test keeps the committed copies current.
 *
 * @module
 */
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { writeFileAtomically } from '../reports/atomic.js';
import { configFileSchema } from '../sim/config/schema.js';
import { toJsonSchema } from '../sim/load/index.js';
import { scenarioFileSchema } from '../sim/scenario/schema.js';
import { gatesFileSchema } from './gates.js';
import { UsageError } from './usage.js';

/** Where the schemas are published; each file's `$id` is this plus its name. */
export const SCHEMA_BASE_URL = 'https://parley.dev/schema/';
export const SCENARIO_SCHEMA_FILE = 'scenario.schema.json';
export const CONFIG_SCHEMA_FILE = 'config.schema.json';
export const GATES_SCHEMA_FILE = 'gates.schema.json';
/** Where the bundled copies live, relative to the package root. */
export const DEFAULT_SCHEMA_DIR = 'scenarios';

/** One generated schema file: its name and its exact text. */
export interface SchemaFile {
  readonly name: string;
  readonly text: string;
}

/** Two-space JSON with a final newline: the same bytes for the same schema. */
function serialize(value: unknown): string {
  return `${JSON.stringify(value, null, 2)}\n`;
}

/** The text of each schema file, scenario first. */
export function schemaFiles(): SchemaFile[] {
  return [
    {
      name: SCENARIO_SCHEMA_FILE,
      text: serialize(
        toJsonSchema(scenarioFileSchema, {
          title: 'parley scenario',
          description: 'A parley scenario: the scripted user, the simulated agent and channel, and what must hold (name, user and expect are required).',
          id: `${SCHEMA_BASE_URL}${SCENARIO_SCHEMA_FILE}`,
        }),
      ),
    },
    {
      name: CONFIG_SCHEMA_FILE,
      text: serialize(
        toJsonSchema(configFileSchema, {
          title: 'parley agent config',
          description: 'A parley agent configuration: changes to a preset (extends) for the VAD, endpointer, interruption policy, sentence buffer, simulated providers, and the real providers of live mode.',
          id: `${SCHEMA_BASE_URL}${CONFIG_SCHEMA_FILE}`,
        }),
      ),
    },
    {
      name: GATES_SCHEMA_FILE,
      text: serialize(
        toJsonSchema(gatesFileSchema, {
          title: 'parley gates',
          description:
            'Tolerances of the baseline gate (parley run --baseline, parley compare): a statistic regresses when it grows by more than both its relative and its absolute bound; each bound comes from the statistic, else its metric, else default, else 10% and 30ms.',
          id: `${SCHEMA_BASE_URL}${GATES_SCHEMA_FILE}`,
        }),
      ),
    },
  ];
}

/** Writes every schema file into `dir` (created if needed); returns the paths written. */
export function writeSchemaFiles(dir: string): string[] {
  const files = schemaFiles(); // all generated before anything is written
  return files.map(({ name, text }) => {
    const path = join(dir, name);
    writeFileAtomically(path, text);
    return path;
  });
}

export const SCHEMA_USAGE = `Usage: parley schema [--out DIR]

Writes the JSON Schemas of scenario files (${SCENARIO_SCHEMA_FILE}), agent config files
(${CONFIG_SCHEMA_FILE}) and gates files (${GATES_SCHEMA_FILE}) into DIR, for editor completion.

Options:
  --out DIR         where the files go (default: ${DEFAULT_SCHEMA_DIR})
  -h, --help        show this help`;

/** `parley schema`: returns the exit code. */
export async function schemaCommand(args: readonly string[], out: NodeJS.WritableStream): Promise<number> {
  const { values, positionals } = parseArgs({
    args: [...args],
    options: { out: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
    allowPositionals: true,
    strict: true,
  });
  if (values.help) {
    out.write(`${SCHEMA_USAGE}\n`);
    return 0;
  }
  if (positionals.length > 0) throw new UsageError(`unexpected argument "${positionals[0]}" (the folder goes after --out)`);
  if (values.out === '') throw new UsageError('--out expects a directory');
  const dir = values.out ?? DEFAULT_SCHEMA_DIR;
  let written: string[];
  try {
    written = writeSchemaFiles(dir);
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    if (typeof code !== 'string') throw error;
    throw new UsageError(`cannot write to ${dir}: ${(error as Error).message}`);
  }
  for (const path of written) out.write(`wrote ${path}\n`);
  return 0;
}
