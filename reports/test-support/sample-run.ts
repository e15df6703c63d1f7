import { metricsOf, type ScenarioResult } from '../../sim/assert/scenario-result.js';
import type { TurnReport } from '../../sim/assert/analysis.js';
import { buildReport, type RunReport } from '../json.js';
import { timelineId, type Timeline } from '../timeline.js';

/**
 * A small hand-made run for report writer tests: one failing call (a takeover during a pause,
 * a barge-in, overlapping TTS segments) whose transcript tries to close the page's script tags.
 */

export const HOSTILE_TEXT = 'book it </script><script>alert(1)</script> <!-- & "quotes"';

const FILE = 'scenarios/sample/takeover.yaml';
const SEED = 7;

const TURNS: TurnReport[] = [
  {
    index: 1,
    userSpeechEndMs: 2625,
    endpointMs: 3192,
    endpointReason: 'silence',
    llmFirstTokenMs: 3429,
    ttsFirstByteMs: 3586,
    agentAudioStartMs: 3651,
    voiceToVoiceMs: 1026,
    eouDelayMs: 567,
    interrupted: true,
  },
  {
    index: 2,
    userSpeechEndMs: 5650,
    endpointMs: 6200,
    endpointReason: 'silence',
    llmFirstTokenMs: 6352,
    ttsFirstByteMs: 6467,
    agentAudioStartMs: 6539,
    voiceToVoiceMs: 889,
    eouDelayMs: 550,
    interrupted: false,
  },
];

const TAKEOVER = 'the agent started speaking at 3.65 s during the user\'s pause at 2.63 s–3.83 s in turn 1';

/** The sample call's result. */
export function sampleResult(): ScenarioResult {
  const overlaps: ScenarioResult['overlaps'] = [
    { atMs: 3825, kind: 'bargeIn', decision: 'stop', classifiedAs: 'bargeIn', decidedAtMs: 3900, alongside: [], stopLatencyMs: 158, pauseMs: null, speech: 1, text: 'um', line: 10 },
  ];
  return {
    name: 'sample <takeover>',
    file: FILE,
    category: 'sample',
    seed: SEED,
    config: 'silence-only',
    stack: { stt: 'fast-stt', llm: 'gpt-4o-mini-like', tts: 'flash-like' },
    passed: false,
    durationMs: 9000,
    endReason: 'script_done',
    assertions: [
      { id: 'script_completed', passed: true, message: 'all 4 user actions ran', expected: 4, actual: 4 },
      { id: 'no_takeover_during_pauses', passed: false, message: TAKEOVER, expected: 0, actual: 1, line: 27 },
      { id: 'agent_said', passed: true, message: `the agent said "${HOSTILE_TEXT}"`, expected: HOSTILE_TEXT, actual: true, line: 30 },
    ],
    turns: TURNS,
    overlaps,
    metrics: metricsOf([TURNS], [overlaps]),
  };
}

/** The sample call's timeline. */
export function sampleTimeline(): Timeline {
  return {
    id: timelineId(FILE, SEED),
    name: 'sample <takeover>',
    file: FILE,
    seed: SEED,
    passed: false,
    durationMs: 9000,
    lanes: [
      {
        id: 'user',
        label: 'user speech',
        spans: [
          {
            startMs: 0,
            endMs: 2625,
            kind: 'speech',
            label: 'I want to',
            words: [
              { word: 'I', startMs: 0, endMs: 500 },
              { word: 'want', startMs: 500, endMs: 1500 },
              { word: 'to', startMs: 1500, endMs: 2625 },
            ],
          },
          { startMs: 3825, endMs: 4200, kind: 'filler', label: 'um', words: [{ word: 'um', startMs: 3825, endMs: 4200 }] },
          { startMs: 4900, endMs: 5650, kind: 'speech', label: HOSTILE_TEXT, words: [{ word: HOSTILE_TEXT, startMs: 4900, endMs: 5650 }] },
        ],
        marks: [],
      },
      { id: 'mic', label: 'echo and noise', spans: [{ startMs: 3771, endMs: 4103, kind: 'echo', label: 'echo', detail: '-38 dBFS' }], marks: [] },
      {
        id: 'vad',
        label: 'VAD',
        spans: [{ startMs: 40, endMs: 2692, kind: 'speech', label: 'speech' }],
        marks: [
          { atMs: 110, kind: 'start', label: 'speech start' },
          { atMs: 2914, kind: 'end', label: 'speech end' },
        ],
      },
      {
        id: 'stt',
        label: 'STT',
        spans: [],
        marks: [
          { atMs: 595, kind: 'partial', label: 'I' },
          { atMs: 2900, kind: 'final', label: HOSTILE_TEXT },
        ],
      },
      {
        id: 'endpoint',
        label: 'endpoint',
        spans: [],
        marks: [
          { atMs: 2914, kind: 'hold', label: 'hold (uncertain)' },
          { atMs: 3192, kind: 'end', label: 'end of turn 1 (silence)', detail: '500 ms of silence' },
          { atMs: 6200, kind: 'end', label: 'end of turn 2 (silence)' },
        ],
      },
      {
        id: 'llm',
        label: 'LLM',
        spans: [
          { startMs: 3192, endMs: 3494, kind: 'done', label: 'reply 1 (turn 1)', detail: '"Sure"' },
          { startMs: 6200, endMs: 6560, kind: 'done', label: 'reply 2 (turn 2)' },
        ],
        marks: [
          { atMs: 3429, kind: 'first_token', label: 'first token (reply 1)' },
          { atMs: 3429, kind: 'token', label: 'token' },
          { atMs: 3442, kind: 'token', label: 'token' },
        ],
      },
      {
        id: 'tts',
        label: 'TTS',
        spans: [
          { startMs: 6404, endMs: 6767, kind: 'done', label: 'Tuesday at ten works.', detail: 'reply 2, segment 1' },
          { startMs: 6560, endMs: 7853, kind: 'done', label: 'Shall I book it?', detail: 'reply 2, segment 2' },
        ],
        marks: [{ atMs: 6467, kind: 'first_byte', label: 'first byte (reply 2, segment 1)' }],
      },
      {
        id: 'agent',
        label: 'agent audio at the ear',
        spans: [
          { startMs: 3651, endMs: 3983, kind: 'interrupted', label: 'reply 1', detail: 'Sure' },
          { startMs: 6539, endMs: 8500, kind: 'speech', label: 'reply 2', detail: 'Tuesday at ten works. Shall I book it?' },
        ],
        marks: [],
      },
      { id: 'overlaps', label: 'overlaps', spans: [], marks: [{ atMs: 3825, kind: 'bargeIn', label: 'bargeIn → stop', detail: '"um", stopped after 158 ms' }] },
    ],
    violations: [{ assertion: 'no_takeover_during_pauses', atMs: 3651, endMs: 3983, message: TAKEOVER }],
  };
}

/** A report of the sample call alone. */
export function sampleReport(): RunReport {
  return buildReport({ seed: null, seeds: 1, config: 'silence-only' }, [sampleResult()]);
}
