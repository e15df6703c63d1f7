/**
 * `parley vad FILE.wav`: the speech segments a frame VAD (Silero or energy) and the agent's
 * hysteresis layer find in a recording, one line each, or as JSON. For checking and tuning VAD
 * settings on real audio. Exit 0 when the file was analysed (speech or not), 2 on bad input.
 *
 * @module
 */
import { parseArgs } from 'node:util';
import { AudioFileError } from '../core/audio/audio-file-error.js';
import type { ChannelChoice } from '../core/audio/pipeline.js';
import { toPipeline } from '../core/audio/pipeline.js';
import { readWavFile, type DecodedAudio } from '../core/audio/wav.js';
import { createEnergyVad } from '../core/vad/energy-vad.js';
import type { FrameVad, VadSampleRate } from '../core/vad/frame-vad.js';
import { resolveVadHysteresis, type VadHysteresisConfig } from '../core/vad/hysteresis.js';
import { detectSpeechSegments, type SpeechSegment } from '../core/vad/segments.js';
import { createSileroVad, type SileroVersion } from '../core/vad/silero.js';
import { parseDuration } from '../sim/load/index.js';
import { UsageError } from './usage.js';

export const VAD_USAGE = `Usage: parley vad FILE.wav [options]

Finds the speech in a WAV file with a frame VAD and the hysteresis layer the agent uses, and
prints one line per speech segment (start – end, and its length), then a summary.

Options:
  --vad silero|energy        the frame VAD (default: silero)
  --model v5|v6              the Silero model version (default: v5)
  --channel left|right|mix   the channel of a stereo file (default: mix, the average of both;
                             a mono file is read as it is whatever the choice)
  --json                     print {"sampleRate", "durationMs", "segments": [{"startMs", "endMs"}]}
                             on one line instead (the file's sample rate, integer milliseconds)
  -h, --help                 show this help

Hysteresis, for tuning on real recordings (defaults: the agent's):
  --threshold P              a window at or above this speech probability starts speech (default 0.5)
  --deactivation P           speech goes on while windows stay at or above this
                             (default: threshold − 0.15)
  --min-speech DURATION      speech shorter than this is not reported (default 50ms)
  --min-silence DURATION     silence must last this long to end speech (default 200ms)

The file: PCM 8/16/24/32-bit, float, μ-law or A-law WAV, mono or stereo (of more channels, the
first two), 8–48 kHz. It is analysed at 16 kHz (an 8 kHz file at 8 kHz) in windows of 32 ms;
segment bounds fall on window bounds.

Exit codes: 0 analysed (with or without speech), 2 bad input or usage.`;

const VADS = ['silero', 'energy'] as const;
const MODELS = ['v5', 'v6'] as const;
const CHANNELS = ['left', 'right', 'mix'] as const;

/** What `parley vad --json` prints. */
export interface VadReport {
  readonly sampleRate: number;
  readonly durationMs: number;
  readonly segments: readonly SpeechSegment[];
}

