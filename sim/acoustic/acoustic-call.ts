import type { Clock } from '../../core/clock/clock.js';
import { VirtualClock } from '../../core/clock/virtual-clock.js';
import type { Trace } from '../../core/trace/trace.js';
import { AudioInput, type SubmittedWindow } from '../../core/input/audio-input.js';
import type { PlayoutBuffer } from '../../core/playout/playout-buffer.js';
import { RandomStreams, type Random } from '../../core/random/random.js';
import { createEnergyVad } from '../../core/vad/energy-vad.js';
import type { FrameVad } from '../../core/vad/frame-vad.js';
import { createSileroVad } from '../../core/vad/silero.js';
import { createThreadedSileroVad } from '../../core/vad/threaded-silero.js';
import { isMainThread } from 'node:worker_threads';
import type { SttWord } from '../../providers/stt.js';
import type { AgentConfig } from '../config/model.js';
import { draw } from '../distribution.js';
import type { Scenario } from '../scenario/model.js';
import { setUpCall, type CallResult, type WorldHooks } from '../world/call.js';
import type { Sound } from '../world/sound.js';
import { bankDirFor, ClipBank } from './clip-bank.js';
import { MicSignal } from './mic-signal.js';
import { backgroundNoise, noiseBurst } from './noise.js';
import { roomTaps } from './room.js';
import { SampleTrack } from './sample-track.js';
import { AcousticUplink } from './uplink.js';
import { agentVoice, userSpeech } from './voices.js';

/** Length of the uplink's packets. */
const PACKET_MS = 20;

/** A stereo recording of a call: the caller's microphone, and the agent as the caller heard it. */
export interface CallRecording {
  readonly sampleRate: number;
  /** What the microphone picked up (speech, echo, noise), before the network. */
  readonly mic: Int16Array;
  /** The agent's audio at the caller's ear. */
  readonly agent: Int16Array;
}

/** What the acoustic world adds to a call's result. */
export interface AcousticCallResult extends CallResult {
  readonly recording: CallRecording;
  readonly acoustic: {
    readonly vad: FrameVad['kind'];
    readonly sampleRate: number;
    /** The echo path delay the canceller found, if it found one. */
    readonly echoPathMs: number | undefined;
    readonly packetsSent: number;
    readonly packetsLost: number;
  };
}

/**
 * Where an acoustic call runs: on the virtual clock with simulated providers (the default), or
 * on another clock with other providers (live mode: the wall clock and real services).
 */
export interface AudioWorld {
  readonly clock: Clock;
  /** Lets the call's time pass up to `ms`: runs a virtual clock's timers, or waits for the wall clock. */
  advance(ms: number): Promise<void>;
  /** Providers that replace the simulated ones (see WorldHooks.providers). */
  readonly providers?: WorldHooks['providers'];
  /** The session's trace, when the providers report to it. */
  readonly trace?: Trace;
  /** Whether the cleaned microphone audio goes to the session's STT (a real one hears samples; the simulated one hears the script). */
  readonly forwardAudio: boolean;
}

/** How an acoustic call is run (none of it changes the result). */
export interface AcousticCallOptions {
  /**
   * Whether the microphone path may clean each window one window ahead, so that the VAD
   * infers (on a thread of its own) while the call's timers run; it does where the uplink's
   * latency and the echo canceller allow it, with the same result as without. Default true.
   */
  readonly headStart?: boolean;
}

/** The simulator's world: a virtual clock whose timers run as the call advances. */
function virtualWorld(): AudioWorld {
  const clock = new VirtualClock();
  return { clock, advance: (ms) => clock.runUntil(ms), forwardAudio: false };
}

/**
 * Runs an acoustic scenario: the same agent session and simulated providers as the symbolic
 * world, but the caller's voice is real samples (clips), the agent's voice too, and the
 * microphone signal is mixed sample by sample (speech, the agent's echo through a room,
 * background noise), sent in 20 ms packets (loss concealed, μ-law on a phone line) and heard
 * through the core's audio path: echo canceller, Silero (or energy) VAD, hysteresis.
 *
 * The virtual clock advances one VAD window (32 ms) at a time; each window's audio is rendered
 * from what has happened up to then, so the agent's reactions shape what the microphone hears
 * next (its echo, a barge-in timed on its speech).
 */
