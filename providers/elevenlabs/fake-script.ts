/**
 * The script of the ElevenLabs fake server (both the stream-input websocket and HTTP streaming).
 *
 * ```yaml
 * ms_per_char: 60ms     # audio length per character: the speaking rate
 * chunk: 100ms          # audio per message (websocket) or per body chunk (HTTP)
 * first_audio: 40ms     # from a generation's start (flush, end of input, request) to its first audio
 * chunk_interval: 10ms  # between chunks
 * faults:
 *   - inactivity: 2s    # websocket: close 1008 after this long without text (the service's default is 20 s)
 *   - handshake: 401
 * ```
 *
 * @module
 */
import * as z from 'zod';
import { durationSchema } from '../../sim/load/index.js';
import { faultsSchema } from '../fake/script.js';

/** The ElevenLabs fake's script, as written. */
export const elevenLabsScriptSchema = z.strictObject({
  ms_per_char: durationSchema.optional(),
  chunk: durationSchema.optional(),
  first_audio: durationSchema.optional(),
  chunk_interval: durationSchema.optional(),
  faults: faultsSchema,
});

/** A validated ElevenLabs script. */
export type ElevenLabsScript = z.output<typeof elevenLabsScriptSchema>;

/** Pacing of the fake's speech, defaults filled in. */
export interface ElevenLabsPacing {
  readonly msPerChar: number;
  readonly chunkMs: number;
  readonly firstAudioMs: number;
  readonly chunkIntervalMs: number;
}

/** The pacing of `script`. */
export function pacingOf(script: ElevenLabsScript): ElevenLabsPacing {
  return {
    msPerChar: script.ms_per_char ?? 60,
    chunkMs: script.chunk ?? 100,
    firstAudioMs: script.first_audio ?? 40,
    chunkIntervalMs: script.chunk_interval ?? 10,
  };
}
