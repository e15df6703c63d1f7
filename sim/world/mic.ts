import type { Clock } from '../../core/clock/clock.js';
import type { Random } from '../../core/random/random.js';
import type { Trace } from '../../core/trace/trace.js';
import type { SttWord } from '../../providers/stt.js';
import type { VadSpec } from '../config/model.js';
import { Link, LossProcess, survivingParts } from './channel.js';
import type { Sound, TruthWord } from './sound.js';
import type { SimulatedSttSession } from './stt-sensor.js';

/** Filler words an STT mishears a word as. */
const MISHEARINGS = ['uh', 'the', 'a', 'and', 'on', 'in', 'I', 'it'];

/** What hears sound pieces arrive (the symbolic world's VAD; nothing in the acoustic world, where the real VAD hears samples). */
export interface VadSensor {
  soundOn(id: number, levelDb: number): void;
  soundOff(id: number): void;
}

/** What the microphone path needs. */
export interface MicOptions {
  readonly clock: Clock;
  readonly trace: Trace;
  readonly vad: VadSensor;
  readonly vadSpec: VadSpec;
  readonly stt: SimulatedSttSession;
  /** Quietest sound the STT transcribes, dBFS. */
  readonly transcribeAboveDb: number;
  readonly wordErrorRate: number;
  readonly uplink: Link;
  readonly loss: LossProcess | undefined;
  /** Streams for the sensor errors: missed detections and misheard words. */
  readonly random: { readonly vad: Random; readonly stt: Random };
  /**
   * Whether the STT makes out a word of an open-ended sound (an echo) at its agent-side time;
   * all of them by default. The acoustic world asks its echo canceller.
   */
  readonly sttHearsWord?: (sound: Sound, word: SttWord) => boolean;
}

/**
 * The user's microphone and the uplink behind it. Sounds (user speech, echo, noise) are added
 * with their true times; at each edge the microphone sends it over the uplink (with loss), and on
 * arrival the simulated VAD and STT hear it. It also records the ground truth in the trace
 * (`user.speech_start` / `user.speech_end`).
 */
export class Microphone {
  readonly #options: MicOptions;
  readonly #sounds: Sound[] = [];
  /** The single piece of each sound started without an end. */
  readonly #openPieces = new Map<number, number>();
  #nextPieceId = 1;

  constructor(options: MicOptions) {
    this.#options = options;
  }

  /** Every sound so far, in order of start. */
  get sounds(): readonly Sound[] {
    return this.#sounds;
  }

  /** Adds a sound that starts now; its end is known (scripted) or given later with `end`. */
  start(sound: Sound): void {
    const { clock, trace } = this.#options;
    this.#sounds.push(sound);
    const kind = sound.kind;
    const isUserSpeech = kind === 'speech' || kind === 'filler' || kind === 'backchannel';
    if (isUserSpeech) trace.emit('user.speech_start', { kind, text: sound.text });
    if (sound.endMs !== undefined) {
      const endMs = sound.endMs;
      this.#plan(sound, endMs);
      if (isUserSpeech) clock.setTimeout(() => trace.emit('user.speech_end', { kind, text: sound.text }), endMs - clock.now());
    } else {
      this.#openEdge(sound);
    }
  }

  /** Ends a sound started without an end (an echo), now. */
  end(sound: Sound): void {
    if (sound.endMs !== undefined) return;
    sound.endMs = this.#options.clock.now();
    this.#closeEdge(sound);
  }

