/**
 * parley: a deterministic simulation and test harness for real-time voice agents.
 *
 * The package root exports the orchestration core (clock, trace, VAD hysteresis, endpointer,
 * interruption policy, sentence buffer, playout, agent session), the provider interfaces and
 * the in-memory scripted providers.
 */

// Time and randomness
export type { Clock, TimerHandle } from './core/clock/clock.js';
export { sleep } from './core/clock/clock.js';
export { RealClock } from './core/clock/real-clock.js';
export { VirtualClock, type VirtualClockOptions } from './core/clock/virtual-clock.js';
export { RandomStreams, deriveSeed, type Random } from './core/random/random.js';

// Trace
export { Trace, type TraceListener } from './core/trace/trace.js';
export type * from './core/trace/events.js';

// Metrics
export { heardSpeeches, turnReports, type HeardSpeech, type TurnReport } from './core/metrics/turns.js';
export { percentile, summarize, type Summary } from './core/metrics/summary.js';

// Audio
export { chunkDurationMs, samplesFor, type AudioChunk } from './core/audio/chunk.js';
export {
  AudioFileError,
  WAV_SAMPLE_RATES,
  Resampler,
  dbToGain,
  decodeWav,
  encodeWav,
  floatToPcm16,
  gainToDb,
  mixInto,
  muLawDecode,
  muLawEncode,
  pcm16ToFloat,
  readWavFile,
  resample,
  rmsDb,
  selectChannel,
  toPipeline,
  type ChannelChoice,
  type DecodedAudio,
  type MixOptions,
  type PipelineOptions,
  type PipelineRate,
  type WavEncoding,
  type WavInput,
} from './core/audio/index.js';

// Components
export { SentenceBuffer, type SentenceBufferOptions } from './core/text/sentence-buffer.js';
export type { VadEvent } from './core/vad/events.js';
export {
  VadHysteresis,
  resolveVadHysteresis,
  type HysteresisEvent,
  type VadHysteresisConfig,
  type VadHysteresisOptions,
} from './core/vad/hysteresis.js';
export type { FrameVad, VadSampleRate } from './core/vad/frame-vad.js';
export { createSileroVad, releaseSileroModels, sileroModelPath, type SileroVadOptions, type SileroVersion } from './core/vad/silero.js';
export { createEnergyVad, type EnergyVad, type EnergyVadOptions } from './core/vad/energy-vad.js';
export { detectSpeechSegments, segmentsFromProbabilities, speechProbabilities, type SpeechSegment } from './core/vad/segments.js';
export {
  HeuristicCompleteness,
  normalizeTranscript,
  type CompletenessDetector,
  type CompletenessVerdict,
} from './core/endpointer/completeness.js';
export {
  FusionEndpointer,
  SILENCE_ONLY_ENDPOINTER,
  resolveEndpointerConfig,
  type Endpointer,
  type EndpointerConfig,
  type EndpointerDecision,
  type EndpointerOptions,
  type TurnTranscript,
} from './core/endpointer/endpointer.js';
export {
  DEFAULT_BACKCHANNELS,
  classifyOverlap,
  resolveInterruptionConfig,
  wordsOf,
  type InterruptionConfig,
  type InterruptionOptions,
  type OverlapObservation,
  type OverlapVerdict,
} from './core/interruption/policy.js';
export { OverlapTracker, type OverlapOutcome, type OverlapStart } from './core/interruption/overlap-tracker.js';
export { PlayoutBuffer, type PlayoutBufferOptions, type PlayoutEvent } from './core/playout/playout-buffer.js';
export { heardTextOfSegment, type CharTimings, type SegmentAudio } from './core/playout/heard-text.js';
export { AgentSession, type AgentSessionOptions } from './core/session/agent-session.js';

// Providers
export { ProviderError, describeError, type ProviderErrorKind } from './providers/errors.js';
export type { SttEvent, SttProvider, SttSession, SttWord } from './providers/stt.js';
export type { ChatMessage, LlmEndReason, LlmEvent, LlmProvider, LlmRequest } from './providers/llm.js';
export type { TtsAlignment, TtsEvent, TtsProvider, TtsSession } from './providers/tts.js';
export { delayMs, type Delay } from './providers/scripted/delay.js';
export { ScriptedLlm, tokenize, type ScriptedLlmOptions, type ScriptedReply } from './providers/scripted/scripted-llm.js';
export { ScriptedStt, ScriptedSttSession, type ScriptedSttOptions, type TimedSttEvent } from './providers/scripted/scripted-stt.js';
export { ScriptedTts, type ScriptedTtsOptions } from './providers/scripted/scripted-tts.js';

