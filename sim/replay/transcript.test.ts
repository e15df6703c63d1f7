import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseTranscript, readTranscript, TranscriptError } from './transcript.js';

const dir = mkdtempSync(join(tmpdir(), 'parley-transcript-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const dgWord = (word: string, start: number, end: number) => ({ word: word.toLowerCase(), punctuated_word: word, start, end, confidence: 0.9 });

describe('transcripts', () => {
  it('reads Deepgram pre-recorded JSON, the caller’s channel of a multichannel one', () => {
    const text = JSON.stringify({
      metadata: {},
      results: {
        channels: [
          { alternatives: [{ transcript: 'Hello there', words: [dgWord('Hello', 0.1, 0.4), dgWord('there.', 0.45, 0.8)] }] },
          { alternatives: [{ transcript: 'Hi', words: [dgWord('Hi!', 1.0, 1.2)] }] },
        ],
      },
    });
    expect(parseTranscript(text, 't.json', 0)).toEqual([
      { word: 'Hello', startMs: 100, endMs: 400 },
      { word: 'there.', startMs: 450, endMs: 800 },
    ]);
    expect(parseTranscript(text, 't.json', 1)).toEqual([{ word: 'Hi!', startMs: 1000, endMs: 1200 }]);
  });

  it('reads Deepgram streaming messages, as an array or one per line, keeping the final results', () => {
    const messages = [
      { type: 'Metadata' },
      { type: 'Results', is_final: false, channel: { alternatives: [{ words: [dgWord('I', 0, 0.2)] }] } },
      { type: 'Results', is_final: true, channel: { alternatives: [{ words: [dgWord('I', 0, 0.2), dgWord('see.', 0.25, 0.6)] }] } },
      { type: 'UtteranceEnd' },
    ];
    const expected = [
      { word: 'I', startMs: 0, endMs: 200 },
      { word: 'see.', startMs: 250, endMs: 600 },
    ];
    expect(parseTranscript(JSON.stringify(messages), 's.json', 0)).toEqual(expected);
    expect(parseTranscript(messages.map((m) => JSON.stringify(m)).join('\n'), 's.jsonl', 0)).toEqual(expected);
  });

  it('reads a plain list of { startMs, endMs, text }, spreading the words', () => {
    const words = parseTranscript(JSON.stringify([{ startMs: 1000, endMs: 2000, text: 'one two' }]), 'p.json', 0);
    expect(words.map((w) => w.word)).toEqual(['one', 'two']);
    expect(words[0]!.startMs).toBe(1000);
    expect(words[1]!.endMs).toBe(2000);
  });

  it('refuses, in one line naming the file, what it cannot read or what does not fit the audio', () => {
    const write = (name: string, text: string): string => {
      const path = join(dir, name);
      writeFileSync(path, text);
      return path;
    };
    expect(() => readTranscript(write('bad.json', '{ nope'), 0, 10_000)).toThrow(/bad\.json: not valid JSON/);
    expect(() => readTranscript(write('odd.json', '{"hello": 1}'), 0, 10_000)).toThrow(/odd\.json: not a transcript parley reads/);
    const late = write('late.json', JSON.stringify([{ startMs: 9000, endMs: 12_000, text: 'too late' }]));
    expect(() => readTranscript(late, 0, 10_000)).toThrow(TranscriptError);
    expect(() => readTranscript(late, 0, 10_000)).toThrow(/late\.json: does not fit the audio: the word "too" ends at 10\.33 s, after the recording's end at 10\.00 s/);
    expect(() => readTranscript(join(dir, 'missing.json'), 0, 10_000)).toThrow(/missing\.json: no such file/);
  });
});
