/** Call recordings for the replay tests, made by the acoustic simulator from bundled scenarios. */
import { join } from 'node:path';
import wavefile from 'wavefile';
import { pcm16ToFloat } from '../../../core/audio/pcm.js';
import { encodeWav } from '../../../core/audio/wav.js';
import { PRESETS } from '../../config/presets.js';
import { runAcousticCall } from '../../acoustic/acoustic-call.js';
import { loadScenarioFile } from '../../scenario/load.js';
import { packageRoot } from '../../acoustic/package-root.js';

/** A recorded call: a stereo WAV (caller left, agent right) and the caller's words as a plain transcript. */
export interface TestRecording {
  readonly wav: Uint8Array;
  readonly sampleRate: number;
  /** JSON: a list of { startMs, endMs, text }, one per utterance. */
  readonly transcript: string;
  readonly durationMs: number;
}

const made = new Map<string, Promise<TestRecording>>();

/** The call of a bundled acoustic scenario (e.g. `hesitation/pause-before-the-date.yaml`), recorded. */
export function recordingOf(scenario: string): Promise<TestRecording> {
  let recording = made.get(scenario);
  if (!recording) {
    recording = record(scenario);
    made.set(scenario, recording);
  }
  return recording;
}

async function record(scenario: string): Promise<TestRecording> {
  const file = join(packageRoot(), 'scenarios/acoustic', scenario);
  const loaded = loadScenarioFile(file, file);
  if (!loaded.ok) throw new Error(loaded.errors.map(String).join('\n'));
  const call = await runAcousticCall(loaded.scenario, PRESETS.default!, loaded.scenario.seed ?? 1);
  const { recording } = call;
  const utterances = call.sounds
    .filter((s) => s.kind === 'speech' || s.kind === 'filler' || s.kind === 'backchannel')
    .map((s) => ({ startMs: Math.round(s.startMs), endMs: Math.round(s.endMs!), text: s.text }));
  return {
    wav: encodeWav({ sampleRate: recording.sampleRate, channels: [pcm16ToFloat(recording.mic), pcm16ToFloat(recording.agent)] }),
    sampleRate: recording.sampleRate,
    transcript: JSON.stringify(utterances),
    durationMs: call.endMs,
  };
}

/**
 * The same audio in another encoding and rate, through wavefile: `mulaw` at 8 kHz (a telephone
 * recording), or 32-bit float at 44.1 kHz; `mono` keeps the caller's channel alone.
 */
export function reencode(wav: Uint8Array, as: 'mulaw-8k' | 'float-44k', mono = false): Uint8Array {
  const file = new wavefile.WaveFile(wav);
  if (mono) {
    const [left] = file.getSamples(false, Int16Array) as unknown as Int16Array[];
    file.fromScratch(1, 16000, '16', left!);
  }
  if (as === 'mulaw-8k') {
    file.toSampleRate(8000);
    file.toMuLaw();
  } else {
    file.toSampleRate(44100);
    file.toBitDepth('32f');
  }
  return file.toBuffer();
}
