
import { segmentsFromProbabilities, type SpeechSegment } from '../../core/vad/segments.js';
import type { AgentConfig } from '../config/model.js';
import { decide, type ReplayDecisions } from './decide.js';
import { listenToRecording, type ChannelMap, type Hearing, type HeardTrack } from './listen.js';
import { describeCall, type RecordedCall } from './recorded.js';
import { readTranscript } from './transcript.js';

/** What to replay a recording with. */
export interface ReplayOptions {
  readonly channels: ChannelMap;
  /** A transcript sidecar of the caller's channel, if any. */
  readonly transcript: string | undefined;
  /** The configs to replay it with, by name: the first is the reference, the second the one compared. */
  readonly configs: readonly { readonly name: string; readonly config: AgentConfig }[];
}

/** A recording replayed: what happened, and what each config would have decided. */
export interface ReplayedCall {
  readonly file: string;
  readonly durationMs: number;
  readonly sampleRate: number;
  readonly channels: 'stereo' | 'mono-user';
  /** Whether the caller's words came with the recording (else the endpointer goes by silence). */
  readonly transcript: boolean;
  readonly recorded: RecordedCall;
  readonly configs: readonly { readonly name: string; readonly decisions: ReplayDecisions }[];
}

/** How the recorded facts are heard: Silero and the default echo canceller, the core's hysteresis defaults. */
const RECORDED_HEARING: Hearing = { vad: 'silero', echoCanceller: {} };

/**
 * Replays one recording: each channel heard once (the caller once per distinct VAD and echo
 * canceller among the configs), the call described as it happened, then each config's decisions.
 * Throws AudioFileError, TranscriptError or an Error naming the file for input it cannot use.
 */
export async function replayCall(path: string, options: ReplayOptions): Promise<ReplayedCall> {
  const hearings: Hearing[] = [RECORDED_HEARING];
  const hearingOf = (config: AgentConfig): number => {
    const hearing: Hearing = { vad: config.vad.model, echoCanceller: config.echoCanceller };
    const key = JSON.stringify(hearing);
    let index = hearings.findIndex((h) => JSON.stringify(h) === key);
    if (index === -1) index = hearings.push(hearing) - 1;
    return index;
  };
  const indices = options.configs.map(({ config }) => hearingOf(config));
  const heard = await listenToRecording(path, options.channels, hearings);
  const segmentsOfTrack = (track: HeardTrack): SpeechSegment[] =>
    segmentsFromProbabilities(track.probabilities, heard.windowMs, heard.durationMs).map((s) => ({ startMs: Math.round(s.startMs), endMs: Math.round(s.endMs) }));
  const userSegments = segmentsOfTrack(heard.user[0]!);
  const agentSegments = heard.agent ? segmentsOfTrack(heard.agent) : [];
  const userChannel = options.channels === 'mono-user' || options.channels.user === 'left' ? 0 : 1;
  const words = options.transcript === undefined ? undefined : readTranscript(options.transcript, userChannel, heard.durationMs);
  const agentLevelDb = heard.agent ? speakingLevel(heard.agent) : undefined;
  const recorded = describeCall(userSegments, agentSegments, words);
  const configs = [];
  for (const [i, { name, config }] of options.configs.entries()) {
    const decisions = await decide(
      { durationMs: heard.durationMs, windowMs: heard.windowMs, user: heard.user[indices[i]!]!, recorded, agentLevelDb, words },
      config,
    );
    configs.push({ name, decisions });
  }
  return {
    file: path,
    durationMs: Math.round(heard.durationMs),
    sampleRate: heard.fileSampleRate,
    channels: options.channels === 'mono-user' ? 'mono-user' : 'stereo',
    transcript: words !== undefined,
    recorded,
    configs,
  };
}

/** The level of a track's speech windows (probability ≥ 0.5), as an RMS in dBFS. */
function speakingLevel(track: HeardTrack): number | undefined {
  let power = 0;
  let count = 0;
  track.probabilities.forEach((p, i) => {
    const level = track.levelsDb[i]!;
    if (p >= 0.5 && Number.isFinite(level)) {
      power += 10 ** (level / 10);
      count++;
    }
  });
  return count === 0 ? undefined : 10 * Math.log10(power / count);
}

