import type { ProviderOverrides } from '../scenario/model.js';
import type { AgentConfig } from './model.js';
import { LLM_PROFILES, STT_PROFILES, TTS_PROFILES, type Profile } from './profiles.js';

/** A provider spec with some fields changed, possibly starting from another named profile. */
type Override<T> = Partial<T> & { readonly profile?: string };

/** Thrown when a named profile does not exist; the caller adds the file position. */
export class UnknownProfileError extends Error {}

/** The config with a scenario's provider changes applied. */
export function withProviderOverrides(config: AgentConfig, overrides: ProviderOverrides): AgentConfig {
  if (!overrides.stt && !overrides.llm && !overrides.tts) return config;
  return {
    ...config,
    providers: {
      stt: applyOverride(config.providers.stt, overrides.stt, STT_PROFILES, 'STT'),
      llm: applyOverride(config.providers.llm, overrides.llm, LLM_PROFILES, 'LLM'),
      tts: applyOverride(config.providers.tts, overrides.tts, TTS_PROFILES, 'TTS'),
    },
  };
}

/** `base`, or the named profile, with the override's fields on top. */
export function applyOverride<T extends { readonly profile: string }>(
  base: T,
  override: Override<T> | undefined,
  profiles: Readonly<Record<string, Profile<T>>>,
  what: string,
): T {
  if (!override) return base;
  const start = override.profile === undefined ? base : profileSpec(profiles, override.profile, what);
  const fields = Object.fromEntries(Object.entries(override).filter(([key, value]) => key !== 'profile' && value !== undefined));
  const changed = Object.keys(fields).length > 0;
  return { ...start, ...fields, profile: changed ? `${start.profile}*` : start.profile } as T;
}

/** The spec of a named profile. */
export function profileSpec<T>(profiles: Readonly<Record<string, Profile<T>>>, name: string, what: string): T {
  const profile = profiles[name];
  if (!profile) {
    throw new UnknownProfileError(`unknown ${what} profile "${name}" (known: ${Object.keys(profiles).join(', ')})`);
  }
  return profile.spec;
}
