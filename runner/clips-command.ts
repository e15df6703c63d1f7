import { relative } from 'node:path';
import { parseArgs } from 'node:util';
import { bankDirFor, ClipBank, clipKey, isClipBank } from '../sim/acoustic/clip-bank.js';
import { clipNeeds, STANDARD_USER_PHRASES, wantedClips, type WantedClip } from '../sim/acoustic/clip-needs.js';
import { displayPath } from '../sim/config/load.js';
import { loadScenarioFile } from '../sim/scenario/load.js';
import { checkSynthesisTools, synthesizeClips } from './clip-synthesis.js';
import { findScenarioFiles } from './scenario-files.js';
import { UsageError } from './usage.js';

export const CLIPS_USAGE = `Usage: parley clips <scenario files or dirs...> [--check] [--bank DIR]

Finds what acoustic scenarios need from their clip banks: each user utterance without a clip
of its own, every word the agent may say, and the usual fillers and backchannels. With
--check, lists what is missing (exit 1 if anything is); otherwise synthesizes the missing
clips with espeak-ng and sox (Debian: apt-get install espeak-ng sox) and adds them to the
bank's bank.json. Recorded clips can be added to bank.json by hand instead.

Options:
  --bank DIR    the bank for every scenario (default: each scenario's acoustic.clips,
                else the bank bundled with parley)
  --check       list what is missing; change nothing
  -h, --help    show this help`;

/** `parley clips`: returns the exit code. */
export async function clipsCommand(args: readonly string[], out: NodeJS.WritableStream, err: NodeJS.WritableStream): Promise<number> {
  const { values, positionals } = parseArgs({
    args: [...args],
    options: { bank: { type: 'string' }, check: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } },
    allowPositionals: true,
    strict: true,
  });
  if (values.help) {
    out.write(`${CLIPS_USAGE}\n`);
    return 0;
  }
  if (positionals.length === 0) throw new UsageError('expected scenario files or directories (try: parley clips --help)');
  if (values.bank === '') throw new UsageError('--bank expects a directory');

  const { files, errors } = findScenarioFiles(positionals);
  const wantedByBank = new Map<string, WantedClip[]>();
  for (const path of files) {
    const loaded = loadScenarioFile(path, displayPath(path));
    if (!loaded.ok) {
      errors.push(...loaded.errors);
      continue;
    }
    const { scenario } = loaded;
    if (!scenario.acoustic) continue;
    const dir = values.bank ?? bankDirFor(scenario.file, scenario.acoustic.clips?.path);
    const list = wantedByBank.get(dir) ?? [];
    list.push(...wantedClips(clipNeeds(scenario)));
    wantedByBank.set(dir, list);
  }
  if (errors.length > 0) {
    for (const error of errors) err.write(`${error.toString()}\n`);
    return 2;
  }
  if (wantedByBank.size === 0) {
    out.write('no acoustic scenarios among these files: nothing needs clips\n');
    return 0;
  }

  let missingCount = 0;
  for (const [dir, list] of wantedByBank) {
    const standard = STANDARD_USER_PHRASES.map((text) => ({ voice: 'user' as const, key: clipKey(text), text }));
    const missing = missingFrom(dir, dedupe([...standard, ...list]));
    const name = relative(process.cwd(), dir) || '.';
    if (missing.length === 0) {
      out.write(`clip bank ${name}: complete\n`);
      continue;
    }
    missingCount += missing.length;
    if (values.check) {
      out.write(`clip bank ${name}: ${missing.length} missing\n`);
      for (const clip of missing) out.write(`  ${clip.voice}: ${JSON.stringify(clip.text)}\n`);
      continue;
    }
    checkSynthesisTools();
    const written = synthesizeClips(dir, missing);
    for (const file of written) out.write(`wrote ${name}/${file}\n`);
    out.write(`clip bank ${name}: ${written.length} clips added to bank.json\n`);
  }
  ClipBank.forgetOpened();
  return values.check && missingCount > 0 ? 1 : 0;
}

/** The wanted clips the bank in `dir` lacks (all of them if there is no bank yet). */
function missingFrom(dir: string, wanted: readonly WantedClip[]): WantedClip[] {
  if (!isClipBank(dir)) return [...wanted];
  const bank = ClipBank.open(dir);
  const keys = { user: bank.keys('user'), agent: bank.keys('agent') };
  return wanted.filter((clip) => !keys[clip.voice].has(clip.key));
}

function dedupe(clips: readonly WantedClip[]): WantedClip[] {
  const seen = new Set<string>();
  return clips.filter((clip) => {
    const id = `${clip.voice}:${clip.key}`;
    if (seen.has(id)) return false;
    seen.add(id);
    return true;
  });
}
