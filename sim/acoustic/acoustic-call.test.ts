import { copyFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readWavFile } from '../../core/audio/wav.js';
import type { TraceEvent } from '../../core/trace/events.js';
import { judgeCall } from '../assert/scenario-result.js';
import type { AgentConfig } from '../config/model.js';
import { PRESETS } from '../config/presets.js';
import { withProviderOverrides } from '../config/resolve.js';
import { loadScenarioFile, parseScenario } from '../scenario/load.js';
import type { Scenario } from '../scenario/model.js';
import { runAcousticCall, type AcousticCallResult } from './acoustic-call.js';
import { bundledBankDir } from './clip-bank.js';
import { tempDir, writeFile, writeWav } from './test-support/fixtures.js';

const DEFAULT = PRESETS.default!;

function bundled(file: string): Scenario {
  const loaded = loadScenarioFile(join('scenarios/acoustic', file), `scenarios/acoustic/${file}`);
  if (!loaded.ok) throw new Error(loaded.errors.map(String).join('\n'));
  return loaded.scenario;
}

async function run(scenario: Scenario, config: AgentConfig = DEFAULT): Promise<AcousticCallResult> {
  return runAcousticCall(scenario, withProviderOverrides(config, scenario.providers), scenario.seed ?? 1);
}

/** RMS level (dBFS) of PCM16 samples [fromMs, toMs) at `rate`. */
function levelDb(samples: Int16Array, rate: number, fromMs: number, toMs: number): number {
  const from = Math.max(0, Math.round((fromMs * rate) / 1000));
  const to = Math.min(samples.length, Math.round((toMs * rate) / 1000));
  let sum = 0;
  for (let i = from; i < to; i++) sum += (samples[i]! / 32768) ** 2;
  return 10 * Math.log10(sum / Math.max(1, to - from));
}

function times(events: readonly TraceEvent[], type: TraceEvent['type']): number[] {
  return events.filter((e) => e.type === type).map((e) => e.t);
}

