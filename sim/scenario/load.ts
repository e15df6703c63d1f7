import { basename, dirname } from 'node:path';
import { fixed } from '../distribution.js';
import { InputError, loadYaml, validate, type Loaded } from '../load/index.js';
import { readInputFile } from '../load/read.js';
import { llmOverride, sttOverride, ttsOverride } from '../config/schema.js';
import { CASSETTE_ROLES, cassetteFile, cassetteProblems } from './cassettes.js';
import type { ChannelSpec, Expectation, ProviderOverrides, Scenario, ScenarioCassettes, SourceRef, UserAction } from './model.js';
import { scenarioFileSchema, type ActionInput, type ExpectationInput, type ScenarioFile } from './schema.js';

/** What a scenario is, in a phrase, for "the file is empty" messages. */
const EXPECTED = 'a scenario: a mapping with name, user and expect';

/** Defaults that are not presets: the user's voice, the network, the call limit. */
export const SCENARIO_DEFAULTS = {
  wpm: 160,
  levelDb: -20,
  latencyMs: 40,
  maxDurationMs: 120_000,
  lossBurstMs: 60,
  defaultReply: 'Sure, I can help with that.',
} as const;

/** The result of loading a scenario file. */
export type ScenarioLoad = { readonly ok: true; readonly scenario: Scenario } | { readonly ok: false; readonly errors: readonly InputError[] };

/**
 * Reads and validates a scenario file. `displayPath` is how the file is named in messages and
 * reports (relative, `/`-separated).
 */
export function loadScenarioFile(path: string, displayPath: string): ScenarioLoad {
  const read = readInputFile(path, displayPath);
  return read.ok ? parseScenario(read.text, displayPath) : read;
}

/**
 * Validates a scenario given as a plain object (the YAML file's shape, e.g. from a generator),
 * named `displayPath`. Positions in it are all 1:1. Cassettes it names are read and checked
 * (relative to `displayPath`'s folder).
 */
export function scenarioFromObject(input: unknown, displayPath: string): ScenarioLoad {
  const result = validate(scenarioFileSchema, input);
  if (!result.ok) {
    return { ok: false, errors: result.problems.map((p) => new InputError(displayPath, undefined, `${p.path.map(String).join('.') || 'scenario'}: ${p.message}`)) };
  }
  return withUsableCassettes(toScenario({ value: result.value, positionOf: () => undefined }, displayPath));
}

/**
 * Validates scenario text named `displayPath`. Cassettes it names are read and checked (relative
 * to `displayPath`'s folder): a missing file, one that is not a cassette, or one with nothing for
 * its role is an error at its `cassette:` key.
 */
export function parseScenario(text: string, displayPath: string): ScenarioLoad {
  const result = loadYaml(displayPath, text, scenarioFileSchema, { expected: EXPECTED });
  if (!result.ok) return { ok: false, errors: result.errors };
  return withUsableCassettes(toScenario(result.loaded, displayPath));
}

/** The scenario, or the errors of the cassettes it names that cannot be used. */
function withUsableCassettes(scenario: Scenario): ScenarioLoad {
  const errors = cassetteProblems(scenario);
  return errors.length > 0 ? { ok: false, errors } : { ok: true, scenario };
}

function toScenario(loaded: Loaded<ScenarioFile>, file: string): Scenario {
  const f = loaded.value;
  const at = (path: (string | number)[]) => loaded.positionOf(path) ?? { line: 1, column: 1 };
  const channel = f.channel ?? {};
  const latency = channel.latency ?? fixed(SCENARIO_DEFAULTS.latencyMs);
  const voiceLevelDb = f.voice?.level ?? SCENARIO_DEFAULTS.levelDb;
  return {
    file,
    name: f.name,
    description: f.description,
    category: f.category ?? (basename(dirname(file)) || 'scenarios'),
    seed: f.seed,
    config: f.config === undefined ? undefined : { ref: f.config, source: at(['config']) },
    voice: { wpm: f.voice?.rate ?? SCENARIO_DEFAULTS.wpm, levelDb: voiceLevelDb },
    user: f.user.map((action, i) => toAction(action, at(['user', i]), at(['user', i, 'clip']))),
    agent: {
      greeting: f.agent?.greeting,
      replies: (f.agent?.replies ?? []).map((r, i) => ({ when: r.when, say: r.say, source: at(['agent', 'replies', i, 'say']) })),
      defaultReply: f.agent?.default_reply ?? SCENARIO_DEFAULTS.defaultReply,
      sources: {
        ...(f.agent?.greeting !== undefined ? { greeting: at(['agent', 'greeting']) } : {}),
        ...(f.agent?.default_reply !== undefined ? { defaultReply: at(['agent', 'default_reply']) } : {}),
      },
    },
    channel: {
      uplinkMs: channel.uplink ?? latency,
      downlinkMs: channel.downlink ?? latency,
      jitterMs: channel.jitter ?? fixed(0),
      loss: channel.loss ? { rate: channel.loss.rate, burstMs: channel.loss.burst ?? SCENARIO_DEFAULTS.lossBurstMs } : undefined,
      echo: channel.echo ? { delayMs: channel.echo.delay, gainDb: channel.echo.gain, roomMs: channel.echo.room } : undefined,
      noise: toNoise(channel.noise, voiceLevelDb),
      codec: channel.codec ?? 'pcm16',
    },
    acoustic:
      f.acoustic === undefined
        ? undefined
        : {
            clips: f.acoustic === true || f.acoustic.clips === undefined ? undefined : { path: f.acoustic.clips, source: at(['acoustic', 'clips']) },
            source: at(['acoustic']),
          },
    providers: toProviders(f.providers),
    cassettes: toCassettes(f.providers, file, at),
    maxDurationMs: f.max_duration ?? SCENARIO_DEFAULTS.maxDurationMs,
    expect: f.expect.map((e, i) => toExpectation(e, at(['expect', i]))),
  };
}

