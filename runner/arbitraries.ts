/**
 * `parley/arbitraries`: fast-check arbitraries of whole scenarios, for teams' own property
 * tests, with the runner that checks parley's turn-taking invariants on one of them.
 *
 * ```ts
 * import fc from 'fast-check';
 * import { scenarioFile, violationsOf } from 'parley/arbitraries';
 * import { PRESETS } from 'parley';
 *
 * await fc.assert(fc.asyncProperty(scenarioFile(), async (file) => (await violationsOf(file, PRESETS.default)).length === 0));
 * ```
 *
 * @module
 */
export * from '../sim/fuzz/arbitraries.js';
export { checkInvariants, DEFAULT_INVARIANT_OPTIONS, type InvariantName, type InvariantOptions, type Violation } from '../sim/assert/invariants.js';
export { counterexampleYaml, fuzz, violationsOf, type FuzzOptions, type FuzzOutcome } from './fuzz.js';
