import { sleep, type Clock } from '../../core/clock/clock.js';
import { VirtualClock } from '../../core/clock/virtual-clock.js';
import { RandomStreams, type Random } from '../../core/random/random.js';
import { AgentSession } from '../../core/session/agent-session.js';
import type { TraceEvent } from '../../core/trace/events.js';
import type { Trace } from '../../core/trace/trace.js';
import type { LlmProvider } from '../../providers/llm.js';
import { ScriptedLlm, type LlmFault } from '../../providers/scripted/scripted-llm.js';
import { ScriptedTts, type SpokenText } from '../../providers/scripted/scripted-tts.js';
import type { SttProvider, SttWord } from '../../providers/stt.js';
import type { TtsProvider } from '../../providers/tts.js';
import type { AgentConfig, LlmSpec, TtsSpec } from '../config/model.js';
import { draw, fixed } from '../distribution.js';
import type { Scenario, TextMatcher } from '../scenario/model.js';
import { WorldEvents } from './anchors.js';
import { withCassetteProviders } from './cassette-providers.js';
import { Link, LossProcess } from './channel.js';
import { Ear } from './ear.js';
import { Microphone, type VadSensor } from './mic.js';
import type { Sound } from './sound.js';
import { SimulatedStt } from './stt-sensor.js';
import { ScriptedUser, type ExecutedAction, type UnrunAction, type UserVoice } from './user.js';
import { SimulatedVad } from './vad-sensor.js';

/** How long the agent must stay idle after the script ends before the call is over. */
const SETTLE_MS = 1500;

/** Everything that happened in one simulated call. */
export interface CallResult {
  readonly scenario: Scenario;
  readonly config: AgentConfig;
  readonly seed: number;
  /** The trace: the agent's events and the world's ground truth. */
  readonly events: readonly TraceEvent[];
  /** Every sound at the microphone (ground truth). */
  readonly sounds: readonly Sound[];
  /** Spurious VAD detections the sensor model produced (no real sound). */
  readonly falseAlarms: readonly { readonly startMs: number; readonly endMs: number }[];
  readonly actions: readonly ExecutedAction[];
  readonly unrun: readonly UnrunAction[];
  readonly endMs: number;
  readonly endReason: 'script_done' | 'hangup' | 'max_duration';
}

/**
 * What a world other than the symbolic one changes in a call (the acoustic world: clips for
 * voices, the real VAD on samples). Everything left out stays symbolic.
 */
export interface WorldHooks {
  /** Real audio for the agent's TTS, at `sampleRate`. */
  readonly ttsVoice?: (text: string) => SpokenText;
  /** Rate of the TTS's audio. Default 16000. */
  readonly sampleRate?: number;
  /** Replaces the simulated VAD sensor (and its false alarms): the real VAD hears samples instead. */
  readonly vadSensor?: VadSensor;
  /** Whether the STT makes out a word of an echo (see MicOptions.sttHearsWord). */
  readonly sttHearsWord?: (sound: Sound, word: SttWord) => boolean;
  /** How the user's speech sounds (durations and words). */
  readonly userVoice?: UserVoice;
  /** Sees every sound the user makes, as it starts. */
  readonly onUserSound?: (sound: Sound) => void;
  /** A constant uplink latency (a jitter buffer's playout delay) instead of per-delivery draws. */
  readonly uplinkMs?: number;
  /** One echo delay for the whole call (a room does not change) instead of a draw per utterance. */
  readonly echoDelayMs?: number;
  /** The session's clock. Default: a new VirtualClock (live mode passes the wall clock). */
  readonly clock?: Clock;
  /**
   * Providers that replace the simulated ones (cassettes, or real services in live mode). An
   * STT given here hears whatever the caller gives it: the simulated STT still follows the
   * microphone, so the world's random draws stay the same, but nothing listens to it.
   */
  readonly providers?: { readonly stt?: SttProvider; readonly llm?: LlmProvider; readonly tts?: TtsProvider };
  /** The session's trace (so providers made before the session can report to it). Default: a new one. */
  readonly trace?: Trace;
}

/** A call set up and ready to run: the world around an agent session. */
export interface CallSetup {
  readonly clock: Clock;
  readonly streams: RandomStreams;
  readonly session: AgentSession;
  readonly ear: Ear;
  /** The uplink's packet loss, if the channel loses packets. */
  readonly loss: LossProcess | undefined;
  /** Starts the call (greeting, script). */
  start(): Promise<void>;
  /** True once the call is over (script done and settled, hang-up, or the limit). */
  readonly finished: () => boolean;
  /** Ends the call now if it is not over (the duration limit), then collects what happened. */
  finish(): Promise<CallResult>;
}

/** Runs `scenario` against the agent `config` in the symbolic world with `seed`. */
export async function runCall(scenario: Scenario, config: AgentConfig, seed: number): Promise<CallResult> {
  const clock = new VirtualClock();
  const call = setUpCall(scenario, config, seed, { clock });
  await call.start();
  while (!call.finished() && clock.now() < scenario.maxDurationMs) {
    await clock.runUntil(Math.min(scenario.maxDurationMs, clock.now() + 1000));
  }
  return call.finish();
}

