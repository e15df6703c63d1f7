import type { Clock } from '../../core/clock/clock.js';
import type { Random } from '../../core/random/random.js';
import type { PlayoutBuffer } from '../../core/playout/playout-buffer.js';
import type { Trace } from '../../core/trace/trace.js';
import { draw, type Distribution } from '../distribution.js';
import type { WorldEvents } from './anchors.js';
import type { Link } from './channel.js';
import type { Microphone } from './mic.js';
import type { Sound, TruthWord } from './sound.js';

/** The shortest stretch of a word's echo the STT can make out. */
const ECHO_FRAGMENT_MS = 100;

/** The agent's audio coming back into the microphone. */
export interface EchoPath {
  readonly delayMs: Distribution;
  readonly gainDb: number;
}

/** What the listener needs. */
export interface EarOptions {
  readonly clock: Clock;
  readonly trace: Trace;
  readonly playout: PlayoutBuffer;
  readonly downlink: Link;
  readonly events: WorldEvents;
  readonly mic: Microphone;
  readonly echo: EchoPath | undefined;
  /** Level of the agent's speech, dBFS (the TTS's). */
  readonly agentLevelDb: number;
  /** Speaking rate of the agent's voice, for timing its words in the echo. */
  readonly agentCharsPerSecond: number;
  readonly random: Random;
  readonly nextSoundId: () => number;
}

/**
 * The user's ear: the agent's audio arrives over the downlink. It records when the agent is
 * audible (`ear.audio_start` / `ear.audio_stop`), tells the scripted user when an utterance
 * starts and ends, and feeds the echo path back into the microphone.
 */
export class Ear {
  readonly #options: EarOptions;
  /** The transit time of the audio flow in progress (one per start/stop pair). */
  #flowTransitMs = 0;
  #echo: { sound: Sound; delayMs: number } | undefined;
  /** Per speech: audible already, and the arrival time of its last stop. */
  readonly #speeches = new Map<number, { started: boolean; lastStopMs: number | undefined }>();

  /** The downlink transit of the agent's audio flowing now (drawn when the flow started). */
  get flowTransitMs(): number {
    return this.#flowTransitMs;
  }

  constructor(options: EarOptions) {
    this.#options = options;
    options.playout.subscribe((event) => {
      switch (event.type) {
        case 'start':
          this.#onStart(event.speech);
          return;
        case 'stop':
          this.#onStop(event.speech);
          return;
        case 'end':
          this.#onEnd(event.speech);
          return;
        case 'chunk':
          return;
      }
    });
  }

  #onStart(speech: number): void {
    const { clock, downlink, trace, events } = this.#options;
    const playedAtStartMs = this.#options.playout.playedMs();
    const text = this.#options.playout.fullText();
    this.#flowTransitMs = downlink.transitMs();
    downlink.send(clock.now(), (arrivedMs) => {
      trace.emit('ear.audio_start', { speech });
      const state = this.#speeches.get(speech) ?? { started: false, lastStopMs: undefined };
      if (!state.started) {
        state.started = true;
        events.record('agent.speech.start', arrivedMs);
      }
      this.#speeches.set(speech, state);
      this.#startEcho(speech, arrivedMs, playedAtStartMs, text);
    }, this.#flowTransitMs);
  }

  #onStop(speech: number): void {
    const { clock, downlink, trace } = this.#options;
    const arrivedMs = downlink.send(clock.now(), () => {
      trace.emit('ear.audio_stop', { speech });
      this.#stopEcho();
    }, this.#flowTransitMs);
    const state = this.#speeches.get(speech) ?? { started: false, lastStopMs: undefined };
    state.lastStopMs = arrivedMs;
    this.#speeches.set(speech, state);
  }

  /** The utterance is over: it ended for the listener when its last audio did. */
  #onEnd(speech: number): void {
    const { clock, events } = this.#options;
    const endMs = this.#speeches.get(speech)?.lastStopMs;
    if (endMs === undefined) return; // never audible
    clock.setTimeout(() => {
      events.record('agent.speech.end', endMs);
      events.record('agent.turn.end', endMs);
    }, endMs - clock.now());
  }

  #startEcho(speech: number, heardAtMs: number, playedAtStartMs: number, text: string): void {
    const echo = this.#options.echo;
    if (!echo) return;
    const { clock, mic } = this.#options;
    const delayMs = draw(echo.delayMs, this.#options.random);
    const startMs = heardAtMs + delayMs;
    const msPerChar = 1000 / this.#options.agentCharsPerSecond;
    const words = agentWords(text, startMs - playedAtStartMs, msPerChar).filter((w) => w.startMs >= startMs);
    const sound: Sound = {
      id: this.#options.nextSoundId(),
      kind: 'echo',
      startMs,
      endMs: undefined,
      levelDb: this.#options.agentLevelDb + echo.gainDb,
      text,
      action: undefined,
      speech,
      // A word cut off within its first 100 ms of echo is too little to be recognised.
      words: (untilMs) => words.filter((w) => w.startMs <= untilMs && w.startMs + ECHO_FRAGMENT_MS <= (sound.endMs ?? Infinity)),
    };
    this.#echo = { sound, delayMs };
    clock.setTimeout(() => mic.start(sound), delayMs);
  }

  #stopEcho(): void {
    const echo = this.#echo;
    if (!echo) return;
    this.#echo = undefined;
    const { clock, mic } = this.#options;
    clock.setTimeout(() => mic.end(echo.sound), echo.delayMs);
  }
}

/** The agent's words on the timeline of an echo whose text starts at `originMs`. */
function agentWords(text: string, originMs: number, msPerChar: number): TruthWord[] {
  const words: TruthWord[] = [];
  const pattern = /\S+/g;
  for (let match = pattern.exec(text); match !== null; match = pattern.exec(text)) {
    const startMs = originMs + match.index * msPerChar;
    words.push({ word: match[0], startMs, endMs: startMs + match[0].length * msPerChar });
  }
  return words;
}
