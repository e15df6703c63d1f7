import { cpSync, existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { decodeWav } from '../core/audio/wav.js';
import { inTemporaryDirectory, parley, writeLines } from './test-support/cli.js';

/** `parley run` on acoustic scenarios, end to end: the recordings, the report, bad input. */

const { home } = inTemporaryDirectory('acoustic-run');
const write = writeLines;

describe('parley run, acoustic scenarios', () => {
  it('writes each call as a stereo WAV, names it in report.json and plays it in report.html', async () => {
    cpSync(join(home, 'scenarios/acoustic/barge-in'), 'acoustic', { recursive: true });
    const { code, err } = await parley('run', 'acoustic', '--report-dir', 'out');
    expect(err).toBe('');
    expect(code).toBe(0);
    const report = JSON.parse(readFileSync('out/report.json', 'utf8'));
    const [run] = report.scenarios;
    expect(run.acoustic).toEqual({
      vad: 'silero',
      sampleRate: 16000,
      codec: 'pcm16',
      echoPathMs: null,
      packetsSent: expect.any(Number),
      packetsLost: 0,
      audio: 'audio/acoustic_change-the-day-seed104.wav',
    });
    const wav = decodeWav(readFileSync(join('out', run.acoustic.audio)), run.acoustic.audio);
    expect(wav.channels).toHaveLength(2);
    expect(wav.sampleRate).toBe(16000);
    expect(wav.durationMs).toBeCloseTo(run.durationMs, -1);
    expect(readFileSync('out/report.html', 'utf8')).toContain(`src="${run.acoustic.audio}"`);
  });

  it('stops before running, with the position, when the clip bank cannot say a line', async () => {
    write(
      'bad.yaml',
      'name: unknown words',
      'acoustic: true',
      'user:',
      '  - say: "Zebras quarrel"',
      'expect: [every_turn_answered]',
    );
    const { code, errLines } = await parley('run', 'bad.yaml', '--report-dir', 'out');
    expect(code).toBe(2);
    expect(errLines).toHaveLength(1);
    expect(errLines[0]).toMatch(/^bad\.yaml:4:5: no clip for "Zebras quarrel" in the user voice of the clip bank .*no clip for "zebras", "quarrel".*parley clips/);
    expect(existsSync('out')).toBe(false);
  });

  it('names a clip file that is not a WAV', async () => {
    write('not-audio.wav', 'hello');
    write(
      'bad-clip.yaml',
      'name: broken clip',
      'acoustic: true',
      'user:',
      '  - say: "Tuesday morning."',
      '    clip: not-audio.wav',
      'expect: [every_turn_answered]',
    );
    const { code, errLines } = await parley('run', 'bad-clip.yaml');
    expect(code).toBe(2);
    expect(errLines).toEqual([expect.stringMatching(/^bad-clip\.yaml:5:11: clip .*not-audio\.wav: not a WAV file/)]);
  });
});