/** Builds the world of one call: the agent session, its providers, the channel and the scripted user. */
export function setUpCall(scenario: Scenario, config: AgentConfig, seed: number, hooks: WorldHooks = {}): CallSetup {
  const clock = hooks.clock ?? new VirtualClock();
  const streams = new RandomStreams(seed);
  const { channel } = scenario;
  const { stt: sttSpec, llm: llmSpec, tts: ttsSpec } = config.providers;

  const stt = new SimulatedStt(clock, sttSpec, streams.stream('stt'));
  const providers = withCassetteProviders(scenario, clock, hooks.providers);
  const session = new AgentSession({
    clock,
    stt: providers.stt ?? stt,
    llm: providers.llm ?? simulatedLlm(clock, scenario, llmSpec, streams.stream('llm')),
    tts: providers.tts ?? simulatedTts(clock, ttsSpec, streams.stream('tts'), hooks),
    endpointer: config.endpointer,
    interruption: config.interruption,
    sentenceBuffer: config.sentenceBuffer,
    ...(hooks.trace ? { trace: hooks.trace } : {}),
  });
  const { trace } = session;

  let soundIds = 0;
  const nextSoundId = (): number => ++soundIds;
  const noise = noiseEffects(channel.noise?.levelDb, scenario.voice.levelDb);
  const vadSpec = { ...config.vad, falseAlarmsPerMinute: hooks.vadSensor ? 0 : config.vad.falseAlarmsPerMinute + noise.falseAlarmsPerMinute };
  const vad = hooks.vadSensor ?? new SimulatedVad(clock, vadSpec, streams.stream('vad'), (event) => session.handleVad(event));
  const uplink =
    hooks.uplinkMs === undefined
      ? new Link(clock, channel.uplinkMs, channel.jitterMs, streams.stream('uplink'))
      : new Link(clock, fixed(hooks.uplinkMs), fixed(0), streams.stream('uplink'));
  const loss = channel.loss ? new LossProcess(channel.loss.rate, channel.loss.burstMs, streams.stream('loss')) : undefined;
  const mic = new Microphone({
    clock,
    trace,
    vad,
    vadSpec,
    stt: stt.session,
    transcribeAboveDb: sttSpec.transcribeAboveDb,
    wordErrorRate: Math.min(1, sttSpec.wordErrorRate + noise.wordErrorRate),
    uplink,
    loss,
    random: { vad: streams.stream('vad-miss'), stt: streams.stream('stt-errors') },
    ...(hooks.sttHearsWord ? { sttHearsWord: hooks.sttHearsWord } : {}),
  });
  const events = new WorldEvents();
  const ear = new Ear({
    clock,
    trace,
    playout: session.playout,
    downlink: new Link(clock, channel.downlinkMs, channel.jitterMs, streams.stream('downlink')),
    events,
    mic,
    echo: channel.echo && hooks.echoDelayMs !== undefined ? { ...channel.echo, delayMs: fixed(hooks.echoDelayMs) } : channel.echo,
    agentLevelDb: ttsSpec.levelDb,
    agentCharsPerSecond: ttsSpec.charsPerSecond,
    random: streams.stream('echo'),
    nextSoundId,
  });
  trace.subscribe((event) => {
    if (event.type === 'endpoint.end') events.record('endpoint', event.t);
    // A failed turn is over for the user too: nothing more is coming.
    if (event.type === 'turn.failed') events.record('agent.turn.end', event.t);
  });
  const falseAlarms =
    vad instanceof SimulatedVad ? scheduleFalseAlarms(clock, vad, vadSpec.falseAlarmsPerMinute, scenario.maxDurationMs, streams.stream('vad-false')) : [];

  let endReason: CallResult['endReason'] = 'max_duration';
  let finished = false;
  let endMs = scenario.maxDurationMs;
  const finish = (reason: CallResult['endReason']): void => {
    if (finished) return;
    finished = true;
    endReason = reason;
    endMs = clock.now();
    void session.close(reason === 'hangup' ? 'user hung up' : 'call over');
  };
  let scriptDone: 'script_done' | 'hangup' | undefined;
  let settleTimer: ReturnType<typeof clock.setTimeout> | undefined;
  const checkSettled = (): void => {
    if (settleTimer !== undefined) clock.clearTimeout(settleTimer);
    settleTimer = undefined;
    if (scriptDone === 'script_done' && session.state === 'listening') {
      settleTimer = clock.setTimeout(() => finish('script_done'), SETTLE_MS);
    }
  };
  trace.subscribe((event) => {
    if (event.type === 'session.state') checkSettled();
  });
  const onUserSound = hooks.onUserSound;
  const user = new ScriptedUser({
    clock,
    scenario,
    mic: onUserSound ? { start: (sound) => (onUserSound(sound), mic.start(sound)) } : mic,
    ...(hooks.userVoice ? { voice: hooks.userVoice } : {}),
    events,
    nextSoundId,
    onDone: (reason) => {
      scriptDone = reason;
      if (reason === 'hangup') finish('hangup');
      else checkSettled();
    },
  });

  return {
    clock,
    streams,
    session,
    ear,
    loss,
    start: async () => {
      await session.start();
      if (scenario.agent.greeting) session.say(scenario.agent.greeting);
      user.start();
    },
    finished: () => finished,
    finish: async () => {
      if (!finished) finish('max_duration');
      // Let what the close set off at this instant happen before collecting.
      if (clock instanceof VirtualClock) await clock.runUntil(clock.now());
      else await sleep(clock, 0);
      return {
        scenario,
        config,
        seed,
        events: trace.events,
        sounds: mic.sounds,
        falseAlarms: falseAlarms.filter((a) => a.startMs < endMs),
        actions: user.executed,
        unrun: user.unrun(),
        endMs,
        endReason,
      };
    },
  };
}

