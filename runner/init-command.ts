import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { parseArgs } from 'node:util';
import { UsageError } from './usage.js';

export const INIT_USAGE = `Usage: parley init [DIR] [--force]

Writes a starter scenario (scenarios/first-call.yaml) and an agent config (parley.config.yaml)
into DIR (default: the current directory), then run them with:
  npx parley run scenarios/ --config parley.config.yaml

Options:
  --force     overwrite files that exist
  -h, --help  show this help`;

/** The starter scenario: a hesitation, a backchannel and a barge-in, with the expectations that matter. */
export const STARTER_SCENARIO = `# yaml-language-server: $schema=../node_modules/parley/scenarios/scenario.schema.json
# A first scenario: what the caller says and when, and what the agent must do.
# Run it: npx parley run scenarios/ --config parley.config.yaml
name: booking with a hesitation and a correction
description: >
  The caller stops after "for" to think, finishes the request, says "mhm" while the agent
  answers, then corrects the day. The agent must wait through the pause, ignore the "mhm",
  stop at once for the correction, and answer quickly.
seed: 1
user:
  - say: "I'd like to book a table for"
  - pause: 1200ms                        # a hesitation: the agent must not take the turn
  - say: "four people on Friday."
  - backchannel: mhm                     # must not stop the agent
    at: agent.speech.start + 1500ms
  - say: "Actually, make it Saturday."   # a barge-in, 3 s into the answer
    at: agent.speech.start + 3000ms
agent:
  replies:
    - when: Saturday
      say: "Saturday for four it is. See you then."
    - when: Friday
      say: "Friday for four works. I can offer seven or half past eight in the evening. Which would you like?"
channel:
  latency: 40ms
  jitter: { min: 0ms, max: 20ms }
expect:
  - no_takeover_during_pauses
  - backchannels_ignored
  - barge_in_stops_within: 250ms
  - every_turn_answered
  - voice_to_voice: { p95: 1200ms }
  - agent_said: "Saturday for four"
`;

/** The starter agent config: the default preset, with its main settings spelled out to edit. */
export const STARTER_CONFIG = `# yaml-language-server: $schema=./node_modules/parley/scenarios/config.schema.json
# The agent under test. Every setting left out keeps the preset's value.
extends: default
endpointer:
  mode: semantic        # or silence: a fixed wait after speech
  min_delay: 250ms      # after a complete-sounding turn
  silence: 500ms        # when the text gives no sign either way
  max_delay: 2500ms     # after "and", "for", "um"...
interruption:
  min_words: 1          # words outside the backchannel lexicon needed for a barge-in
  backchannel_max: 1200ms
  pause_on_suspicion: true
providers:
  stt: fast-stt         # fast-stt, flux-like, slow-stt
  llm: gpt-4o-mini-like # gpt-4o-mini-like, gpt-4o-like, groq-like
  tts: flash-like       # flash-like, aura-like
`;

/** `parley init`: returns the exit code. */
export function initCommand(args: readonly string[], out: NodeJS.WritableStream): number {
  const { values, positionals } = parseArgs({
    args: [...args],
    options: { force: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } },
    allowPositionals: true,
    strict: true,
  });
  if (values.help) {
    out.write(`${INIT_USAGE}\n`);
    return 0;
  }
  if (positionals.length > 1) throw new UsageError(`expected at most one directory, got ${positionals.length}`);
  const dir = positionals[0] ?? '.';
  const files = [
    { path: join(dir, 'scenarios', 'first-call.yaml'), text: STARTER_SCENARIO },
    { path: join(dir, 'parley.config.yaml'), text: STARTER_CONFIG },
  ];
  const existing = files.filter((f) => existsSync(f.path));
  if (existing.length > 0 && !values.force) {
    throw new UsageError(`${existing.map((f) => f.path).join(' and ')} already exist${existing.length === 1 ? 's' : ''} (use --force to overwrite)`);
  }
  for (const file of files) {
    mkdirSync(dirname(file.path), { recursive: true });
    writeFileSync(file.path, file.text);
    out.write(`wrote ${file.path}\n`);
  }
  const where = relative(process.cwd(), dir) || '.';
  out.write(`next: ${where === '.' ? '' : `cd ${where} && `}npx parley run scenarios/ --config parley.config.yaml\n`);
  return 0;
}
