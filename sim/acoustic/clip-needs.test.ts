import { describe, expect, it } from 'vitest';
import type { SourceRef, UserAction } from '../scenario/model.js';
import { act, scenario } from '../test-support/scenarios.js';
import { clipNeeds, STANDARD_USER_PHRASES, wantedClips, type ClipNeed } from './clip-needs.js';
import { clipKey } from './clip-bank.js';
import { speakAction } from './test-support/fixtures.js';

const at = (line: number): SourceRef => ({ line, column: 3 });
const placed = (action: UserAction, line: number): UserAction => ({ ...action, source: at(line) });
const need = (voice: ClipNeed['voice'], text: string, line = 1): ClipNeed => ({ voice, text, source: at(line) });

describe('clipNeeds', () => {
  it('needs every user utterance without a clip of its own, and everything the agent may say', () => {
    const withClip = speakAction('recorded', { clip: { path: 'me.wav', source: at(9) } });
    const needs = clipNeeds(
      scenario({
        acoustic: { clips: undefined, source: at(2) },
        user: [placed(act.say('Hello there.'), 4), placed(act.pause(500), 5), placed(act.filler('um'), 6), withClip, placed(act.backchannel('mhm'), 8), placed(act.hangup(), 10)],
        agent: {
          greeting: 'Welcome!',
          replies: [{ when: { substring: 'x' }, say: 'A reply.', source: at(20) }],
          defaultReply: 'Sorry?',
          sources: { greeting: at(15), defaultReply: at(25) },
        },
      }),
    );
    expect(needs).toEqual([
      { voice: 'user', text: 'Hello there.', source: at(4) },
      { voice: 'user', text: 'um', source: at(6) },
      { voice: 'user', text: 'mhm', source: at(8) },
      { voice: 'agent', text: 'Welcome!', source: at(15) },
      { voice: 'agent', text: 'A reply.', source: at(20) },
      { voice: 'agent', text: 'Sorry?', source: at(25) },
    ]);
  });

  it('places agent texts written nowhere (the default reply) at the acoustic key', () => {
    const needs = clipNeeds(scenario({ acoustic: { clips: undefined, source: at(7) }, user: [act.say('hi')] }));
    expect(needs.at(-1)).toEqual({ voice: 'agent', text: 'Sure, I can help with that.', source: at(7) });
    expect(needs.filter((n) => n.voice === 'agent')).toHaveLength(1);
  });
});

describe('wantedClips', () => {
  it('wants user phrases whole and agent texts word by word, deduplicated and sorted (user voice first)', () => {
    const wanted = wantedClips([
      need('agent', 'Sure, the ferry leaves at six.'),
      need('user', 'What time does the ferry leave?'),
      need('user', 'um'),
      need('agent', 'The FERRY leaves, sure.'),
      need('user', 'what time does the ferry leave'),
      need('user', 'I’d like that'),
    ]);
    expect(wanted).toEqual([
      { voice: 'user', key: "i'd like that", text: 'I’d like that' },
      { voice: 'user', key: 'um', text: 'um' },
      { voice: 'user', key: 'what time does the ferry leave', text: 'What time does the ferry leave?' },
      ...['at', 'ferry', 'leaves', 'six', 'sure', 'the'].map((word) => ({ voice: 'agent', key: word, text: word })),
    ]);
  });

  it('wants nothing for texts without words', () => {
    expect(wantedClips([need('user', '...'), need('agent', '— !')])).toEqual([]);
  });

  it('keys the standard phrases as the bank does', () => {
    expect(wantedClips(STANDARD_USER_PHRASES.map((text) => need('user', text))).map((c) => c.key)).toEqual(
      STANDARD_USER_PHRASES.map(clipKey).sort(),
    );
  });
});
