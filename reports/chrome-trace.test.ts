import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { chromeTrace, writeChromeTraces, type TraceEvent } from './chrome-trace.js';
import { sampleTimeline } from './test-support/sample-run.js';

const timeline = sampleTimeline();
const trace = chromeTrace(timeline);
const events = trace.traceEvents;
const meta = (name: string) => events.filter((e): e is Extract<TraceEvent, { ph: 'M' }> => e.ph === 'M' && e.name === name);
const threadNames = new Map(meta('thread_name').map((e) => [e.tid, String(e.args.name)]));
const timed = events.filter((e): e is Exclude<TraceEvent, { ph: 'M' }> => e.ph !== 'M');

describe('chromeTrace', () => {
  it('is a Trace Event Format object: every event has its required fields, times are integer µs', () => {
    expect(trace.displayTimeUnit).toBe('ms');
    expect(JSON.parse(JSON.stringify(trace))).toEqual(trace);
    for (const e of events) {
      expect(typeof e.name).toBe('string');
      expect(['M', 'X', 'i']).toContain(e.ph);
      expect(e.pid).toBe(1);
      expect(Number.isInteger(e.tid)).toBe(true);
      if (e.ph === 'X') {
        expect(Number.isInteger(e.ts) && Number.isInteger(e.dur) && e.dur >= 0).toBe(true);
        expect(typeof e.cat).toBe('string');
      }
      if (e.ph === 'i') {
        expect(e.s).toBe('t');
        expect(Number.isInteger(e.ts)).toBe(true);
      }
    }
    expect(meta('process_name')).toEqual([{ name: 'process_name', ph: 'M', pid: 1, tid: 0, args: { name: 'sample <takeover> (scenarios/sample/takeover.yaml, seed 7)' } }]);
  });

  it('names one thread per lane (a second row only where spans overlap), in lane order, plus violations', () => {
    expect([...threadNames.values()]).toEqual([
      'user speech',
      'echo and noise',
      'VAD',
      'STT',
      'endpoint',
      'LLM',
      'TTS',
      'TTS (2)',
      'agent audio at the ear',
      'overlaps',
      'violations',
    ]);
    const sortIndex = meta('thread_sort_index').map((e) => [e.tid, e.args.sort_index]);
    expect(sortIndex).toEqual([...threadNames.keys()].map((tid) => [tid, tid]));
    // Every timed event is on a named thread, and the lane (category) of a thread never changes.
    const laneOfThread = new Map<number, string>();
    for (const e of timed) {
      expect(threadNames.has(e.tid)).toBe(true);
      const lane = e.cat.split('.')[0]!;
      expect(laneOfThread.get(e.tid) ?? lane).toBe(lane);
      laneOfThread.set(e.tid, lane);
    }
  });

  it('gives every span, word and mark at the timeline times, in µs', () => {
    for (const lane of timeline.lanes) {
      const ofLane = timed.filter((e) => e.cat === lane.id);
      expect(ofLane.filter((e) => e.ph === 'X').map((e) => [e.name, e.ts, e.ph === 'X' ? e.dur : -1]).sort()).toEqual(
        lane.spans.map((s) => [s.label, s.startMs * 1000, (s.endMs - s.startMs) * 1000]).sort(),
      );
      expect(ofLane.filter((e) => e.ph === 'i').map((e) => [e.name, e.ts]).sort()).toEqual(lane.marks.map((m) => [m.label, m.atMs * 1000]).sort());
    }
    const words = timed.filter((e) => e.cat === 'user.word');
    expect(words.map((e) => [e.name, e.ts, e.ph === 'X' ? e.dur : -1])).toEqual(
      timeline.lanes[0]!.spans.flatMap((s) => s.words!.map((w) => [w.word, w.startMs * 1000, (w.endMs - w.startMs) * 1000])),
    );
    const agent = timed.find((e) => e.cat === 'agent' && e.name === 'reply 1');
    expect(agent).toMatchObject({ ph: 'X', ts: 3_651_000, dur: 332_000, args: { kind: 'interrupted', detail: 'Sure' } });
    expect(timed.find((e) => e.cat === 'violation')).toMatchObject({ name: 'no_takeover_during_pauses', ph: 'X', ts: 3_651_000, dur: 332_000 });
  });

  it('nests the complete events of each thread (no partial overlap), as trace viewers need', () => {
    for (const tid of threadNames.keys()) {
      const spans = timed.filter((e): e is Extract<TraceEvent, { ph: 'X' }> => e.ph === 'X' && e.tid === tid);
      for (const a of spans) {
        for (const b of spans) {
          const disjoint = a.ts + a.dur <= b.ts || b.ts + b.dur <= a.ts;
          const nested = (a.ts <= b.ts && b.ts + b.dur <= a.ts + a.dur) || (b.ts <= a.ts && a.ts + a.dur <= b.ts + b.dur);
          expect(disjoint || nested).toBe(true);
        }
      }
    }
  });

  it('is deterministic, and lists each thread in time order', () => {
    expect(JSON.stringify(chromeTrace(sampleTimeline()))).toBe(JSON.stringify(trace));
    for (const tid of threadNames.keys()) {
      const times = timed.filter((e) => e.tid === tid).map((e) => e.ts);
      expect(times).toEqual([...times].sort((a, b) => a - b));
    }
  });
});

describe('writeChromeTraces', () => {
  it('writes DIR/traces/<id>.trace.json, replacing the traces of an earlier run', () => {
    const dir = mkdtempSync(join(tmpdir(), 'parley-trace-'));
    try {
      mkdirSync(join(dir, 'traces'));
      writeFileSync(join(dir, 'traces', 'old.trace.json'), '{}');
      writeChromeTraces(dir, [timeline]);
      expect(readdirSync(join(dir, 'traces'))).toEqual([`${timeline.id}.trace.json`]);
      expect(JSON.parse(readFileSync(join(dir, 'traces', `${timeline.id}.trace.json`), 'utf8'))).toEqual(trace);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
