import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { resample } from '../core/audio/resample.js';
import { encodeWav, readWavFile } from '../core/audio/wav.js';
import { releaseSileroModels } from '../core/vad/silero.js';
import { parley } from './test-support/cli.js';
import { VAD_USAGE } from './vad-command.js';

const fixture = (name: string): string => new URL(`../core/vad/test-fixtures/${name}`, import.meta.url).pathname;
const TRUE_SPEECH = JSON.parse(readFileSync(fixture('speech.json'), 'utf8')) as Record<string, [number, number][]>;
const ONE = fixture('speech-one.wav');
const TWO = fixture('speech-two.wav');
const STEREO = fixture('stereo-left.wav');

const dir = mkdtempSync(join(tmpdir(), 'parley-vad-'));
afterAll(async () => {
  rmSync(dir, { recursive: true, force: true });
  await releaseSileroModels();
});

/** Writes a file into the temp dir; returns its path. */
function temp(name: string, bytes: Uint8Array | string): string {
  const path = join(dir, name);
  writeFileSync(path, bytes);
  return path;
}

interface Report {
  sampleRate: number;
  durationMs: number;
  segments: { startMs: number; endMs: number }[];
}

async function json(...argv: string[]): Promise<Report> {
  const result = await parley('vad', ...argv, '--json');
  expect(result.err).toBe('');
  expect(result.code).toBe(0);
  return JSON.parse(result.out) as Report;
}

function expectNear(segments: Report['segments'], truth: [number, number][]): void {
  expect(segments.map((s) => [s.startMs, s.endMs]), `found ${JSON.stringify(segments)}`).toHaveLength(truth.length);
  segments.forEach((s, i) => {
    expect(Math.abs(s.startMs - truth[i]![0])).toBeLessThanOrEqual(100);
    expect(Math.abs(s.endMs - truth[i]![1])).toBeLessThanOrEqual(100);
  });
}