function simulatedLlm(clock: Clock, scenario: Scenario, spec: LlmSpec, random: Random): ScriptedLlm {
  return new ScriptedLlm({
    clock,
    name: `sim-${spec.profile}`,
    replies: scenario.agent.replies.map((r) => ({ when: toMatcher(r.when), say: r.say })),
    defaultReply: scenario.agent.defaultReply,
    timeToFirstTokenMs: () => draw(spec.timeToFirstTokenMs, random),
    tokenIntervalMs: () => 1000 / Math.max(1, draw(spec.tokensPerSecond, random)),
    faults: (request): LlmFault | undefined => {
      if (spec.failRequests.includes(request) || (spec.errorRate > 0 && random.chance(spec.errorRate))) {
        return { failAfterTokens: 0, message: 'simulated LLM error (HTTP 500)' };
      }
      if (spec.stall && random.chance(spec.stall.probability)) {
        return { stallAfterTokens: spec.stall.afterTokens, stallMs: draw(spec.stall.durationMs, random) };
      }
      return undefined;
    },
  });
}

function simulatedTts(clock: Clock, spec: TtsSpec, random: Random, hooks: WorldHooks): ScriptedTts {
  return new ScriptedTts({
    clock,
    ...(hooks.sampleRate !== undefined ? { sampleRate: hooks.sampleRate } : {}),
    ...(hooks.ttsVoice ? { voice: hooks.ttsVoice } : {}),
    name: `sim-${spec.profile}`,
    timeToFirstByteMs: () => draw(spec.timeToFirstByteMs, random),
    msPerChar: 1000 / spec.charsPerSecond,
    chunkMs: spec.chunkMs,
    realtimeFactor: spec.realtimeFactor,
    alignment: spec.alignment,
    levelDb: spec.levelDb,
    clearAckMs: draw(spec.clearAckMs ?? fixed(20), random),
    failFlush: (flush) =>
      spec.failRequests.includes(flush) || (spec.errorRate > 0 && random.chance(spec.errorRate)) ? 'simulated TTS error (socket closed 1011)' : undefined,
  });
}

/** Substring matchers are case-insensitive strings; patterns become RegExps. */
function toMatcher(matcher: TextMatcher): string | RegExp {
  return 'substring' in matcher ? matcher.substring : new RegExp(matcher.pattern, matcher.flags);
}

/**
 * A crude model of background noise: as the speech-to-noise ratio falls below 25 dB the VAD
 * raises false alarms and the STT makes more errors.
 */
function noiseEffects(noiseDb: number | undefined, speechDb: number): { falseAlarmsPerMinute: number; wordErrorRate: number } {
  if (noiseDb === undefined) return { falseAlarmsPerMinute: 0, wordErrorRate: 0 };
  const snr = speechDb - noiseDb;
  return {
    falseAlarmsPerMinute: Math.max(0, 25 - snr) * 0.4,
    wordErrorRate: Math.max(0, 20 - snr) * 0.01,
  };
}

/** Spurious detections: a Poisson process of short bursts only the VAD hears. */
function scheduleFalseAlarms(
  clock: Clock,
  vad: SimulatedVad,
  perMinute: number,
  untilMs: number,
  random: Random,
): { startMs: number; endMs: number }[] {
  const alarms: { startMs: number; endMs: number }[] = [];
  if (perMinute <= 0) return alarms;
  const meanGapMs = 60_000 / perMinute;
  let t = 0;
  let id = -1;
  for (;;) {
    t += -meanGapMs * Math.log(1 - random.float());
    if (t >= untilMs) break;
    const startMs = t;
    const endMs = t + random.uniform(80, 400);
    const piece = id--;
    alarms.push({ startMs, endMs });
    clock.setTimeout(() => vad.soundOn(piece, -30), startMs);
    clock.setTimeout(() => vad.soundOff(piece), endMs);
  }
  return alarms;
}
