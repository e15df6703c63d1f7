/**
 * fast-check arbitraries for whole scenarios, in the scenario file's own shape (what a YAML
 * file holds), so a generated scenario can be written out as a file and run with `parley run`.
 *
 * Generation is swarm style: each scenario first draws which behaviours and faults are on
 * ({@link features}), then draws the parameters of those that are. Small, composable pieces:
 * phrases, turns, channel, providers, then {@link scenarioFile}.
 *
 * @module
 */
import fc from 'fast-check';
import type * as z from 'zod';
import type { scenarioFileSchema } from '../scenario/schema.js';

/** A scenario as written in a file (the input side of the scenario schema). */
export type ScenarioFileInput = z.input<typeof scenarioFileSchema>;
/** One user action as written in a file. */
export type ActionInput = ScenarioFileInput['user'][number];

/** Which behaviours and faults a generated scenario has. */
export interface Features {
  readonly greeting: boolean;
  /** Turns broken by a pause after an incomplete phrase ("…a table for", 1.2 s, "four people."). */
  readonly hesitations: boolean;
  /** "um" / "uh" inside those pauses. */
  readonly fillers: boolean;
  readonly backchannels: boolean;
  readonly bargeIns: boolean;
  /** Coughs and door slams while the agent talks. */
  readonly noise: boolean;
  readonly echo: boolean;
  readonly jitter: boolean;
  readonly loss: boolean;
  readonly slowLlm: boolean;
  readonly llmStall: boolean;
  readonly llmErrors: boolean;
  readonly slowTts: boolean;
  readonly ttsErrors: boolean;
}

/** Switches each behaviour and fault on or off. */
export function features(): fc.Arbitrary<Features> {
  return fc.record({
    greeting: fc.boolean(),
    hesitations: fc.boolean(),
    fillers: fc.boolean(),
    backchannels: fc.boolean(),
    bargeIns: fc.boolean(),
    noise: fc.boolean(),
    echo: fc.boolean(),
    jitter: fc.boolean(),
    loss: fc.boolean(),
    slowLlm: fc.boolean(),
    llmStall: fc.boolean(),
    llmErrors: fc.boolean(),
    slowTts: fc.boolean(),
    ttsErrors: fc.boolean(),
  });
}

/** Complete requests and questions: a turn on their own. */
export const COMPLETE_PHRASES: readonly string[] = [
  'What time do you open on Saturday?',
  'Can I book a table for two tonight?',
  'Do you have any parking nearby?',
  "I'd like to check the status of my order.",
  'Is the store open on public holidays?',
  'How much is delivery to the city centre?',
];

/** Requests split where a speaker hesitates: the first part ends on a word that needs more. */
export const SPLIT_PHRASES: readonly (readonly [string, string])[] = [
  ["I'd like to book a table for", 'four people on Friday.'],
  ['Can you move my appointment to', 'Thursday afternoon?'],
  ['My order number is', 'four five seven two.'],
  ['I was wondering if', 'you have any rooms left.'],
  ['I need to change the', 'delivery address.'],
  ['Could you tell me about', 'your opening hours?'],
];

/** Sounds of listening. */
export const BACKCHANNEL_PHRASES: readonly string[] = ['mhm', 'uh-huh', 'yeah', 'okay', 'right', 'I see', 'got it'];

/** Interruptions that want the turn. */
export const BARGE_IN_PHRASES: readonly string[] = [
  'Actually, make it Wednesday.',
  'Sorry, can I stop you there?',
  "No, that's not what I asked.",
  'Hang on, what about Sunday?',
  'Wait, I need to change the time.',
];

/** A long answer, so backchannels and barge-ins land while the agent talks. */
export const AGENT_ANSWER = 'Sure. We are open from nine until six on weekdays, and from ten until four on Saturdays. On Sundays we are closed.';

const ms = (value: number): string => `${Math.round(value)}ms`;

/**
 * Everything one user turn may contain, drawn whether or not the scenario's features use it:
 * the features then switch parts off. Drawing everything keeps shrinking simple: an optional part
 * shrinks to nothing, a feature to off.
 */
