import type { Distribution } from '../distribution.js';
import type { LlmSpec, SttSpec, TtsSpec } from '../config/model.js';

/** Where something was written in its file (1-based), for messages that point back at it. */
export interface SourceRef {
  readonly line: number;
  readonly column: number;
}

/** Events a user action can be timed against. */
export type AnchorEvent =
  /** The start of the call (absolute times). */
  | 'call.start'
  /** The agent's next utterance becomes audible at the user's ear. */
  | 'agent.speech.start'
  /** The agent's next utterance stops being audible (finished or cut off). */
  | 'agent.speech.end'
  /** The agent is done with the user's turn: its answer stopped being audible, or it failed. */
  | 'agent.turn.end'
  /** The agent's next end-of-turn decision. */
  | 'endpoint'
  /** The user's own previous action began / ended. */
  | 'previous.start'
  | 'previous.end';

/** `event + offsetMs` (offsets are never negative: an action starts at or after its event). */
export interface Anchor {
  readonly event: AnchorEvent;
  readonly offsetMs: number;
}

/** Options shared by user actions. */
interface ActionBase {
  readonly at: Anchor | undefined;
  readonly source: SourceRef;
}

/** Something the user says: a turn, a filler, or a backchannel over the agent. */
export interface SpeakAction extends ActionBase {
  readonly kind: 'say' | 'filler' | 'backchannel';
  readonly text: string;
  /** Words per minute (overrides the voice's rate). */
  readonly wpm: number | undefined;
  /** Level at the microphone, dBFS (overrides the voice's level). */
  readonly levelDb: number | undefined;
  /** A WAV file of the speech (acoustic world), as written (relative to the scenario file). */
  readonly clip: { readonly path: string; readonly source: SourceRef } | undefined;
}

/** A stretch of silence: a hesitation inside a turn (`pause`) or a user saying nothing (`silence`). */
export interface WaitAction extends ActionBase {
  readonly kind: 'pause' | 'silence';
  readonly durationMs: number;
}

/** A non-speech sound at the microphone (a cough, a door). */
export interface NoiseAction extends ActionBase {
  readonly kind: 'noise';
  readonly durationMs: number;
  readonly levelDb: number | undefined;
}

/** The user hangs up: the call ends. */
export interface HangupAction extends ActionBase {
  readonly kind: 'hangup';
}

export type UserAction = SpeakAction | WaitAction | NoiseAction | HangupAction;

/** Text matching: a case-insensitive substring or a regular expression. */
export type TextMatcher = { readonly substring: string } | { readonly pattern: string; readonly flags: string };

/** The simulated agent's script. */
export interface AgentScript {
  readonly greeting: string | undefined;
  readonly replies: readonly { readonly when: TextMatcher; readonly say: string; readonly source?: SourceRef }[];
  readonly defaultReply: string;
  /** Where the greeting and the default reply were written, when they were. */
  readonly sources?: { readonly greeting?: SourceRef; readonly defaultReply?: SourceRef };
}

/** The network between the user and the agent, and the room the user is in. */
export interface ChannelSpec {
  /** Microphone → agent. */
  readonly uplinkMs: Distribution;
  /** Agent → ear. */
  readonly downlinkMs: Distribution;
  /** Added to each delivery in both directions. */
  readonly jitterMs: Distribution;
  /** Bursty packet loss on the uplink (Gilbert–Elliott): mean loss rate and mean burst length. */
  readonly loss: { readonly rate: number; readonly burstMs: number } | undefined;
  /** The agent's audio returning into the microphone, with a short room response (acoustic world). */
  readonly echo: { readonly delayMs: Distribution; readonly gainDb: number; readonly roomMs: number | undefined } | undefined;
  /** Background noise at the microphone: its kind (acoustic world) and level, dBFS. */
  readonly noise: { readonly kind: NoiseKind; readonly levelDb: number } | undefined;
  /** How audio crosses the network: `mulaw` is a telephone line (8 kHz G.711 μ-law). */
  readonly codec: Codec;
}

export type NoiseKind = 'pink' | 'white' | 'babble';
export type Codec = 'pcm16' | 'mulaw';

