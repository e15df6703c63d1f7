/**
 * Cassettes named by a scenario (`providers: { llm: { cassette: booking.cassette.json.gz } }`):
 * where the file is, reading and checking it, and the positioned errors when it cannot be used.
 *
 * A scenario keeps only the path; the file is read when the scenario is loaded (to check it) and
 * again when a call is set up (so scenarios stay plain data a worker thread can be sent).
 *
 * @module
 */
import { readFileSync } from 'node:fs';
import { isAbsolute, posix, resolve } from 'node:path';
import { CassetteFormatError, decodeCassette, PROTOCOLS, ROLE_OF_PROTOCOL, type Cassette } from '../../providers/cassette/format.js';
import { InputError } from '../load/index.js';
import { orList } from '../load/messages.js';
import { readProblem } from '../load/read.js';
import type { CassetteRef, CassetteRoleName, Scenario } from './model.js';

/** The roles in the order they are checked and reported. */
export const CASSETTE_ROLES: readonly CassetteRoleName[] = ['stt', 'llm', 'tts'];

/**
 * The cassette `path` (as written in the scenario `scenarioFile`) relative to where parley runs,
 * `/`-separated like the scenario's own `file`; an absolute path stays as written.
 */
export function cassetteFile(scenarioFile: string, path: string): string {
  if (isAbsolute(path)) return path;
  return posix.normalize(posix.join(posix.dirname(scenarioFile), path.replaceAll('\\', '/')));
}

/** A cassette read and checked for its role, or the one-line reason it cannot be used. */
export type CassetteRead = { readonly ok: true; readonly cassette: Cassette } | { readonly ok: false; readonly message: string };

/**
 * Reads the cassette `ref` names and checks that it holds something the `role`'s replay provider
 * can play: a readable file, a cassette this version decodes, and at least one exchange of a
 * protocol serving that role.
 */
export function readScenarioCassette(ref: CassetteRef, role: CassetteRoleName): CassetteRead {
  const what = `${role} cassette ${JSON.stringify(ref.path)}`;
  let bytes: Buffer;
  try {
    bytes = readFileSync(resolve(ref.file));
  } catch (error) {
    return { ok: false, message: `${what}: ${readProblem(error)} (looked for ${ref.file}; expected a cassette recorded by parley, relative to the scenario file)` };
  }
  let cassette: Cassette;
  try {
    cassette = decodeCassette(bytes);
  } catch (error) {
    if (!(error instanceof CassetteFormatError)) throw error;
    return { ok: false, message: `${what}: ${error.message}; expected a parley cassette (gzip JSON, *.cassette.json.gz)` };
  }
  if (!cassette.exchanges.some((e) => ROLE_OF_PROTOCOL[e.protocol] === role)) {
    return { ok: false, message: `${what} holds nothing for the ${role}: expected a recording of ${orList(protocolsOf(role))}, found ${contents(cassette)}` };
  }
  return { ok: true, cassette };
}

/** Every cassette of `scenario` that cannot be used, as an error at its `cassette:` key. Empty when all are fine. */
export function cassetteProblems(scenario: Scenario): InputError[] {
  const errors: InputError[] = [];
  for (const role of CASSETTE_ROLES) {
    const ref = scenario.cassettes?.[role];
    if (!ref) continue;
    const read = readScenarioCassette(ref, role);
    if (!read.ok) errors.push(new InputError(scenario.file, ref.source, read.message));
  }
  return errors;
}

/** The protocols whose exchanges serve `role`. */
function protocolsOf(role: CassetteRoleName): string[] {
  return PROTOCOLS.filter((p) => ROLE_OF_PROTOCOL[p] === role);
}

/** What a cassette holds, in a phrase: "2 openai.chat exchanges (llm)", or "no exchanges". */
function contents(cassette: Cassette): string {
  if (cassette.exchanges.length === 0) return 'no exchanges';
  const counts = new Map<string, number>();
  for (const exchange of cassette.exchanges) counts.set(exchange.protocol, (counts.get(exchange.protocol) ?? 0) + 1);
  const parts = [...counts].map(([protocol, n]) => {
    const role = ROLE_OF_PROTOCOL[protocol as Cassette['exchanges'][number]['protocol']];
    return `${n} ${protocol} exchange${n === 1 ? '' : 's'}${role ? ` (${role})` : ''}`;
  });
  return `only ${parts.join(', ')}`;
}
