import { afterEach, beforeEach, vi } from 'vitest';

/** The variables the provider SDKs and adapters read. */
const PROVIDER_VARIABLES = [
  'DEEPGRAM_API_KEY',
  'DEEPGRAM_BASE_URL',
  'DEEPGRAM_ACCESS_TOKEN',
  'OPENAI_API_KEY',
  'OPENAI_BASE_URL',
  'OPENAI_ORG_ID',
  'OPENAI_PROJECT_ID',
  'ELEVENLABS_API_KEY',
  'ELEVENLABS_BASE_URL',
];

/** Removes the providers' environment variables for each test of the file (restored after), so nothing points at a real service. */
export function withoutProviderEnv(): void {
  beforeEach(() => {
    for (const variable of PROVIDER_VARIABLES) vi.stubEnv(variable, undefined);
  });
  afterEach(() => {
    vi.unstubAllEnvs();
  });
}
