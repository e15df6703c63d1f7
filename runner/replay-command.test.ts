import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { describe, expect, it } from 'vitest';
import { recordingOf, reencode } from '../sim/replay/test-support/recordings.js';
import { inTemporaryDirectory, parley, writeLines } from './test-support/cli.js';

/**
 * `parley replay` end to end, on calls recorded by the acoustic simulator (a caller who
 * hesitates, one who says "mhm", one who interrupts), in a temporary working directory.
 */

inTemporaryDirectory('replay');

async function writeRecording(name: string, scenario: string, transcript = true): Promise<void> {
  const recording = await recordingOf(scenario);
  mkdirSync(dirname(name), { recursive: true });
  writeFileSync(`${name}.wav`, recording.wav);
  if (transcript) writeFileSync(`${name}.transcript.json`, recording.transcript);
}

function readReport(dir = 'parley-replay'): Record<string, any> {
  return JSON.parse(readFileSync(`${dir}/report.json`, 'utf8'));
}

describe('parley replay', () => {
  it('describes each call, replays it with two configs, and exits 1 when the second is worse', async () => {
    await writeRecording('calls/hesitation', 'hesitation/pause-before-the-date.yaml');
    await writeRecording('calls/mhm', 'backchannel/mhm-during-directions.yaml');
    const result = await parley('replay', 'calls', '--against', 'silence-only');
    expect(result.err).toBe('');
    expect(result.code).toBe(1);
    expect(result.out).toMatch(/^calls\/hesitation\.wav \(13\.\d s\): 1 caller turns, 1 answers .* default: 0 premature.* silence-only: 2 premature/m);
    expect(result.out).toContain('silence-only against default: worse');
    expect(result.out).toContain('✗ premature endpoints: 0 → 2');

    const report = readReport();
    expect(report).toMatchObject({ schemaVersion: 1, kind: 'replay', configs: ['default', 'silence-only'], summary: { calls: 2, failed: 0 } });
    const [hesitation, mhm] = report.calls;
    expect(hesitation.file).toBe('calls/hesitation.wav');
    expect(Object.keys(hesitation.recorded)).toEqual(['userSegments', 'agentSegments', 'responses', 'overlaps', 'turns']);
    expect(hesitation.recorded.userSegments).toHaveLength(3); // the request, "um", the rest
    expect(hesitation.recorded.responses).toEqual([{ userEndMs: expect.any(Number), agentStartMs: expect.any(Number), gapMs: expect.any(Number) }]);
    expect(hesitation.configs['silence-only'].counts.prematureEndpoints).toBe(2);
    expect(hesitation.configs.default.counts.prematureEndpoints).toBe(0);
    // Three "mhm"s under the agent: backchannels, which both configs let go.
    expect(mhm.recorded.overlaps.filter((o: { by: string; backchannelLike: boolean }) => o.by === 'user' && o.backchannelLike)).toHaveLength(3);
    expect(mhm.configs.default.overlaps.map((o: { action: string }) => o.action)).toEqual(['continue', 'continue', 'continue']);
    expect(readFileSync('parley-replay/summary.md', 'utf8')).toContain('| `silence-only` | 2 | 2 | 0 | 0 |');
    expect(readFileSync('parley-replay/report.html', 'utf8')).toContain('silence-only: premature end');

    // The same inputs give the same report, byte for byte.
    const bytes = readFileSync('parley-replay/report.json');
    await parley('replay', 'calls', '--against', 'silence-only', '--report-dir', 'again');
    expect(readFileSync('again/report.json').equals(bytes)).toBe(true);
  }, 60_000);

  it('reads a telephone recording (8 kHz μ-law), a 44.1 kHz float one, and a caller-only one', async () => {
    const call = await recordingOf('barge-in/change-the-day.yaml');
    writeFileSync('phone.wav', reencode(call.wav, 'mulaw-8k'));
    writeFileSync('float.wav', reencode(call.wav, 'float-44k'));
    const stereo = await parley('replay', 'phone.wav', 'float.wav');
    expect(stereo.err).toBe('');
    expect(stereo.code).toBe(0);
    const [float, phone] = readReport().calls;
    expect([phone.sampleRate, float.sampleRate]).toEqual([8000, 44100]);
    for (const c of [phone, float]) {
      expect(c.recorded.turns).toHaveLength(2);
      expect(c.recorded.overlaps.some((o: { by: string }) => o.by === 'user')).toBe(true);
    }

    writeFileSync('caller.wav', reencode(call.wav, 'float-44k', true));
    const mono = await parley('replay', 'caller.wav', '--mono-user', '--report-dir', 'mono');
    expect(mono.code).toBe(0);
    expect(readReport('mono').calls[0]).toMatchObject({ channels: 'mono-user', recorded: { agentSegments: [], responses: [] } });
  }, 60_000);

  it('lists the calls it cannot use, replays the others, and exits 2', async () => {
    await writeRecording('batch/good', 'hesitation/pause-before-the-date.yaml');
    writeLines('batch/broken.wav', 'this is not audio');
    writeFileSync('batch/late.wav', (await recordingOf('hesitation/pause-before-the-date.yaml')).wav);
    writeFileSync('batch/late.transcript.json', JSON.stringify([{ startMs: 12_000, endMs: 20_000, text: 'far too late' }]));
    const result = await parley('replay', 'batch', 'nowhere');
    expect(result.code).toBe(2);
    expect(result.errLines).toEqual([
      'nowhere: no such file or directory',
      'batch/broken.wav: not a WAV file (no RIFF/WAVE header)',
      expect.stringMatching(/^batch\/late\.transcript\.json: does not fit the audio: the word "\w+" ends at \d+\.\d\d s, after the recording's end at 13\.\d\d s$/),
    ]);
    const report = readReport();
    expect(report.summary).toMatchObject({ calls: 1, failed: 3 });
    expect(report.calls[0].file).toBe('batch/good.wav');
    expect(report.failures.map((f: { file: string }) => f.file)).toEqual(['nowhere', 'batch/broken.wav', 'batch/late.wav']);
  }, 60_000);

  it('refuses a channel map it does not understand, or a stereo map on a one-channel file', async () => {
    const wrong = await parley('replay', 'x.wav', '--channels', 'caller=left');
    expect(wrong).toMatchObject({ code: 2, errLines: ['parley replay: --channels: unknown name "caller"; expected user=left|right,agent=left|right'] });
    const same = await parley('replay', 'x.wav', '--channels', 'user=left,agent=left');
    expect(same.errLines).toEqual(['parley replay: --channels: user and agent are both left']);

    writeFileSync('caller.wav', reencode((await recordingOf('barge-in/change-the-day.yaml')).wav, 'float-44k', true));
    const mono = await parley('replay', 'caller.wav');
    expect(mono.code).toBe(2);
    expect(mono.errLines).toEqual(['caller.wav: has 1 channel, so it has no right channel for the agent (use --mono-user for a recording of the caller alone)']);
    expect(existsSync('parley-replay/report.json')).toBe(true);
  }, 60_000);
});
