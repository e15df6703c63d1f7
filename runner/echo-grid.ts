/**
 * `npm run echo-grid [-- SEEDS] [-- without-canceller]`: the bundled echo-grid scenarios (the
 * agent's echo at −25…−6 dB after 50…250 ms, through a 15 ms room response; the caller silent
 * for 4.5 s of the answer, then interrupting) over several seeds (default 10), as the Markdown
 * table in the README: runs that passed, how often the agent stopped for its own echo, and how
 * fast it stopped for the real barge-in. `without-canceller` runs them with the echo canceller
 * off, for comparison.
 */
import { stoppedForEchoAlone } from '../sim/assert/analysis.js';
import type { ScenarioResult } from '../sim/assert/scenario-result.js';
import { prepare, runScenarios } from './run.js';

const args = process.argv.slice(2);
const SEEDS = Number(args.find((a) => /^\d+$/.test(a)) ?? 10);
const withoutCanceller = args.includes('without-canceller');

const prepared = prepare({ paths: ['scenarios/acoustic/echo-grid'], config: 'default' });
if (prepared.errors.length > 0) throw new Error(prepared.errors.map(String).join('\n'));
const scenarios = withoutCanceller ? prepared.scenarios.map((p) => ({ ...p, config: { ...p.config, echoCanceller: false as const } })) : prepared.scenarios;
const { report } = await runScenarios(scenarios, { seed: 1, seeds: SEEDS, config: 'default', workers: 1 });

interface Cell {
  runs: number;
  passed: number;
  selfInterruptions: number;
  stops: number[];
  paths: number[];
}

const cells = new Map<string, Cell>();
const gains = new Set<number>();
const delays = new Set<number>();
for (const result of report.scenarios) {
  const [, gain, delay] = /gain(-\d+)db-delay(\d+)ms/.exec(result.file) ?? [];
  if (gain === undefined || delay === undefined) continue;
  gains.add(Number(gain));
  delays.add(Number(delay));
  const key = `${gain}/${delay}`;
  const cell = cells.get(key) ?? { runs: 0, passed: 0, selfInterruptions: 0, stops: [], paths: [] };
  record(cell, result);
  cells.set(key, cell);
}

function record(cell: Cell, result: ScenarioResult): void {
  cell.runs++;
  if (result.passed) cell.passed++;
  cell.selfInterruptions += result.overlaps.filter(stoppedForEchoAlone).length;
  for (const overlap of result.overlaps) if (overlap.kind === 'bargeIn' && overlap.stopLatencyMs !== null) cell.stops.push(overlap.stopLatencyMs);
  if (result.acoustic?.echoPathMs != null) cell.paths.push(result.acoustic.echoPathMs);
}

const sortedDelays = [...delays].sort((a, b) => a - b);
const lines = [
  `| echo gain | ${sortedDelays.map((d) => `${d} ms`).join(' | ')} |`,
  `|---|${sortedDelays.map(() => '---').join('|')}|`,
];
for (const gain of [...gains].sort((a, b) => a - b)) {
  const row = sortedDelays.map((delay) => {
    const cell = cells.get(`${gain}/${delay}`)!;
    const stops = [...cell.stops].sort((a, b) => a - b);
    const median = stops[Math.floor(stops.length / 2)] ?? NaN;
    const worst = stops.at(-1) ?? NaN;
    return `${cell.passed}/${cell.runs} pass · ${cell.selfInterruptions} self-stops · stop ${median}/${worst} ms`;
  });
  lines.push(`| ${gain} dB | ${row.join(' | ')} |`);
}
process.stdout.write(`${withoutCanceller ? 'Without the echo canceller:\n\n' : ''}${lines.join('\n')}\n\nEach cell: runs passing every expectation, times the agent stopped for its own echo, barge-in stop latency at the ear (median/worst) over ${SEEDS} seeds.\n`);
