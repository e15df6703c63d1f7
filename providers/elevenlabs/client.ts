/**
 * Options shared by the ElevenLabs adapters.
 *
 * @module
 */
import type { Clock } from '../../core/clock/clock.js';
import type { Credentials } from '../secrets.js';
import type { ProviderTimeouts } from '../timeouts.js';

/** Environment variables the ElevenLabs adapters read. */
export const ELEVENLABS_ENV = { key: 'ELEVENLABS_API_KEY', baseUrl: 'ELEVENLABS_BASE_URL' } as const;

/** The public API, used when neither the options nor ELEVENLABS_BASE_URL name another. */
export const ELEVENLABS_BASE_URL = 'https://api.elevenlabs.io';

/** PCM rates ElevenLabs produces (`output_format=pcm_<rate>`). */
export type ElevenLabsPcmRate = 8000 | 16000 | 22050 | 24000 | 44100 | 48000;

/** Options every ElevenLabs adapter takes. */
export interface ElevenLabsOptions extends Credentials {
  /** Voice. Default `21m00Tcm4TlvDq8ikWAM`. */
  readonly voiceId?: string;
  /** Model. Default `eleven_flash_v2_5`. */
  readonly modelId?: string;
  /** Output rate (PCM16, `pcm_<rate>`): the pipeline's rate. Default 16000. */
  readonly sampleRate?: ElevenLabsPcmRate;
  readonly clock?: Clock;
  readonly timeouts?: ProviderTimeouts;
  /** Name in errors and traces. Default "elevenlabs". */
  readonly name?: string;
}

/** The default voice. */
export const DEFAULT_VOICE = '21m00Tcm4TlvDq8ikWAM';

/** The default model. */
export const DEFAULT_MODEL = 'eleven_flash_v2_5';
