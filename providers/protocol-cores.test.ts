import { describe, expect, it } from 'vitest';
import { VirtualClock } from '../core/clock/virtual-clock.js';
import { AudioTimeline } from './deepgram/audio-timeline.js';
import { ListenV1Protocol } from './deepgram/listen-v1-protocol.js';
import { ListenV2Protocol } from './deepgram/listen-v2-protocol.js';
import { SpeakProtocol } from './deepgram/speak-protocol.js';
import { StreamInputProtocol } from './elevenlabs/stream-input-protocol.js';
import { ChatStreamProtocol } from './openai/chat-protocol.js';
import { ErrorFactory } from './secrets.js';
import { audio } from './test-support/events.js';

/**
 * The protocol cores without any I/O, as a replayer drives them: recorded server messages in,
 * events out, time from a virtual clock.
 */
const errors = (name: string) => new ErrorFactory(name, ['sk-replay']);

describe('protocol cores, replayed', () => {
  it('listen.v1: Results become a transcript timed on the session clock, speech_final a turn signal', async () => {
    const clock = new VirtualClock();
    await clock.runUntil(10_000);
    const core = new ListenV1Protocol(new AudioTimeline(clock), errors('deepgram'), 16000);
    core.audio(audio(20)[0]!); // the stream's first sample was captured at 9980 ms
    const results = {
      type: 'Results',
      channel_index: [0, 1],
      start: 0,
      duration: 1.2,
      is_final: true,
      speech_final: true,
      channel: { alternatives: [{ transcript: 'Hi there.', confidence: 0.9, words: [{ word: 'hi', punctuated_word: 'Hi', start: 0.5, end: 0.7, confidence: 0.9 }, { word: 'there', punctuated_word: 'there.', start: 0.7, end: 1.0, confidence: 0.9 }] }] },
      metadata: { request_id: 'r', model_uuid: 'm', model_info: { name: 'n', version: 'v', arch: 'a' } },
    };
    expect(core.receive(results)).toEqual([
      { type: 'transcript', isFinal: true, text: 'Hi there.', words: [{ word: 'Hi', startMs: 10480, endMs: 10680, confidence: 0.9 }, { word: 'there.', startMs: 10680, endMs: 10980, confidence: 0.9 }] },
      { type: 'turn', signal: 'speech_final', transcript: 'Hi there.' },
    ]);
    expect(core.receive({ type: 'UtteranceEnd', channel: [0, 1], last_word_end: 1.0 })).toEqual([{ type: 'turn', signal: 'utterance_end' }]);
    expect(core.receive({ type: 'Metadata' })).toEqual([]);
    expect(core.receive('{"type": "Res')).toMatchObject([{ type: 'error', error: { kind: 'protocol', message: 'deepgram: malformed message: {"type": "Res' } }]);
  });

  it('Flux: TurnInfo events become transcripts and turn signals; audio goes out in 80 ms frames', () => {
    const fresh = new ListenV2Protocol(new AudioTimeline(new VirtualClock()), errors('deepgram'), 16000);
    // Ten 20 ms chunks: two whole 80 ms frames, 40 ms held back until the stream closes.
    const sent = audio(200).flatMap((chunk) => {
      const result = fresh.audio(chunk);
      return 'frames' in result ? result.frames : [];
    });
    expect(sent.map((f) => f.length)).toEqual([2560, 2560]);
    expect(fresh.takeRemainder()?.length).toBe(1280);
    const info = (event: string) => ({ type: 'TurnInfo', request_id: 'r', sequence_id: 1, event, turn_index: 0, audio_window_start: 0, audio_window_end: 1, transcript: 'book it', words: [{ word: 'book', confidence: 1 }, { word: 'it', confidence: 1 }], end_of_turn_confidence: 0.5 });
    expect(fresh.receive(info('EagerEndOfTurn')).map((e) => (e.type === 'turn' ? e.signal : e.type))).toEqual(['transcript', 'eager_end_of_turn']);
    expect(fresh.receive(info('EndOfTurn'))).toMatchObject([{ type: 'transcript', isFinal: true, text: 'book it' }, { type: 'turn', signal: 'end_of_turn', transcript: 'book it' }]);
    expect(fresh.receive({ type: 'Error', sequence_id: 2, code: 'INTERNAL_SERVER_ERROR', description: 'boom' })).toMatchObject([{ type: 'error', error: { kind: 'server', message: 'deepgram: INTERNAL_SERVER_ERROR: boom' } }]);
  });

  it('speak.v1: audio between Clear and Cleared is dropped, and so is the Flushed of a cleared flush', () => {
    const core = new SpeakProtocol(errors('deepgram'), 16000);
    core.speak('Hello.');
    core.flush();
    expect(core.receive(new Uint8Array(320))).toMatchObject([{ type: 'audio', chunk: { samples: 160 } }]);
    core.clear();
    expect(core.receive(new Uint8Array(320))).toEqual([]);
    expect(core.receive({ type: 'Flushed', sequence_id: 0 })).toEqual([]);
    expect(core.receive({ type: 'Cleared', sequence_id: 1 })).toEqual([{ type: 'cleared' }]);
    core.flush();
    expect(core.receive({ type: 'Flushed', sequence_id: 2 })).toEqual([{ type: 'flushed' }]);
    expect(core.droppedSamples).toBe(160);
  });

  it('stream-input: base64 PCM with its alignment, then isFinal; server errors are errors', () => {
    const core = new StreamInputProtocol(errors('elevenlabs'), 16000);
    expect(core.init({ stability: 0.5 }, [50])).toBe('{"text":" ","voice_settings":{"stability":0.5},"generation_config":{"chunk_length_schedule":[50]}}');
    expect(core.text('Hi')).toBe('{"text":"Hi "}');
    const pcm = Buffer.alloc(64).toString('base64');
    expect(core.receive(JSON.stringify({ audio: pcm, isFinal: null, normalizedAlignment: { chars: ['H', 'i'], charStartTimesMs: [0, 10], charDurationsMs: [10, 10] } }))).toEqual([
      { type: 'audio', chunk: { sampleRate: 16000, samples: 32, pcm: new Int16Array(32) }, alignment: { chars: ['H', 'i'], charStartMs: [0, 10], charDurationMs: [10, 10] } },
    ]);
    expect(core.receive('{"isFinal":true}')).toEqual([{ type: 'final' }]);
    expect(core.receive('{"message":"quota exceeded","error":"quota_exceeded"}')).toMatchObject([{ type: 'error', error: { kind: 'server', message: 'elevenlabs: quota_exceeded: quota exceeded' } }]);
  });

  it('chat stream: finished, cancelled, timed out and cut-short streams end differently', () => {
    const run = (chunks: object[], ending: Parameters<ChatStreamProtocol['end']>[0]) => {
      const core = new ChatStreamProtocol(errors('openai'));
      return [...chunks.flatMap((c) => core.receive(c)), core.end(ending)];
    };
    const role = { choices: [{ delta: { role: 'assistant', content: '' }, finish_reason: null }] };
    const token = { choices: [{ delta: { content: 'Hi' }, finish_reason: null }] };
    const stop = { choices: [{ delta: {}, finish_reason: 'stop' }] };
    expect(run([role, token, stop], { how: 'ended' })).toEqual([{ type: 'token', text: 'Hi' }, { type: 'end', reason: 'stop' }]);
    expect(run([role, token], { how: 'cancelled' }).at(-1)).toEqual({ type: 'end', reason: 'cancelled' });
    expect(run([role, token], { how: 'ended' }).at(-1)).toMatchObject({ type: 'end', reason: 'error', error: { kind: 'network', message: 'openai: the stream ended without a finish_reason after 1 tokens' } });
    expect(run([token, { choices: [{ delta: {}, finish_reason: 'length' }] }], { how: 'ended' }).at(-1)).toEqual({ type: 'end', reason: 'length' });
  });
});
