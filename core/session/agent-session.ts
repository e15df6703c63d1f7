import type { AudioChunk } from '../audio/chunk.js';
import type { Clock, TimerHandle } from '../clock/clock.js';
import { normalizeTranscript } from '../endpointer/completeness.js';
import { FusionEndpointer, type Endpointer, type EndpointerDecision, type EndpointerOptions } from '../endpointer/endpointer.js';
import { withoutEchoWords, type PlayedWord } from '../interruption/echo-words.js';
import { OverlapTracker, type OverlapOutcome } from '../interruption/overlap-tracker.js';
import { resolveInterruptionConfig, wordsOf, type InterruptionConfig, type InterruptionOptions } from '../interruption/policy.js';
import { PlayoutBuffer, type PlayoutBufferOptions, type PlayoutEvent } from '../playout/playout-buffer.js';
import { SentenceBuffer, type SentenceBufferOptions } from '../text/sentence-buffer.js';
import type { AbortCause, SessionState } from '../trace/events.js';
import { Trace } from '../trace/trace.js';
import type { VadEvent } from '../vad/events.js';
import type { ChatMessage, LlmProvider } from '../../providers/llm.js';
import type { SttEvent, SttProvider, SttSession } from '../../providers/stt.js';
import type { TtsEvent, TtsProvider, TtsSession } from '../../providers/tts.js';
import { describeError } from '../util/errors.js';
import { UserTranscript } from './user-transcript.js';

/** How a session is put together. */
export interface AgentSessionOptions {
  readonly clock: Clock;
  readonly stt: SttProvider;
  readonly llm: LlmProvider;
  readonly tts: TtsProvider;
  /** Where events are recorded; a new trace on `clock` by default. */
  readonly trace?: Trace;
  /** An endpointer, or options for the default {@link FusionEndpointer}. */
  readonly endpointer?: Endpointer | EndpointerOptions;
  readonly interruption?: InterruptionOptions;
  readonly sentenceBuffer?: SentenceBufferOptions;
  readonly playout?: PlayoutBufferOptions;
  /** System prompt, first in every LLM request. */
  readonly instructions?: string;
  /**
   * How long after the agent's audio stops its echo can still reach the microphone, for echo
   * detection. Default 500 ms.
   */
  readonly echoTailMs?: number;
}

/** One agent utterance: an LLM reply to a user turn, or a scripted `say`. */
interface Speech {
  readonly id: number;
  readonly kind: 'reply' | 'say';
  /** The user turn a reply answers (0 for `say`). */
  readonly turn: number;
  /** The user text a reply answers. */
  readonly userText: string;
  readonly controller: AbortController;
  readonly sentences: SentenceBuffer;
  /** A reply started on an eager end of turn, not yet confirmed by the end of turn. */
  speculative: boolean;
  llmDone: boolean;
  llmFirstToken: boolean;
  /** Text generated so far, and when each token arrived. */
  text: string;
  readonly tokenTimesMs: number[];
  /** Chunks waiting to go to the TTS (while speculative, or while the TTS connects or clears). */
  pending: { readonly segment: number; readonly text: string }[];
  lastSegment: number;
  /** Segments sent to the TTS and not yet flushed, oldest first. */
  ttsQueue: number[];
  segmentsWithAudio: Set<number>;
  /** The user message has been committed to the history. */
  userCommitted: boolean;
  everPlayed: boolean;
  finished: boolean;
}

/**
 * A voice agent's conversation loop, explicit as a state machine:
 *
 * - `listening`: nobody speaks.
 * - `user_speaking`: the user holds the turn (speaking, or pausing before the endpoint).
 * - `thinking`: the turn is over; the reply is being generated and no audio plays yet.
 * - `speaking`: the agent's audio plays.
 * - `interrupted`: the agent's audio is paused on suspicion of a barge-in, awaiting the verdict.
 *
 * It wires STT → endpointer → LLM → sentence buffer → TTS → playout, records every transition
 * and decision in the trace, and on a barge-in stops playout, clears the TTS and aborts the LLM
 * in the same tick, keeping in the history only what the user heard.
 */
