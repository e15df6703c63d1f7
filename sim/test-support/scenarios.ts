import { fixed } from '../distribution.js';
import type { Scenario, UserAction } from '../scenario/model.js';

const at0 = { line: 1, column: 1 };

/** A scenario built in code, for tests: sensible defaults, overridable. */
export function scenario(overrides: Partial<Scenario> & { user: readonly UserAction[] }): Scenario {
  return {
    file: 'test.yaml',
    name: 'test',
    description: undefined,
    category: 'test',
    seed: undefined,
    config: undefined,
    voice: { wpm: 160, levelDb: -20 },
    agent: { greeting: undefined, replies: [], defaultReply: 'Sure, I can help with that.' },
    channel: { uplinkMs: fixed(40), downlinkMs: fixed(40), jitterMs: fixed(0), loss: undefined, echo: undefined, noise: undefined, codec: 'pcm16' },
    acoustic: undefined,
    providers: {},
    maxDurationMs: 120_000,
    expect: [],
    ...overrides,
  };
}

/** A user action built in code. */
export const act = {
  say: (text: string, at?: UserAction['at']): UserAction => ({ kind: 'say', text, at, wpm: undefined, levelDb: undefined, clip: undefined, source: at0 }),
  filler: (text: string): UserAction => ({ kind: 'filler', text, at: undefined, wpm: undefined, levelDb: undefined, clip: undefined, source: at0 }),
  backchannel: (text: string, at?: UserAction['at']): UserAction => ({ kind: 'backchannel', text, at, wpm: undefined, levelDb: undefined, clip: undefined, source: at0 }),
  pause: (durationMs: number): UserAction => ({ kind: 'pause', durationMs, at: undefined, source: at0 }),
  silence: (durationMs: number): UserAction => ({ kind: 'silence', durationMs, at: undefined, source: at0 }),
  hangup: (at?: UserAction['at']): UserAction => ({ kind: 'hangup', at, source: at0 }),
};