export interface TurnDraw {
  readonly complete: string;
  readonly split: { readonly phrase: readonly [string, string]; readonly pauseMs: number; readonly filler: string | undefined } | undefined;
  readonly backchannel: { readonly text: string; readonly atMs: number } | undefined;
  readonly noise: { readonly lengthMs: number; readonly atMs: number } | undefined;
  readonly bargeIn: { readonly text: string; readonly afterMs: number } | undefined;
  /** Silence before the turn (after the agent's previous answer). */
  readonly gapMs: number;
}

/** One user turn's draw. */
export function turnDraw(): fc.Arbitrary<TurnDraw> {
  return fc.record({
    complete: fc.constantFrom(...COMPLETE_PHRASES),
    split: fc.option(
      fc.record({
        phrase: fc.constantFrom(...SPLIT_PHRASES),
        pauseMs: fc.integer({ min: 200, max: 2200 }),
        filler: fc.option(fc.constantFrom('um', 'uh'), { nil: undefined }),
      }),
      { nil: undefined },
    ),
    backchannel: fc.option(fc.record({ text: fc.constantFrom(...BACKCHANNEL_PHRASES), atMs: fc.integer({ min: 300, max: 2500 }) }), { nil: undefined }),
    noise: fc.option(fc.record({ lengthMs: fc.integer({ min: 100, max: 600 }), atMs: fc.integer({ min: 300, max: 2500 }) }), { nil: undefined }),
    bargeIn: fc.option(fc.record({ text: fc.constantFrom(...BARGE_IN_PHRASES), afterMs: fc.integer({ min: 200, max: 5000 }) }), { nil: undefined }),
    gapMs: fc.integer({ min: 300, max: 1500 }),
  });
}

/** The actions of one turn under `f`: its speech, then what the user does during the answer. */
export function turnActions(turn: TurnDraw, f: Features, first: boolean): ActionInput[] {
  const at = !first || f.greeting ? `agent.turn.end + ${ms(turn.gapMs)}` : `call.start + ${ms(turn.gapMs)}`;
  const actions: ActionInput[] = [];
  if (f.hesitations && turn.split) {
    const { phrase, pauseMs, filler } = turn.split;
    actions.push({ say: phrase[0], at });
    if (f.fillers && filler) actions.push({ pause: ms(pauseMs / 2) }, { filler }, { pause: ms(pauseMs / 2) });
    else actions.push({ pause: ms(pauseMs) });
    actions.push({ say: phrase[1] });
  } else {
    actions.push({ say: turn.complete, at });
  }
  // During the answer, anchored to its start; each begins once the one before it has ended.
  let cursorMs = 0;
  if (f.backchannels && turn.backchannel) {
    actions.push({ backchannel: turn.backchannel.text, at: `agent.speech.start + ${ms(turn.backchannel.atMs)}` });
    cursorMs = turn.backchannel.atMs + 1000;
  }
  if (f.noise && turn.noise) {
    const atMs = Math.max(turn.noise.atMs, cursorMs);
    actions.push({ noise: ms(turn.noise.lengthMs), at: `agent.speech.start + ${ms(atMs)}` });
    cursorMs = atMs + turn.noise.lengthMs + 1000;
  }
  if (f.bargeIns && turn.bargeIn) {
    actions.push({ say: turn.bargeIn.text, at: `agent.speech.start + ${ms(Math.max(turn.bargeIn.afterMs, cursorMs))}` });
  }
  return actions;
}

/** The network's draw: latency always, the faults when their features are on. */
export interface ChannelDraw {
  readonly latencyMs: number;
  readonly jitterMs: number | undefined;
  readonly loss: { readonly percent: number; readonly burstMs: number } | undefined;
  readonly echo: { readonly delayMs: number; readonly gainDb: number } | undefined;
}

export function channelDraw(): fc.Arbitrary<ChannelDraw> {
  return fc.record({
    latencyMs: fc.integer({ min: 10, max: 150 }),
    jitterMs: fc.option(fc.integer({ min: 5, max: 60 }), { nil: undefined }),
    loss: fc.option(fc.record({ percent: fc.integer({ min: 1, max: 5 }), burstMs: fc.integer({ min: 20, max: 100 }) }), { nil: undefined }),
    echo: fc.option(fc.record({ delayMs: fc.integer({ min: 50, max: 250 }), gainDb: fc.integer({ min: -25, max: -6 }) }), { nil: undefined }),
  });
}