export class AgentSession {
  readonly trace: Trace;
  readonly playout: PlayoutBuffer;
  readonly #clock: Clock;
  readonly #options: AgentSessionOptions;
  readonly #endpointer: Endpointer;
  readonly #interruption: InterruptionConfig;
  readonly #transcript = new UserTranscript();
  readonly #history: ChatMessage[] = [];
  readonly #lifetime = new AbortController();
  readonly #unsubscribe: (() => void)[] = [];

  #state: SessionState = 'listening';
  #stt: SttSession | undefined;
  #tts: TtsSession | undefined;
  #ttsConnecting: Promise<void> | undefined;
  /** The TTS is dropping audio between `clear()` and `cleared`. */
  #ttsClearing: { speech: number; droppedMs: number; timer: TimerHandle } | undefined;
  #turn = 0;
  #speechCount = 0;
  #speech: Speech | undefined;
  #overlap: OverlapTracker | undefined;
  #userSpeaking = false;
  #lastAgentAudio: { levelDb: number | undefined; untilMs: number } | undefined;
  /** The agent's recently played words (for echo in transcripts), and how many of its speech's words were seen. */
  #playedWords: PlayedWord[] = [];
  #played = { speech: 0, count: 0, flowing: false };
  /** Normalised words of the speech's text, with where each ends in it (cached: chunks play far more often than text grows). */
  readonly #speechWords = cachedWordOffsets();
  #closed = false;

  constructor(options: AgentSessionOptions) {
    this.#options = options;
    this.#clock = options.clock;
    this.trace = options.trace ?? new Trace(options.clock);
    this.#endpointer = isEndpointer(options.endpointer)
      ? options.endpointer
      : new FusionEndpointer(options.clock, options.endpointer ?? {});
    this.#interruption = resolveInterruptionConfig(options.interruption);
    this.playout = new PlayoutBuffer(options.clock, options.playout);
    this.#unsubscribe.push(
      this.#endpointer.subscribe((d) => this.#onEndpointer(d)),
      this.playout.subscribe((e) => this.#onPlayout(e)),
    );
  }

  /** The current state. */
  get state(): SessionState {
    return this.#state;
  }

  /** The conversation so far (without the system prompt). */
  get history(): readonly ChatMessage[] {
    return this.#history;
  }

