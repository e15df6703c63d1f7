import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { encodeCassette } from '../../providers/cassette/format.js';
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

describe('Deepgram streaming messages of other types', () => {
  it('are passed over, whatever the shape of their fields (SpeechStarted and UtteranceEnd have a channel list)', () => {
    const messages = [
      { type: 'SpeechStarted', channel: [0], timestamp: 0.05 },
      { type: 'Results', is_final: true, channel: { alternatives: [{ words: [dgWord('Yes.', 0.1, 0.4)] }] } },
      { type: 'UtteranceEnd', channel: [0, 1], last_word_end: 0.4 },
    ];
    expect(parseTranscript(JSON.stringify(messages), 't.json', 0)).toEqual([{ word: 'Yes.', startMs: 100, endMs: 400 }]);
  });
});

describe('an STT cassette as the transcript', () => {
  /** A cassette of Deepgram connections: each sends its first 100 ms audio frame at `audioAt` and gets `results`. */
  function listenCassette(connections: { protocol?: 'deepgram.listen.v1' | 'deepgram.listen.v2'; audioAt: number; results: object[] }[]): Uint8Array {
    return encodeCassette({
      format: 'parley-cassette',
      version: 1,
      role: 'stt',
      provider: 'deepgram',
      exchanges: connections.map(({ protocol = 'deepgram.listen.v1', audioAt, results }) => ({
        type: 'websocket' as const,
        protocol,
        url: 'wss://api.deepgram.com/v1/listen?sample_rate=16000&encoding=linear16',
        headers: { authorization: '[REDACTED]' },
        startMs: audioAt - 50,
        events: [
          { t: audioAt - 40, type: 'open' as const },
          { t: audioAt, type: 'out' as const, binary: Buffer.alloc(3200).toString('base64') },
          ...results.map((r, i) => ({ t: audioAt + 500 + i, type: 'in' as const, text: JSON.stringify(r) })),
        ],
      })),
    });
  }
  const results = (isFinal: boolean, ...words: ReturnType<typeof dgWord>[]) => ({ type: 'Results', is_final: isFinal, channel: { alternatives: [{ words }] } });

  it('takes the final results of each connection, on the call\'s time line from its first audio frame', () => {
    const path = join(dir, 'call.stt.cassette.json.gz');
    writeFileSync(
      path,
      listenCassette([
        {
          audioAt: 300,
          results: [
            { type: 'SpeechStarted', channel: [0], timestamp: 0.1 },
            results(false, dgWord('I', 0.1, 0.3)),
            results(true, dgWord('I', 0.1, 0.3), dgWord('see.', 0.35, 0.7)),
            { type: 'UtteranceEnd', channel: [0, 1], last_word_end: 0.7 },
            { type: 'Metadata' },
          ],
        },
        { audioAt: 5100, results: [results(true, dgWord('Bye.', 0.2, 0.5))] },
      ]),
    );
    // The first frame (100 ms of audio) was sent at 300 ms: the connection's audio starts at 200 ms.
    expect(readTranscript(path, 0, 10_000)).toEqual([
      { word: 'I', startMs: 300, endMs: 500 },
      { word: 'see.', startMs: 550, endMs: 900 },
      { word: 'Bye.', startMs: 5200, endMs: 5500 },
    ]);
    expect(() => readTranscript(path, 0, 5000)).toThrow(/does not fit the audio: the word "Bye\." ends at 5\.50 s/);
  });

  it('says why a Flux cassette or a broken one cannot be used', () => {
    const flux = join(dir, 'flux.stt.cassette.json.gz');
    writeFileSync(flux, listenCassette([{ protocol: 'deepgram.listen.v2', audioAt: 100, results: [] }]));
    expect(() => readTranscript(flux, 0, 10_000)).toThrow(new TranscriptError(`${flux}: a Flux (listen v2) cassette carries no word timings; record with Deepgram listen v1 (live: stt: { api: listen.v1 }) or give a transcript sidecar`));
    const broken = join(dir, 'broken.stt.cassette.json.gz');
    writeFileSync(broken, gzipSync('{"format": "something else"}'));
    expect(() => readTranscript(broken, 0, 10_000)).toThrow(new RegExp(`^${broken.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: `));
  });
});
