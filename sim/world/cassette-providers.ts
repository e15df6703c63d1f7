/**
 * A scenario's cassettes as the providers of its call: each role the scenario gives a cassette
 * for is replayed from it (its recorded messages at their recorded offsets, on the call's clock)
 * instead of simulated.
 *
 * @module
 */
import type { Clock } from '../../core/clock/clock.js';
import { CassetteLlm } from '../../providers/cassette/cassette-llm.js';
import { CassetteStt } from '../../providers/cassette/cassette-stt.js';
import { CassetteTts } from '../../providers/cassette/cassette-tts.js';
import type { Cassette } from '../../providers/cassette/format.js';
import type { LlmProvider } from '../../providers/llm.js';
import type { SttProvider } from '../../providers/stt.js';
import type { TtsProvider } from '../../providers/tts.js';
import { readScenarioCassette } from '../scenario/cassettes.js';
import { sttConnectingInBackground, ttsConnectingInBackground } from './connect-in-background.js';
import type { CassetteRef, CassetteRoleName, Scenario } from '../scenario/model.js';

/** Providers that replace the simulated ones, per role. */
export interface ReplacementProviders {
  readonly stt?: SttProvider;
  readonly llm?: LlmProvider;
  readonly tts?: TtsProvider;
}

/**
 * The providers replacing the simulated ones in a call of `scenario`: those `given` (a world's
 * own, e.g. live mode), and for every other role the scenario names a cassette for, a replay of
 * that cassette on `clock`, labelled in its errors with the cassette's path (relative to where
 * parley runs, like the scenario's). The files are read here, once per call; the loader has
 * already checked them, so one that has become unusable since is an Error.
 */
export function withCassetteProviders(scenario: Scenario, clock: Clock, given: ReplacementProviders = {}): ReplacementProviders {
  const cassettes = scenario.cassettes ?? {};
  const replay = <P>(role: CassetteRoleName, make: (options: { cassette: Cassette; clock: Clock; label: string }) => P): P | undefined => {
    const ref = cassettes[role];
    return ref ? make({ cassette: load(scenario, ref, role), clock, label: ref.file }) : undefined;
  };
  // Connections open at their recorded time on the call's clock, which the worlds only run once
  // the agent session has started: connect() must not wait for them (see connect-in-background.ts).
  const stt = given.stt ?? replay('stt', (options) => sttConnectingInBackground(new CassetteStt(options)));
  const llm = given.llm ?? replay('llm', (options) => new CassetteLlm(options));
  const tts = given.tts ?? replay('tts', (options) => ttsConnectingInBackground(new CassetteTts(options)));
  return { ...(stt ? { stt } : {}), ...(llm ? { llm } : {}), ...(tts ? { tts } : {}) };
}

function load(scenario: Scenario, ref: CassetteRef, role: CassetteRoleName): Cassette {
  const read = readScenarioCassette(ref, role);
  if (!read.ok) throw new Error(`${scenario.file}:${ref.source.line}:${ref.source.column}: ${read.message}`);
  return read.cassette;
}