  /** Connects the STT and TTS sessions. Failures are traced; the session still runs. */
  async start(): Promise<void> {
    await Promise.all([this.#connectStt(), this.#connectTts()]);
  }

  /** Sends microphone audio to the STT. */
  pushAudio(chunk: AudioChunk): void {
    this.#stt?.sendAudio(chunk);
  }

  /** Feeds a voice-activity decision (from a VAD, a simulated sensor or a recording). */
  handleVad(event: VadEvent): void {
    if (this.#closed) return;
    if (event.type === 'speech_start') {
      this.#userSpeaking = true;
      this.trace.emit('vad.speech_start', { onsetMs: event.onsetMs, ...(event.levelDb !== undefined ? { levelDb: event.levelDb } : {}) });
      if (this.#overlap?.echoLikely && !this.#overlap.explainedByEcho(event.levelDb)) {
        // A voice louder than the echo joins: the echo episode is over, and this is a new overlap.
        this.#overlap.endAsEcho(event.onsetMs - OVERLAP_WORD_SLACK_MS);
      } else {
        // A finished backchannel followed by more sound: two overlaps, not one long one.
        this.#overlap?.concludeAsBackchannel();
      }
      if (this.#overlap) {
        // More speech (or a louder voice) before the verdict: the same overlap goes on.
        this.#overlap.onSpeechStart(event.levelDb, event.onsetMs);
        this.#pauseIfSuspicious();
        return;
      }
      this.#onSpeechStart(event);
      return;
    }
    if (!this.#userSpeaking) return;
    this.#userSpeaking = false;
    this.trace.emit('vad.speech_end', { speechEndMs: event.speechEndMs });
    if (this.#overlap) {
      this.#overlap.onSpeechEnd(event.speechEndMs);
      return;
    }
    this.#stt?.finalize();
    this.#endpointer.onVad(event);
  }

  /**
   * Speaks `text` without the LLM (a greeting, a scripted line). Returns the speech id.
   * Whatever the agent was saying is cut off first.
   */
  say(text: string): number {
    if (this.#speech) this.#abandonSpeech('discarded', true);
    const speech = this.#newSpeech('say', 0, '', false);
    for (const chunk of [...speech.sentences.push(text), ...speech.sentences.flush()]) this.#addChunk(speech, chunk);
    speech.llmDone = true;
    this.#setState('thinking', 'say');
    this.#maybeFinishInput(speech);
    return speech.id;
  }

  /** Ends the call: cancels everything in flight and closes the providers. */
  async close(cause = 'closed'): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#overlap?.dispose();
    this.#overlap = undefined;
    if (this.#speech) this.#abandonSpeech('closed', false);
    if (this.#ttsClearing) this.#clock.clearTimeout(this.#ttsClearing.timer);
    this.#endpointer.dispose();
    this.#lifetime.abort();
    for (const unsubscribe of this.#unsubscribe) unsubscribe();
    this.trace.emit('session.closed', { cause });
    await Promise.allSettled([this.#stt?.close(), this.#tts?.close()]);
  }

  // ——— Providers ———

  async #connectStt(): Promise<void> {
    try {
      const stt = await this.#options.stt.connect(this.#lifetime.signal);
      if (this.#closed) return void (await stt.close());
      this.#stt = stt;
      this.#unsubscribe.push(stt.subscribe((e) => this.#onStt(e)));
    } catch (error) {
      this.trace.emit('stt.error', { provider: this.#options.stt.name, message: describeError(error) });
    }
  }

  #connectTts(): Promise<void> {
    this.#ttsConnecting ??= (async () => {
      try {
        const tts = await this.#options.tts.connect(this.#lifetime.signal);
        if (this.#closed) return void (await tts.close());
        this.#tts = tts;
        this.#unsubscribe.push(tts.subscribe((e) => this.#onTts(tts, e)));
        if (this.#speech) this.#sendPending(this.#speech);
      } catch (error) {
        const speech = this.#speech;
        this.trace.emit('tts.error', { speech: speech?.id ?? 0, provider: this.#options.tts.name, message: describeError(error) });
        if (speech) this.#failSpeech(speech, `TTS unavailable: ${describeError(error)}`);
      } finally {
        this.#ttsConnecting = undefined;
      }
    })();
    return this.#ttsConnecting;
  }

  #onStt(event: SttEvent): void {
    if (this.#closed) return;
    switch (event.type) {
      case 'transcript': {
        const words = event.words.length > 0
          ? event.words
          : event.text.trim() === '' ? [] : [{ word: event.text.trim(), startMs: this.#clock.now(), endMs: this.#clock.now() }];
        this.trace.emit(event.isFinal ? 'stt.final' : 'stt.partial', { text: event.text });
        this.#transcript.apply(event.isFinal, words);
        if (this.#overlap) {
          // Word times and the VAD onset come from different sensors: allow a little slack.
          const words = withoutEchoWords(this.#transcript.wordsSince(this.#overlap.onsetMs - OVERLAP_WORD_SLACK_MS), this.#playedWords);
          this.#overlap.onWords(words.map((w) => w.word), this.#transcript.settled);
          return;
        }
        this.#endpointer.onTranscript({ text: this.#transcript.text, settled: this.#transcript.settled });
        return;
      }
      case 'turn':
        this.trace.emit('stt.turn', { signal: event.signal, ...(event.transcript !== undefined ? { transcript: event.transcript } : {}) });
        if (!this.#overlap) this.#endpointer.onProviderTurn(event.signal, event.transcript);
        return;
      case 'speech_started':
        return;
      case 'error':
        this.trace.emit('stt.error', { provider: event.error.provider, message: event.error.message });
        return;
      case 'closed':
        this.#stt = undefined;
        return;
    }
  }

  #onTts(tts: TtsSession, event: TtsEvent): void {
    if (this.#closed || tts !== this.#tts) return;
    const speech = this.#speech;
    switch (event.type) {
      case 'audio': {
        if (this.#ttsClearing) {
          this.#ttsClearing.droppedMs += (event.chunk.samples * 1000) / event.chunk.sampleRate;
          return;
        }
        const segment = speech?.ttsQueue[0];
        if (!speech || segment === undefined) return;
        if (!speech.segmentsWithAudio.has(segment)) {
          speech.segmentsWithAudio.add(segment);
          this.trace.emit('tts.first_byte', { speech: speech.id, segment });
        }
        this.playout.enqueue(segment, event.chunk, event.alignment);
        return;
      }
      case 'flushed': {
        if (this.#ttsClearing || !speech) return;
        const segment = speech.ttsQueue.shift();
        if (segment === undefined) return;
        this.trace.emit('tts.flushed', { speech: speech.id, segment });
        this.playout.completeSegment(segment);
        this.#maybeFinishInput(speech);
        return;
      }
      case 'cleared':
        if (this.#ttsClearing) {
          this.#clock.clearTimeout(this.#ttsClearing.timer);
          this.trace.emit('tts.cleared', { speech: this.#ttsClearing.speech, droppedMs: Math.round(this.#ttsClearing.droppedMs) });
          this.#ttsClearing = undefined;
          if (this.#speech) this.#sendPending(this.#speech);
        }
        return;
      case 'error':
        this.trace.emit('tts.error', { speech: speech?.id ?? 0, provider: event.error.provider, message: event.error.message });
        if (speech) this.#failSpeech(speech, `TTS error: ${event.error.message}`);
        return;
      case 'closed':
        this.#tts = undefined;
        if (this.#ttsClearing) this.#clock.clearTimeout(this.#ttsClearing.timer);
        this.#ttsClearing = undefined;
        if (speech && !speech.finished && speech.ttsQueue.length > 0) this.#failSpeech(speech, 'TTS connection closed');
        return;
    }
  }

  // ——— User speech ———

  #onSpeechStart(event: Extract<VadEvent, { type: 'speech_start' }>): void {
    const speech = this.#speech;
    if (!speech && this.#state !== 'user_speaking') this.#setState('listening', 'no agent speech');
    switch (this.#state) {
      case 'listening':
        this.#turn++;
        this.#setState('user_speaking', 'speech started');
        this.#endpointer.onVad(event);
        return;
      case 'user_speaking':
        this.#endpointer.onVad(event);
        return;
      case 'thinking':
        if (speech?.kind === 'reply' && !speech.userCommitted) {
          // The user was not done: drop the reply and let the turn go on.
          this.#abandonSpeech('user_resumed', false);
          this.#setState('user_speaking', 'user resumed while the agent was thinking');
          this.#endpointer.onVad(event);
          return;
        }
        this.#startOverlap(event);
        return;
      case 'speaking':
      case 'interrupted':
        this.#startOverlap(event);
        return;
    }
  }

  #startOverlap(event: Extract<VadEvent, { type: 'speech_start' }>): void {
    const speech = this.#speech!;
    const now = this.#clock.now();
    const reference = this.#lastAgentAudio && (this.playout.playing || now <= this.#lastAgentAudio.untilMs) ? this.#lastAgentAudio.levelDb : undefined;
    const agentWords = new Set(wordsOf(this.playout.fullText()));
    this.#overlap = new OverlapTracker(
      this.#clock,
      this.#interruption,
      {
        onsetMs: event.onsetMs,
        ...(event.levelDb !== undefined ? { levelDb: event.levelDb } : {}),
        ...(reference !== undefined ? { referenceLevelDb: reference } : {}),
        agentWords,
      },
      (outcome) => this.#onOverlapVerdict(speech, outcome),
    );
    this.#overlap.begin();
    if (this.#overlap?.decided === false) {
      const paused = this.#pauseIfSuspicious();
      this.trace.emit('interruption.suspected', { speech: speech.id, onsetMs: event.onsetMs, paused });
    }
  }

  /** Pauses playout while an undecided overlap does not look like echo. */
  #pauseIfSuspicious(): boolean {
    const overlap = this.#overlap;
    if (!overlap || overlap.decided || overlap.echoLikely || !this.#interruption.pauseOnSuspicion) return false;
    if (this.#state !== 'speaking' && this.#state !== 'thinking') return this.#state === 'interrupted';
    this.playout.pause();
    this.#setState('interrupted', 'user speech while the agent talks');
    return true;
  }

  #onOverlapVerdict(speech: Speech, outcome: OverlapOutcome): void {
    this.#overlap = undefined;
    const bargeIn = outcome.kind === 'barge_in';
    const action = bargeIn ? 'stop' : this.#state === 'interrupted' ? 'resume' : 'ignore';
    this.trace.emit('interruption.classified', {
      speech: speech.id,
      onsetMs: outcome.onsetMs,
      kind: outcome.kind,
      action,
      why: outcome.why,
      speechMs: Math.round(outcome.speechMs),
      words: [...outcome.words],
    });
    if (bargeIn) {
      this.#bargeIn(outcome);
      return;
    }
    // Not a bid for the turn: forget its words (late results included) and carry on talking.
    this.#transcript.discardBefore(outcome.speechEndMs ?? this.#clock.now());
    if (!this.#speech) {
      // The agent's utterance ended (played out, or failed) while the verdict was pending.
      this.#setState('listening', `${outcome.kind} ignored`);
      return;
    }
    if (this.#state === 'interrupted') {
      this.#setState(this.playout.playing || this.#speech.everPlayed ? 'speaking' : 'thinking', `${outcome.kind} ignored`);
      this.playout.resume();
    }
  }

  #bargeIn(outcome: OverlapOutcome): void {
    this.#abandonSpeech('barge_in', true);
    this.#turn++;
    this.#setState('user_speaking', 'barge-in');
    this.#endpointer.reset();
    this.#endpointer.onVad({ type: 'speech_start', onsetMs: outcome.onsetMs });
    this.#endpointer.onTranscript({ text: this.#transcript.text, settled: this.#transcript.settled });
    if (!this.#userSpeaking) {
      this.#stt?.finalize();
      this.#endpointer.onVad({ type: 'speech_end', speechEndMs: outcome.speechEndMs ?? this.#clock.now() });
    }
  }

  // ——— Endpointing ———

  #onEndpointer(decision: EndpointerDecision): void {
    if (this.#closed) return;
    const turn = this.#turn;
    switch (decision.type) {
      case 'hold':
        this.trace.emit('endpoint.hold', { turn, completeness: decision.completeness, why: decision.why, deadlineMs: decision.deadlineMs });
        return;
      case 'eager_end':
        this.trace.emit('endpoint.eager_end', { turn, reason: decision.reason, transcript: decision.transcript });
        if (this.#state === 'user_speaking' && !this.#speech) this.#startReply(decision.transcript, true);
        return;
      case 'resumed':
        this.trace.emit('endpoint.resumed', { turn });
        if (this.#speech?.speculative) this.#abandonSpeech('discarded', false);
        return;
      case 'discarded':
        this.trace.emit('endpoint.discarded', { why: decision.why });
        this.#transcript.clear();
        this.#endpointer.reset();
        if (this.#state === 'user_speaking') this.#setState('listening', 'nothing transcribed');
        return;
      case 'end': {
        this.trace.emit('endpoint.end', { turn, reason: decision.reason, transcript: decision.transcript, silenceMs: Math.round(decision.silenceMs) });
        const speech = this.#speech;
        if (speech?.speculative && sameText(speech.userText, decision.transcript)) {
          speech.speculative = false;
          this.trace.emit('llm.committed', { speech: speech.id });
          this.#setState('thinking', 'end of turn');
          this.#sendPending(speech);
          this.#maybeFinishInput(speech);
          return;
        }
        if (speech?.speculative) this.#abandonSpeech('discarded', false);
        this.#setState('thinking', 'end of turn');
        this.#startReply(decision.transcript, false);
        return;
      }
    }
  }

  // ——— Replies ———

  #newSpeech(kind: Speech['kind'], turn: number, userText: string, speculative: boolean): Speech {
    const speech: Speech = {
      id: ++this.#speechCount,
      kind,
      turn,
      userText,
      controller: new AbortController(),
      sentences: new SentenceBuffer(this.#options.sentenceBuffer),
      speculative,
      llmDone: false,
      llmFirstToken: false,
      text: '',
      tokenTimesMs: [],
      pending: [],
      lastSegment: 0,
      ttsQueue: [],
      segmentsWithAudio: new Set(),
      userCommitted: kind === 'say',
      everPlayed: false,
      finished: false,
    };
    this.#speech = speech;
    this.playout.begin(speech.id);
    if (!this.#tts) void this.#connectTts();
    return speech;
  }

  #startReply(userText: string, speculative: boolean): void {
    const speech = this.#newSpeech('reply', this.#turn, userText, speculative);
    const messages: ChatMessage[] = [
      ...(this.#options.instructions ? [{ role: 'system' as const, content: this.#options.instructions }] : []),
      ...this.#history,
      { role: 'user', content: userText },
    ];
    this.trace.emit('llm.request', { speech: speech.id, turn: speech.turn, speculative, messages: messages.length });
    void this.#runLlm(speech, messages);
  }

  async #runLlm(speech: Speech, messages: ChatMessage[]): Promise<void> {
    const { signal } = speech.controller;
    try {
      for await (const event of this.#options.llm.stream({ messages }, signal)) {
        if (signal.aborted || speech.finished) return;
        if (event.type === 'token') {
          if (!speech.llmFirstToken) {
            speech.llmFirstToken = true;
            this.trace.emit('llm.first_token', { speech: speech.id });
          }
          speech.text += event.text;
          speech.tokenTimesMs.push(this.#clock.now());
          for (const chunk of speech.sentences.push(event.text)) this.#addChunk(speech, chunk);
          continue;
        }
        if (event.reason === 'error' || event.reason === 'cancelled') {
          this.#llmFailed(speech, event.error?.message ?? `generation ended: ${event.reason}`);
          return;
        }
        this.#llmDone(speech, event.reason);
        return;
      }
      // The iterable ended without an `end` event: treat it as a normal stop.
      if (!signal.aborted && !speech.finished) this.#llmDone(speech, 'stop');
    } catch (error) {
      if (!signal.aborted && !speech.finished) this.#llmFailed(speech, describeError(error));
    }
  }

  #llmDone(speech: Speech, reason: 'stop' | 'length'): void {
    speech.llmDone = true;
    this.trace.emit('llm.done', { speech: speech.id, reason, text: speech.text, tokenTimesMs: speech.tokenTimesMs });
    for (const chunk of speech.sentences.flush()) this.#addChunk(speech, chunk);
    this.#maybeFinishInput(speech);
  }

  #llmFailed(speech: Speech, message: string): void {
    this.trace.emit('llm.error', { speech: speech.id, provider: this.#options.llm.name, message });
    speech.llmDone = true;
    if (speech.speculative) {
      // Nobody is waiting for it yet: the end of turn will ask again.
      this.#abandonSpeech('discarded', false);
      return;
    }
    if (speech.lastSegment === 0) {
      this.#failSpeech(speech, `LLM error: ${message}`);
      return;
    }
    // Say what was generated before the failure.
    for (const chunk of speech.sentences.flush()) this.#addChunk(speech, chunk);
    this.#maybeFinishInput(speech);
  }

  #addChunk(speech: Speech, text: string): void {
    const segment = ++speech.lastSegment;
    this.trace.emit('text.chunk', { speech: speech.id, segment, text });
    this.playout.addSegment(segment, text);
    speech.pending.push({ segment, text });
    this.#sendPending(speech);
  }

  /** Sends chunks held back while speculative, while the TTS connected, or while it cleared. */
  #sendPending(speech: Speech): void {
    const tts = this.#tts;
    if (speech.speculative || !tts || this.#ttsClearing || speech !== this.#speech) return;
    for (const { segment, text } of speech.pending.splice(0)) {
      speech.ttsQueue.push(segment);
      this.trace.emit('tts.request', { speech: speech.id, segment, text });
      tts.pushText(`${text} `);
      tts.flush();
    }
  }

  /** Tells the playout no more audio is coming once the LLM is done and every segment flushed. */
  #maybeFinishInput(speech: Speech): void {
    if (speech.speculative || !speech.llmDone || speech.pending.length > 0 || speech.ttsQueue.length > 0) return;
    if (speech !== this.#speech) return;
    this.playout.endInput();
  }

  #failSpeech(speech: Speech, why: string): void {
    if (speech.finished) return;
    if (speech.kind === 'reply') this.trace.emit('turn.failed', { turn: speech.turn, speech: speech.id, why });
    this.#commitUser(speech);
    this.#abandonSpeech('discarded', true);
    this.#afterSpeech('reply failed');
  }

  /** The agent's utterance is over: who holds the floor now. */
  #afterSpeech(cause: string): void {
    if (this.#overlap) {
      // The user was heard over the agent: the overlap's verdict decides whether that is a turn.
      this.#setState('listening', cause);
      return;
    }
    if (this.#state === 'user_speaking') return;
    if (this.#userSpeaking) this.#turn++;
    this.#setState(this.#userSpeaking ? 'user_speaking' : 'listening', cause);
  }

  /**
   * Stops the current speech at once: aborts the LLM, clears the TTS and stops the playout.
   * With `commitHeard`, the part the user heard goes into the history.
   */
  #abandonSpeech(cause: AbortCause, commitHeard: boolean): void {
    const speech = this.#speech;
    if (!speech || speech.finished) return;
    speech.finished = true;
    this.#speech = undefined;
    if (!speech.llmDone) {
      speech.controller.abort();
      this.trace.emit('llm.aborted', { speech: speech.id, cause, text: speech.text, tokenTimesMs: speech.tokenTimesMs });
    }
    if (speech.ttsQueue.length > 0 && this.#tts) this.#clearTts(this.#tts, speech);
    const { heardText } = this.playout.stop(cause === 'closed' ? 'closed' : 'interrupted');
    if (commitHeard && speech.everPlayed) {
      this.#commitUser(speech);
      this.#commitAgent(speech, heardText, true);
    }
  }

  /** Clears the TTS; its audio is dropped until it acknowledges (or fails to, in time). */
  #clearTts(tts: TtsSession, speech: Speech): void {
    this.trace.emit('tts.clear', { speech: speech.id });
    const timer = this.#clock.setTimeout(() => {
      if (this.#closed) return;
      this.trace.emit('tts.error', { speech: speech.id, provider: this.#options.tts.name, message: `no acknowledgement of clear within ${TTS_CLEAR_TIMEOUT_MS} ms` });
      this.#ttsClearing = undefined;
      if (this.#speech) this.#sendPending(this.#speech);
    }, TTS_CLEAR_TIMEOUT_MS);
    this.#ttsClearing = { speech: speech.id, droppedMs: 0, timer };
    tts.clear();
  }

  #commitUser(speech: Speech): void {
    if (speech.userCommitted) return;
    speech.userCommitted = true;
    this.#history.push({ role: 'user', content: speech.userText });
    this.trace.emit('history.commit', { role: 'user', text: speech.userText, interrupted: false, turn: speech.turn });
    this.#transcript.clear();
    this.#endpointer.reset();
  }

  #commitAgent(speech: Speech, text: string, interrupted: boolean): void {
    if (text === '') return;
    this.#history.push({ role: 'assistant', content: text });
    this.trace.emit('history.commit', { role: 'assistant', text, interrupted, speech: speech.id });
  }

  // ——— Playout ———

  #onPlayout(event: PlayoutEvent): void {
    const speech = this.#speech;
    switch (event.type) {
      case 'chunk':
        this.#lastAgentAudio = { levelDb: event.chunk.levelDb, untilMs: Infinity };
        this.#notePlayedWords(event.speech, true);
        return;
      case 'start':
        this.trace.emit('playout.start', { speech: event.speech, resumed: event.resumed });
        if (speech && speech.id === event.speech) {
          speech.everPlayed = true;
          this.#commitUser(speech);
          if (this.#state === 'thinking') this.#setState('speaking', 'first audio');
        }
        return;
      case 'stop':
        // Audio flowed until now: the word it stopped in was partly played.
        this.#notePlayedWords(event.speech, true);
        this.trace.emit('playout.stop', { speech: event.speech, cause: event.cause, playedMs: Math.round(event.playedMs) });
        if (this.#lastAgentAudio) {
          this.#lastAgentAudio = { ...this.#lastAgentAudio, untilMs: this.#clock.now() + (this.#options.echoTailMs ?? 500) };
        }
        return;
      case 'end':
        if (event.cause !== 'drained' || !speech || speech.id !== event.speech) return;
        // The whole speech played.
        speech.finished = true;
        this.#speech = undefined;
        this.#commitUser(speech);
        this.#commitAgent(speech, event.heardText, false);
        this.#afterSpeech('agent finished');
        return;
    }
  }

  /** Records the agent's words played since the last look, to recognise them as echo later. */
  #notePlayedWords(speech: number, flowing: boolean): void {
    const now = this.#clock.now();
    if (this.#played.speech !== speech) this.#played = { speech, count: 0, flowing: false };
    const resumed = flowing && !this.#played.flowing;
    this.#played.flowing = flowing && this.playout.playing;
    // Whole words heard, and while audio flows the one being played (its start can already come back as echo).
    const tokens = this.#speechWords(this.playout.fullText());
    const heardLength = this.playout.heardText().length;
    let heardCount = 0;
    while (heardCount < tokens.length && tokens[heardCount]!.endOffset <= heardLength) heardCount++;
    const started = tokens.slice(0, heardCount + (flowing ? 1 : 0)).map((t) => t.word);
    for (const word of started.slice(this.#played.count)) this.#playedWords.push({ word, atMs: now });
    if (resumed && started.length > 0 && started.length <= this.#played.count) {
      // Audio resumed inside a word noted before: it is being played (again) now.
      this.#playedWords.push({ word: started[started.length - 1]!, atMs: now });
    }
    this.#played.count = Math.max(this.#played.count, started.length);
    // A transcript can arrive long after its words (a final closes a long stretch of speech):
    // keep a generous past, and let the per-word time window do the matching.
    const horizon = now - PLAYED_WORDS_KEPT_MS;
    if (this.#playedWords.length > 0 && this.#playedWords[0]!.atMs < horizon) {
      this.#playedWords = this.#playedWords.filter((p) => p.atMs >= horizon);
    }
  }

  #setState(to: SessionState, cause: string): void {
    const from = this.#state;
    if (from === to) return;
    this.#state = to;
    this.trace.emit('session.state', { from, to, cause });
  }
}

/** How far before the VAD onset an STT word may start and still belong to the overlapping speech. */
const OVERLAP_WORD_SLACK_MS = 100;

/** How long the agent's played words are kept for recognising their echo in transcripts. */
const PLAYED_WORDS_KEPT_MS = 60_000;

/** How long to wait for a TTS to acknowledge `clear()` before carrying on without it. */
const TTS_CLEAR_TIMEOUT_MS = 1000;

/**
 * The normalised words of a text, each with the offset where its written word ends, remembering
 * its last answer.
 */
function cachedWordOffsets(): (text: string) => readonly { readonly word: string; readonly endOffset: number }[] {
  let last: { text: string; words: { word: string; endOffset: number }[] } | undefined;
  return (text) => {
    if (last?.text !== text) {
      const words: { word: string; endOffset: number }[] = [];
      for (const match of text.matchAll(/\S+/g)) {
        for (const word of wordsOf(match[0])) words.push({ word, endOffset: match.index + match[0].length });
      }
      last = { text, words };
    }
    return last.words;
  };
}

function isEndpointer(value: Endpointer | EndpointerOptions | undefined): value is Endpointer {
  return typeof (value as Endpointer | undefined)?.onVad === 'function';
}

function sameText(a: string, b: string): boolean {
  return normalizeTranscript(a) === normalizeTranscript(b);
}