export async function runAcousticCall(
  scenario: Scenario,
  config: AgentConfig,
  seed: number,
  makeWorld: (sampleRate: 8000 | 16000) => AudioWorld = virtualWorld,
  options: AcousticCallOptions = {},
): Promise<AcousticCallResult> {
  const sampleRate = scenario.channel.codec === 'mulaw' ? 8000 : 16000;
  const world = makeWorld(sampleRate);
  const bank = ClipBank.open(bankDirFor(scenario.file, scenario.acoustic?.clips?.path));
  const user = userSpeech(scenario, bank, sampleRate);
  const ttsSpec = config.providers.tts;
  // One draw per call of what a room and a jitter buffer keep constant; streams of their own,
  // so the symbolic world's draws are untouched.
  const streams = new RandomStreams(seed);
  const acousticRandom = (name: string): Random => streams.stream(`acoustic-${name}`);
  // Audio leaves the phone a packet at a time: a packet's length on top of the network's latency.
  const uplinkMs = PACKET_MS + draw(scenario.channel.uplinkMs, acousticRandom('uplink')) + draw(scenario.channel.jitterMs, acousticRandom('uplink'));
  const echoDelayMs = scenario.channel.echo ? draw(scenario.channel.echo.delayMs, acousticRandom('echo')) : undefined;

  let input: AudioInput | undefined;
  const windows = new WindowLog();
  let echoPathMs: number | undefined;
  let micSignal: MicSignal | undefined;
  const placeSound = (sound: Sound): void => {
    const at = Math.round((sound.startMs * sampleRate) / 1000);
    if (sound.kind === 'noise' && sound.endMs !== undefined) {
      micSignal!.place(at, noiseBurst(sound.endMs - sound.startMs, sound.levelDb, sampleRate, acousticRandom(`burst-${sound.id}`)));
      return;
    }
    const samples = sound.action === undefined ? undefined : user.samplesOf(sound.action);
    if (samples) micSignal!.place(at, samples);
  };
  const { clock } = world;
  const call = setUpCall(scenario, config, seed, {
    clock,
    ...(world.providers ? { providers: world.providers } : {}),
    ...(world.trace ? { trace: world.trace } : {}),
    sampleRate,
    ttsVoice: agentVoice(bank, sampleRate, ttsSpec.levelDb),
    vadSensor: { soundOn: () => {}, soundOff: () => {} },
    userVoice: user.voice,
    onUserSound: placeSound,
    uplinkMs,
    ...(echoDelayMs !== undefined ? { echoDelayMs } : {}),
    // The STT hears the canceller's output: an echo word only where echo got through, loud enough.
    sttHearsWord: (sound: Sound, word: SttWord) =>
      sound.kind !== 'echo' || windows.echoAudible(word.startMs, word.endMs, sound.levelDb, config.providers.stt.transcribeAboveDb),
  });
  const { session, ear } = call;

  // Silero on a thread of its own overlaps the model with the simulation; in a worker of the
  // pool (--workers) the other workers already take the other cores, and a second busy thread
  // per call would only compete with them.
  const vad: FrameVad =
    config.vad.model === 'energy'
      ? createEnergyVad({ sampleRate })
      : isMainThread
        ? await createThreadedSileroVad({ sampleRate })
        : await createSileroVad({ sampleRate });
  input = new AudioInput({
    clock,
    vad,
    hysteresis: {
      activationThreshold: config.vad.activationThreshold,
      minSpeechMs: config.vad.minSpeechMs,
      minSilenceMs: config.vad.minSilenceMs,
      prefixPaddingMs: config.vad.prefixPaddingMs,
    },
    echoCanceller: config.echoCanceller,
    // The simulated STT hears the script; a real (or recorded) one hears the samples.
    forwardAudio: world.forwardAudio,
  });
  input.listenTo(session.playout);
  input.subscribe((event) => {
    switch (event.type) {
      case 'vad':
        session.handleVad(event.event);
        return;
      case 'window':
        windows.record(event.startMs, event.echo === undefined || !event.echo.suppressed, event.echo?.erleDb ?? 0);
        return;
      case 'echo_path':
        echoPathMs = event.delayMs;
        session.trace.emit('echo.path', { delayMs: event.delayMs });
        return;
      case 'audio':
        if (world.forwardAudio) session.pushAudio(event.chunk);
        return;
    }
  });

  const earTrack = new SampleTrack(sampleRate);
  recordAgentAtEar(session.playout, earTrack, () => ear.flowTransitMs, () => clock.now(), sampleRate);
  const echo = scenario.channel.echo;
  micSignal = new MicSignal({
    echo: echo
      ? { ear: earTrack, delaySamples: Math.round((echoDelayMs! * sampleRate) / 1000), gain: 10 ** (echo.gainDb / 20), taps: roomTaps(echo.roomMs, sampleRate, acousticRandom('room')) }
      : undefined,
    background: scenario.channel.noise
      ? backgroundNoise(scenario.channel.noise.kind, scenario.channel.noise.levelDb, sampleRate, acousticRandom('noise'), babbleVoices(bank, sampleRate))
      : undefined,
  });
  const uplink = new AcousticUplink({ sampleRate, loss: call.loss, codec: scenario.channel.codec });
  const line = new CallerLine({ mic: micSignal, uplink, sampleRate, windowSamples: input.windowSamples, latencySamples: Math.round((uplinkMs * sampleRate) / 1000) });

  await call.start();
  const heard = await hearCall({
    world,
    input,
    line,
    finished: () => call.finished(),
    limit: Math.round((scenario.maxDurationMs * sampleRate) / 1000),
    headStart: options.headStart ?? true,
  });
  await input.end(clock.now());
  await vad.dispose();
  const result = await call.finish();
  const length = Math.round((result.endMs * sampleRate) / 1000);
  const packets = uplink.countsBefore(heard - line.latencySamples);
  return {
    ...result,
    recording: { sampleRate, mic: line.recording(length), agent: earTrack.pcm16(length) },
    acoustic: {
      vad: vad.kind,
      sampleRate,
      echoPathMs,
      packetsSent: packets.sent,
      packetsLost: packets.lost,
    },
  };
}