function toAction(input: ActionInput, source: SourceRef, clipSource: SourceRef): UserAction {
  if ('say' in input || 'filler' in input || 'backchannel' in input) {
    const [kind, text] = 'say' in input ? ['say', input.say] as const : 'filler' in input ? ['filler', input.filler] as const : ['backchannel', input.backchannel] as const;
    const options = input as { at?: UserAction['at']; rate?: number; level?: number; clip?: string };
    const clip = options.clip === undefined ? undefined : { path: options.clip, source: clipSource };
    return { kind, text, at: options.at, wpm: options.rate, levelDb: options.level, clip, source };
  }
  const at = (input as { at?: UserAction['at'] }).at;
  if ('pause' in input) return { kind: 'pause', durationMs: input.pause, at, source };
  if ('silence' in input) return { kind: 'silence', durationMs: input.silence, at, source };
  if ('noise' in input) return { kind: 'noise', durationMs: input.noise, levelDb: (input as { level?: number }).level, at, source };
  return { kind: 'hangup', at, source };
}

function toExpectation(input: ExpectationInput, source: { line: number; column: number }): Expectation {
  if ('voice_to_voice' in input) return { kind: 'voice_to_voice', budget: input.voice_to_voice, source };
  if ('eou_delay' in input) return { kind: 'eou_delay', budget: input.eou_delay, source };
  if ('barge_in_stops_within' in input) return { kind: 'barge_in_stops_within', ms: input.barge_in_stops_within, source };
  if ('max_overlap' in input) return { kind: 'max_overlap', ms: input.max_overlap, source };
  if ('max_pause' in input) return { kind: 'max_pause', ms: input.max_pause, source };
  if ('agent_said' in input) return { kind: 'agent_said', matcher: input.agent_said, source };
  if ('agent_never_said' in input) return { kind: 'agent_never_said', matcher: input.agent_never_said, source };
  if ('turns' in input) return { kind: 'turns', ...range(input.turns), source };
  if ('failed_turns' in input) return { kind: 'failed_turns', ...range(input.failed_turns), source };
  if ('invariants' in input) {
    const options = input.invariants === true ? {} : input.invariants;
    return { kind: 'invariants', bargeInBudgetMs: options.barge_in_budget, stuckBoundMs: options.stuck_bound, source };
  }
  const [flag] = Object.keys(input) as ('no_takeover_during_pauses' | 'backchannels_ignored' | 'no_self_interruption' | 'every_turn_answered')[];
  return { kind: flag!, source };
}

/** Background noise: a bare level is pink noise at that level; an SNR is relative to the voice. */
function toNoise(input: NonNullable<ScenarioFile['channel']>['noise'], voiceLevelDb: number): ChannelSpec['noise'] {
  if (input === undefined) return undefined;
  if (typeof input === 'number') return { kind: 'pink', levelDb: input };
  return { kind: input.kind ?? 'pink', levelDb: input.level ?? voiceLevelDb - input.snr! };
}

function range(value: number | { min?: number | undefined; max?: number | undefined }): { min: number; max: number } {
  if (typeof value === 'number') return { min: value, max: value };
  return { min: value.min ?? 0, max: value.max ?? Infinity };
}

/** Changes to the simulated providers (a role given a cassette keeps the configured one, unused). */
function toProviders(input: ScenarioFile['providers']): ProviderOverrides {
  const stt = simulated(input?.stt);
  const llm = simulated(input?.llm);
  const tts = simulated(input?.tts);
  return {
    ...(stt !== undefined ? { stt: sttOverride(stt) } : {}),
    ...(llm !== undefined ? { llm: llmOverride(llm) } : {}),
    ...(tts !== undefined ? { tts: ttsOverride(tts) } : {}),
  };
}

/** A provider entry unless it names a cassette. */
function simulated<T>(entry: T | undefined): T | undefined {
  return isCassette(entry) ? undefined : entry;
}

function isCassette(entry: unknown): entry is { cassette: string } {
  return typeof entry === 'object' && entry !== null && typeof (entry as { cassette?: unknown }).cassette === 'string';
}

/** The roles given as `{ cassette: path }`, with the path resolved against the scenario's folder. */
function toCassettes(input: ScenarioFile['providers'], file: string, at: (path: (string | number)[]) => SourceRef): ScenarioCassettes {
  const cassettes: ScenarioCassettes = {};
  for (const role of CASSETTE_ROLES) {
    const entry = input?.[role];
    if (!isCassette(entry)) continue;
    cassettes[role] = { path: entry.cassette, file: cassetteFile(file, entry.cassette), source: at(['providers', role, 'cassette']) };
  }
  return cassettes;
}