/** The `channel:` section under `f`. */
export function channelSection(d: ChannelDraw, f: Features): NonNullable<ScenarioFileInput['channel']> {
  return {
    latency: ms(d.latencyMs),
    ...(f.jitter && d.jitterMs !== undefined ? { jitter: { min: '0ms', max: ms(d.jitterMs) } } : {}),
    ...(f.loss && d.loss ? { loss: { rate: `${d.loss.percent}%`, burst: ms(d.loss.burstMs) } } : {}),
    ...(f.echo && d.echo ? { echo: { delay: ms(d.echo.delayMs), gain: `${d.echo.gainDb}dB` } } : {}),
  };
}

/** The providers' draw: the slow, stalling and failing behaviours' parameters. */
export interface ProvidersDraw {
  readonly ttftMs: number | undefined;
  readonly stall: { readonly afterTokens: number; readonly durationMs: number } | undefined;
  readonly llmFail: number | undefined;
  readonly ttfbMs: number | undefined;
  readonly ttsFail: number | undefined;
}

export function providersDraw(): fc.Arbitrary<ProvidersDraw> {
  return fc.record({
    ttftMs: fc.option(fc.integer({ min: 600, max: 2500 }), { nil: undefined }),
    stall: fc.option(fc.record({ afterTokens: fc.integer({ min: 1, max: 12 }), durationMs: fc.integer({ min: 500, max: 4000 }) }), { nil: undefined }),
    llmFail: fc.option(fc.integer({ min: 1, max: 3 }), { nil: undefined }),
    ttfbMs: fc.option(fc.integer({ min: 300, max: 1200 }), { nil: undefined }),
    ttsFail: fc.option(fc.integer({ min: 1, max: 4 }), { nil: undefined }),
  });
}

/** The `providers:` section under `f` (empty when every provider behaves). */
export function providersSection(d: ProvidersDraw, f: Features): NonNullable<ScenarioFileInput['providers']> {
  const llm = {
    ...(f.slowLlm && d.ttftMs !== undefined ? { ttft: ms(d.ttftMs) } : {}),
    ...(f.llmStall && d.stall ? { stall: { after_tokens: d.stall.afterTokens, duration: ms(d.stall.durationMs) } } : {}),
    ...(f.llmErrors && d.llmFail !== undefined ? { fail_requests: [d.llmFail] } : {}),
  };
  const tts = {
    ...(f.slowTts && d.ttfbMs !== undefined ? { ttfb: ms(d.ttfbMs) } : {}),
    ...(f.ttsErrors && d.ttsFail !== undefined ? { fail_requests: [d.ttsFail] } : {}),
  };
  return { ...(Object.keys(llm).length > 0 ? { llm } : {}), ...(Object.keys(tts).length > 0 ? { tts } : {}) };
}

/** Options of {@link scenarioFile}. */
export interface ScenarioFileOptions {
  /** Expectations written into the scenario. Default: the turn-taking invariants. */
  readonly expect?: ScenarioFileInput['expect'];
  /** Fix some features instead of drawing them. */
  readonly features?: Partial<Features>;
  /** Most user turns. Default 3 (a scenario of about 30 s). */
  readonly maxTurns?: number;
}

/** A whole scenario file, swarm style: which features are on, and the parameters they use. */
export function scenarioFile(options: ScenarioFileOptions = {}): fc.Arbitrary<ScenarioFileInput> {
  return fc
    .record({
      features: features().map((f): Features => ({ ...f, ...options.features })),
      seed: fc.integer({ min: 0, max: 1_000_000 }),
      turns: fc.array(turnDraw(), { minLength: 1, maxLength: options.maxTurns ?? 3 }),
      channel: channelDraw(),
      providers: providersDraw(),
    })
    .map(({ features: f, seed, turns, channel, providers }): ScenarioFileInput => {
      const providerSection = providersSection(providers, f);
      return {
        name: 'generated scenario',
        seed,
        // A turn that failed leaves the next one waiting for an answer that never comes: cap it.
        max_duration: '120s',
        user: turns.flatMap((turn, i) => turnActions(turn, f, i === 0)),
        agent: {
          ...(f.greeting ? { greeting: 'Thanks for calling. How can I help?' } : {}),
          default_reply: AGENT_ANSWER,
        },
        channel: channelSection(channel, f),
        ...(Object.keys(providerSection).length > 0 ? { providers: providerSection } : {}),
        expect: options.expect ?? ['invariants'],
      };
    });
}