/** What {@link hearCall} needs. */
interface Hearing {
  readonly world: AudioWorld;
  readonly input: AudioInput;
  readonly line: CallerLine;
  readonly finished: () => boolean;
  /** The call's longest length, in samples. */
  readonly limit: number;
  readonly headStart: boolean;
}

/**
 * The call, window by window: each window is heard (its VAD answer applied) when the clock
 * reaches its end. Returns the end of the last window heard (a sample index).
 *
 * A function of its own (not inlined in {@link runAcousticCall}) so that its optimized code
 * outlives a call: V8 otherwise recompiles the whole call function for every call.
 */
async function hearCall({ world, input, line, finished, limit, headStart }: Hearing): Promise<number> {
  const windowSamples = input.windowSamples;
  const ms = (index: number): number => (index * 1000) / input.sampleRate;
  const prepare = (at: number) => input.prepareWindow(line.arriving(at), ms(at));
  let heard = 0;
  if (headStart && line.latencySamples >= windowSamples + line.packetSamples && input.lookaheadWindows >= 1) {
    // With an uplink at least a window and a packet long, what reaches the agent during the next
    // window has all been captured by the end of this one, and the echo canceller cleans it
    // from what was played before that. So while the VAD infers this window (on a thread of its
    // own), the call's timers run up to its end and the next window is rendered and cleaned;
    // the result is the same as without the head start (a test holds that).
    let current = input.submitWindow(prepare(0));
    for (let at = 0; !finished() && at < limit; at += windowSamples) {
      const end = at + windowSamples;
      await world.advance(ms(end));
      const prepared = prepare(end);
      // The next window goes to the VAD the moment it has answered for this one.
      let following: SubmittedWindow | undefined;
      await current.complete(() => (following = input.submitWindow(prepared)));
      current = following!;
      heard = end;
    }
    // The window prepared ahead would have arrived after the call ended.
    await current.discard();
    return heard;
  }
  for (let at = 0; !finished() && at < limit; at += windowSamples) {
    const end = at + windowSamples;
    await world.advance(ms(end));
    await input.submitWindow(prepare(at)).complete();
    heard = end;
  }
  return heard;
}

/**
 * The caller's side of the line: the microphone signal recorded and sent in packets, which
 * arrive at the agent a constant latency later (a jitter buffer's playout delay).
 */
class CallerLine {
  readonly packetSamples: number;
  readonly latencySamples: number;
  readonly #mic: MicSignal;
  readonly #uplink: AcousticUplink;
  readonly #track: SampleTrack;
  readonly #arrived: SampleQueue;
  readonly #packet: Float32Array;
  readonly #delivered: Float32Array;
  readonly #window: Float32Array;
  /** Where the next packet starts (a sample index of the caller's microphone). */
  #sent = 0;

  constructor(options: { mic: MicSignal; uplink: AcousticUplink; sampleRate: number; windowSamples: number; latencySamples: number }) {
    const { uplink, windowSamples, latencySamples } = options;
    this.#mic = options.mic;
    this.#uplink = uplink;
    this.packetSamples = uplink.packetSamples;
    this.latencySamples = latencySamples;
    this.#track = new SampleTrack(options.sampleRate);
    this.#arrived = new SampleQueue(windowSamples + this.packetSamples + latencySamples);
    this.#arrived.pushSilence(latencySamples);
    this.#packet = new Float32Array(this.packetSamples);
    this.#delivered = new Float32Array(this.packetSamples);
    this.#window = new Float32Array(windowSamples);
  }