// Real providers (their SDKs load on first connect), their protocol cores, transports and failover
export type { ProviderTimeouts, TimeoutName } from './providers/timeouts.js';
export { redact, type Credentials } from './providers/secrets.js';
export { openWebSocket, HandshakeError, type CloseInfo, type Frame, type WebSocketFactory, type WebSocketTransport } from './providers/transport/websocket.js';
export { FailoverLlm, FailoverStt, FailoverTts, type FailoverOptions } from './providers/failover.js';
export { DEEPGRAM_ENV, type DeepgramOptions } from './providers/deepgram/client.js';
export { DeepgramFluxStt, DeepgramStt, type DeepgramFluxOptions, type DeepgramListenOptions, type DeepgramSttOptions } from './providers/deepgram/stt.js';
export { DeepgramAuraTts, type DeepgramTtsOptions } from './providers/deepgram/tts.js';
export { AudioTimeline } from './providers/deepgram/audio-timeline.js';
export { ListenV1Protocol } from './providers/deepgram/listen-v1-protocol.js';
export { FLUX_FRAME_MS, ListenV2Protocol } from './providers/deepgram/listen-v2-protocol.js';
export { SpeakProtocol } from './providers/deepgram/speak-protocol.js';
export { OPENAI_ENV, OpenAiLlm, type OpenAiLlmOptions } from './providers/openai/llm.js';
export { ChatStreamProtocol, chatRequestBody, type ChatRequestBody, type StreamEnding } from './providers/openai/chat-protocol.js';
export { ELEVENLABS_ENV, type ElevenLabsOptions, type ElevenLabsPcmRate } from './providers/elevenlabs/client.js';
export { ElevenLabsWsTts, type ElevenLabsWsOptions } from './providers/elevenlabs/ws-tts.js';
export { ElevenLabsHttpTts, type ElevenLabsHttpOptions } from './providers/elevenlabs/http-tts.js';
export { StreamInputProtocol, type StreamInputEvent, type VoiceSettings } from './providers/elevenlabs/stream-input-protocol.js';
export {
  DEFAULT_REAL_PROVIDERS,
  missingKeys,
  realProviders,
  type MissingKey,
  type RealLlmSpec,
  type RealProviders,
  type RealProvidersOptions,
  type RealProvidersSpec,
  type RealSttSpec,
  type RealTtsSpec,
} from './providers/real-providers.js';

// Cassettes: record a provider session, replay it on any clock
export { CassetteRecorder, type CassetteRecorderOptions } from './providers/cassette/recorder.js';
export { CassetteStt } from './providers/cassette/cassette-stt.js';
export { CassetteLlm } from './providers/cassette/cassette-llm.js';
export { CassetteTts } from './providers/cassette/cassette-tts.js';
export type { CassetteProviderOptions } from './providers/cassette/cursor.js';
export { CASSETTE_EXTENSION, CassetteFormatError, decodeCassette, encodeCassette, type Cassette, type CassetteRole } from './providers/cassette/format.js';

// Fake provider servers (for tests of your own code; `parley fake-server` on the command line)
export { FAKE_SERVERS, type FakeServerKind, type FakeServerName, type LaunchOptions, type RunningFake } from './providers/fake-servers.js';
export { DeepgramFakeServer, type DeepgramFakeOptions } from './providers/deepgram/fake-server.js';
export { deepgramScriptSchema, type DeepgramScript } from './providers/deepgram/fake-script.js';
export { OpenAiFakeServer, type OpenAiFakeOptions } from './providers/openai/fake-server.js';
export { openAiScriptSchema, type OpenAiScript } from './providers/openai/fake-script.js';
export { ElevenLabsFakeServer, type ElevenLabsFakeOptions } from './providers/elevenlabs/fake-server.js';
export { elevenLabsScriptSchema, type ElevenLabsScript } from './providers/elevenlabs/fake-script.js';
export { faultSchema, triggerSchema, type Fault, type Trigger } from './providers/fake/script.js';
export type { ConnectionRecord } from './providers/fake/connection.js';

// Simulator
export type { Distribution } from './sim/distribution.js';
export type { AgentConfig, LlmSpec, SttSpec, TtsSpec, VadSpec } from './sim/config/model.js';
export { PRESETS } from './sim/config/presets.js';
export { LLM_PROFILES, STT_PROFILES, TTS_PROFILES, type Profile } from './sim/config/profiles.js';
export { loadConfigFile, resolveConfig, type ConfigLoad } from './sim/config/load.js';
export { withProviderOverrides } from './sim/config/resolve.js';
export type * from './sim/scenario/model.js';
export { loadScenarioFile, parseScenario, scenarioFromObject, type ScenarioLoad } from './sim/scenario/load.js';
export { InputError, type SourcePosition } from './sim/load/index.js';
export { runCall, type CallResult } from './sim/world/call.js';
export { analyseCall, type CallAnalysis, type OverlapReport, type UserTurn } from './sim/assert/analysis.js';
export { evaluate, type AssertionResult } from './sim/assert/expectations.js';
export { judgeCall, type Metrics, type ScenarioResult } from './sim/assert/scenario-result.js';
export { checkInvariants, type InvariantOptions, type Violation } from './sim/assert/invariants.js';

// Runner and reports
export { run, prepare, runScenarios, type RunOptions, type PreparedScenario } from './runner/run.js';
export { buildReport, REPORT_SCHEMA_VERSION, serializeReport, writeReport, type RunReport } from './reports/json.js';
export { compareReports, DEFAULT_TOLERANCE, DEFAULT_TOLERANCES, parseReport, readReportFile, writeBaseline } from './reports/baseline.js';
export type { ComparedMetric, ComparedStat, Comparison, MetricDelta, ScenarioComparison, Tolerance, Tolerances } from './reports/comparison.js';
export { renderJUnit } from './reports/junit.js';
export { renderComparisonMarkdown, renderMarkdownSummary } from './reports/markdown.js';
export { gatesFileSchema, loadGatesFile, parseGates } from './runner/gates.js';