/** The acoustic world: user and agent speech from WAV clips, the real VAD, echo and noise as samples. */
export interface AcousticSpec {
  /** The clip bank folder as written (relative to the scenario file); the bundled bank if undefined. */
  readonly clips: { readonly path: string; readonly source: SourceRef } | undefined;
  readonly source: SourceRef;
}

/** Percentile budgets of a latency metric. */
export type PercentileBudget = Partial<Record<'p50' | 'p90' | 'p95' | 'p99' | 'max', number>>;

/** What the scenario asserts. */
export type Expectation = { readonly source: SourceRef } & (
  | { readonly kind: 'voice_to_voice'; readonly budget: PercentileBudget }
  | { readonly kind: 'eou_delay'; readonly budget: PercentileBudget }
  | { readonly kind: 'no_takeover_during_pauses' }
  | { readonly kind: 'barge_in_stops_within'; readonly ms: number }
  | { readonly kind: 'backchannels_ignored' }
  | { readonly kind: 'no_self_interruption' }
  | { readonly kind: 'max_overlap'; readonly ms: number }
  | { readonly kind: 'max_pause'; readonly ms: number }
  | { readonly kind: 'every_turn_answered' }
  | { readonly kind: 'agent_said'; readonly matcher: TextMatcher }
  | { readonly kind: 'agent_never_said'; readonly matcher: TextMatcher }
  | { readonly kind: 'turns'; readonly min: number; readonly max: number }
  | { readonly kind: 'failed_turns'; readonly min: number; readonly max: number }
  /** The turn-taking invariants the fuzzer checks (see sim/assert/invariants.ts). */
  | { readonly kind: 'invariants'; readonly bargeInBudgetMs: number | undefined; readonly stuckBoundMs: number | undefined }
);

/** Changes to the configured providers, for one scenario (e.g. a stalling LLM). */
export interface ProviderOverrides {
  readonly stt?: Partial<SttSpec> & { readonly profile?: string };
  readonly llm?: Partial<LlmSpec> & { readonly profile?: string };
  readonly tts?: Partial<TtsSpec> & { readonly profile?: string };
}

/** A provider role a scenario can give a cassette for. */
export type CassetteRoleName = 'stt' | 'llm' | 'tts';

/**
 * A cassette (a recorded provider session, `*.cassette.json.gz`) a scenario replays instead of a
 * simulated provider. Only the path is kept: the file is read when the call is set up (so a
 * scenario stays plain data that can be sent to a worker thread).
 */
export interface CassetteRef {
  /** The path as written in the scenario (relative to the scenario file, or absolute). */
  readonly path: string;
  /** The same file relative to where parley was run, `/`-separated, like {@link Scenario.file}. */
  readonly file: string;
  readonly source: SourceRef;
}

/** The cassettes a scenario names, per role. */
export type ScenarioCassettes = Partial<Record<CassetteRoleName, CassetteRef>>;

/** A scenario file, validated and normalised (all times in ms). */
export interface Scenario {
  /** Path of the file, relative to where parley was run, with `/` separators. */
  readonly file: string;
  readonly name: string;
  readonly description: string | undefined;
  /** From the file, or the name of the folder it is in. */
  readonly category: string;
  readonly seed: number | undefined;
  /** A preset name or a config file path (resolved against the scenario's folder) it pins, and where. */
  readonly config: { readonly ref: string; readonly source: SourceRef } | undefined;
  readonly voice: { readonly wpm: number; readonly levelDb: number };
  readonly user: readonly UserAction[];
  readonly agent: AgentScript;
  readonly channel: ChannelSpec;
  readonly providers: ProviderOverrides;
  /** Roles replayed from cassettes instead of simulated (`providers: { llm: { cassette: … } }`); none if absent. */
  readonly cassettes?: ScenarioCassettes;
  /** Set for acoustic scenarios. */
  readonly acoustic: AcousticSpec | undefined;
  /** The call is cut off here whatever happens. */
  readonly maxDurationMs: number;
  readonly expect: readonly Expectation[];
}
