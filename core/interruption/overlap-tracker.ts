import type { Clock, TimerHandle } from '../clock/clock.js';
import type { OverlapKind } from '../trace/events.js';
import { classifyOverlap, onlyBackchannels, type InterruptionConfig, type OverlapObservation } from './policy.js';

/** The final verdict on one stretch of overlapping user speech. */
export interface OverlapOutcome {
  readonly kind: OverlapKind;
  readonly why: string;
  readonly onsetMs: number;
  readonly speechMs: number;
  readonly words: readonly string[];
  /** End of the speech, when it had ended by the verdict. */
  readonly speechEndMs: number | undefined;
}

/** What the tracker knows when the speech starts. */
export interface OverlapStart {
  readonly onsetMs: number;
  readonly levelDb?: number;
  readonly referenceLevelDb?: number;
  readonly agentWords: ReadonlySet<string>;
}

/**
 * Follows one stretch of user speech heard while the agent talks, re-running the interruption
 * policy as it learns more (words, the end of the speech, elapsed time) until it has a verdict.
 * It reports the verdict once through `onVerdict`.
 */
export class OverlapTracker {
  readonly #clock: Clock;
  readonly #config: InterruptionConfig;
  readonly #onVerdict: (outcome: OverlapOutcome) => void;
  readonly #start: OverlapStart;
  #levelDb: number | undefined;
  #words: readonly string[] = [];
  #speechEndMs: number | undefined;
  /** When the current stretch of speech began; the speech time and longest stretch before it. */
  #stretchStartMs: number;
  #voicedMs = 0;
  #longestStretchMs = 0;
  #wordsTimedOut = false;
  #wordsFinal = false;
  #decided = false;
  #timers: TimerHandle[] = [];
  #wordsTimer: TimerHandle | undefined;
  #echoLikely = false;

  constructor(clock: Clock, config: InterruptionConfig, start: OverlapStart, onVerdict: (outcome: OverlapOutcome) => void) {
    this.#clock = clock;
    this.#config = config;
    this.#start = start;
    this.#levelDb = start.levelDb;
    this.#onVerdict = onVerdict;
    this.#stretchStartMs = start.onsetMs;
    this.#watchDurations();
  }

  get onsetMs(): number {
    return this.#start.onsetMs;
  }

  get decided(): boolean {
    return this.#decided;
  }

  /** Whether the speech so far is probably the agent's own echo (no reason to pause for it). */
  get echoLikely(): boolean {
    return this.#echoLikely;
  }

  /** Whether sound at `levelDb` is no louder than the agent's echo would be. */
  explainedByEcho(levelDb: number | undefined): boolean {
    const reference = this.#start.referenceLevelDb;
    const gain = this.#config.echoMaxGainDb;
    return levelDb === undefined || (reference !== undefined && gain !== null && levelDb <= reference + gain);
  }

  /**
   * Concludes the overlap as the agent's echo: a louder voice joined at `louderOnsetMs`, and it
   * is a new overlap of its own.
   */
  endAsEcho(louderOnsetMs: number): void {
    if (this.#decided) return;
    this.#decided = true;
    this.dispose();
    const speechMs = this.#speechMs();
    this.#onVerdict({
      kind: 'echo',
      why: 'no louder than the agent\'s own audio until a louder voice joined',
      onsetMs: this.#start.onsetMs,
      speechMs,
      words: this.#words,
      speechEndMs: Math.min(this.#speechEndMs ?? louderOnsetMs, louderOnsetMs),
    });
  }