/** `parley vad`: returns the exit code. */
export async function vadCommand(args: readonly string[], out: NodeJS.WritableStream): Promise<number> {
  const { values, positionals } = parseArgs({
    args: [...args],
    options: {
      vad: { type: 'string' },
      model: { type: 'string' },
      channel: { type: 'string' },
      json: { type: 'boolean' },
      threshold: { type: 'string' },
      deactivation: { type: 'string' },
      'min-speech': { type: 'string' },
      'min-silence': { type: 'string' },
      debug: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
    allowPositionals: true,
    strict: true,
  });
  if (values.help) {
    out.write(`${VAD_USAGE}\n`);
    return 0;
  }
  if (positionals.length !== 1) throw new UsageError(`expected one WAV file (parley vad FILE.wav), got ${positionals.length}`);
  const file = positionals[0]!;
  // Every problem names the file, so a script looping over recordings can tell which one failed.
  const bad = (reason: string): UsageError => new UsageError(`${file}: ${reason}`);
  const kind = oneOf('--vad', values.vad ?? 'silero', VADS, bad);
  const model = oneOf('--model', values.model ?? 'v5', MODELS, bad);
  const channel: ChannelChoice = oneOf('--channel', values.channel ?? 'mix', CHANNELS, bad);
  const hysteresis = hysteresisOptions(values, bad);

  let audio: DecodedAudio;
  try {
    audio = readWavFile(file);
  } catch (error) {
    if (error instanceof AudioFileError) throw new UsageError(error.message);
    throw error;
  }
  const rate: VadSampleRate = audio.sampleRate === 8000 ? 8000 : 16000;
  const samples = toPipeline(audio, { channel, sampleRate: rate });
  const vad: FrameVad = kind === 'silero' ? await createSileroVad({ sampleRate: rate, version: model }) : createEnergyVad({ sampleRate: rate });
  let segments: SpeechSegment[];
  try {
    segments = await detectSpeechSegments(samples, vad, hysteresis);
  } finally {
    await vad.dispose();
  }

  const report: VadReport = {
    sampleRate: audio.sampleRate,
    durationMs: Math.round(audio.durationMs),
    segments: segments.map((s) => ({ startMs: Math.round(s.startMs), endMs: Math.round(s.endMs) })),
  };
  if (values.json) {
    out.write(`${JSON.stringify(report)}\n`);
    return 0;
  }
  const what = `${file}: ${audio.sampleRate} Hz ${audio.encoding}, ${audio.channels.length === 1 ? 'mono' : `stereo, channel ${channel}`}; ${kind === 'silero' ? `silero ${model}` : 'energy'} VAD`;
  out.write(renderSegments(report, what));
  return 0;
}

/** The human format: one line per segment, seconds aligned, then a summary line. */
export function renderSegments(report: VadReport, what: string): string {
  const seconds = (ms: number): string => (ms / 1000).toFixed(2);
  const width = Math.max(0, ...report.segments.map((s) => seconds(s.endMs).length));
  const lines = report.segments.map(
    (s) => `  ${seconds(s.startMs).padStart(width)} s – ${seconds(s.endMs).padStart(width)} s  (${seconds(s.endMs - s.startMs)} s)`,
  );
  const speechMs = report.segments.reduce((sum, s) => sum + s.endMs - s.startMs, 0);
  const count = report.segments.length;
  lines.push(
    count === 0
      ? `no speech in ${seconds(report.durationMs)} s (${what})`
      : `${count} speech segment${count === 1 ? '' : 's'}, ${seconds(speechMs)} s of speech in ${seconds(report.durationMs)} s (${what})`,
  );
  return `${lines.join('\n')}\n`;
}

function oneOf<T extends string>(flag: string, value: string, allowed: readonly T[], bad: (reason: string) => UsageError): T {
  if ((allowed as readonly string[]).includes(value)) return value as T;
  throw bad(`unknown ${flag} "${value}" (expected ${allowed.join(', ').replace(/, ([^,]*)$/, ' or $1')})`);
}

function hysteresisOptions(
  values: { threshold?: string; deactivation?: string; 'min-speech'?: string; 'min-silence'?: string },
  bad: (reason: string) => UsageError,
): VadHysteresisConfig {
  const probability = (flag: string, text: string | undefined): number | undefined => {
    if (text === undefined) return undefined;
    const value = Number(text);
    if (text.trim() === '' || !(value >= 0 && value <= 1)) throw bad(`${flag} expects a probability between 0 and 1, got "${text}"`);
    return value;
  };
  const duration = (flag: string, text: string | undefined): number | undefined => {
    if (text === undefined) return undefined;
    try {
      return parseDuration(text);
    } catch (error) {
      throw bad(`${flag}: ${(error as Error).message}`);
    }
  };
  const options = {
    activationThreshold: probability('--threshold', values.threshold),
    deactivationThreshold: probability('--deactivation', values.deactivation),
    minSpeechMs: duration('--min-speech', values['min-speech']),
    minSilenceMs: duration('--min-silence', values['min-silence']),
  };
  try {
    return resolveVadHysteresis(Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined)));
  } catch (error) {
    throw bad((error as Error).message.replace(/deactivationThreshold/g, '--deactivation').replace(/activationThreshold/g, '--threshold'));
  }
}
