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

await main();
