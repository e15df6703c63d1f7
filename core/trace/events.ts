/**
 * The trace vocabulary: every state transition and decision of a call, timestamped.
 *
 * Events are named for what happened (`vad.speech_start`, `endpoint.end`, `playout.stop`).
 * `t` is the clock time at which the event was recorded, in ms from the start of the call.
 * Metrics are derived from these events and nothing else.
 *
 * Identifiers: `turn` numbers user turns from 1 (the turn an endpoint closes); `speech` numbers
 * the agent's utterances from 1 (a reply or a scripted `say`, such as a greeting).
 */

/** What the user's speech was, in the world's ground truth. */
export type UserSpeechKind = 'speech' | 'filler' | 'backchannel';

/** Agent conversational state (see AgentSession). */
export type SessionState = 'listening' | 'user_speaking' | 'thinking' | 'speaking' | 'interrupted';

/** Why the endpointer closed (or speculatively closed) a user turn. */
export type EndpointReason = 'semantic' | 'silence' | 'provider' | 'max_delay';

/** What the interruption policy made of user speech heard while the agent was talking. */
export type OverlapKind = 'barge_in' | 'backchannel' | 'echo' | 'noise';

/** Text completeness verdict of a transcript. */
export type Completeness = 'complete' | 'incomplete' | 'uncertain';

/** Why an LLM request was abandoned. */
export type AbortCause = 'barge_in' | 'user_resumed' | 'discarded' | 'closed';

/** Why audio stopped flowing out of the playout buffer. */
export type PlayoutStopCause = 'drained' | 'underrun' | 'paused' | 'interrupted' | 'closed';

/** Provider turn signals, normalised across providers (Deepgram v1 and Flux). */
export type ProviderTurnSignal =
  | 'start_of_turn'
  | 'eager_end_of_turn'
  | 'turn_resumed'
  | 'end_of_turn'
  | 'speech_final'
  | 'utterance_end';

/** Every trace event without its timestamp, keyed by type. */
export interface TraceEventMap {
  // Ground truth, recorded by the world (scripted user, recording), not by the agent.
  /** The user starts speaking: a turn's speech (`speech`), a filler, or a backchannel. */
  'user.speech_start': { kind: UserSpeechKind; text?: string };
  'user.speech_end': { kind: UserSpeechKind; text?: string };
  /** Agent audio starts being heard at the user's ear (after the downlink). */
  'ear.audio_start': { speech: number };
  /** Agent audio stops being heard at the user's ear. */
  'ear.audio_stop': { speech: number };

  // Session
  'session.state': { from: SessionState; to: SessionState; cause: string };
  'session.closed': { cause: string };

  // Sensors
  'vad.speech_start': { onsetMs: number; levelDb?: number };
  'vad.speech_end': { speechEndMs: number };
  'stt.partial': { text: string };
  'stt.final': { text: string };
  'stt.turn': { signal: ProviderTurnSignal; transcript?: string };
  'stt.error': { provider: string; message: string };
  /** The echo canceller found the delay of the agent's echo (or found it changed). */
  'echo.path': { delayMs: number };

  // Endpointing
  /** The endpointer is waiting; says for what and until when, so a long wait explains itself. */
  'endpoint.hold': { turn: number; completeness: Completeness; why: string; deadlineMs: number };
  'endpoint.eager_end': { turn: number; reason: EndpointReason; transcript: string };
  'endpoint.resumed': { turn: number };
  'endpoint.end': { turn: number; reason: EndpointReason; transcript: string; silenceMs: number };
  /** Speech ended with nothing transcribed: no turn. */
  'endpoint.discarded': { why: string };

  // Interruptions (user speech while the agent is speaking)
  'interruption.suspected': { speech: number; onsetMs: number; paused: boolean };
  'interruption.classified': {
    speech: number;
    onsetMs: number;
    kind: OverlapKind;
    action: 'stop' | 'resume' | 'ignore';
    why: string;
    speechMs: number;
    words: string[];
  };

  // LLM
  'llm.request': { speech: number; turn: number; speculative: boolean; messages: number };
  'llm.first_token': { speech: number };
  /** The reply is complete; `tokenTimesMs`: when each token arrived. */
  'llm.done': { speech: number; reason: 'stop' | 'length'; text: string; tokenTimesMs: number[] };
  /** The request was abandoned; `text`, `tokenTimesMs`: what had arrived by then. */
  'llm.aborted': { speech: number; cause: AbortCause; text: string; tokenTimesMs: number[] };
  'llm.error': { speech: number; provider: string; message: string };
  /** A speculative generation became the real answer. */
  'llm.committed': { speech: number };

  // Sentence buffer and TTS
  'text.chunk': { speech: number; segment: number; text: string };
  'tts.request': { speech: number; segment: number; text: string };
  'tts.first_byte': { speech: number; segment: number };
  'tts.flushed': { speech: number; segment: number };
  'tts.clear': { speech: number };
  'tts.cleared': { speech: number; droppedMs: number };
  'tts.error': { speech: number; provider: string; message: string };

  // Playout
  'playout.start': { speech: number; resumed: boolean };
  'playout.stop': { speech: number; cause: PlayoutStopCause; playedMs: number };

  // Conversation history
  'history.commit': { role: 'user' | 'assistant'; text: string; interrupted: boolean; speech?: number; turn?: number };

  /** A user turn that got no answer, and why. */
  'turn.failed': { turn: number; speech?: number; why: string };

  // Providers
  /** A failover chain gave up on provider `from` after consecutive failures (the last one: `why`) and uses `to`. */
  'provider.failover': { role: 'stt' | 'llm' | 'tts'; from: string; to: string; why: string };
}

export type TraceEventType = keyof TraceEventMap;

/** One trace event: its type, time and fields. */
export type TraceEvent = {
  [K in TraceEventType]: { readonly type: K; readonly t: number } & Readonly<TraceEventMap[K]>;
}[TraceEventType];

/** The event of one type. */
export type TraceEventOf<K extends TraceEventType> = Extract<TraceEvent, { type: K }>;