describe('parley vad', () => {
  it('prints one line per speech segment and a summary (Silero by default)', async () => {
    const { code, out, err } = await parley('vad', TWO);
    expect(err).toBe('');
    expect(code).toBe(0);
    const lines = out.trimEnd().split('\n');
    expect(lines).toHaveLength(3);
    const found = lines.slice(0, 2).map((line) => {
      const match = /^ {2}(\d+\.\d\d) s – (\d+\.\d\d) s {2}\((\d+\.\d\d) s\)$/.exec(line);
      expect(match, line).not.toBeNull();
      const [start, end, length] = match!.slice(1).map((v) => Math.round(Number(v) * 1000)) as [number, number, number];
      expect(Math.abs(end - start - length)).toBeLessThanOrEqual(10);
      return { startMs: start, endMs: end };
    });
    expectNear(found, TRUE_SPEECH['speech-two.wav']!);
    expect(lines[2]).toMatch(new RegExp(`^2 speech segments, \\d\\.\\d\\d s of speech in 4\\.28 s \\(${TWO.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: 16000 Hz pcm16, mono; silero v5 VAD\\)$`));
  });

  it('prints exactly this for the energy VAD', async () => {
    const { code, out } = await parley('vad', ONE, '--vad', 'energy');
    expect(code).toBe(0);
    expect(out).toBe(`  0.48 s – 3.14 s  (2.66 s)\n1 speech segment, 2.66 s of speech in 3.74 s (${ONE}: 16000 Hz pcm16, mono; energy VAD)\n`);
  });

  it('--json prints the file sample rate, duration and segments in integer ms, and nothing else', async () => {
    const { code, out } = await parley('vad', ONE, '--json');
    expect(code).toBe(0);
    expect(out.endsWith('}\n')).toBe(true);
    const report = JSON.parse(out) as Report;
    expect(Object.keys(report)).toEqual(['sampleRate', 'durationMs', 'segments']);
    expect(report.sampleRate).toBe(16000);
    expect(report.durationMs).toBe(3743);
    for (const segment of report.segments) {
      expect(Object.keys(segment)).toEqual(['startMs', 'endMs']);
      expect(Number.isInteger(segment.startMs) && Number.isInteger(segment.endMs)).toBe(true);
    }
    expectNear(report.segments, TRUE_SPEECH['speech-one.wav']!);
  });

  it('reads other rates: 44.1 kHz is analysed at 16 kHz, 8 kHz at 8 kHz', async () => {
    const speech = readWavFile(ONE).channels[0]!;
    const at44 = temp('speech-44k.wav', encodeWav({ sampleRate: 44100, channels: [resample(speech, 16000, 44100)] }));
    const at8 = temp('speech-8k.wav', encodeWav({ sampleRate: 8000, channels: [resample(speech, 16000, 8000)] }));
    for (const [path, rate] of [[at44, 44100], [at8, 8000]] as const) {
      for (const vad of ['silero', 'energy']) {
        const report = await json(path, '--vad', vad);
        expect(report.sampleRate).toBe(rate);
        expect(report.durationMs).toBe(3743);
        expectNear(report.segments, TRUE_SPEECH['speech-one.wav']!);
      }
    }
  });

  it('--channel picks a channel of a stereo file: speech on the left only', async () => {
    const truth = TRUE_SPEECH['stereo-left.wav']!;
    expectNear((await json(STEREO, '--channel', 'left')).segments, truth);
    expect((await json(STEREO, '--channel', 'right')).segments).toEqual([]);
    expectNear((await json(STEREO, '--channel', 'mix')).segments, truth);
    expectNear((await json(STEREO)).segments, truth);
    expect((await json(STEREO, '--channel', 'right', '--vad', 'energy')).segments).toEqual([]);
    const { out } = await parley('vad', STEREO, '--channel', 'left');
    expect(out).toContain(`(${STEREO}: 16000 Hz pcm16, stereo, channel left; silero v5 VAD)`);
    // On a mono file any channel is the one channel.
    expect(await json(ONE, '--channel', 'right')).toEqual(await json(ONE));
  });

  it('takes hysteresis settings and the Silero version', async () => {
    const two = TRUE_SPEECH['speech-two.wav']!;
    // 1.2 s of silence between the phrases: a 2 s minimum silence joins them.
    expectNear((await json(TWO, '--min-silence', '2s')).segments, [[two[0]![0], two[1]![1]]]);
    // "Hello there" is 0.7 s: a 0.8 s minimum drops it (the onset of the second moves to after a dip in it).
    const longOnly = (await json(TWO, '--min-speech', '800ms')).segments;
    expect(longOnly).toHaveLength(1);
    expect(Math.abs(longOnly[0]!.endMs - two[1]![1])).toBeLessThanOrEqual(100);
    expect((await json(TWO, '--threshold', '0.9999')).segments.length).toBeLessThan(2);
    expectNear((await json(TWO, '--threshold', '0.6', '--deactivation', '0.2')).segments, two);
    expectNear((await json(TWO, '--model', 'v6')).segments, two);
    const { out } = await parley('vad', TWO, '--model', 'v6');
    expect(out).toContain('silero v6 VAD)');
  });

  it('--help prints the usage, and parley --help lists the command', async () => {
    const help = await parley('vad', '--help');
    expect(help.code).toBe(0);
    expect(help.out).toBe(`${VAD_USAGE}\n`);
    for (const flag of ['--vad', '--channel', '--json', '--threshold', '--deactivation', '--min-speech', '--min-silence', '--model']) expect(VAD_USAGE).toContain(flag);
    expect((await parley('--help')).out).toMatch(/^ {2}vad FILE\.wav {13}print the speech segments/m);
  });

  describe('bad input: one line naming the file and the reason, exit 2, nothing on stdout', () => {
    const complete = readFileSync(ONE);
    const cases: [string, () => string[], string][] = [
      ['not a WAV file', () => [temp('notes.wav', 'just some text, not audio\n')], 'notes.wav: not a WAV file (no RIFF/WAVE header)'],
      ['truncated', () => [temp('cut.wav', complete.subarray(0, 1244))], 'cut.wav: truncated (the data chunk declares 119780 bytes, 1200 are present)'],
      ['empty (no samples)', () => [temp('header-only.wav', encodeWav({ sampleRate: 16000, channels: [new Float32Array(0)] }))], 'header-only.wav: empty (no samples)'],
      ['empty (0 bytes)', () => [temp('zero.wav', '')], 'zero.wav: empty (0 bytes)'],
      ['missing', () => [join(dir, 'missing.wav')], 'missing.wav: no such file'],
      ['unknown --vad', () => [ONE, '--vad', 'webrtc'], 'speech-one.wav: unknown --vad "webrtc" (expected silero or energy)'],
      ['unknown --channel', () => [ONE, '--channel', 'center'], 'speech-one.wav: unknown --channel "center" (expected left, right or mix)'],
      ['unknown --model', () => [ONE, '--model', 'v4'], 'speech-one.wav: unknown --model "v4" (expected v5 or v6)'],
      ['a threshold out of range', () => [ONE, '--threshold', '1.5'], 'speech-one.wav: --threshold expects a probability between 0 and 1, got "1.5"'],
      ['a deactivation above the threshold', () => [ONE, '--deactivation', '0.8'], 'speech-one.wav: --deactivation must be in [0, --threshold], got 0.8'],
      ['a duration without a unit', () => [ONE, '--min-silence', '300'], 'speech-one.wav: --min-silence: expected a duration with a unit'],
    ];
    it.each(cases)('%s', async (_, argv, reason) => {
      const args = argv();
      const { code, out, errLines } = await parley('vad', ...args);
      expect(out).toBe('');
      expect(code).toBe(2);
      expect(errLines).toHaveLength(1);
      expect(errLines[0]).toMatch(/^parley vad: /);
      expect(errLines[0]).toContain(reason);
      // The file as given on the command line.
      expect(errLines[0]!.startsWith(`parley vad: ${args[0]}: `)).toBe(true);
    });

    it('no file, two files, an unknown option', async () => {
      expect((await parley('vad')).errLines).toEqual(['parley vad: expected one WAV file (parley vad FILE.wav), got 0']);
      expect((await parley('vad', ONE, TWO)).errLines).toEqual(['parley vad: expected one WAV file (parley vad FILE.wav), got 2']);
      const unknown = await parley('vad', ONE, '--frobnicate');
      expect(unknown.code).toBe(2);
      expect(unknown.out).toBe('');
      expect(unknown.errLines).toEqual(['parley vad: unknown option "--frobnicate" (try: parley vad --help)']);
    });
  });
});
