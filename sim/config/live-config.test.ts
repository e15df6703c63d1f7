import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DEFAULT_REAL_PROVIDERS } from '../../providers/real-providers.js';
import { loadConfigFile } from './load.js';
import { PRESETS } from './presets.js';

const dir = mkdtempSync(join(tmpdir(), 'parley-live-config-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function load(...lines: string[]) {
  const path = join(dir, 'agent.yaml');
  writeFileSync(path, `${lines.join('\n')}\n`);
  return loadConfigFile(path, 'agent.yaml');
}

function errorsOf(result: ReturnType<typeof load>): string[] {
  return result.ok ? [] : result.errors.map(String);
}

describe('the live: section of an agent config', () => {
  it('defaults to Deepgram nova-3, OpenAI gpt-4o-mini and ElevenLabs over its websocket, in every preset', () => {
    const loaded = load('endpointer: { mode: silence }');
    expect(loaded.ok && loaded.config.live).toEqual(DEFAULT_REAL_PROVIDERS);
    for (const preset of Object.values(PRESETS)) expect(preset.live).toBe(DEFAULT_REAL_PROVIDERS);
  });

  it('reads providers, failover chains, base URLs and timeouts (a provider\'s own over the section\'s)', () => {
    const loaded = load(
      'live:',
      '  stt: { provider: deepgram, api: flux, eot_threshold: 0.8, eot_timeout: 3s }',
      '  llm: { provider: openai, model: gpt-4.1-mini, max_tokens: 200, base_url: "http://127.0.0.1:8080/v1", timeouts: { first_byte: 2s } }',
      '  tts:',
      '    - { provider: elevenlabs, transport: http, voice_id: abc }',
      '    - { provider: deepgram, model: aura-2-andromeda-en }',
      '  failover_after: 2',
      '  timeouts: { stall: 3s }',
    );
    expect(errorsOf(loaded)).toEqual([]);
    expect(loaded.ok && loaded.config.live).toEqual({
      stt: [{ provider: 'deepgram', api: 'flux', eotThreshold: 0.8, eotTimeoutMs: 3000 }],
      llm: [{ provider: 'openai', model: 'gpt-4.1-mini', maxTokens: 200, baseUrl: 'http://127.0.0.1:8080/v1', timeouts: { firstByteMs: 2000 } }],
      tts: [
        { provider: 'elevenlabs', transport: 'http', voiceId: 'abc' },
        { provider: 'deepgram', model: 'aura-2-andromeda-en' },
      ],
      failuresBeforeSwitch: 2,
      timeouts: { ...DEFAULT_REAL_PROVIDERS.timeouts, stallMs: 3000 },
    });
  });

  it('names the file, the position and what was expected for a mistake', () => {
    expect(errorsOf(load('live:', '  llm: { provider: anthropic }'))).toEqual([expect.stringMatching(/^agent\.yaml:2:\d+: .*"openai"/)]);
    expect(errorsOf(load('live:', '  stt: { provider: deepgram, api: v3 }'))).toEqual(["agent.yaml:2:35: expected one of: listen.v1, flux, got \"v3\""]);
    expect(errorsOf(load('live:', '  stt: { provider: deepgram, eot_threshold: 0.7 }'))).toEqual(['agent.yaml:2:45: eot_threshold is a setting of Flux (api: flux)']);
    expect(errorsOf(load('live:', '  tts: { provider: elevenlabs, model: x }'))).toEqual([expect.stringMatching(/^agent\.yaml:2:\d+: model is a setting of Deepgram Aura .*model_id/)]);
    expect(errorsOf(load('live:', '  tts: { provider: deepgram, base_url: "ftp://x" }'))).toEqual([expect.stringMatching(/^agent\.yaml:2:\d+: /)]);
    expect(errorsOf(load('live:', '  tts: []'))).toEqual([expect.stringMatching(/^agent\.yaml:2:\d+: /)]);
  });
});