  /**
   * New speech after this overlap's speech had ended, which was nothing but backchannels: that
   * was a backchannel, concluded now, and the new speech is an overlap of its own (rather than
   * one long stretch that would look too long for a backchannel). Returns whether it concluded.
   */
  concludeAsBackchannel(): boolean {
    if (this.#decided || this.#speechEndMs === undefined || !onlyBackchannels(this.#words, this.#config)) return false;
    this.#decided = true;
    this.dispose();
    this.#onVerdict({
      kind: 'backchannel',
      why: `"${this.#words.join(' ')}" is a backchannel, and it was over before more sound began`,
      onsetMs: this.#start.onsetMs,
      speechMs: this.#speechMs(),
      words: this.#words,
      speechEndMs: this.#speechEndMs,
    });
    return true;
  }

  /** Runs the policy on what is known at first. */
  begin(): void {
    this.#evaluate();
  }

  /**
   * Speech started again (at `onsetMs`), or got louder (a new voice over the echo). Durations
   * count speech only: the silence between stretches is not part of it.
   */
  onSpeechStart(levelDb: number | undefined, onsetMs = this.#clock.now()): void {
    if (this.#decided) return;
    if (this.#speechEndMs !== undefined) {
      const stretchMs = Math.max(0, this.#speechEndMs - this.#stretchStartMs);
      this.#voicedMs += stretchMs;
      this.#longestStretchMs = Math.max(this.#longestStretchMs, stretchMs);
      this.#stretchStartMs = Math.max(onsetMs, this.#speechEndMs);
      this.#watchDurations();
    }
    this.#speechEndMs = undefined;
    this.#wordsTimedOut = false;
    if (this.#wordsTimer !== undefined) this.#clock.clearTimeout(this.#wordsTimer);
    this.#wordsTimer = undefined;
    if (levelDb !== undefined) this.#levelDb = Math.max(this.#levelDb ?? -Infinity, levelDb);
    this.#evaluate();
  }

  /** All words transcribed since the onset; `final` when no interim result is pending. */
  onWords(words: readonly string[], final = false): void {
    if (this.#decided) return;
    this.#words = words;
    this.#wordsFinal = final;
    this.#evaluate();
  }

  onSpeechEnd(speechEndMs: number): void {
    if (this.#decided) return;
    this.#speechEndMs = speechEndMs;
    this.#wordsTimer = this.#at(this.#clock.now() + this.#config.wordsTimeoutMs, () => {
      this.#wordsTimedOut = true;
    });
    this.#evaluate();
  }

  /** Cancels the tracker's timers. */
  dispose(): void {
    for (const timer of this.#timers) this.#clock.clearTimeout(timer);
    this.#timers = [];
    this.#wordsTimer = undefined;
  }

  #currentStretchMs(): number {
    return Math.max(0, (this.#speechEndMs ?? this.#clock.now()) - this.#stretchStartMs);
  }

  /** Speech time so far: earlier stretches plus the current one. */
  #speechMs(): number {
    return this.#voicedMs + this.#currentStretchMs();
  }

  /**
   * Duration thresholds can be crossed with nothing else happening: look again when the current
   * stretch would cross them. (Stretches do not add up: "mhm … mhm" is not one long utterance.)
   */
  #watchDurations(): void {
    const thresholds = [this.#config.backchannelMaxMs + 1, ...(this.#config.minWords === 0 ? [this.#config.minDurationMs] : [])];
    for (const threshold of thresholds) this.#at(this.#stretchStartMs + threshold);
  }

  #observation(): OverlapObservation {
    return {
      speechMs: Math.max(this.#longestStretchMs, this.#currentStretchMs()),
      ended: this.#speechEndMs !== undefined,
      words: this.#words,
      ...(this.#levelDb !== undefined ? { levelDb: this.#levelDb } : {}),
      ...(this.#start.referenceLevelDb !== undefined ? { referenceLevelDb: this.#start.referenceLevelDb } : {}),
      agentWords: this.#start.agentWords,
      wordsTimedOut: this.#wordsTimedOut,
      wordsFinal: this.#wordsFinal,
    };
  }

  #evaluate(): void {
    if (this.#decided) return;
    const observation = this.#observation();
    const verdict = classifyOverlap(observation, this.#config);
    if (!verdict.decided) {
      this.#echoLikely = verdict.echoLikely;
      return;
    }
    this.#decided = true;
    this.dispose();
    this.#onVerdict({
      kind: verdict.kind,
      why: verdict.why,
      onsetMs: this.#start.onsetMs,
      speechMs: this.#speechMs(),
      words: this.#words,
      speechEndMs: this.#speechEndMs,
    });
  }

  #at(timeMs: number, before?: () => void): TimerHandle {
    // Rounded up: a clock that rounds delays (the virtual clock's 1 ms) must not fire before
    // `timeMs`, or a duration threshold would be checked just short of it and never again.
    const timer = this.#clock.setTimeout(() => {
      before?.();
      this.#evaluate();
    }, Math.ceil(timeMs - this.#clock.now()));
    this.#timers.push(timer);
    return timer;
  }
}
