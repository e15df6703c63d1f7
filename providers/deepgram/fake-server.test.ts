import WebSocket from 'ws';
import { afterEach, describe, expect, it } from 'vitest';
import { eventually } from '../test-support/events.js';
import { DeepgramFakeServer } from './fake-server.js';
import type { ListenV1Results } from './messages.js';

const servers: DeepgramFakeServer[] = [];
const sockets: WebSocket[] = [];
afterEach(async () => {
  for (const socket of sockets.splice(0)) socket.terminate();
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

async function connect(path: string, headers: Record<string, string> = { Authorization: 'Token k' }): Promise<{ socket: WebSocket; messages: unknown[]; binary: Buffer[]; closed: Promise<{ code: number; reason: string }> }> {
  const server = await DeepgramFakeServer.start();
  servers.push(server);
  const socket = new WebSocket(`${server.url.replace('http', 'ws')}${path}`, { headers });
  sockets.push(socket);
  const messages: unknown[] = [];
  const binary: Buffer[] = [];
  socket.on('message', (data, isBinary) => (isBinary ? binary.push(data as Buffer) : messages.push(JSON.parse(String(data)))));
  const closed = new Promise<{ code: number; reason: string }>((resolve) => socket.on('close', (code, reason) => resolve({ code, reason: String(reason) })));
  await new Promise<void>((resolve, reject) => {
    socket.once('open', () => resolve());
    socket.once('error', reject);
  });
  return { socket, messages, binary, closed };
}

const silence = (ms: number): Buffer => Buffer.alloc((ms * 16000 * 2) / 1000);

describe('the Deepgram fake without a script', () => {
  it('answers any audio with well-formed Results whose start and duration follow the audio received', async () => {
    const { socket, messages, closed } = await connect('/v1/listen?model=nova-3&encoding=linear16&sample_rate=16000&interim_results=true&punctuate=true');
    for (let i = 0; i < 250; i++) socket.send(silence(20)); // 5 s
    socket.send(JSON.stringify({ type: 'CloseStream' }));
    const { code } = await closed;
    expect(code).toBe(1000);
    const results = messages.filter((m): m is ListenV1Results => (m as { type: string }).type === 'Results');
    const finals = results.filter((r) => r.is_final);
    expect(results.some((r) => !r.is_final)).toBe(true);
    // The sentence once (1.0–2.8 s), then again from 3.8 s, cut by CloseStream at 5 s.
    expect(finals.map((r) => r.channel.alternatives[0]!.transcript)).toEqual(['Hello from the parley fake server.', 'Hello from the parley']);
    // Finals tile the audio: each starts where the previous ended, none goes past what was received.
    let end = 0;
    for (const final of finals) {
      expect(final.start).toBeCloseTo(end, 3);
      end = final.start + final.duration;
      for (const word of final.channel.alternatives[0]!.words) {
        expect(word.start).toBeGreaterThanOrEqual(final.start);
        expect(word.end).toBeLessThanOrEqual(end + 1e-9);
      }
    }
    expect(end).toBeLessThanOrEqual(5);
    const [first] = finals;
    expect(first).toMatchObject({
      type: 'Results',
      channel_index: [0, 1],
      is_final: true,
      speech_final: true,
      from_finalize: false,
      metadata: { request_id: expect.stringMatching(/^[0-9a-f-]{36}$/), model_uuid: expect.any(String), model_info: { name: expect.any(String), version: expect.any(String), arch: expect.any(String) } },
    });
    expect(first!.channel.alternatives[0]!.words[0]).toEqual({ word: 'hello', start: 1, end: 1.3, confidence: 0.98, punctuated_word: 'Hello' });
    expect(finals.map((f) => f.speech_final)).toEqual([true, false]);
    expect(messages.at(-1)).toMatchObject({ type: 'Metadata', channels: 1, duration: 5 });
  });

  it('Flux: Connected first, then TurnInfo with increasing sequence ids', async () => {
    const { socket, messages } = await connect('/v2/listen?model=flux-general-en&encoding=linear16&sample_rate=16000');
    for (let i = 0; i < 50; i++) socket.send(silence(80)); // 4 s
    await eventually(() => messages.some((m) => (m as { event?: string }).event === 'EndOfTurn'), 3000, 'EndOfTurn');
    expect(messages[0]).toEqual({ type: 'Connected', request_id: expect.any(String), sequence_id: 0 });
    expect(messages.map((m) => (m as { sequence_id: number }).sequence_id)).toEqual(messages.map((_, i) => i));
    const end = messages.find((m) => (m as { event?: string }).event === 'EndOfTurn');
    expect(end).toMatchObject({ type: 'TurnInfo', turn_index: 0, transcript: 'Hello from the parley fake server.', trigger: 'model' });
  });

  it('speak: Metadata on open, audio then Flushed for a flush, Cleared for a clear', async () => {
    const { socket, messages, binary } = await connect('/v1/speak?model=aura-2-thalia-en&encoding=linear16&sample_rate=16000');
    socket.send(JSON.stringify({ type: 'Speak', text: 'Hi.' }));
    socket.send(JSON.stringify({ type: 'Flush' }));
    await eventually(() => messages.some((m) => (m as { type: string }).type === 'Flushed'), 3000, 'Flushed');
    expect(messages).toEqual([{ type: 'Metadata', request_id: expect.any(String), model_name: 'aura-2-thalia-en', model_version: expect.any(String), model_uuid: expect.any(String) }, { type: 'Flushed', sequence_id: 0 }]);
    expect(binary.reduce((n, b) => n + b.length, 0)).toBe(3 * 60 * 16 * 2); // 3 characters at 60 ms, 16 kHz, 2 bytes
    socket.send(JSON.stringify({ type: 'Clear' }));
    await eventually(() => messages.length === 3, 3000, 'Cleared');
    expect(messages[2]).toEqual({ type: 'Cleared', sequence_id: 1 });
  });

  it('refuses a handshake without credentials with 401 and Deepgram\'s error body', async () => {
    const server = await DeepgramFakeServer.start();
    servers.push(server);
    const socket = new WebSocket(`${server.url.replace('http', 'ws')}/v1/listen`);
    socket.on('error', () => {});
    sockets.push(socket);
    const response = await new Promise<{ status: number; body: string }>((resolve) => {
      socket.on('unexpected-response', (_request, res) => {
        let body = '';
        res.on('data', (chunk: Buffer) => (body += String(chunk)));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      });
    });
    expect(response.status).toBe(401);
    expect(JSON.parse(response.body)).toEqual({ err_code: 'INVALID_AUTH', err_msg: 'Invalid credentials.', request_id: expect.any(String) });
  });
});
