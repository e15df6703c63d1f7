/**
 * `parley replay`: recorded calls against configs. Each recording is heard (VAD per channel, the
 * caller's through the echo canceller), described as it happened (turns, answers and their
 * gaps, overlaps), and the caller's side is replayed through each config's VAD, endpointer and
 * interruption policy; see sim/replay/.
 *
 * @module
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { basename, dirname, extname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { AudioFileError } from '../core/audio/audio-file-error.js';
import { DEFAULT_TOLERANCE } from '../reports/baseline.js';
import { buildReplayReport, COUNT_TOLERANCE, describeDelta, renderReplayMarkdown, writeReplayReport, type ReplayTolerances } from '../reports/replay.js';
import { writeReplayHtml } from '../reports/replay-html.js';
import { writeFileAtomically } from '../reports/atomic.js';
import { displayPath, resolveConfig } from '../sim/config/load.js';
import type { AgentConfig } from '../sim/config/model.js';
import type { InputError } from '../sim/load/index.js';
import { RecordingError, type ChannelMap } from '../sim/replay/listen.js';
import { replayCall, type ReplayedCall } from '../sim/replay/replay-call.js';
import { TranscriptError } from '../sim/replay/transcript.js';
import { CASSETTE_EXTENSION } from '../providers/cassette/format.js';
import { loadGatesFile } from './gates.js';
import { UsageError } from './usage.js';

export const REPLAY_USAGE = `Usage: parley replay <wav files or dirs...> [options]

Replays recorded calls against agent configs: what happened in each call (caller and agent
speech found by Silero in their channels, the agent's answers and their gaps, who talked over
whom), and what a config would have decided on the caller's side: its end of each turn
(premature when the caller then spoke again before the agent answered), and its verdict each
time the caller talked over the agent (a false barge-in stops for a backchannel, a missed one
talks on through an interruption). With --against, the second config is compared with the first
and the exit code is 1 when it is worse beyond the tolerances.

Options:
  --channels user=left,agent=right
                    which channel is whom in a stereo recording (default: user=left,agent=right)
  --mono-user       the recordings are of the caller alone (one channel)
  --transcript FILE the caller's words, for one recording: Deepgram pre-recorded or streaming
                    JSON, a JSON list of { startMs, endMs, text }, or an STT cassette (Deepgram
                    listen v1). For several recordings, a sidecar beside each: NAME.transcript.json
                    (or NAME.json, or NAME.stt.cassette.json.gz); a live run's recordings
                    (DIR/audio/NAME.wav) find their cassette (DIR/cassettes/NAME/stt.cassette.json.gz).
                    Without one, the endpointer goes by silence alone.
  --config X        the reference config: a preset or a config file (default: default)
  --against Y       a config to compare with it
  --gates FILE      tolerances for the comparison (a gates file: eouDelayMs for end-of-utterance
                    delay, voiceToVoiceMs for response latency; counts may not grow)
  --report-dir DIR  where report.json, summary.md and report.html go (default: parley-replay)
  -h, --help        show this help

Exit codes: 0 done (and not worse), 1 --against is worse, 2 bad input or usage (the other calls
are still replayed and reported; the failures are listed).`;

/** `parley replay`: returns the exit code. */
export async function replayCommand(args: readonly string[], out: NodeJS.WritableStream, err: NodeJS.WritableStream): Promise<number> {
  const { values, positionals } = parseArgs({
    args: [...args],
    options: {
      channels: { type: 'string' },
      'mono-user': { type: 'boolean' },
      transcript: { type: 'string' },
      config: { type: 'string' },
      against: { type: 'string' },
      gates: { type: 'string' },
      'report-dir': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    allowPositionals: true,
    strict: true,
  });
  if (values.help) {
    out.write(`${REPLAY_USAGE}\n`);
    return 0;
  }
  if (positionals.length === 0) throw new UsageError('expected WAV files or directories of them (try: parley replay --help)');
  if (values.channels !== undefined && values['mono-user']) throw new UsageError('give --channels or --mono-user, not both');
  for (const option of ['transcript', 'config', 'against', 'gates', 'report-dir'] as const) {
    if (values[option] === '') throw new UsageError(`--${option} expects a value`);
  }
  const channels: ChannelMap = values['mono-user'] ? 'mono-user' : parseChannels(values.channels ?? 'user=left,agent=right');
  const reportDir = values['report-dir'] ?? 'parley-replay';

  const problems: string[] = [];
  const configs: { name: string; config: AgentConfig }[] = [];
  for (const [option, ref] of [['--config', values.config ?? 'default'], ['--against', values.against]] as const) {
    if (ref === undefined) continue;
    const resolved = resolveConfig(ref, process.cwd(), { file: option });
    if (resolved.ok) configs.push({ name: ref, config: resolved.config });
    else problems.push(...resolved.errors.map(String));
  }
  if (configs.length === 2 && configs[0]!.name === configs[1]!.name) configs[1] = { ...configs[1]!, name: `${configs[1]!.name} (against)` };
  let tolerances = defaultTolerances();
  if (values.gates !== undefined) {
    const loaded = loadGatesFile(values.gates, values.gates);
    if (loaded.ok) {
      const t = loaded.tolerances;
      tolerances = { eouDelayMs: t.eouDelayMs, responseMs: t.voiceToVoiceMs, counts: COUNT_TOLERANCE };
    } else problems.push(...loaded.errors.map((e: InputError) => String(e)));
  }
  const { files, missing } = findRecordings(positionals);
  if (values.transcript !== undefined && files.length !== 1) {
    problems.push(`--transcript: names the transcript of one recording, and ${files.length} were given (put a NAME.transcript.json beside each instead)`);
  }
  if (problems.length > 0) {
    for (const problem of problems) err.write(`${problem}\n`);
    return 2;
  }

  const calls: ReplayedCall[] = [];
  // A path that is not there is a failure like an unreadable recording: the others go on.
  const failures: { file: string; error: string }[] = missing.map((problem) => ({ file: problem.split(': ')[0]!, error: problem }));
  for (const problem of missing) err.write(`${problem}\n`);
  for (const file of files.map(displayPath)) {
    try {
      const call = await replayCall(file, { channels, transcript: values.transcript ?? sidecarOf(file), configs });
      calls.push(call);
      out.write(`${callLine(call, configs.map((c) => c.name))}\n`);
    } catch (error) {
      if (!(error instanceof AudioFileError || error instanceof TranscriptError || error instanceof RecordingError)) throw error;
      failures.push({ file, error: error.message });
      err.write(`${error.message}\n`);
    }
  }
  const report = buildReplayReport(
    configs.map((c) => c.name),
    calls,
    failures,
    tolerances,
  );
  let path: string;
  try {
    path = writeReplayReport(reportDir, report);
    writeFileAtomically(join(reportDir, 'summary.md'), renderReplayMarkdown(report));
    writeReplayHtml(reportDir, report);
  } catch (error) {
    err.write(`--report-dir: cannot write the report in ${reportDir}: ${(error as Error).message}\n`);
    return 2;
  }
  out.write(`\n${calls.length} calls replayed${failures.length > 0 ? `, ${failures.length} could not be` : ''} · ${path}\n`);
  if (report.comparison) {
    const { comparison } = report;
    out.write(`${comparison.compared} against ${comparison.reference}: ${comparison.regressed ? 'worse' : 'not worse'}\n`);
    for (const d of comparison.deltas.filter((x) => x.regressed)) out.write(`  ✗ ${describeDelta(d)}\n`);
  }
  if (failures.length > 0) return 2;
  return report.comparison?.regressed ? 1 : 0;
}

function defaultTolerances(): ReplayTolerances {
  const ms = { p50: DEFAULT_TOLERANCE, p95: DEFAULT_TOLERANCE };
  return { eouDelayMs: ms, responseMs: ms, counts: COUNT_TOLERANCE };
}

/** `user=left,agent=right` (either order; the two must differ). */
export function parseChannels(text: string): ChannelMap {
  const map: Record<string, string> = {};
  for (const part of text.split(',')) {
    const [who, side] = part.split('=').map((s) => s.trim());
    if (who !== 'user' && who !== 'agent') throw new UsageError(`--channels: unknown name ${JSON.stringify(who ?? '')}; expected user=left|right,agent=left|right`);
    if (side !== 'left' && side !== 'right') throw new UsageError(`--channels: unknown channel ${JSON.stringify(side ?? '')} for ${who}; channels: left, right`);
    map[who] = side;
  }
  const user = map['user'] as 'left' | 'right' | undefined;
  const agent = (map['agent'] ?? (user === 'left' ? 'right' : user === 'right' ? 'left' : undefined)) as 'left' | 'right' | undefined;
  if (!user || !agent) throw new UsageError('--channels: name the user channel, e.g. user=left,agent=right');
  if (user === agent) throw new UsageError(`--channels: user and agent are both ${user}`);
  return { user, agent };
}

/** WAV files named or found in the directories named (recursively), sorted; paths that do not exist. */
function findRecordings(paths: readonly string[]): { files: string[]; missing: string[] } {
  const files: string[] = [];
  const missing: string[] = [];
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (/\.wav$/i.test(entry.name)) files.push(path);
    }
  };
  for (const given of paths) {
    const path = resolve(given);
    if (!existsSync(path)) {
      missing.push(`${given}: no such file or directory`);
      continue;
    }
    if (statSync(path).isDirectory()) {
      const before = files.length;
      walk(path);
      if (files.length === before) missing.push(`${given}: no recordings (*.wav) in this directory`);
    } else files.push(path);
  }
  // In code-unit order of their paths: the report is the same whatever order they were named in.
  return { files: [...new Set(files)].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)), missing };
}

