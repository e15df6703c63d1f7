/**
 * `npm run bench`: how much faster than real time the simulator runs, as one JSON object per
 * line: { name, simulatedSeconds, wallSeconds, speedup }. Numbers, not assertions: the machine
 * is shared and noisy, so compare ratios measured in one run.
 */
import { PRESETS } from '../sim/config/presets.js';
import { withProviderOverrides } from '../sim/config/resolve.js';
import { judgeCall } from '../sim/assert/scenario-result.js';
import { runCall } from '../sim/world/call.js';
import { tenMinuteCall } from './bench-scenarios.js';
import fc from 'fast-check';
import { scenarioFile } from '../sim/fuzz/arbitraries.js';
import { scenarioFromObject } from '../sim/scenario/load.js';
import { violationsOf } from './fuzz.js';
import { prepare } from './run.js';

interface BenchResult {
  readonly name: string;
  readonly simulatedSeconds: number;
  readonly wallSeconds: number;
  readonly speedup: number;
}

async function measure(name: string, runs: number, once: () => Promise<number>): Promise<BenchResult> {
  await once(); // warm-up: JIT, module loading
  let simulatedMs = 0;
  const started = performance.now();
  for (let i = 0; i < runs; i++) simulatedMs += await once();
  const wallSeconds = (performance.now() - started) / 1000;
  const simulatedSeconds = simulatedMs / 1000;
  return { name, simulatedSeconds: round(simulatedSeconds), wallSeconds: round(wallSeconds), speedup: Math.round(simulatedSeconds / wallSeconds) };
}

function round(value: number): number {
  return Math.round(value * 1000) / 1000;
}

async function main(): Promise<void> {
  const call = tenMinuteCall();
  const config = withProviderOverrides(PRESETS.default!, call.providers);
  let seed = 0;
  const print = (result: BenchResult): void => void process.stdout.write(`${JSON.stringify(result)}\n`);

  print(await measure('symbolic-10min-call', 10, async () => {
    const result = await runCall(call, config, ++seed);
    judgeCall(result);
    return result.endMs;
  }));

  const library = prepare({ paths: ['scenarios'], config: 'default' });
  if (library.errors.length > 0) throw new Error(library.errors.map(String).join('\n'));
  print(await measure(`symbolic-library`, 3, async () => {
    let total = 0;
    for (const { scenario, config: c } of library.scenarios) {
      const result = await runCall(scenario, c, scenario.seed ?? 1);
      judgeCall(result);
      total += result.endMs;
    }
    return total;
  }));
}

/**
 * Fuzzing throughput: generated scenarios (about 30 s each) checked per second, each run twice
 * for the determinism invariant, as `parley fuzz` does.
 */
async function benchFuzz(): Promise<void> {
  const files = fc.sample(scenarioFile(), { numRuns: 300, seed: 42 });
  const config = PRESETS.default!;
  let simulatedMs = 0;
  for (const file of files) {
    const loaded = scenarioFromObject(file, 'bench.yaml');
    if (loaded.ok) simulatedMs += (await runCall(loaded.scenario, withProviderOverrides(config, loaded.scenario.providers), loaded.scenario.seed ?? 1)).endMs;
  }
  await violationsOf(files[0]!, config); // warm-up
  const started = performance.now();
  for (const file of files) await violationsOf(file, config);
  const wallSeconds = (performance.now() - started) / 1000;
  process.stdout.write(
    `${JSON.stringify({
      name: 'fuzz-default',
      scenariosPerSecond: Math.round(files.length / wallSeconds),
      meanScenarioSeconds: round(simulatedMs / files.length / 1000),
      simulatedSeconds: round((2 * simulatedMs) / 1000),
      wallSeconds: round(wallSeconds),
      speedup: Math.round((2 * simulatedMs) / 1000 / wallSeconds),
    })}\n`,
  );
}

await main();
await benchFuzz();
