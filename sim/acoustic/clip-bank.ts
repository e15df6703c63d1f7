import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import * as z from 'zod';
import { AudioFileError, readWavFile, resample, selectChannel } from '../../core/audio/index.js';
import { timeWords, type TruthWord } from '../world/sound.js';
import { packageRoot } from './package-root.js';
import { atSpeechLevel } from './levels.js';

/** Whose voice a clip is in: the scripted user's, or the simulated agent's (its TTS). */
export type Voice = 'user' | 'agent';
export const VOICES: readonly Voice[] = ['user', 'agent'];

/** The manifest's file name, in the bank's folder. */
export const BANK_MANIFEST = 'bank.json';

/** The bank bundled with parley: `scenarios/clips` in the package. */
export function bundledBankDir(): string {
  return join(packageRoot(), 'scenarios', 'clips');
}

/** How `parley clips` synthesizes a voice's missing clips (espeak-ng voice and speaking rate). */
const voiceSettingsSchema = z.strictObject({
  espeak: z.string().min(1).describe('espeak-ng voice, e.g. en-us+m3'),
  wpm: z.number().int().min(80).max(400).describe('speaking rate, words per minute'),
});
export type VoiceSettings = z.output<typeof voiceSettingsSchema>;

/** `bank.json`: which clip file speaks which text, per voice. */
export const bankManifestSchema = z.strictObject({
  description: z.string().optional(),
  voices: z.strictObject({ user: voiceSettingsSchema.optional(), agent: voiceSettingsSchema.optional() }).optional(),
  /** Spellings espeak-ng should say instead of a text (e.g. "mhm" as phonemes). */
  pronounce: z.record(z.string(), z.string()).optional(),
  clips: z.strictObject({
    user: z.record(z.string(), z.string()).optional(),
    agent: z.record(z.string(), z.string()).optional(),
  }),
});
export type BankManifest = z.output<typeof bankManifestSchema>;

/** A bank that cannot be used, in one line. */
export class ClipBankError extends Error {
  override readonly name = 'ClipBankError';
}

/**
 * The words of a text as the bank keys them: lower case, letters, digits and inner apostrophes
 * or hyphens ("I'd like" → `i'd`, `like`; "uh-huh" → `uh-huh`).
 */
