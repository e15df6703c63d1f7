import { AudioFileError } from '../../core/audio/audio-file-error.js';
import { dirname, resolve } from 'node:path';
import { InputError } from '../load/index.js';
import type { Scenario } from '../scenario/model.js';
import { bankDirFor, ClipBank, ClipBankError, loadClip, missingMessage } from './clip-bank.js';
import { clipNeeds } from './clip-needs.js';

/**
 * Everything that would stop an acoustic scenario from being rendered, as positioned errors:
 * a clip bank that cannot be opened, a text the bank cannot say, a clip file that is missing or
 * not a usable WAV. Checked before anything runs.
 */
export function acousticProblems(scenario: Scenario): InputError[] {
  const acoustic = scenario.acoustic;
  if (!acoustic) return [];
  const errors: InputError[] = [];
  const bankSource = acoustic.clips?.source ?? acoustic.source;
  let bank: ClipBank;
  try {
    bank = ClipBank.open(bankDirFor(scenario.file, acoustic.clips?.path));
  } catch (error) {
    if (!(error instanceof ClipBankError)) throw error;
    return [new InputError(scenario.file, bankSource, error.message)];
  }
  for (const need of clipNeeds(scenario)) {
    const plan = bank.plan(need.voice, need.text);
    if (plan.kind === 'missing') {
      errors.push(new InputError(scenario.file, need.source, missingMessage(bank.dir, need.voice, need.text, plan.words)));
      continue;
    }
    // Listed is not enough: the files must be there and be usable WAVs.
    for (const file of plan.kind === 'phrase' ? [plan.file] : plan.files) {
      try {
        bank.clip(file, 16000);
      } catch (error) {
        if (!(error instanceof ClipBankError)) throw error;
        errors.push(new InputError(scenario.file, need.source, `${JSON.stringify(need.text)}: ${error.message}`));
        break;
      }
    }
  }
  const llmCassette = scenario.cassettes?.llm;
  if (llmCassette && !scenario.cassettes?.tts) {
    errors.push(
      new InputError(
        scenario.file,
        llmCassette.source,
        'an acoustic scenario whose LLM is a cassette needs a TTS cassette too (providers: { tts: { cassette: … } }): the clip bank only speaks the replies the scenario writes',
      ),
    );
  }
  for (const action of scenario.user) {
    if ((action.kind !== 'say' && action.kind !== 'filler' && action.kind !== 'backchannel') || !action.clip) continue;
    try {
      const samples = loadClip(resolve(dirname(scenario.file), action.clip.path), 16000);
      if (samples.every((v) => v === 0)) errors.push(new InputError(scenario.file, action.clip.source, `${action.clip.path}: silent (no speech in the clip)`));
    } catch (error) {
      if (!(error instanceof AudioFileError)) throw error;
      errors.push(new InputError(scenario.file, action.clip.source, `clip ${error.message}`));
    }
  }
  return errors;
}
