import type { Clock } from '../../core/clock/clock.js';
import type { Anchor, Scenario, SourceRef, SpeakAction, UserAction } from '../scenario/model.js';
import type { WorldEvents } from './anchors.js';
import { speakingTimeMs, timeWords, type Sound, type TruthWord } from './sound.js';

/** A user action as it ran. */
export interface ExecutedAction {
  readonly index: number;
  readonly kind: UserAction['kind'];
  readonly startMs: number;
  readonly endMs: number;
  readonly text: string | undefined;
  /** The action was timed with `at` (it starts a new user turn when it speaks). */
  readonly timed: boolean;
  readonly source: SourceRef;
}

/** An action that never ran, and what it was waiting for. */
export interface UnrunAction {
  readonly index: number;
  readonly source: SourceRef;
  readonly waitingFor: string;
}

/**
 * How the user's speech sounds: how long an utterance lasts and where its words fall. The
 * symbolic world times words at the speaking rate; the acoustic world takes both from clips.
 */
export interface UserVoice {
  speak(index: number, action: SpeakAction, startMs: number): { readonly endMs: number; readonly words: readonly TruthWord[] };
}

/** The symbolic voice: words at the action's (or the scenario's) speaking rate, spread by length. */
export function symbolicVoice(scenario: Scenario): UserVoice {
  return {
    speak: (_index, action, startMs) => {
      const endMs = startMs + speakingTimeMs(action.text, action.wpm ?? scenario.voice.wpm);
      return { endMs, words: timeWords(action.text, startMs, endMs) };
    },
  };
}

/** Where the scripted user's sounds go: the microphone (symbolic or acoustic). */
export interface SoundSink {
  start(sound: Sound): void;
}

/** What the scripted user needs from the world. */
export interface ScriptedUserOptions {
  readonly clock: Clock;
  readonly scenario: Scenario;
  readonly mic: SoundSink;
  /** How speech is timed; the symbolic voice by default. */
  readonly voice?: UserVoice;
  readonly events: WorldEvents;
  readonly nextSoundId: () => number;
  /** Called when the script is over (all actions ran, or a hang-up). */
  readonly onDone: (reason: 'script_done' | 'hangup') => void;
}

/**
 * Plays the scenario's user script on the clock: each action starts when the previous one has
 * ended and its `at` anchor (if any) has happened. Agent events are taken after the end of the
 * user's last turn speech, so `agent.speech.start + 2s` means "2 s into the agent's answer".
 */
export class ScriptedUser {
  readonly #options: ScriptedUserOptions;
  readonly executed: ExecutedAction[] = [];
  #waiting: { index: number; waitingFor: string } | undefined;
  #lastTurnSpeechEndMs = 0;
  #done = false;

  readonly #voice: UserVoice;

  constructor(options: ScriptedUserOptions) {
    this.#options = options;
    this.#voice = options.voice ?? symbolicVoice(options.scenario);
  }

  /** Starts the script. */
  start(): void {
    this.#run(0);
  }

  /** The action still waiting when the call ended, if any, and every one after it. */
  unrun(): UnrunAction[] {
    const actions = this.#options.scenario.user;
    const from = this.#waiting?.index ?? this.executed.length;
    return actions.slice(from).map((action, i) => ({
      index: from + i,
      source: action.source,
      waitingFor: i === 0 && this.#waiting ? this.#waiting.waitingFor : 'an earlier action',
    }));
  }

  #run(index: number): void {
    const { scenario, clock } = this.#options;
    const action = scenario.user[index];
    if (!action) {
      this.#finish('script_done');
      return;
    }
    const previous = this.executed.at(-1);
    const perform = (): void => {
      this.#waiting = undefined;
      this.#perform(index, action);
    };
    if (!action.at) {
      // At once, not through a timer: the virtual clock fires a zero delay set during a tick 1 ms late.
      perform();
      return;
    }
    this.#waiting = { index, waitingFor: describeAnchor(action.at) };
    const earliestMs = clock.now();
    this.#resolve(action.at, previous, (anchorMs) => {
      const startMs = Math.max(anchorMs + action.at!.offsetMs, earliestMs);
      if (startMs <= clock.now()) perform();
      else clock.setTimeout(perform, startMs - clock.now());
    });
  }

  #resolve(anchor: Anchor, previous: ExecutedAction | undefined, then: (atMs: number) => void): void {
    switch (anchor.event) {
      case 'call.start':
        then(0);
        return;
      case 'previous.start':
        then(previous?.startMs ?? 0);
        return;
      case 'previous.end':
        then(previous?.endMs ?? 0);
        return;
      default:
        this.#options.events.next(anchor.event, this.#lastTurnSpeechEndMs, then);
    }
  }

  #perform(index: number, action: UserAction): void {
    if (this.#done) return;
    const { clock, mic, scenario } = this.#options;
    const startMs = clock.now();
    const record = (endMs: number, text?: string): void => {
      this.executed.push({ index, kind: action.kind, startMs, endMs, text, timed: action.at !== undefined, source: action.source });
    };
    switch (action.kind) {
      case 'say':
      case 'filler':
      case 'backchannel': {
        const { endMs, words } = this.#voice.speak(index, action, startMs);
        mic.start(this.#speech(index, action, startMs, endMs, words));
        record(endMs, action.text);
        if (action.kind !== 'backchannel') this.#lastTurnSpeechEndMs = endMs;
        this.#after(endMs, index);
        return;
      }
      case 'pause':
      case 'silence':
        record(startMs + action.durationMs);
        this.#after(startMs + action.durationMs, index);
        return;
      case 'noise': {
        const endMs = startMs + action.durationMs;
        mic.start({
          id: this.#options.nextSoundId(),
          kind: 'noise',
          startMs,
          endMs,
          levelDb: action.levelDb ?? -25,
          text: '',
          action: index,
          speech: undefined,
          words: () => [],
        });
        record(endMs);
        this.#after(endMs, index);
        return;
      }
      case 'hangup':
        record(startMs);
        this.#finish('hangup');
        return;
    }
  }

  #speech(index: number, action: SpeakAction, startMs: number, endMs: number, words: readonly TruthWord[]): Sound {
    return {
      id: this.#options.nextSoundId(),
      kind: action.kind === 'say' ? 'speech' : action.kind,
      startMs,
      endMs,
      levelDb: action.levelDb ?? this.#options.scenario.voice.levelDb,
      text: action.text,
      action: index,
      speech: undefined,
      words: (untilMs) => words.filter((w) => w.startMs <= untilMs),
    };
  }

  #after(endMs: number, index: number): void {
    const { clock } = this.#options;
    clock.setTimeout(() => this.#run(index + 1), endMs - clock.now());
  }

  #finish(reason: 'script_done' | 'hangup'): void {
    if (this.#done) return;
    this.#done = true;
    this.#options.onDone(reason);
  }
}

/** "agent.speech.start + 1500 ms", for messages. */
export function describeAnchor(anchor: Anchor): string {
  if (anchor.offsetMs === 0) return anchor.event;
  const sign = anchor.offsetMs < 0 ? '−' : '+';
  return `${anchor.event} ${sign} ${Math.abs(anchor.offsetMs)} ms`;
}