export function clipWords(text: string): string[] {
  return (text.toLowerCase().replace(/[’‘]/g, "'").match(/[\p{L}\p{N}]+(?:['-][\p{L}\p{N}]+)*/gu) ?? []);
}

/** The key of a phrase: its words joined by single spaces. */
export function clipKey(text: string): string {
  return clipWords(text).join(' ');
}

/** How a text would be spoken from the bank. */
export type ClipPlan =
  /** One clip of the whole phrase. */
  | { readonly kind: 'phrase'; readonly file: string }
  /** One clip per word, joined. */
  | { readonly kind: 'words'; readonly files: readonly string[] }
  /** Neither: these words have no clip (none at all when the text has no words). */
  | { readonly kind: 'missing'; readonly words: readonly string[] };

/** Speech rendered from clips: samples at the asked rate, and where each word is. */
export interface RenderedSpeech {
  readonly sampleRate: number;
  readonly samples: Float32Array;
  /** Each whitespace-separated token of the text as written, timed in ms from the first sample. */
  readonly words: readonly TruthWord[];
}

/** Silence between words joined from word clips, and at commas and sentence ends. */
const WORD_GAP_MS = 40;
const CLAUSE_GAP_MS = 180;
const SENTENCE_GAP_MS = 320;

/**
 * A folder of WAV clips and the `bank.json` that says which text each one speaks, per voice.
 * User speech is spoken from a clip of the whole phrase when there is one, else from word
 * clips; the agent's voice (the simulated TTS) speaks whatever text it is given, so it is
 * joined from word clips unless a clip of exactly that text exists.
 *
 * Clips are decoded once per process and converted to the asked rate once.
 */
export class ClipBank {
  readonly dir: string;
  readonly manifest: BankManifest;
  readonly #decoded = new Map<string, Float32Array>();
  readonly #faded = new Map<string, Float32Array>();
  /** Renders at a speech level, most recently made last (see {@link renderAt}). */
  readonly #leveled = new Map<string, RenderedSpeech>();
  readonly #keys: Record<Voice, Map<string, string>>;

  private constructor(dir: string, manifest: BankManifest) {
    this.dir = dir;
    this.manifest = manifest;
    this.#keys = {
      user: new Map(Object.entries(manifest.clips.user ?? {}).map(([text, file]) => [clipKey(text), file])),
      agent: new Map(Object.entries(manifest.clips.agent ?? {}).map(([text, file]) => [clipKey(text), file])),
    };
  }

  /** Opens the bank in `dir` (its bank.json is read and checked; clips are read when used). */
  static open(dir: string): ClipBank {
    const cached = OPEN_BANKS.get(resolve(dir));
    if (cached) return cached;
    const path = join(dir, BANK_MANIFEST);
    let text: string;
    try {
      text = readFileSync(path, 'utf8');
    } catch {
      throw new ClipBankError(`${path}: no clip bank here (expected a ${BANK_MANIFEST} listing the clips)`);
    }
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch (error) {
      throw new ClipBankError(`${path}: not valid JSON (${(error as Error).message})`);
    }
    const parsed = bankManifestSchema.safeParse(json);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      throw new ClipBankError(`${path}: ${issue.path.join('.') || 'manifest'}: ${issue.message}`);
    }
    const bank = new ClipBank(resolve(dir), parsed.data);
    OPEN_BANKS.set(bank.dir, bank);
    return bank;
  }

  /** Forgets the banks opened so far (after `parley clips` changed one). */
  static forgetOpened(): void {
    OPEN_BANKS.clear();
  }

  /** How `voice` would say `text`. */
  plan(voice: Voice, text: string): ClipPlan {
    const keys = this.#keys[voice];
    const phrase = keys.get(clipKey(text));
    if (phrase !== undefined) return { kind: 'phrase', file: phrase };
    const words = clipWords(text);
    const missing = [...new Set(words.filter((w) => !keys.has(w)))];
    if (words.length === 0 || missing.length > 0) return { kind: 'missing', words: missing };
    return { kind: 'words', files: words.map((w) => keys.get(w)!) };
  }

  /** The texts of `voice` that have a clip, as keyed. */
  keys(voice: Voice): ReadonlySet<string> {
    return new Set(this.#keys[voice].keys());
  }

  /**
   * Renders `text` in `voice` at `sampleRate`. Throws a ClipBankError naming the phrase and
   * its missing words when the bank cannot say it, or the file when a clip is broken.
   */
  render(voice: Voice, text: string, sampleRate: number): RenderedSpeech {
    const plan = this.plan(voice, text);
    switch (plan.kind) {
      case 'missing':
        throw new ClipBankError(missingMessage(this.dir, voice, text, plan.words));
      case 'phrase': {
        const samples = this.clip(plan.file, sampleRate);
        const durationMs = (samples.length * 1000) / sampleRate;
        return { sampleRate, samples, words: timeWords(text, 0, durationMs) };
      }
      case 'words':
        return this.#join(text, plan.files, sampleRate);
    }
  }

  /**
   * {@link render} at a speech level (see atSpeechLevel). Kept for the process: calls say the
   * same texts again and again (a library run, `--seeds`), and joining and levelling a long
   * reply takes milliseconds. The samples are shared: do not change them.
   */
  renderAt(voice: Voice, text: string, sampleRate: number, levelDb: number): RenderedSpeech {
    const key = `${voice}\n${sampleRate}\n${levelDb}\n${text}`;
    let speech = this.#leveled.get(key);
    if (!speech) {
      const rendered = this.render(voice, text, sampleRate);
      speech = { ...rendered, samples: atSpeechLevel(rendered.samples, sampleRate, levelDb) };
      if (this.#leveled.size >= LEVELED_KEPT) this.#leveled.delete(this.#leveled.keys().next().value!);
      this.#leveled.set(key, speech);
    }
    return speech;
  }

  /**
   * A clip file of the bank (relative to it), mono at `sampleRate`, faded in and out over 5 ms
   * (clips are cut tight to the speech; joined without fades, each edge would click). Throws a
   * ClipBankError naming the file when it is missing or not a usable WAV.
   */
  clip(file: string, sampleRate: number): Float32Array {
    const key = `${file}@${sampleRate}`;
    let faded = this.#faded.get(key);
    if (!faded) {
      let samples: Float32Array;
      try {
        samples = loadClip(join(this.dir, file), sampleRate, this.#decoded);
      } catch (error) {
        if (!(error instanceof AudioFileError)) throw error;
        throw new ClipBankError(`a clip of the bank ${this.dir} cannot be used: ${error.message}`);
      }
      faded = withFades(samples, sampleRate);
      this.#faded.set(key, faded);
    }
    return faded;
  }

  /** Word clips joined with short gaps; one word per token of the text as written (punctuation kept). */
  #join(text: string, files: readonly string[], sampleRate: number): RenderedSpeech {
    const tokens = text.split(/\s+/).filter((t) => t !== '');
    const pieces: Float32Array[] = [];
    const words: TruthWord[] = [];
    let length = 0;
    let fileIndex = 0;
    tokens.forEach((token, i) => {
      const startMs = (length * 1000) / sampleRate;
      for (const _word of clipWords(token)) {
        const clip = this.clip(files[fileIndex++]!, sampleRate);
        pieces.push(clip);
        length += clip.length;
      }
      words.push({ word: token, startMs, endMs: (length * 1000) / sampleRate });
      if (i === tokens.length - 1) return;
      const gapMs = /[.!?]["')\]]*$/.test(token) ? SENTENCE_GAP_MS : /[,;:—–]$/.test(token) ? CLAUSE_GAP_MS : WORD_GAP_MS;
      const gap = new Float32Array(Math.round((gapMs * sampleRate) / 1000));
      pieces.push(gap);
      length += gap.length;
    });
    const samples = new Float32Array(length);
    let offset = 0;
    for (const piece of pieces) {
      samples.set(piece, offset);
      offset += piece.length;
    }
    return { sampleRate, samples, words };
  }
}

const OPEN_BANKS = new Map<string, ClipBank>();

/** Leveled renders a bank keeps (the oldest go first): a few hundred utterances, some megabytes. */
const LEVELED_KEPT = 256;

/** Clips read from files named in scenarios (not in a bank), by path and rate. */
const LOOSE_CLIPS = new Map<string, Float32Array>();

/** A WAV file, mono at `sampleRate` (decoded once per process). Throws AudioFileError. */
export function loadClip(path: string, sampleRate: number, cache: Map<string, Float32Array> = LOOSE_CLIPS): Float32Array {
  const key = `${path}@${sampleRate}`;
  const cached = cache.get(key);
  if (cached) return cached;
  const audio = readWavFile(path);
  const mono = selectChannel(audio, 'mix');
  const samples = audio.sampleRate === sampleRate ? mono : resample(mono, audio.sampleRate, sampleRate);
  cache.set(key, samples);
  return samples;
}

/** Length of the fades at a clip's edges. */
const FADE_MS = 5;

/** A copy of `samples` with short linear fades in and out. */
export function withFades(samples: Float32Array, sampleRate: number): Float32Array {
  const out = samples.slice();
  const n = Math.min(Math.round((FADE_MS * sampleRate) / 1000), Math.floor(out.length / 2));
  for (let i = 0; i < n; i++) {
    const gain = i / n;
    out[i] = out[i]! * gain;
    out[out.length - 1 - i] = out[out.length - 1 - i]! * gain;
  }
  return out;
}

/** The one-line reason a text cannot be spoken from a bank. */
export function missingMessage(bankDir: string, voice: Voice, text: string, words: readonly string[]): string {
  const which = words.length === 0 ? 'it has no words' : `no clip for ${words.map((w) => `"${w}"`).join(', ')}`;
  return `no clip for ${JSON.stringify(text)} in the ${voice} voice of the clip bank ${bankDir} (${which}); record one and name it with clip:, or run "parley clips" on the scenario to synthesize the missing clips (needs espeak-ng)`;
}

/** Whether `dir` holds a clip bank. */
export function isClipBank(dir: string): boolean {
  return existsSync(join(dir, BANK_MANIFEST));
}

/** The bank a scenario uses: its `acoustic.clips` folder (relative to the scenario file) or the bundled one. */
export function bankDirFor(scenarioFile: string, clips: string | undefined): string {
  return clips === undefined ? bundledBankDir() : resolve(dirname(scenarioFile), clips);
}
