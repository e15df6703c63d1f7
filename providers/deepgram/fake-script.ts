/**
 * The script of the Deepgram fake server: what the caller "says" in the audio the fake
 * receives (for `listen.v1` and Flux), how the fake speaks (`speak.v1`), and faults.
 *
 * ```yaml
 * listen:
 *   utterances:
 *     - text: "I'd like to book a table for"
 *       at: 300ms                  # audio offset of its first word (default: `gap` after the previous one)
 *       pause: { after_word: 6, for: 900ms }   # a hesitation inside it
 *     - text: four people.
 *   word: 300ms                    # length of each word
 *   gap: 1s
 *   repeat: false                  # start over when the list is done (default: true without utterances)
 *   interim_every: 250ms           # interim results (Flux: Update) cadence, in audio received
 *   eager_after: 200ms             # Flux: EagerEndOfTurn after this much silence (needs eager_eot_threshold)
 *   end_after: 600ms               # Flux: EndOfTurn after this much silence
 * speak:
 *   ms_per_char: 60ms
 *   chunk: 100ms
 *   first_audio: 40ms              # from Flush to the first audio
 *   chunk_interval: 10ms
 *   audio_after_clear: 1           # frames still sent between Clear and Cleared (in flight)
 * faults:
 *   - close: 1011
 *     after: { audio: 2s }
 * ```
 *
 * Every time is audio received (`listen`) or fake-server clock time (`speak`), so results are
 * caused by the client's audio and messages, never by wall-clock races.
 *
 * @module
 */
import * as z from 'zod';
import { durationSchema } from '../../sim/load/index.js';
import { faultsSchema } from '../fake/script.js';

const utteranceSchema = z.strictObject({
  text: z.string().regex(/\S/, { error: 'expected words to say, got blank text' }),
  at: durationSchema.optional(),
  word: durationSchema.optional(),
  pause: z.strictObject({ after_word: z.number().int().min(1), for: durationSchema }).optional(),
});

/** The Deepgram fake's script, as written. */
export const deepgramScriptSchema = z.strictObject({
  listen: z
    .strictObject({
      utterances: z.array(utteranceSchema).optional(),
      word: durationSchema.optional(),
      gap: durationSchema.optional(),
      repeat: z.boolean().optional(),
      interim_every: durationSchema.optional(),
      eager_after: durationSchema.optional(),
      end_after: durationSchema.optional(),
    })
    .optional(),
  speak: z
    .strictObject({
      ms_per_char: durationSchema.optional(),
      chunk: durationSchema.optional(),
      first_audio: durationSchema.optional(),
      chunk_interval: durationSchema.optional(),
      audio_after_clear: z.number().int().min(0).optional(),
    })
    .optional(),
  faults: faultsSchema,
});

/** A validated Deepgram script (durations in ms). */
export type DeepgramScript = z.output<typeof deepgramScriptSchema>;

/** An utterance of the script. */
export type ScriptUtterance = z.output<typeof utteranceSchema>;

/** What the fake hears when the script says nothing. */
export const DEFAULT_UTTERANCE = 'Hello from the parley fake server.';

/** The listen settings with defaults filled in. */
export interface ListenSettings {
  readonly utterances: readonly ScriptUtterance[];
  readonly wordMs: number;
  readonly gapMs: number;
  readonly repeat: boolean;
  readonly interimEveryMs: number;
  readonly eagerAfterMs: number;
  readonly endAfterMs: number;
}

/** The speak settings with defaults filled in. */
export interface SpeakSettings {
  readonly msPerChar: number;
  readonly chunkMs: number;
  readonly firstAudioMs: number;
  readonly chunkIntervalMs: number;
  readonly audioAfterClear: number;
}

/** Listen settings of `script`, defaults filled in. */
export function listenSettings(script: DeepgramScript): ListenSettings {
  const listen = script.listen ?? {};
  const given = listen.utterances ?? [];
  return {
    utterances: given.length > 0 ? given : [{ text: DEFAULT_UTTERANCE }],
    wordMs: listen.word ?? 300,
    gapMs: listen.gap ?? 1000,
    repeat: listen.repeat ?? given.length === 0,
    interimEveryMs: listen.interim_every ?? 250,
    eagerAfterMs: listen.eager_after ?? 200,
    endAfterMs: listen.end_after ?? 600,
  };
}

/** Speak settings of `script`, defaults filled in. */
export function speakSettings(script: DeepgramScript): SpeakSettings {
  const speak = script.speak ?? {};
  return {
    msPerChar: speak.ms_per_char ?? 60,
    chunkMs: speak.chunk ?? 100,
    firstAudioMs: speak.first_audio ?? 40,
    chunkIntervalMs: speak.chunk_interval ?? 10,
    audioAfterClear: speak.audio_after_clear ?? 1,
  };
}
