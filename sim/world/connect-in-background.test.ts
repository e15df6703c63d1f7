import { describe, expect, it } from 'vitest';
import { ProviderError } from '../../providers/errors.js';
import { SessionEvents } from '../../providers/session-events.js';
import type { TtsEvent, TtsProvider, TtsSession } from '../../providers/tts.js';
import type { SttEvent, SttProvider, SttSession } from '../../providers/stt.js';
import { sttConnectingInBackground, ttsConnectingInBackground } from './connect-in-background.js';

/** A promise and its resolve / reject, for a connection that opens when the test says. */
function deferred<T>(): { promise: Promise<T>; resolve: (value: T) => void; reject: (error: unknown) => void } {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((yes, no) => ([resolve, reject] = [yes, no]));
  return { promise, resolve, reject };
}

/** A TTS session that notes every call, and can be made to emit. */
function fakeTts(calls: string[]): TtsSession & { emit(event: TtsEvent): void } {
  const events = new SessionEvents<TtsEvent>();
  return {
    pushText: (text) => calls.push(`push ${text}`),
    flush: () => calls.push('flush'),
    clear: () => calls.push('clear'),
    close: async () => void calls.push('close'),
    subscribe: (listener) => events.subscribe(listener),
    emit: (event) => events.emit(event),
  };
}

const settle = (): Promise<void> => new Promise((resolve) => queueMicrotask(resolve));

describe('providers connecting in the background', () => {
  it('connect() resolves at once; what is asked before the connection is there is done in order when it is', async () => {
    const connection = deferred<TtsSession>();
    const provider: TtsProvider = { name: 'x', sampleRate: 24000, connect: () => connection.promise };
    const wrapped = ttsConnectingInBackground(provider);
    expect([wrapped.name, wrapped.sampleRate]).toEqual(['x', 24000]);
    const session = await wrapped.connect(new AbortController().signal);
    const seen: TtsEvent[] = [];
    session.subscribe((event) => seen.push(event));
    session.pushText('Hello. ');
    session.flush();
    const calls: string[] = [];
    const inner = fakeTts(calls);
    connection.resolve(inner);
    await settle();
    expect(calls).toEqual(['push Hello. ', 'flush']);
    session.clear();
    inner.emit({ type: 'flushed' });
    expect(calls).toEqual(['push Hello. ', 'flush', 'clear']);
    expect(seen).toEqual([{ type: 'flushed' }]);
    await session.close();
    expect(calls.at(-1)).toBe('close');
  });

  it('a connection that fails is the session\'s error, then closed; what was held is dropped', async () => {
    const failure = new ProviderError('deepgram', 'protocol', 'deepgram: cassette a.cassette.json.gz: nothing recorded for connection #2 (1 recorded)');
    const provider: SttProvider = { name: 'deepgram', connect: () => Promise.reject(failure) };
    const session = await sttConnectingInBackground(provider).connect(new AbortController().signal);
    const seen: SttEvent[] = [];
    session.subscribe((event) => seen.push(event));
    session.finalize();
    await settle();
    expect(seen).toEqual([{ type: 'error', error: failure }, { type: 'closed' }]);
  });

  it('closed before the connection is there: closed at once, and the connection is closed when it comes', async () => {
    const connection = deferred<SttSession>();
    const session = await sttConnectingInBackground({ name: 'x', connect: () => connection.promise }).connect(new AbortController().signal);
    const seen: SttEvent[] = [];
    session.subscribe((event) => seen.push(event));
    await session.close();
    expect(seen).toEqual([{ type: 'closed' }]);
    const calls: string[] = [];
    connection.resolve({ sendAudio: () => calls.push('audio'), finalize: () => calls.push('finalize'), close: async () => void calls.push('close'), subscribe: () => () => {} });
    await settle();
    session.finalize();
    expect(calls).toEqual(['close']);
  });
});
