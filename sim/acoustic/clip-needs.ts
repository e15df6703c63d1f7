import type { Scenario, SourceRef } from '../scenario/model.js';
import { clipKey, clipWords, type Voice } from './clip-bank.js';

/** A text a scenario needs spoken from a clip bank, and where it was written. */
export interface ClipNeed {
  readonly voice: Voice;
  readonly text: string;
  readonly source: SourceRef;
}

/** Fillers and backchannels every bank should have in the user's voice. */
export const STANDARD_USER_PHRASES: readonly string[] = ['um', 'uh', 'hmm', 'mhm', 'uh-huh', 'yeah', 'okay', 'right', 'sure', 'I see', 'got it'];

/**
 * What an acoustic scenario needs from its clip bank: each user utterance without a `clip`
 * of its own (in the user's voice), and everything the agent may say: its greeting, replies and
 * default reply (in the agent's voice). The agent's texts reach the TTS in chunks the sentence
 * buffer decides, so they are needed word by word.
 */
export function clipNeeds(scenario: Scenario): ClipNeed[] {
  const needs: ClipNeed[] = [];
  for (const action of scenario.user) {
    if ((action.kind === 'say' || action.kind === 'filler' || action.kind === 'backchannel') && action.clip === undefined) {
      needs.push({ voice: 'user', text: action.text, source: action.source });
    }
  }
  const { agent } = scenario;
  const fallback = scenario.acoustic?.source ?? { line: 1, column: 1 };
  const agentTexts: { text: string; source: SourceRef }[] = [
    ...(agent.greeting !== undefined ? [{ text: agent.greeting, source: agent.sources?.greeting ?? fallback }] : []),
    ...agent.replies.map((r) => ({ text: r.say, source: r.source ?? fallback })),
    { text: agent.defaultReply, source: agent.sources?.defaultReply ?? fallback },
  ];
  for (const { text, source } of agentTexts) needs.push({ voice: 'agent', text, source });
  return needs;
}

/** A clip a bank is asked for: its voice, its key, and a text to synthesize it from. */
export interface WantedClip {
  readonly voice: Voice;
  readonly key: string;
  readonly text: string;
}

/**
 * The clips a set of needs asks a bank for, sorted by voice and key: user utterances whole
 * (synthesized from the text as written, punctuation and all), agent texts word by word.
 */
export function wantedClips(needs: readonly ClipNeed[]): WantedClip[] {
  const wanted = new Map<string, WantedClip>();
  const add = (clip: WantedClip): void => {
    const id = `${clip.voice}\u0000${clip.key}`;
    if (clip.key !== '' && !wanted.has(id)) wanted.set(id, clip);
  };
  for (const need of needs) {
    if (need.voice === 'user') add({ voice: 'user', key: clipKey(need.text), text: need.text });
    else for (const word of clipWords(need.text)) add({ voice: 'agent', key: word, text: word });
  }
  return [...wanted.values()].sort((a, b) => (a.voice !== b.voice ? (a.voice < b.voice ? 1 : -1) : a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}
