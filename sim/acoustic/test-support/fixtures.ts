/** Temp folders, clip banks, WAV files and user actions, for the acoustic tests. */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll } from 'vitest';
import { sine } from '../../../core/audio/test-support/signals.js';
import { encodeWav } from '../../../core/audio/wav.js';
import type { SpeakAction } from '../../scenario/model.js';
import type { Voice } from '../clip-bank.js';

/** A temp folder for the calling test file, removed after its tests. */
export function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), `parley-${prefix}-`));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** Writes `content` to `dir/name` (making the folders on the way); returns the path. */
export function writeFile(dir: string, name: string, content: string | Uint8Array): string {
  const path = join(dir, name);
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, content);
  return path;
}

/** A mono PCM16 WAV file of `samples` at `rate`, written to `dir/name`; returns the path. */
export function writeWav(dir: string, name: string, samples: Float32Array, rate = 16000): string {
  return writeFile(dir, name, encodeWav({ sampleRate: rate, channels: [samples] }));
}

/** A tone of `ms` milliseconds at `rate` (clips that can be told apart by their pitch and length). */
export function tone(ms: number, hz = 440, rate = 16000, amplitude = 0.5): Float32Array {
  return sine(hz, rate, Math.round((ms * rate) / 1000), amplitude);
}

/** The clips of a test bank: for each voice, text → samples (16 kHz). */
export type BankClips = Partial<Record<Voice, Readonly<Record<string, Float32Array>>>>;

/**
 * Writes a clip bank into `dir`: one WAV per text (`<voice>/<n>.wav`) and a bank.json listing
 * them. Returns the file of each text, per voice, as bank.json names it.
 */
export function writeBank(dir: string, clips: BankClips): Record<Voice, Record<string, string>> {
  const files: Record<Voice, Record<string, string>> = { user: {}, agent: {} };
  for (const voice of ['user', 'agent'] as const) {
    Object.entries(clips[voice] ?? {}).forEach(([text, samples], i) => {
      const file = `${voice}/${i + 1}.wav`;
      writeWav(dir, file, samples);
      files[voice][text] = file;
    });
  }
  writeFile(dir, 'bank.json', JSON.stringify({ clips: files }));
  return files;
}

/** Clips of `ms` milliseconds for each of `texts`, each at its own pitch. */
export function tonesFor(texts: readonly string[], ms = 100): Record<string, Float32Array> {
  return Object.fromEntries(texts.map((text, i) => [text, tone(ms, 300 + 50 * i)]));
}

/** A user's `say` action (or filler, backchannel), written at line 1 unless told. */
export function speakAction(text: string, options: Partial<Omit<SpeakAction, 'text'>> = {}): SpeakAction {
  return { kind: 'say', text, at: undefined, wpm: undefined, levelDb: undefined, clip: undefined, source: { line: 1, column: 1 }, ...options };
}