  /** A sound with a known end: split by packet loss, each surviving piece sent at its edges. */
  #plan(sound: Sound, endMs: number): void {
    const { clock, loss } = this.#options;
    const parts = loss ? survivingParts(sound.startMs, endMs, loss.lostBetween(sound.startMs, endMs)) : [{ startMs: sound.startMs, endMs }];
    const isUserSpeech = sound.kind === 'speech' || sound.kind === 'filler' || sound.kind === 'backchannel';
    const missed = isUserSpeech && this.#options.vadSpec.missRate > 0 && this.#options.random.vad.chance(this.#options.vadSpec.missRate);
    const heardByVad = !missed && this.#vadHears(sound);
    const heardBySttPieces = this.#sttHears(sound) ? parts : [];
    let sttOn = false;
    parts.forEach((part, index) => {
      const id = this.#nextPieceId++;
      clock.setTimeout(() => {
        this.#options.uplink.send(clock.now(), (arrivedMs) => {
          sound.arrivedMs ??= arrivedMs;
          if (heardByVad) this.#options.vad.soundOn(id, sound.levelDb);
          if (heardBySttPieces.length > 0 && !sttOn) {
            sttOn = true;
            const offsetMs = arrivedMs - part.startMs;
            const words = this.#recognisedWords(sound, parts);
            this.#options.stt.speechOn(sound.id, (untilMs) => words.filter((w) => w.startMs + offsetMs <= untilMs).map((w) => shift(w, offsetMs)));
          }
        });
      }, part.startMs - clock.now());
      clock.setTimeout(() => {
        this.#options.uplink.send(clock.now(), () => {
          if (heardByVad) this.#options.vad.soundOff(id);
          if (index === parts.length - 1 && sttOn) this.#options.stt.speechOff(sound.id);
        });
      }, part.endMs - clock.now());
    });
  }

  /** A sound whose end is not known yet: its start goes out now (no loss modelled). */
  #openEdge(sound: Sound): void {
    const { clock } = this.#options;
    const id = this.#nextPieceId++;
    this.#openPieces.set(sound.id, id);
    this.#options.uplink.send(clock.now(), (arrivedMs) => {
      sound.arrivedMs ??= arrivedMs;
      if (this.#vadHears(sound)) this.#options.vad.soundOn(id, sound.levelDb);
      if (this.#sttHears(sound)) {
        const offsetMs = arrivedMs - sound.startMs;
        const hears = this.#options.sttHearsWord;
        this.#options.stt.speechOn(sound.id, (untilMs) => {
          const words = sound.words(untilMs - offsetMs).map((w) => shift(w, offsetMs));
          return hears ? words.filter((w) => hears(sound, w)) : words;
        });
      }
    });
  }

  #closeEdge(sound: Sound): void {
    const { clock } = this.#options;
    const id = this.#openPieces.get(sound.id)!;
    this.#openPieces.delete(sound.id);
    this.#options.uplink.send(clock.now(), () => {
      if (this.#vadHears(sound)) this.#options.vad.soundOff(id);
      if (this.#sttHears(sound)) this.#options.stt.speechOff(sound.id);
    });
  }

  #vadHears(sound: Sound): boolean {
    return sound.levelDb >= this.#options.vadSpec.sensitivityDb;
  }

  #sttHears(sound: Sound): boolean {
    return sound.kind !== 'noise' && sound.levelDb >= this.#options.transcribeAboveDb;
  }

  /** The words the STT makes of a sound: words mostly lost are dropped; some are misheard. */
  #recognisedWords(sound: Sound, parts: readonly { startMs: number; endMs: number }[]): TruthWord[] {
    const random = this.#options.random.stt;
    const wer = this.#options.wordErrorRate;
    const words: TruthWord[] = [];
    for (const word of sound.words(Infinity)) {
      const heardMs = parts.reduce((sum, p) => sum + Math.max(0, Math.min(p.endMs, word.endMs) - Math.max(p.startMs, word.startMs)), 0);
      if (heardMs * 2 < word.endMs - word.startMs) continue;
      if (wer > 0 && random.chance(wer)) {
        if (random.chance(1 / 3)) continue;
        words.push({ ...word, word: random.pick(MISHEARINGS) });
        continue;
      }
      words.push(word);
    }
    return words;
  }
}

function shift(word: TruthWord, offsetMs: number): SttWord {
  return { word: word.word, startMs: word.startMs + offsetMs, endMs: word.endMs + offsetMs };
}
