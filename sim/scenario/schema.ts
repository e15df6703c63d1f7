import * as z from 'zod';
import { didYouMean } from '../load/messages.js';
import {
  decibelSchema,
  distributionSchema,
  durationSchema,
  keyedUnion,
  parseDuration,
  percentSchema,
  rateSchema,
} from '../load/index.js';
import { llmProviderSchema, sttProviderSchema, ttsProviderSchema } from '../config/schema.js';
import type { Anchor, AnchorEvent, TextMatcher } from './model.js';

const ANCHOR_EVENTS: readonly AnchorEvent[] = [
  'call.start',
  'agent.speech.start',
  'agent.speech.end',
  'agent.turn.end',
  'endpoint',
  'previous.start',
  'previous.end',
];

const ANCHOR_PATTERN = /^\s*([a-z][a-z.]*)\s*(?:([+-])\s*(\S.*?))?\s*$/;
const ANCHOR_PHRASE = 'a time like "agent.speech.start + 1500ms", "endpoint + 200ms" or "2.5s"';

/** Why `text` is not an anchor, or undefined if it is one. */
function anchorProblem(text: string): string | undefined {
  try {
    parseAnchor(text);
    return undefined;
  } catch (error) {
    return (error as Error).message;
  }
}

/** `"agent.speech.start + 1500ms"` → { event, offsetMs }; a bare duration is a time from the call start. */
export function parseAnchor(text: string): Anchor {
  if (/^\s*[0-9.]/.test(text)) return { event: 'call.start', offsetMs: parseDuration(text.trim()) };
  const match = ANCHOR_PATTERN.exec(text);
  if (!match) throw new Error(`expected ${ANCHOR_PHRASE}, got ${JSON.stringify(text)}`);
  const [, name = '', sign, offset] = match;
  if (!(ANCHOR_EVENTS as readonly string[]).includes(name)) {
    const suggestion = didYouMean(name, ANCHOR_EVENTS);
    throw new Error(
      `unknown event "${name}"${suggestion ? ` (did you mean "${suggestion}"?)` : ''}; events: ${ANCHOR_EVENTS.join(', ')}`,
    );
  }
  if (sign === '-') throw new Error('an offset cannot be negative: actions start at or after the event');
  return { event: name as AnchorEvent, offsetMs: offset === undefined ? 0 : parseDuration(offset) };
}

const anchorSchema = z
  .string()
  .regex(/^\s*(?:[0-9.]+\s*[a-z]+|(?:call\.start|agent\.speech\.start|agent\.speech\.end|agent\.turn\.end|endpoint|previous\.start|previous\.end)(?:\s*\+\s*[0-9.]+\s*[a-z]+)?)\s*$/, {
    error: (issue) => anchorProblem(String(issue.input)) ?? `expected ${ANCHOR_PHRASE}`,
  })
  .meta({ description: `When the action starts: ${ANCHOR_PHRASE}. Events: ${ANCHOR_EVENTS.join(', ')}.`, examples: ['agent.speech.start + 1500ms'] })
  .transform(parseAnchor);

/** `/pattern/flags` is a regular expression; anything else a case-insensitive substring. */
const matcherSchema = z
  .string()
  .min(1)
  .refine((text) => regexProblem(text) === undefined, { error: (issue) => regexProblem(String(issue.input)) ?? 'invalid regular expression' })
  .meta({ description: 'Text to find (case-insensitive), or a regular expression written /like this/i.' })
  .transform((text): TextMatcher => {
    const regex = /^\/(.*)\/([dgimsuy]*)$/s.exec(text);
    return regex ? { pattern: regex[1]!, flags: regex[2]! } : { substring: text };
  });

function regexProblem(text: string): string | undefined {
  const regex = /^\/(.*)\/([a-z]*)$/s.exec(text);
  if (!regex) return undefined;
  try {
    new RegExp(regex[1]!, regex[2]!);
    return undefined;
  } catch (error) {
    return `invalid regular expression ${text}: ${(error as Error).message.replace(/^Invalid regular expression: /, '')}`;
  }
}

const at = { at: anchorSchema.optional() };
const clipSchema = z.string().min(1).describe('a WAV file of this speech, relative to the scenario file (acoustic scenarios; default: the clip bank)');
const voiceOptions = { ...at, rate: rateSchema.optional(), level: decibelSchema.optional(), clip: clipSchema.optional() };

