import { encodeWav } from '../core/audio/wav.js';
import { pcm16ToFloat } from '../core/audio/pcm.js';
import { judgeCall, type ScenarioResult } from '../sim/assert/scenario-result.js';
import { buildTimeline, timelineId } from '../reports/timeline.js';
import { runAcousticCall, type AcousticCallResult } from '../sim/acoustic/acoustic-call.js';
import { runCall } from '../sim/world/call.js';
import type { RunArtifact, RunTask } from './run.js';

/**
 * Runs one task: the call, its verdict and its timeline (and an acoustic call's recording). In a
 * module of its own (re-exported by run.ts) so a worker thread loads only what a call needs, not
 * the scenario loaders and writers: that is a third of a worker's start-up.
 */
export async function executeTask(task: RunTask): Promise<RunArtifact> {
  if (task.scenario.acoustic) return executeAcoustic(task);
  const call = await runCall(task.scenario, task.config, task.seed);
  const { result, analysis } = judgeCall(call);
  return { result, timeline: buildTimeline(call, analysis, result) };
}

async function executeAcoustic(task: RunTask): Promise<RunArtifact> {
  return acousticArtifact(task, await runAcousticCall(task.scenario, task.config, task.seed));
}

/** An acoustic call's verdict, timeline and recording; `extra` adds to (or replaces) the verdict's fields. */
export function acousticArtifact(task: RunTask, call: AcousticCallResult, extra: Partial<ScenarioResult> = {}): RunArtifact {
  const judged = judgeCall(call);
  const { acoustic, recording } = call;
  const result: ScenarioResult = {
    ...judged.result,
    ...extra,
    acoustic: {
      vad: acoustic.vad,
      sampleRate: acoustic.sampleRate,
      codec: task.scenario.channel.codec,
      echoPathMs: acoustic.echoPathMs ?? null,
      packetsSent: acoustic.packetsSent,
      packetsLost: acoustic.packetsLost,
      audio: `audio/${timelineId(judged.result.file, judged.result.seed)}.wav`,
    },
  };
  const audio = encodeWav({ sampleRate: recording.sampleRate, channels: [pcm16ToFloat(recording.mic), pcm16ToFloat(recording.agent)] });
  return { result, timeline: buildTimeline(call, judged.analysis, result), audio };
}
