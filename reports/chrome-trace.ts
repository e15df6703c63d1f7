import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { packRows } from './span-rows.js';
import type { Timeline } from './timeline.js';

/**
 * A timeline in the Chrome Trace Event Format (the JSON object form), which Perfetto
 * (ui.perfetto.dev) and chrome://tracing open: the call is one process, each lane one thread
 * (a lane whose spans overlap gets one thread per row, "TTS", "TTS (2)", since complete events of
 * a thread must nest), spans are complete events, marks instant events, and the failed
 * expectations a last "violations" thread. Times are microseconds of virtual time.
 */
export interface ChromeTrace {
  readonly traceEvents: readonly TraceEvent[];
  readonly displayTimeUnit: 'ms';
  readonly otherData: { readonly id: string; readonly name: string; readonly file: string; readonly seed: number; readonly passed: boolean };
}

/** One trace event: metadata (`M`), complete (`X`, with `dur`) or instant (`i`, thread scope). */
export type TraceEvent =
  | { readonly name: string; readonly ph: 'M'; readonly pid: number; readonly tid: number; readonly args: Readonly<Record<string, string | number>> }
  | { readonly name: string; readonly cat: string; readonly ph: 'X'; readonly ts: number; readonly dur: number; readonly pid: number; readonly tid: number; readonly args: Readonly<Record<string, unknown>> }
  | { readonly name: string; readonly cat: string; readonly ph: 'i'; readonly s: 't'; readonly ts: number; readonly pid: number; readonly tid: number; readonly args: Readonly<Record<string, unknown>> };

const PID = 1;
const US_PER_MS = 1000;
const us = (ms: number): number => Math.round(ms * US_PER_MS);

/** The trace of one call. Deterministic: the same timeline gives the same object. */
export function chromeTrace(timeline: Timeline): ChromeTrace {
  const metadata: TraceEvent[] = [
    { name: 'process_name', ph: 'M', pid: PID, tid: 0, args: { name: `${timeline.name} (${timeline.file}, seed ${timeline.seed})` } },
  ];
  const events: TraceEvent[] = [];
  let tid = 0;
  const thread = (name: string): number => {
    tid += 1;
    metadata.push({ name: 'thread_name', ph: 'M', pid: PID, tid, args: { name } });
    metadata.push({ name: 'thread_sort_index', ph: 'M', pid: PID, tid, args: { sort_index: tid } });
    return tid;
  };

  for (const lane of timeline.lanes) {
    const { rows, count } = packRows(lane.spans);
    const tids = Array.from({ length: count }, (_, row) => thread(row === 0 ? lane.label : `${lane.label} (${row + 1})`));
    lane.spans.forEach((span, i) => {
      const spanTid = tids[rows[i]!]!;
      const args = { kind: span.kind, ...(span.detail !== undefined ? { detail: span.detail } : {}) };
      events.push({ name: span.label, cat: lane.id, ph: 'X', ts: us(span.startMs), dur: us(span.endMs - span.startMs), pid: PID, tid: spanTid, args });
      for (const word of span.words ?? []) {
        events.push({ name: word.word, cat: `${lane.id}.word`, ph: 'X', ts: us(word.startMs), dur: us(word.endMs - word.startMs), pid: PID, tid: spanTid, args: { kind: 'word' } });
      }
    });
    for (const mark of lane.marks) {
      const args = { kind: mark.kind, ...(mark.detail !== undefined ? { detail: mark.detail } : {}) };
      events.push({ name: mark.label, cat: lane.id, ph: 'i', s: 't', ts: us(mark.atMs), pid: PID, tid: tids[0]!, args });
    }
  }

  if (timeline.violations.length > 0) {
    const { rows, count } = packRows(timeline.violations.map((v) => ({ startMs: v.atMs, endMs: v.endMs ?? v.atMs })));
    const tids = Array.from({ length: count }, (_, row) => thread(row === 0 ? 'violations' : `violations (${row + 1})`));
    timeline.violations.forEach((v, i) => {
      const common = { name: v.assertion, cat: 'violation', ts: us(v.atMs), pid: PID, tid: tids[rows[i]!]!, args: { message: v.message } };
      events.push(v.endMs !== undefined && v.endMs > v.atMs ? { ...common, ph: 'X', dur: us(v.endMs - v.atMs) } : { ...common, ph: 'i', s: 't' });
    });
  }

  // Per thread in time order; a span before the words and marks it holds.
  events.sort((a, b) => a.tid - b.tid || tsOf(a) - tsOf(b) || durOf(b) - durOf(a));
  return {
    traceEvents: [...metadata, ...events],
    displayTimeUnit: 'ms',
    otherData: { id: timeline.id, name: timeline.name, file: timeline.file, seed: timeline.seed, passed: timeline.passed },
  };
}

const tsOf = (e: TraceEvent): number => (e.ph === 'M' ? 0 : e.ts);
const durOf = (e: TraceEvent): number => (e.ph === 'X' ? e.dur : 0);

/** DIR/traces/<id>.trace.json for each timeline, replacing any traces of an earlier run. */
export function writeChromeTraces(dir: string, timelines: readonly Timeline[]): void {
  const folder = join(dir, 'traces');
  rmSync(folder, { recursive: true, force: true });
  mkdirSync(folder, { recursive: true });
  for (const timeline of timelines) writeFileSync(join(folder, `${timeline.id}.trace.json`), `${JSON.stringify(chromeTrace(timeline))}\n`);
}
