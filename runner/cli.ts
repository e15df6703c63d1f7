import { readFileSync } from 'node:fs';
import { clipsCommand } from './clips-command.js';
import { compareCommand } from './compare-command.js';
import { fuzzCommand } from './fuzz-command.js';
import { initCommand } from './init-command.js';
import { mergeCommand } from './merge-command.js';
import { runCommand } from './run-command.js';
import { schemaCommand } from './schema-files.js';
import { UsageError } from './usage.js';
import { vadCommand } from './vad-command.js';

/** Exit codes: 0 all passed, 1 an assertion or gate failed, 2 bad input or usage. */
export const EXIT = { ok: 0, failed: 1, usage: 2 } as const;

const USAGE = `parley: deterministic simulation and test harness for real-time voice agents

Usage: parley <command> [options]

Commands:
  run <files or dirs...>   run scenario files on the simulator and write a report
                           (parley run --help for its options)
  merge <reports...> --report-dir DIR
                           join the report dirs of the shards of a run (--shard i/n)
                           into one report (parley merge --help)
  compare A.json B.json    compare two reports (B against the baseline A): a Markdown table of
                           the differences; exit 1 on a regression (parley compare --help)
  fuzz [options]           generate scenarios, check the turn-taking invariants, and
                           shrink a failure to a minimal scenario (parley fuzz --help)
  clips <files or dirs...> list or synthesize the clips acoustic scenarios need
                           (parley clips --help)
  schema [--out DIR]       write the JSON Schemas of scenario, config and gates files
                           for editor completion (default DIR: scenarios)
  init [DIR]               write a starter scenario and agent config (parley init --help)
  replay <wav files or dirs...>
                           replay recorded calls against configs: premature endpoints,
                           false and missed barge-ins, latency (parley replay --help)
  vad FILE.wav             print the speech segments a VAD (Silero or energy) finds in a
                           recording, to check and tune VAD settings (parley vad --help)
  fake-server <deepgram|openai|elevenlabs> [--port N] [--script FILE]
                           run a protocol-faithful fake of a provider on 127.0.0.1 and print
                           its base URL; serves until Ctrl-C (parley fake-server --help)
  help                     show this help

Options:
  -h, --help               show this help
  -v, --version            print the version

Exit codes: 0 all passed, 1 an assertion or gate failed, 2 bad input or usage.`;

export { UsageError };

function version(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}

/** Runs the command line; returns the exit code. */
export async function main(argv: readonly string[], out: NodeJS.WritableStream = process.stdout, err: NodeJS.WritableStream = process.stderr): Promise<number> {
  const [command, ...rest] = argv;
  try {
    if (command === undefined || command === 'help' || command === '--help' || command === '-h') {
      out.write(`${USAGE}\n`);
      return EXIT.ok;
    }
    if (command === '--version' || command === '-v') {
      out.write(`${version()}\n`);
      return EXIT.ok;
    }
    switch (command) {
      case 'run':
        return await runCommand(rest, out, err);
      case 'merge':
        return await mergeCommand(rest, out, err);
      case 'init':
        return initCommand(rest, out);
      case 'fuzz':
        return await fuzzCommand(rest, out, err);
      case 'compare':
        return await compareCommand(rest, out, err);
      case 'schema':
        return await schemaCommand(rest, out);
      case 'clips':
        return await clipsCommand(rest, out, err);
      case 'vad':
        return await vadCommand(rest, out);
      case 'replay':
        return await (await import('./replay-command.js')).replayCommand(rest, out, err);
      case 'fake-server':
        // Loaded on demand: the fake servers are not needed to run scenarios.
        return await (await import('./fake-server-command.js')).fakeServerCommand(rest, out, err);
      default:
        throw new UsageError(`unknown command "${command}" (try: parley --help)`);
    }
  } catch (error) {
    if (error instanceof UsageError || isParseArgsError(error)) {
      const who = command !== undefined && COMMANDS.includes(command) ? `parley ${command}` : 'parley';
      err.write(`${who}: ${usageMessage(error as Error, who)}\n`);
      return EXIT.usage;
    }
    throw error;
  }
}

/** Subcommands, named in their usage errors ("parley run: …"). */
const COMMANDS: readonly string[] = ['run', 'fuzz', 'init', 'schema', 'compare', 'merge', 'clips', 'vad', 'fake-server', 'replay'];

/** One line: node:util's wording of an unknown option is replaced by a shorter one. */
function usageMessage(error: Error, who: string): string {
  const unknown = /^Unknown option '([^']*)'/.exec(error.message);
  if (unknown) return `unknown option "${unknown[1]}" (try: ${who} --help)`;
  return error.message.split('\n')[0]!;
}

/** node:util parseArgs rejects unknown options and bad values with ERR_PARSE_ARGS_* errors. */
function isParseArgsError(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return error instanceof TypeError && typeof code === 'string' && code.startsWith('ERR_PARSE_ARGS');
}

