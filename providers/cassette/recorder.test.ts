import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { VirtualClock } from '../../core/clock/virtual-clock.js';
import type { CloseInfo, WebSocketTransport } from '../transport/websocket.js';
import { CassetteFormatError, decodeCassette, encodeCassette } from './format.js';
import { CassetteRecorder } from './recorder.js';
import { Redactor, REDACTED } from './redact.js';
import { expectNoKey, FAKE_KEY } from '../test-support/cassettes.js';

/** A transport that echoes what it is sent (after 5 ms) and can be made to say things. */
class EchoTransport implements WebSocketTransport {
  readonly #clock: VirtualClock;
  readonly #message: ((m: string | Uint8Array) => void)[] = [];
  readonly #close: ((e: CloseInfo) => void)[] = [];
  #open: (() => void)[] = [];

  constructor(clock: VirtualClock) {
    this.#clock = clock;
    clock.setTimeout(() => this.#open.forEach((l) => l()), 10);
  }

  say(message: string | Uint8Array): void {
    this.#message.forEach((l) => l(message));
  }

  send(data: string | ArrayBuffer | ArrayBufferView | Blob): void {
    const copy = typeof data === 'string' ? data : new Uint8Array(data as ArrayBuffer);
    this.#clock.setTimeout(() => this.say(copy), 5);
  }

  onOpen(listener: () => void): void {
    this.#open.push(listener);
  }

  onMessage(listener: (m: string | Uint8Array) => void): void {
    this.#message.push(listener);
  }

  onError(): void {}

  onClose(listener: (e: CloseInfo) => void): void {
    this.#close.push(listener);
  }

  isOpen(): boolean {
    return true;
  }

  close(code?: number): void {
    this.#clock.setTimeout(() => this.#close.forEach((l) => l({ code: code ?? 1000, reason: 'bye' })), 3);
  }
}

describe('CassetteRecorder', () => {
  it('records both directions with times from when recording started, and redacts every trace of the key', async () => {
    const clock = new VirtualClock();
    await clock.runUntil(1000);
    // Not told the key: it learns it from the header and the first message.
    const recorder = new CassetteRecorder({ role: 'tts', provider: 'elevenlabs', clock });
    let transport: EchoTransport | undefined;
    const factory = recorder.webSocketFactory(() => (transport = new EchoTransport(clock)));
    const socket = await factory(`wss://api.example/v1/text-to-speech/v/stream-input?model_id=m&api_key=${FAKE_KEY}`, { 'xi-api-key': FAKE_KEY, 'User-Agent': 'parley' });
    socket.onOpen(() => {});
    await clock.runUntil(1010);
    socket.send(JSON.stringify({ text: ' ', xi_api_key: FAKE_KEY, voice_settings: { stability: 0.5 } }));
    socket.send(new Uint8Array([1, 2, 3]));
    socket.send(Buffer.from(`raw ${FAKE_KEY} bytes`));
    await clock.runUntil(1020);
    transport!.say(`{"message":"bad key ${FAKE_KEY}"}`);
    socket.close(1000, 'done');
    await clock.runUntil(1030);
    const cassette = recorder.cassette();
    const bytes = encodeCassette(cassette);
    expectNoKey(bytes);
    expectNoKey(gunzipSync(bytes));
    const [exchange] = cassette.exchanges;
    expect(exchange).toMatchObject({
      type: 'websocket',
      protocol: 'elevenlabs.stream-input',
      url: 'wss://api.example/v1/text-to-speech/v/stream-input?model_id=m&api_key=%5BREDACTED%5D',
      headers: { 'xi-api-key': REDACTED, 'user-agent': 'parley' },
      startMs: 0,
    });
    if (exchange?.type !== 'websocket') throw new Error('not a websocket');
    expect(exchange.events.map((e) => [e.t, e.type])).toEqual([
      [10, 'open'],
      [10, 'out'],
      [10, 'out'],
      [10, 'out'],
      [15, 'in'],
      [15, 'in'],
      [15, 'in'],
      [20, 'in'],
      [20, 'client-close'],
      [23, 'close'],
    ]);
    expect(exchange.events[1]).toEqual({ t: 10, type: 'out', text: '{"text":" ","xi_api_key":"[REDACTED]","voice_settings":{"stability":0.5}}' });
    expect(exchange.events[2]).toEqual({ t: 10, type: 'out', binary: 'AQID' });
    expect(Buffer.from((exchange.events[3] as { binary: string }).binary, 'base64').toString()).toBe(`raw ${'*'.repeat(FAKE_KEY.length)} bytes`);
    expect(exchange.events[7]).toEqual({ t: 20, type: 'in', text: '{"message":"bad key [REDACTED]"}' });
    expect(decodeCassette(bytes)).toEqual(cassette);
  });

  it('records an HTTP request and its streamed response, chunk by chunk as it arrives', async () => {
    const clock = new VirtualClock();
    const recorder = new CassetteRecorder({ role: 'llm', provider: 'openai', clock, secrets: [FAKE_KEY] });
    const inner: typeof fetch = async () => {
      const body = new ReadableStream<Uint8Array>({
        start: async (controller) => {
          for (const text of ['data: {"a":1}\n\n', 'data: [DONE]\n\n']) {
            await new Promise<void>((resolve) => clock.setTimeout(resolve, 7));
            controller.enqueue(new TextEncoder().encode(text));
          }
          controller.close();
        },
      });
      return new Response(body, { status: 200, headers: { 'content-type': 'text/event-stream', 'x-request-id': 'r1' } });
    };
    const recording = recorder.fetch(inner);
    const done = (async () => {
      const response = await recording('https://api.openai.com/v1/chat/completions', {
        method: 'POST',
        headers: { Authorization: `Bearer ${FAKE_KEY}`, 'Content-Type': 'application/json' },
        body: JSON.stringify({ model: 'm', messages: [{ role: 'user', content: 'hi' }], stream: true }),
      });
      return response.text();
    })();
    await clock.runUntil(20);
    expect(await done).toBe('data: {"a":1}\n\ndata: [DONE]\n\n');
    const cassette = recorder.cassette();
    expectNoKey(JSON.stringify(cassette));
    expect(cassette.exchanges[0]).toEqual({
      type: 'http',
      protocol: 'openai.chat',
      method: 'POST',
      url: 'https://api.openai.com/v1/chat/completions',
      requestHeaders: { authorization: REDACTED, 'content-type': 'application/json' },
      requestBody: { model: 'm', messages: [{ role: 'user', content: 'hi' }], stream: true },
      startMs: 0,
      response: { t: 0, status: 200, headers: { 'content-type': 'text/event-stream', 'x-request-id': 'r1' } },
      chunks: [
        { t: 7, text: 'data: {"a":1}\n\n' },
        { t: 14, text: 'data: [DONE]\n\n' },
      ],
      end: { t: 14, how: 'complete' },
    });
  });
});

describe('Redactor', () => {
  it('redacts credential names and scrubs known values, leaving ordinary fields alone', () => {
    const redactor = new Redactor(['dg-secret-1234']);
    redactor.learnHeaders({ Authorization: 'Token learnt-secret-5678' });
    expect(redactor.headers({ Authorization: 'Token x', 'x-ratelimit-remaining-tokens': '99', Cookie: 'a=b', 'X-Echo': 'learnt-secret-5678' })).toEqual({
      authorization: REDACTED,
      'x-ratelimit-remaining-tokens': '99',
      cookie: REDACTED,
      'x-echo': REDACTED,
    });
    expect(redactor.json({ access_token: 't', nested: [{ password: 'p', note: 'key dg-secret-1234' }], transaction_key: 'kept', max_tokens: 5 })).toEqual({
      access_token: REDACTED,
      nested: [{ password: REDACTED, note: `key ${REDACTED}` }],
      transaction_key: 'kept',
      max_tokens: 5,
    });
    expect(redactor.url('wss://u:pw@host/x?token=abc&model=m')).toBe('wss://REDACTED:REDACTED@host/x?token=%5BREDACTED%5D&model=m');
    expect(redactor.sentText('{"type":"Speak","text":"hi"}')).toBe('{"type":"Speak","text":"hi"}');
  });
});

describe('cassette files', () => {
  it('refuse what is not a cassette, or another version, with a reason', () => {
    expect(() => decodeCassette(Buffer.from('hello'))).toThrow(new CassetteFormatError('not a cassette: not JSON'));
    expect(() => decodeCassette(Buffer.from('{"format":"other"}'))).toThrow('not a cassette: no "format": "parley-cassette"');
    expect(() => decodeCassette(Buffer.from('{"format":"parley-cassette","version":9}'))).toThrow('cassette version 9 is not supported (this parley reads version 1)');
    expect(() => decodeCassette(Buffer.from('{"format":"parley-cassette","version":1,"role":"x","provider":"p","exchanges":[]}'))).toThrow(/^malformed cassette at role: /);
    expect(() => decodeCassette(Buffer.from([0x1f, 0x8b, 1, 2, 3]))).toThrow('not a cassette: the gzip data is corrupt');
  });
});