/**
 * The caller's words beside a recording, if there are any: NAME.transcript.json, NAME.json or
 * NAME.stt.cassette.json.gz, or, for the recording of a live run (DIR/audio/NAME.wav), the STT
 * cassette that run wrote (DIR/cassettes/NAME/stt.cassette.json.gz).
 */
function sidecarOf(file: string): string | undefined {
  const name = basename(file, extname(file));
  const stem = join(dirname(file), name);
  const live = join(dirname(dirname(file)), 'cassettes', name, `stt${CASSETTE_EXTENSION}`);
  return [`${stem}.transcript.json`, `${stem}.json`, `${stem}.stt${CASSETTE_EXTENSION}`, live].find((path) => existsSync(path));
}

/** One line per recording: what happened, and each config's counts. */
function callLine(call: ReplayedCall, names: readonly string[]): string {
  const gaps = call.recorded.responses.map((r) => r.gapMs).sort((a, b) => a - b);
  const counts = call.configs.map((c, i) => {
    const n = c.decisions.counts;
    return `${names[i]}: ${n.prematureEndpoints} premature, ${n.falseBargeIns} false, ${n.missedBargeIns} missed barge-ins`;
  });
  return (
    `${call.file} (${(call.durationMs / 1000).toFixed(1)} s): ${call.recorded.turns.length} caller turns, ${gaps.length} answers` +
    `${gaps.length > 0 ? ` (gap p50 ${gaps[Math.floor((gaps.length - 1) / 2)]} ms)` : ''}, ${call.recorded.overlaps.length} overlaps · ${counts.join(' · ')}`
  );
}
