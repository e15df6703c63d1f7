import { describe, it, expect } from 'vitest';
import { VirtualClock } from '../clock/virtual-clock.js';
import { Trace } from './trace.js';
import type { TraceEvent } from './events.js';

describe('Trace', () => {
  it('stamps each event with the clock time and returns it', async () => {
    const clock = new VirtualClock();
    const trace = new Trace(clock);
    const first = trace.emit('vad.speech_start', { onsetMs: 0, levelDb: -20 });
    await clock.runUntil(1250);
    const second = trace.emit('endpoint.end', { turn: 1, reason: 'semantic', transcript: 'Hi.', silenceMs: 250 });
    expect(first).toEqual({ type: 'vad.speech_start', t: 0, onsetMs: 0, levelDb: -20 });
    expect(second).toEqual({ type: 'endpoint.end', t: 1250, turn: 1, reason: 'semantic', transcript: 'Hi.', silenceMs: 250 });
    expect(trace.events).toEqual([first, second]);
    expect(trace.events[1]).toBe(second);
  });

  it('stamps the time of emission inside a timer', async () => {
    const clock = new VirtualClock();
    const trace = new Trace(clock);
    clock.setTimeout(() => trace.emit('stt.final', { text: 'a' }), 300);
    clock.setTimeout(() => trace.emit('stt.final', { text: 'b' }), 100);
    await clock.runUntilIdle();
    expect(trace.events).toEqual([
      { type: 'stt.final', t: 100, text: 'b' },
      { type: 'stt.final', t: 300, text: 'a' },
    ]);
  });

  it('records the type, the time, then the fields', () => {
    const clock = new VirtualClock();
    const trace = new Trace(clock);
    const event = trace.emit('session.closed', { cause: 'done' });
    expect(Object.keys(event)).toEqual(['type', 't', 'cause']);
  });

  it('ofType returns the events of one type, in order', async () => {
    const clock = new VirtualClock();
    const trace = new Trace(clock);
    trace.emit('stt.partial', { text: 'hel' });
    await clock.runUntil(10);
    trace.emit('stt.final', { text: 'hello' });
    await clock.runUntil(20);
    trace.emit('stt.partial', { text: 'how' });
    trace.emit('stt.final', { text: 'how are you' });
    expect(trace.ofType('stt.final')).toEqual([
      { type: 'stt.final', t: 10, text: 'hello' },
      { type: 'stt.final', t: 20, text: 'how are you' },
    ]);
    expect(trace.ofType('stt.partial').map((e) => e.text)).toEqual(['hel', 'how']);
    expect(trace.ofType('llm.done')).toEqual([]);
    // A copy: changing it leaves the trace alone.
    trace.ofType('stt.final').pop();
    expect(trace.ofType('stt.final')).toHaveLength(2);
    expect(trace.events).toHaveLength(4);
  });

  it('calls subscribers synchronously, in subscription order, for later events only', () => {
    const clock = new VirtualClock();
    const trace = new Trace(clock);
    trace.emit('session.closed', { cause: 'before' });
    const calls: string[] = [];
    const unsubscribeA = trace.subscribe((e: TraceEvent) => calls.push(`a:${e.type}`));
    trace.subscribe((e: TraceEvent) => {
      // The event is already recorded when listeners run.
      calls.push(`b:${e.type}:${trace.events.length}`);
    });
    const returned = trace.emit('stt.final', { text: 'x' });
    calls.push('after emit');
    expect(calls).toEqual(['a:stt.final', 'b:stt.final:2', 'after emit']);
    expect(returned.t).toBe(0);

    unsubscribeA();
    trace.emit('stt.partial', { text: 'y' });
    expect(calls).toEqual(['a:stt.final', 'b:stt.final:2', 'after emit', 'b:stt.partial:3']);
    // Unsubscribing twice is harmless.
    expect(() => unsubscribeA()).not.toThrow();
  });

  it('passes listeners the same object it records', () => {
    const trace = new Trace(new VirtualClock());
    const seen: TraceEvent[] = [];
    trace.subscribe((e) => seen.push(e));
    const event = trace.emit('llm.first_token', { speech: 3 });
    expect(seen).toEqual([event]);
    expect(seen[0]).toBe(event);
    expect(trace.events[0]).toBe(event);
  });

  it('records events emitted by a listener after the one that triggered it', () => {
    const trace = new Trace(new VirtualClock());
    trace.subscribe((e) => {
      if (e.type === 'stt.final') trace.emit('stt.turn', { signal: 'speech_final', transcript: e.text });
    });
    trace.emit('stt.final', { text: 'ok' });
    expect(trace.events.map((e) => e.type)).toEqual(['stt.final', 'stt.turn']);
  });
});