  /**
   * What reaches the agent in the window starting at sample `at` (windows in order; the
   * samples are valid until the next call): the packets it needs are rendered and sent first.
   */
  arriving(at: number): Float32Array {
    const end = at + this.#window.length;
    while (this.#sent + this.latencySamples < end) {
      this.#mic.render(this.#sent, this.#packet);
      this.#track.write(this.#sent, this.#packet);
      this.#uplink.transmit(this.#sent, this.#packet, this.#delivered);
      this.#arrived.push(this.#delivered);
      this.#sent += this.packetSamples;
    }
    this.#arrived.shift(this.#window);
    return this.#window;
  }

  /** The microphone's first `length` samples, as PCM16: past what was sent, too. */
  recording(length: number): Int16Array {
    for (; this.#sent < length; this.#sent += this.packetSamples) {
      this.#mic.render(this.#sent, this.#packet);
      this.#track.write(this.#sent, this.#packet);
    }
    return this.#track.pcm16(length);
  }
}

/**
 * Writes the agent's audio, as the caller hears it, into `track`: each chunk the playout plays,
 * shifted by the downlink's transit for that stretch of audio, cut where the playout stopped.
 */
function recordAgentAtEar(
  playout: PlayoutBuffer,
  track: SampleTrack,
  transitMs: () => number,
  now: () => number,
  sampleRate: number,
): void {
  const index = (ms: number): number => Math.round((ms * sampleRate) / 1000);
  let writtenEnd = 0;
  playout.subscribe((event) => {
    if (event.type === 'chunk' && event.chunk.pcm) {
      const from = Math.min(event.chunk.pcm.length, index(event.offsetMs));
      const at = index(event.atMs + transitMs());
      track.write(at, event.chunk.pcm, from);
      writtenEnd = at + (event.chunk.pcm.length - from);
    } else if (event.type === 'stop') {
      const cut = index(now() + transitMs());
      if (cut < writtenEnd) track.clear(cut, writtenEnd);
      writtenEnd = Math.min(writtenEnd, cut);
    }
  });
}

/** Every user clip of the bank, for babble. */
function babbleVoices(bank: ClipBank, sampleRate: number): Float32Array[] {
  return Object.values(bank.manifest.clips.user ?? {})
    .sort()
    .map((file) => bank.clip(file, sampleRate));
}

/**
 * What the echo canceller let through, window by window: for the STT, which hears its output,
 * an echo word is audible where a window it overlaps passed and the echo, less what the
 * canceller removes, is above what the STT transcribes.
 */
class WindowLog {
  readonly #passed: boolean[] = [];
  readonly #erleDb: number[] = [];
  #windowMs = 0;

  record(startMs: number, passed: boolean, erleDb: number): void {
    if (this.#passed.length === 1) this.#windowMs = startMs;
    this.#passed.push(passed);
    this.#erleDb.push(erleDb);
  }

  echoAudible(startMs: number, endMs: number, echoLevelDb: number, transcribeAboveDb: number): boolean {
    if (this.#windowMs === 0) return false;
    const first = Math.max(0, Math.floor(startMs / this.#windowMs));
    const last = Math.min(this.#passed.length - 1, Math.floor(endMs / this.#windowMs));
    for (let k = first; k <= last; k++) {
      if (this.#passed[k] && echoLevelDb - this.#erleDb[k]! >= transcribeAboveDb) return true;
    }
    return false;
  }
}

/** A first-in first-out queue of samples, preallocated. */
class SampleQueue {
  #buffer: Float32Array;
  #length = 0;

  constructor(capacity: number) {
    this.#buffer = new Float32Array(capacity);
  }

  push(samples: Float32Array): void {
    this.#ensure(this.#length + samples.length);
    this.#buffer.set(samples, this.#length);
    this.#length += samples.length;
  }

  pushSilence(count: number): void {
    this.#ensure(this.#length + count);
    this.#buffer.fill(0, this.#length, this.#length + count);
    this.#length += count;
  }

  /** Takes `out.length` samples from the front (silence for what is missing). */
  shift(out: Float32Array): void {
    const take = Math.min(out.length, this.#length);
    out.set(this.#buffer.subarray(0, take));
    out.fill(0, take);
    this.#buffer.copyWithin(0, take, this.#length);
    this.#length -= take;
  }

  #ensure(capacity: number): void {
    if (capacity <= this.#buffer.length) return;
    const bigger = new Float32Array(Math.max(capacity, this.#buffer.length * 2));
    bigger.set(this.#buffer.subarray(0, this.#length));
    this.#buffer = bigger;
  }
}
