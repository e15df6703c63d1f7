import { dirname, resolve } from 'node:path';
import type { SpokenText } from '../../providers/scripted/scripted-tts.js';
import type { Scenario, SpeakAction } from '../scenario/model.js';
import { timeWords, type TruthWord } from '../world/sound.js';
import type { UserVoice } from '../world/user.js';
import { loadClip, withFades, type ClipBank, type RenderedSpeech } from './clip-bank.js';
import { atSpeechLevel } from './levels.js';

/** The user's utterances rendered as samples, by action index, at their levels. */
export interface UserSpeech {
  readonly voice: UserVoice;
  /** The samples of the utterance of action `index` (for the microphone). */
  samplesOf(index: number): Float32Array | undefined;
}

/**
 * Renders every utterance of the scenario's user from its clip (`clip:`, trimmed of silence at
 * both ends) or from the bank, at its level; the voice times each utterance by its audio.
 */
export function userSpeech(scenario: Scenario, bank: ClipBank, sampleRate: number): UserSpeech {
  const rendered = new Map<number, RenderedSpeech>();
  scenario.user.forEach((action, index) => {
    if (action.kind !== 'say' && action.kind !== 'filler' && action.kind !== 'backchannel') return;
    const levelDb = action.levelDb ?? scenario.voice.levelDb;
    if (!action.clip) {
      rendered.set(index, bank.renderAt('user', action.text, sampleRate, levelDb));
      return;
    }
    const speech = clipSpeech(scenario, action, sampleRate);
    rendered.set(index, { ...speech, samples: atSpeechLevel(speech.samples, sampleRate, levelDb) });
  });
  return {
    voice: {
      speak: (index, action, startMs) => {
        const speech = rendered.get(index);
        if (!speech) throw new Error(`no rendered speech for user action ${index + 1} (${action.text})`);
        const endMs = startMs + (speech.samples.length * 1000) / sampleRate;
        return { endMs, words: speech.words.map((w) => ({ word: w.word, startMs: startMs + w.startMs, endMs: startMs + w.endMs })) };
      },
    },
    samplesOf: (index) => rendered.get(index)?.samples,
  };
}

/** An utterance from the scenario's own clip file, trimmed, its words spread over it. */
function clipSpeech(scenario: Scenario, action: SpeakAction, sampleRate: number): RenderedSpeech {
  const path = resolve(dirname(scenario.file), action.clip!.path);
  const samples = withFades(trimSilence(loadClip(path, sampleRate)), sampleRate);
  return { sampleRate, samples, words: timeWords(action.text, 0, (samples.length * 1000) / sampleRate) };
}

/** Samples quieter than this (relative to the peak) at either end are silence. */
const TRIM_BELOW_PEAK_DB = 40;

/** `samples` without the silence at its start and end (so the speech's true bounds are its ends). */
export function trimSilence(samples: Float32Array): Float32Array {
  let peak = 0;
  for (const v of samples) peak = Math.max(peak, Math.abs(v));
  const floor = peak * 10 ** (-TRIM_BELOW_PEAK_DB / 20);
  let start = 0;
  while (start < samples.length && Math.abs(samples[start]!) <= floor) start++;
  let end = samples.length;
  while (end > start && Math.abs(samples[end - 1]!) <= floor) end--;
  return samples.subarray(start, end);
}

/**
 * The agent's TTS voice from the bank: any text it is given, at `levelDb`, with each character
 * timed by the word it belongs to (the alignment a TTS like ElevenLabs gives).
 */
export function agentVoice(bank: ClipBank, sampleRate: number, levelDb: number): (text: string) => SpokenText {
  // An agent says the same things again and again: time each text's characters once per call.
  const spoken = new Map<string, SpokenText>();
  return (text) => {
    let result = spoken.get(text);
    if (!result) {
      const speech = bank.renderAt('agent', text, sampleRate, levelDb);
      result = { samples: speech.samples, ...charTimings(text.trim(), speech.words) };
      spoken.set(text, result);
    }
    return result;
  };
}

/**
 * When each character of `text` is spoken: each whitespace-separated token's characters
 * spread over its word's span (the rendered words are the text's tokens, in order), the spaces
 * between at the end of the word before.
 */
export function charTimings(text: string, words: readonly TruthWord[]): Pick<SpokenText, 'charStartMs' | 'charDurationMs'> {
  const charStartMs: number[] = [];
  const charDurationMs: number[] = [];
  let word = 0;
  let lastEndMs = 0;
  for (const match of text.matchAll(/(\S+)|(\s+)/g)) {
    const chars = [...match[0]];
    const timed = match[1] !== undefined ? words[word++] : undefined;
    if (!timed) {
      for (const _ of chars) {
        charStartMs.push(lastEndMs);
        charDurationMs.push(0);
      }
      continue;
    }
    const each = (timed.endMs - timed.startMs) / chars.length;
    chars.forEach((_, i) => {
      charStartMs.push(timed.startMs + i * each);
      charDurationMs.push(each);
    });
    lastEndMs = timed.endMs;
  }
  return { charStartMs, charDurationMs };
}
