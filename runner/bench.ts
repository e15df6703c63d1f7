/**
 * `npm run bench`: how much faster than real time the simulator runs, as one JSON object per
 * line: { name, simulatedSeconds, wallSeconds, speedup }; acoustic entries add vadOnlySpeedup
 * (Silero alone over the same audio, measured in the same run), ratio (speedup / vadOnlySpeedup)
 * and peakRssMB. Numbers, not assertions: the machine is shared and noisy, so compare ratios
 * measured in one run.
 */
import { PRESETS } from '../sim/config/presets.js';
import { withProviderOverrides } from '../sim/config/resolve.js';
import { judgeCall } from '../sim/assert/scenario-result.js';
import { runCall } from '../sim/world/call.js';
import { tenMinuteAcousticCall, tenMinuteCall } from './bench-scenarios.js';
import { spawnSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { replayCall } from '../sim/replay/replay-call.js';
import { fileURLToPath } from 'node:url';
import { pcm16ToFloat } from '../core/audio/pcm.js';
import type { FrameVad } from '../core/vad/frame-vad.js';
import { speechProbabilities } from '../core/vad/segments.js';
import { createSileroVad } from '../core/vad/silero.js';
import { runAcousticCall, type CallRecording } from '../sim/acoustic/acoustic-call.js';
import fc from 'fast-check';
import { scenarioFile } from '../sim/fuzz/arbitraries.js';
import { scenarioFromObject } from '../sim/scenario/load.js';
import { violationsOf } from './fuzz.js';
import { prepare, type PreparedScenario } from './run.js';
import { relaunch, relaunchFlagsHere } from './relaunch.js';

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
  const symbolic = library.scenarios.filter((s) => !s.scenario.acoustic);
  print(await measure(`symbolic-library`, 3, async () => {
    let total = 0;
    for (const { scenario, config: c } of symbolic) {
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

/** Measured pairs per acoustic entry: the calls, then Silero alone over their audio. */
const ACOUSTIC_PAIRS = 3;

/**
 * An acoustic entry: runs `calls` once to warm up, then measures {@link ACOUSTIC_PAIRS} pairs:
 * the calls, then Silero alone over the same audio (each call's microphone signal, window by
 * window, in this thread) for vadOnlySpeedup. Each pair's ratio compares two measurements made
 * moments apart, so a shared machine's load drifts less between them; the pair with the median
 * ratio is reported, and `ratios` lists all. peakRssMB is the process's peak resident memory
 * up to the end of the first measured calls.
 */
async function benchAcoustic(name: string, calls: readonly PreparedScenario[]): Promise<void> {
  for (const { scenario, config } of calls) await runAcousticCall({ ...scenario, maxDurationMs: Math.min(scenario.maxDurationMs, 20_000) }, config, 1);
  const pairs: { simulatedSeconds: number; wallSeconds: number; speedup: number; vadOnlySpeedup: number; ratio: number }[] = [];
  let peakRssMB = 0;
  for (let pair = 0; pair < ACOUSTIC_PAIRS; pair++) {
    const { simulatedSeconds, wallSeconds, recordings } = await simulateCalls(calls);
    // The simulation's peak, before the VAD-only measurement adds a model to this thread.
    if (pair === 0) peakRssMB = Math.round(process.resourceUsage().maxRSS / 1024);
    const speedup = simulatedSeconds / wallSeconds;
    const vadOnlySpeedup = await sileroAloneSpeedup(recordings);
    pairs.push({ simulatedSeconds, wallSeconds, speedup, vadOnlySpeedup, ratio: speedup / vadOnlySpeedup });
  }
  const median = [...pairs].sort((a, b) => a.ratio - b.ratio)[Math.floor(pairs.length / 2)]!;
  const twoDigits = (value: number): number => Math.round(value * 100) / 100;
  process.stdout.write(
    `${JSON.stringify({
      name,
      simulatedSeconds: round(median.simulatedSeconds),
      wallSeconds: round(median.wallSeconds),
      speedup: Math.round(median.speedup),
      vadOnlySpeedup: Math.round(median.vadOnlySpeedup),
      ratio: twoDigits(median.ratio),
      ratios: pairs.map((p) => twoDigits(p.ratio)),
      peakRssMB,
    })}\n`,
  );
}

/** Runs the calls one after another (each judged, as `parley run` does): their simulated and wall time, and what each microphone heard. */
async function simulateCalls(calls: readonly PreparedScenario[]): Promise<{ simulatedSeconds: number; wallSeconds: number; recordings: CallRecording[] }> {
  const recordings: CallRecording[] = [];
  let simulatedMs = 0;
  const started = performance.now();
  for (const { scenario, config } of calls) {
    const call = await runAcousticCall(scenario, config, scenario.seed ?? 1);
    judgeCall(call);
    simulatedMs += call.endMs;
    recordings.push(call.recording);
  }
  return { simulatedSeconds: simulatedMs / 1000, wallSeconds: (performance.now() - started) / 1000, recordings };
}

/** Silero alone (in this thread) over each recording's microphone, at the rate its call's VAD ran at (8 kHz on a phone line): audio seconds per second. */
async function sileroAloneSpeedup(recordings: readonly CallRecording[]): Promise<number> {
  const audio = recordings.map((r) => ({ sampleRate: r.sampleRate, samples: pcm16ToFloat(r.mic) }));
  const vads = new Map<number, FrameVad>();
  for (const rate of new Set(audio.map((a) => a.sampleRate))) {
    const vad = await createSileroVad({ sampleRate: rate === 8000 ? 8000 : 16000 });
    await speechProbabilities(audio.find((a) => a.sampleRate === rate)!.samples.subarray(0, rate), vad);
    vads.set(rate, vad);
  }
  const started = performance.now();
  for (const { sampleRate, samples } of audio) await speechProbabilities(samples, vads.get(sampleRate)!);
  const seconds = (performance.now() - started) / 1000;
  for (const vad of vads.values()) await vad.dispose();
  return audio.reduce((sum, a) => sum + a.samples.length / a.sampleRate, 0) / seconds;
}

/** The 10-minute acoustic call, in a process of its own so that its peak memory is its own. */
function benchAcousticCallInChild(): void {
  const child = spawnSync(process.execPath, [...process.execArgv, fileURLToPath(import.meta.url), ACOUSTIC_CALL], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  if (child.status !== 0) throw new Error(`the acoustic call bench failed (exit ${child.status})`);
  process.stdout.write(child.stdout);
}

const ACOUSTIC_CALL = '--acoustic-10min-call';
const ACOUSTIC_LIBRARY = '--acoustic-library';
const REPLAY_CALL = '--replay-1h-call';

/**
 * `parley replay` of an hour-long stereo call (a recorded acoustic call repeated), in a process of
 * its own: { name, recordingSeconds, wallSeconds, speedup, peakRssMB }. The recording is written
 * piece by piece and read piece by piece, so neither side holds the hour in memory.
 */
async function benchReplay(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'parley-bench-'));
  try {
    const path = join(dir, 'hour.wav');
    const seconds = writeRepeatedCall(path, await hourOfCalls());
    const child = spawnSync(process.execPath, [...process.execArgv, fileURLToPath(import.meta.url), REPLAY_CALL, path], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
    if (child.status !== 0) throw new Error(`the replay bench failed (exit ${child.status})`);
    const measured = JSON.parse(child.stdout) as { wallSeconds: number; peakRssMB: number };
    process.stdout.write(
      `${JSON.stringify({ name: 'replay-1h-call', recordingSeconds: round(seconds), wallSeconds: round(measured.wallSeconds), speedup: Math.round(seconds / measured.wallSeconds), peakRssMB: measured.peakRssMB })}\n`,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** One recorded call (a barge-in, echo on the line), to repeat. */
async function hourOfCalls(): Promise<{ left: Int16Array; right: Int16Array; sampleRate: number }> {
  const scenario = prepare({ paths: ['scenarios/acoustic/echo/speakerphone-then-barge-in.yaml'], config: 'default' }).scenarios[0]!;
  const call = await runAcousticCall(scenario.scenario, scenario.config, 1);
  return { left: call.recording.mic, right: call.recording.agent, sampleRate: call.recording.sampleRate };
}

/** Writes a stereo PCM16 WAV of the call repeated for an hour; returns its length in seconds. */
function writeRepeatedCall(path: string, call: { left: Int16Array; right: Int16Array; sampleRate: number }): number {
  const frames = call.left.length;
  const repeats = Math.ceil((3600 * call.sampleRate) / frames);
  const dataBytes = repeats * frames * 4;
  const header = Buffer.alloc(44);
  header.write('RIFF', 0);
  header.writeUInt32LE(36 + dataBytes, 4);
  header.write('WAVEfmt ', 8);
  header.writeUInt32LE(16, 16);
  header.writeUInt16LE(1, 20);
  header.writeUInt16LE(2, 22);
  header.writeUInt32LE(call.sampleRate, 24);
  header.writeUInt32LE(call.sampleRate * 4, 28);
  header.writeUInt16LE(4, 32);
  header.writeUInt16LE(16, 34);
  header.write('data', 36);
  header.writeUInt32LE(dataBytes, 40);
  const interleaved = new Int16Array(frames * 2);
  for (let i = 0; i < frames; i++) {
    interleaved[2 * i] = call.left[i]!;
    interleaved[2 * i + 1] = call.right[i]!;
  }
  const fd = openSync(path, 'w');
  try {
    writeSync(fd, header);
    for (let r = 0; r < repeats; r++) writeSync(fd, new Uint8Array(interleaved.buffer));
  } finally {
    closeSync(fd);
  }
  return (repeats * frames) / call.sampleRate;
}

// The bench measures parley as the CLI runs it: with the same V8 flags (see relaunch.ts).
const relaunchWith = relaunchFlagsHere();
if (relaunchWith) {
  process.exitCode = await relaunch(relaunchWith);
} else if (process.argv.includes(REPLAY_CALL)) {
  const path = process.argv[process.argv.indexOf(REPLAY_CALL) + 1]!;
  const started = performance.now();
  await replayCall(path, { channels: { user: 'left', agent: 'right' }, transcript: undefined, configs: [{ name: 'default', config: PRESETS.default! }] });
  process.stdout.write(JSON.stringify({ wallSeconds: (performance.now() - started) / 1000, peakRssMB: Math.round(process.resourceUsage().maxRSS / 1024) }));
} else if (process.argv.includes(ACOUSTIC_CALL)) {
  const call = tenMinuteAcousticCall();
  await benchAcoustic('acoustic-10min-call', [{ scenario: call, config: withProviderOverrides(PRESETS.default!, call.providers) }]);
} else if (process.argv.includes(ACOUSTIC_LIBRARY)) {
  await benchAcousticLibrary();
} else {
  await main();
  await benchFuzz();
  benchAcousticCallInChild();
  await benchAcousticLibrary();
  await benchReplay();
}

/** The bundled acoustic scenarios, one call each. */
async function benchAcousticLibrary(): Promise<void> {
  const library = prepare({ paths: ['scenarios/acoustic'], config: 'default' });
  if (library.errors.length > 0) throw new Error(library.errors.map(String).join('\n'));
  await benchAcoustic('acoustic-library', library.scenarios);
}