/** One step of the user's script. */
export const actionSchema = keyedUnion(
  {
    say: z.string().min(1),
    filler: z.string().min(1),
    backchannel: z.string().min(1),
    pause: durationSchema,
    silence: durationSchema,
    noise: durationSchema,
    hangup: z.literal(true),
  },
  {
    noun: 'action',
    bare: ['hangup'],
    extras: { say: voiceOptions, filler: voiceOptions, backchannel: voiceOptions, pause: at, silence: at, noise: { ...at, level: decibelSchema.optional() }, hangup: at },
  },
);

const budgetSchema = z
  .strictObject({
    p50: durationSchema.optional(),
    p90: durationSchema.optional(),
    p95: durationSchema.optional(),
    p99: durationSchema.optional(),
    max: durationSchema.optional(),
  })
  .refine((b) => Object.values(b).some((v) => v !== undefined), { error: 'expected at least one of p50, p90, p95, p99, max' });

const countRange = z.union([
  z.number().int().min(0),
  z.strictObject({ min: z.number().int().min(0).optional(), max: z.number().int().min(0).optional() }),
]);

const FLAG_EXPECTATIONS = ['no_takeover_during_pauses', 'backchannels_ignored', 'no_self_interruption', 'every_turn_answered', 'invariants'] as const;

const invariantsSchema = z.union([
  z.literal(true),
  z.strictObject({
    barge_in_budget: durationSchema.optional().describe('agent-side barge-in stop budget, plus the channel downlink (default 250ms)'),
    stuck_bound: durationSchema.optional().describe('longest time out of listening (default 30s)'),
  }),
]);

/** One expectation: a bare name, or a name with its parameter. */
export const expectationSchema = keyedUnion(
  {
    voice_to_voice: budgetSchema,
    eou_delay: budgetSchema,
    barge_in_stops_within: durationSchema,
    max_overlap: durationSchema,
    max_pause: durationSchema,
    agent_said: matcherSchema,
    agent_never_said: matcherSchema,
    turns: countRange,
    failed_turns: countRange,
    no_takeover_during_pauses: z.literal(true),
    backchannels_ignored: z.literal(true),
    no_self_interruption: z.literal(true),
    every_turn_answered: z.literal(true),
    invariants: invariantsSchema,
  },
  { noun: 'expectation', bare: FLAG_EXPECTATIONS },
);

const durationDistribution = distributionSchema(durationSchema);

/** Kinds of background noise. */
export const NOISE_KINDS = ['pink', 'white', 'babble'] as const;
/** How audio crosses the network. */
export const CODECS = ['pcm16', 'mulaw'] as const;

const channelSchema = z.strictObject({
  latency: durationDistribution.optional().describe('one-way network latency, both directions'),
  uplink: durationDistribution.optional().describe('microphone → agent latency (overrides latency)'),
  downlink: durationDistribution.optional().describe('agent → ear latency (overrides latency)'),
  jitter: durationDistribution.optional().describe('added to every delivery'),
  loss: z.strictObject({ rate: percentSchema, burst: durationSchema.optional().describe('mean burst length; default 60ms') }).optional(),
  echo: z
    .strictObject({
      delay: durationDistribution,
      gain: decibelSchema,
      room: durationSchema.optional().describe('length of a short room response (reflections) added to the echo (acoustic scenarios)'),
    })
    .optional(),
  noise: z
    .union([
      decibelSchema,
      z
        .strictObject({
          kind: z.enum(NOISE_KINDS).optional().describe('pink (default), white, or babble (other voices)'),
          level: decibelSchema.optional().describe('level at the microphone'),
          snr: decibelSchema.optional().describe('the voice\'s level above the noise'),
        })
        .refine((n) => (n.level === undefined) !== (n.snr === undefined), { error: 'give either level or snr (not both)' }),
    ])
    .optional()
    .describe('background noise at the microphone: a level like "-50dB", or { kind, level | snr }'),
  codec: z.enum(CODECS).optional().describe('mulaw: a telephone line (8 kHz G.711 μ-law both ways; acoustic scenarios)'),
});


const acousticSchema = z
  .union([
    z.literal(true),
    z.strictObject({ clips: z.string().min(1).optional().describe('a clip bank folder (with bank.json), relative to this file; default: the bundled bank') }),
  ])
  .describe('run this scenario in the acoustic world: real samples, the real VAD, echo and noise mixed at the sample level');