describe('runAcousticCall', () => {
  it('records what happened: the caller in the left channel when they spoke, the agent in the right when it was heard', async () => {
    const call = await run(bundled('hesitation/pause-before-the-date.yaml'));
    const { mic, agent, sampleRate } = call.recording;
    expect(judgeCall(call).result.passed).toBe(true);
    expect(mic.length).toBe(Math.round((call.endMs * sampleRate) / 1000));
    expect(agent.length).toBe(mic.length);
    const starts = times(call.events, 'user.speech_start');
    const ends = times(call.events, 'user.speech_end');
    expect(starts).toHaveLength(3); // the two parts of the request and the "um"
    starts.forEach((start, i) => {
      expect(levelDb(mic, sampleRate, start, ends[i]!)).toBeGreaterThan(-35);
    });
    // The 1.2 s hesitation after the first part is silence at the microphone.
    expect(levelDb(mic, sampleRate, ends[0]! + 50, starts[1]! - 50)).toBe(-Infinity);
    const [heard] = times(call.events, 'ear.audio_start');
    const [gone] = times(call.events, 'ear.audio_stop');
    expect(levelDb(agent, sampleRate, 0, heard!)).toBe(-Infinity);
    expect(levelDb(agent, sampleRate, heard!, gone!)).toBeGreaterThan(-35);
    expect(call.acoustic).toMatchObject({ vad: 'silero', sampleRate: 16000, echoPathMs: undefined, packetsLost: 0 });
  });

  it('gives the same trace and the same recording for the same seed', async () => {
    const scenario = bundled('barge-in/change-the-day.yaml');
    const [first, second] = [await run(scenario), await run(scenario)];
    expect(second.events).toEqual(first.events);
    expect(Buffer.from(second.recording.mic.buffer).equals(Buffer.from(first.recording.mic.buffer))).toBe(true);
    expect(Buffer.from(second.recording.agent.buffer).equals(Buffer.from(first.recording.agent.buffer))).toBe(true);
  });

  it('gives the same call whether each window is cleaned one ahead (the head start) or when the clock reaches it', async () => {
    // Echo through a room, lost packets and background noise: everything the head start renders early.
    const speakerphone = bundled('echo/speakerphone-then-barge-in.yaml');
    const scenario: Scenario = {
      ...speakerphone,
      channel: { ...speakerphone.channel, loss: bundled('network/packet-loss.yaml').channel.loss, noise: bundled('noise/cafe-babble.yaml').channel.noise },
    };
    const config = withProviderOverrides(DEFAULT, scenario.providers);
    const [ahead, onTime] = await Promise.all([true, false].map((headStart) => runAcousticCall(scenario, config, 7, undefined, { headStart })));
    expect(ahead!.acoustic.packetsLost).toBeGreaterThan(0);
    expect(ahead!.acoustic.echoPathMs).toBeDefined();
    expect(ahead!.acoustic).toEqual(onTime!.acoustic);
    expect(ahead!.events).toEqual(onTime!.events);
    expect(Buffer.from(ahead!.recording.mic.buffer).equals(Buffer.from(onTime!.recording.mic.buffer))).toBe(true);
    expect(Buffer.from(ahead!.recording.agent.buffer).equals(Buffer.from(onTime!.recording.agent.buffer))).toBe(true);
  });

  it('finds the echo path (network and room) and keeps the agent from stopping for its own voice', async () => {
    const call = await run(bundled('echo/speakerphone-then-barge-in.yaml'));
    const { result } = judgeCall(call);
    expect(result.passed).toBe(true);
    // 40 ms down, 150 ms in the room, 40 ms up plus a 20 ms packet: 250 ms, found to a step (8 ms) or two.
    expect(call.acoustic.echoPathMs).toBeGreaterThanOrEqual(234);
    expect(call.acoustic.echoPathMs).toBeLessThanOrEqual(266);
    expect(call.events.filter((e) => e.type === 'echo.path')).not.toHaveLength(0);
  });

  it('without the echo canceller, Silero hears the echo as speech and the barge-in comes late', async () => {
    const call = await run(bundled('echo-grid/gain-12db-delay150ms.yaml'), { ...DEFAULT, echoCanceller: false });
    const failed = judgeCall(call).result.assertions.filter((a) => !a.passed).map((a) => a.id);
    expect(failed).toContain('barge_in_stops_within');
  });

  it('runs a phone line at 8 kHz, through μ-law', async () => {
    const call = await run(bundled('telephony/mulaw-booking.yaml'));
    expect(judgeCall(call).result.passed).toBe(true);
    expect(call.recording.sampleRate).toBe(8000);
    expect(call.acoustic.sampleRate).toBe(8000);
  });

  it('hears through the energy VAD when the config says so', async () => {
    const call = await run(bundled('hesitation/pause-before-the-date.yaml'), { ...DEFAULT, vad: { ...DEFAULT.vad, model: 'energy' } });
    expect(call.acoustic.vad).toBe('energy');
    expect(times(call.events, 'vad.speech_start').length).toBeGreaterThan(0);
    expect(judgeCall(call).result.assertions.find((a) => a.id === 'every_turn_answered')?.passed).toBe(true);
  });

  it('with an uplink shorter than a window and a packet, renders each window after the clock reaches it, and still answers', async () => {
    const scenario = bundled('barge-in/change-the-day.yaml');
    const call = await run({ ...scenario, channel: { ...scenario.channel, uplinkMs: { kind: 'fixed', value: 10 } } });
    expect(judgeCall(call).result.passed).toBe(true);
  });

  it("takes a caller's utterance from the scenario's own clip, trimmed of its silence", async () => {
    const dir = tempDir('acoustic-call');
    const bank = bundledBankDir();
    copyFileSync(join(bank, 'user/tuesday-morning.wav'), join(dir, 'take.wav'));
    const take = readWavFile(join(dir, 'take.wav')).channels[0]!;
    // The same take with half a second of silence either side.
    const padded = new Float32Array(take.length + 16000);
    padded.set(take, 8000);
    writeWav(dir, 'padded.wav', padded);
    const file = writeFile(
      dir,
      'own-clip.yaml',
      ['name: own clip', 'acoustic: true', 'user:', '  - say: "Tuesday morning."', '    clip: padded.wav', 'expect: [every_turn_answered]'].join('\n'),
    );
    const loaded = parseScenario(readFileSync(file, 'utf8'), file);
    if (!loaded.ok) throw new Error(String(loaded.errors));
    const call = await run(loaded.scenario);
    const [speech] = call.sounds;
    expect(speech!.endMs! - speech!.startMs).toBeCloseTo((take.length * 1000) / 16000, -1);
    expect(judgeCall(call).result.passed).toBe(true);
  });
});
