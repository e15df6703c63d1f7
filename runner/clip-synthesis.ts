import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeFileAtomically } from '../reports/atomic.js';
import { BANK_MANIFEST, bankManifestSchema, type BankManifest, type Voice, type VoiceSettings } from '../sim/acoustic/clip-bank.js';
import type { WantedClip } from '../sim/acoustic/clip-needs.js';
import { UsageError } from './usage.js';

/** Voices of a new bank: two different espeak-ng voices, so the agent's echo and the user differ. */
export const DEFAULT_VOICES: Readonly<Record<Voice, VoiceSettings>> = {
  user: { espeak: 'en-us+m3', wpm: 165 },
  agent: { espeak: 'en-us+f3', wpm: 175 },
};

/** What espeak-ng should say for texts it would otherwise spell out letter by letter. */
export const DEFAULT_PRONUNCIATIONS: Readonly<Record<string, string>> = {
  mhm: "[[@m'h@m]]",
  'mm-hmm': "[[@m'h@m]]",
};

/** The manifest of the bank in `dir`, or a new one. */
export function readOrCreateManifest(dir: string): BankManifest {
  const path = join(dir, BANK_MANIFEST);
  if (!existsSync(path)) return { voices: { ...DEFAULT_VOICES }, clips: { user: {}, agent: {} } };
  const parsed = bankManifestSchema.safeParse(JSON.parse(readFileSync(path, 'utf8')));
  if (!parsed.success) throw new UsageError(`${path}: not a clip bank manifest (${parsed.error.issues[0]?.message ?? 'invalid'})`);
  return parsed.data;
}

/** Fails with a one-line reason when espeak-ng or sox cannot be run. */
export function checkSynthesisTools(): void {
  for (const tool of ['espeak-ng', 'sox']) {
    const result = spawnSync(tool, ['--version'], { encoding: 'utf8' });
    if (result.error) {
      throw new UsageError(`${tool} is needed to synthesize clips and was not found (Debian: apt-get install espeak-ng sox), or record the clips and list them in ${BANK_MANIFEST}`);
    }
  }
}

/**
 * Synthesizes `clips` into the bank in `dir` with espeak-ng, converted by sox to 16 kHz mono
 * PCM16, trimmed of leading and trailing silence and peak-normalised to −3 dBFS; adds them to
 * bank.json (written last, atomically). Returns the files written, relative to the bank.
 */
export function synthesizeClips(dir: string, clips: readonly WantedClip[]): string[] {
  const manifest = readOrCreateManifest(dir);
  const voices = { ...DEFAULT_VOICES, ...manifest.voices };
  const pronounce = { ...DEFAULT_PRONUNCIATIONS, ...manifest.pronounce };
  const files = { user: { ...manifest.clips.user }, agent: { ...manifest.clips.agent } };
  const scratch = mkdtempSync(join(tmpdir(), 'parley-clips-'));
  const written: string[] = [];
  try {
    for (const clip of clips) {
      const taken = new Set(Object.values(files[clip.voice]));
      const file = freeName(clip.voice, clip.key, taken);
      mkdirSync(join(dir, clip.voice), { recursive: true });
      const raw = join(scratch, 'raw.wav');
      const settings = voices[clip.voice];
      run('espeak-ng', ['-v', settings.espeak, '-s', String(settings.wpm), '-w', raw, pronounce[clip.key] ?? clip.text]);
      run('sox', [raw, '-r', '16000', '-c', '1', '-b', '16', join(dir, file), 'silence', '1', '0.01', '0.1%', 'reverse', 'silence', '1', '0.01', '0.1%', 'reverse', 'gain', '-n', '-3']);
      files[clip.voice][clip.key] = file;
      written.push(file);
    }
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
  const next: BankManifest = { ...manifest, voices, clips: { user: sorted(files.user), agent: sorted(files.agent) } };
  writeFileAtomically(join(dir, BANK_MANIFEST), `${JSON.stringify(next, null, 2)}\n`);
  return written;
}

/** `voice/<words-joined-by-hyphens>.wav`, numbered if that name is taken. */
function freeName(voice: Voice, key: string, taken: ReadonlySet<string>): string {
  const slug = key.replace(/'/g, '').replace(/[^\p{L}\p{N}]+/gu, '-').replace(/^-|-$/g, '') || 'clip';
  for (let n = 1; ; n++) {
    const file = `${voice}/${n === 1 ? slug : `${slug}-${n}`}.wav`;
    if (!taken.has(file)) return file;
  }
}

function run(tool: string, args: string[]): void {
  const result = spawnSync(tool, args, { encoding: 'utf8' });
  if (result.error || result.status !== 0) {
    const why = result.error?.message ?? (result.stderr.trim().split('\n')[0] || `exit code ${result.status}`);
    throw new UsageError(`${tool} failed: ${why}`);
  }
}

function sorted(record: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(record).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}