const replySchema = z.strictObject({ when: matcherSchema, say: z.string().min(1) });

/**
 * A provider of a scenario: as in a config file (a profile name, or fields), or `{ cassette: path }`,
 * a recorded session of a real provider replayed instead of the simulated one. The cassette is
 * a key of the fields' mapping (so a misspelt key gets a suggestion); that it comes alone is
 * checked with the whole file (a refinement here would clutter the exported JSON Schema).
 */
function orCassette<Name extends z.ZodType, Fields extends z.ZodObject>(provider: z.ZodUnion<readonly [Name, Fields]>, role: string, recorded: string) {
  const [name, fields] = provider.options;
  const withCassette = fields.extend({
    cassette: z
      .string()
      .min(1)
      .optional()
      .describe(`a cassette (*.cassette.json.gz) recorded from ${recorded}, relative to this file, replayed with its recorded timing instead of the simulated ${role}; give it alone`),
  });
  return z.union([name, withCassette]);
}

const ROLE_NAMES = { stt: 'STT', llm: 'LLM', tts: 'TTS' } as const;

/** The scenario's `providers:` section: as in a config file, or a cassette per role. */
export const scenarioProvidersSchema = z.strictObject({
  stt: orCassette(sttProviderSchema, 'STT', 'Deepgram (listen v1 or Flux)').optional(),
  llm: orCassette(llmProviderSchema, 'LLM', 'OpenAI chat completions').optional(),
  tts: orCassette(ttsProviderSchema, 'TTS', 'Deepgram Aura or ElevenLabs').optional(),
});

/** A scenario file. */
export const scenarioFileSchema = z.strictObject({
  $schema: z.string().optional(),
  name: z.string().min(1),
  description: z.string().optional(),
  category: z.string().min(1).optional(),
  seed: z.number().int().min(0).optional(),
  config: z.string().min(1).optional().describe('a preset name or a config file (relative to this file)'),
  max_duration: durationSchema.optional().describe('the call is cut off after this long (default 120s)'),
  voice: z.strictObject({ rate: rateSchema.optional(), level: decibelSchema.optional() }).optional(),
  user: z.array(actionSchema).min(1),
  agent: z
    .strictObject({
      greeting: z.string().min(1).optional(),
      replies: z.array(replySchema).optional(),
      default_reply: z.string().min(1).optional(),
    })
    .optional(),
  channel: channelSchema.optional(),
  providers: scenarioProvidersSchema.optional(),
  acoustic: acousticSchema.optional(),
  expect: z.array(expectationSchema).min(1),
}).superRefine((file, ctx) => {
  // A cassette replaces a simulated provider: profile fields beside it would be ignored.
  for (const [role, what] of Object.entries(ROLE_NAMES)) {
    const entry = file.providers?.[role as keyof typeof ROLE_NAMES];
    if (typeof entry === 'object' && entry.cassette !== undefined && Object.keys(entry).length > 1) {
      ctx.addIssue({ code: 'custom', path: ['providers', role], message: `a cassette replaces the simulated ${what}: give "cassette" alone, without profile fields`, input: entry });
    }
  }
  // What only the acoustic world can do is an error elsewhere, not silently ignored.
  if (file.acoustic !== undefined) return;
  const only = (path: (string | number)[], what: string): void =>
    ctx.addIssue({ code: 'custom', path, message: `${what} needs the acoustic world: add "acoustic: true" to the scenario`, input: undefined });
  file.user.forEach((action, i) => {
    if ('clip' in action && action.clip !== undefined) only(['user', i, 'clip'], 'a clip');
  });
  if (file.channel?.codec !== undefined && file.channel.codec !== 'pcm16') only(['channel', 'codec'], 'a codec');
  if (file.channel?.echo?.room !== undefined) only(['channel', 'echo', 'room'], 'a room response');
  const noise = file.channel?.noise;
  if (typeof noise === 'object' && noise.kind !== undefined) only(['channel', 'noise', 'kind'], 'a kind of noise');
});

export type ScenarioFile = z.output<typeof scenarioFileSchema>;
export type ActionInput = z.output<typeof actionSchema>;
export type ExpectationInput = z.output<typeof expectationSchema>;
