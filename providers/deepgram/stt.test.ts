import { afterEach, describe, expect, it } from 'vitest';
import { audio, EventLog } from '../test-support/events.js';
import type { SttEvent } from '../stt.js';
import { DeepgramFakeServer } from './fake-server.js';
import { DeepgramStt } from './stt.js';

const KEY = 'dg-test-key';
const servers: DeepgramFakeServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

async function fake(script: unknown = {}): Promise<DeepgramFakeServer> {
  const server = await DeepgramFakeServer.start({ script: DeepgramFakeServer.script(script), apiKey: KEY });
  servers.push(server);
  return server;
}

describe('DeepgramStt (listen.v1) against the fake', () => {
  it('turns audio into interim and final transcripts, speech_final and utterance_end', async () => {
    const server = await fake({ listen: { utterances: [{ text: 'Book a table.', at: '100ms', word: '100ms' }] } });
    const stt = new DeepgramStt({ apiKey: KEY, baseUrl: server.url, env: {}, endpointingMs: 200, utteranceEndMs: 500 });
    const session = await stt.connect(new AbortController().signal);
    const log = new EventLog<SttEvent>(session);
    for (const chunk of audio(1500)) session.sendAudio(chunk);
    await log.until((events) => events.some((e) => e.type === 'turn' && e.signal === 'utterance_end'));
    const finals = log.of('transcript').filter((e) => e.isFinal);
    expect(finals.map((e) => e.text)).toEqual(['Book a table.']);
    expect(log.of('transcript').some((e) => !e.isFinal)).toBe(true);
    expect(log.of('turn').map((e) => e.signal)).toEqual(['speech_final', 'utterance_end']);
    expect(log.of('speech_started')).toHaveLength(1);
    await session.close();
    expect(log.events.at(-1)).toEqual({ type: 'closed' });
    const record = server.connections[0]!;
    expect(record.headers.authorization).toBe(`Token ${KEY}`);
    expect(Object.fromEntries(record.query)).toMatchObject({ model: 'nova-3', encoding: 'linear16', sample_rate: '16000', interim_results: 'true', endpointing: '200', utterance_end_ms: '500', vad_events: 'true' });
    expect(record.received.filter((f) => typeof f === 'string')).toContain('{"type":"CloseStream"}');
  });
});
