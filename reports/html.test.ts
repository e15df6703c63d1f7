import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Comparison, MetricDelta } from './comparison.js';
import { renderHtmlReport, writeHtmlReport } from './html.js';
import { esc } from './html/text.js';
import { TIMELINE_OFFSET_PX, timelineScale } from './html/timeline-svg.js';
import { HOSTILE_TEXT, sampleReport, sampleTimeline } from './test-support/sample-run.js';

const report = sampleReport();
const timeline = sampleTimeline();
const id = timeline.id;

const delta = (metric: MetricDelta['metric'], stat: MetricDelta['stat'], baseline: number, current: number, regressed: boolean): MetricDelta => ({
  metric,
  stat,
  baseline,
  current,
  delta: current - baseline,
  tolerance: { relative: 0.1, absoluteMs: 20 },
  regressed,
});

const comparison: Comparison = {
  overall: [delta('voiceToVoiceMs', 'p50', 800, 889, true), delta('voiceToVoiceMs', 'p95', 1000, 1026, false)],
  scenarios: [
    {
      name: 'sample <takeover>',
      file: 'scenarios/sample/takeover.yaml',
      seed: 7,
      status: 'compared',
      metrics: [delta('voiceToVoiceMs', 'p50', 800, 889, true)],
      newlyFailing: ['no_takeover_during_pauses'],
      newlyPassing: [],
    },
  ],
  regressions: ['voice-to-voice p50 800 ms → 889 ms (+89 ms)'],
  passed: false,
};

/** Every value of the attribute `name` in the page. */
const attributes = (html: string, name: string): string[] => [...html.matchAll(new RegExp(`\\s${name}="([^"]*)"`, 'g'))].map((m) => m[1]!);

describe('renderHtmlReport', () => {
  const html = renderHtmlReport(report, [timeline]);

  it('gives the same bytes for the same input', () => {
    expect(renderHtmlReport(sampleReport(), [sampleTimeline()])).toBe(html);
    const options = { comparison, audio: { [id]: 'audio/call.wav' } };
    expect(renderHtmlReport(report, [timeline], options)).toBe(renderHtmlReport(sampleReport(), [sampleTimeline()], options));
  });

  it('is self-contained: no URL leaves the page, no external script, style or font', () => {
    const page = renderHtmlReport(report, [timeline], { comparison, audio: { [id]: 'audio/call.wav' } });
    expect(page).not.toMatch(/https?:/i);
    for (const url of [...attributes(page, 'src'), ...attributes(page, 'href')]) {
      expect(url).toMatch(/^(#[\w.-]+|data:,|traces\/[\w.%-]+\.trace\.json|audio\/call\.wav)$/);
    }
    expect(page).not.toMatch(/<script[^>]+src=|<link[^>]+stylesheet|@import|url\(|@font-face/i);
    expect(page.match(/<script\b/g)).toHaveLength(2);
  });

  it('embeds its data as JSON that no transcript can break out of', () => {
    expect(html.match(/<\/script>/g)).toHaveLength(2);
    const block = /<script type="application\/json" id="parley-data">([^<]*)<\/script>/.exec(html);
    expect(block).not.toBeNull();
    expect(JSON.parse(block![1]!)).toEqual({ report, timelines: [timeline] });
    expect(block![1]).toContain('\\u003c/script>');
    // Shown as text, escaped, wherever it is drawn.
    expect(html).toContain(esc(HOSTILE_TEXT));
    expect(html).not.toContain(HOSTILE_TEXT);
  });

  it('shows the failed assertions and places the violations on the timeline', () => {
    const failing = report.scenarios[0]!.assertions.find((a) => !a.passed)!;
    expect(html).toContain(`<code class="fail">no_takeover_during_pauses</code> <span class="muted">line 27</span>`);
    expect(html).toContain(esc(failing.message));
    expect(html).toContain(`data-lane="violations" data-kind="no_takeover_during_pauses" data-start-ms="3651" data-end-ms="3983"`);
    expect(html).toContain('data-goto-ms="3651"');
    expect(html).toContain(`<details class="run fail" id="run-${id}" open>`);
  });

  it('draws each span and mark at offset + ms × the timeline scale', () => {
    const scale = timelineScale(timeline.durationMs);
    expect(html).toContain(`data-px-per-ms="${scale}"`);
    expect(html).toContain(`data-offset-px="${TIMELINE_OFFSET_PX}"`);
    const x = (ms: number) => String(Math.round((TIMELINE_OFFSET_PX + ms * scale) * 100) / 100);
    for (const lane of timeline.lanes) {
      for (const s of lane.spans) {
        const w = String(Math.round((s.endMs - s.startMs) * scale * 100) / 100);
        expect(html).toContain(`data-lane="${lane.id}" data-kind="${s.kind}" data-start-ms="${s.startMs}" data-end-ms="${s.endMs}" x="${x(s.startMs)}" y=`);
        expect(html).toMatch(new RegExp(`data-start-ms="${s.startMs}" data-end-ms="${s.endMs}" x="${x(s.startMs)}" y="\\d+" width="${w}"`));
      }
      for (const m of lane.marks) {
        expect(html).toContain(`data-lane="${lane.id}" data-kind="${m.kind}" data-at-ms="${m.atMs}" transform="translate(${x(m.atMs)} 0)"`);
      }
    }
    // The latency lane, from the report's turns.
    expect(html).toContain(`data-lane="turns" data-kind="v2v" data-start-ms="2625" data-end-ms="3651"`);
    expect(html).toContain(`data-lane="turns" data-kind="eou" data-start-ms="2625" data-end-ms="3192"`);
  });

  it('draws the latency histograms from the per-turn values', () => {
    expect(attributes(html, 'data-metric')).toEqual(['voiceToVoiceMs', 'eouDelayMs', 'bargeInStopMs']);
    const counts = attributes(html, 'data-count').map(Number);
    // Two voice-to-voice turns, two end-of-utterance delays, one barge-in.
    expect(counts.reduce((a, b) => a + b, 0)).toBe(5);
    expect(html).toContain('<g class="pct" data-stat="p50" data-ms="889">');
  });

  it('renders baseline deltas only when given a comparison', () => {
    expect(html).not.toContain('id="baseline"');
    const page = renderHtmlReport(report, [timeline], { comparison });
    expect(page).toContain('<section id="baseline">');
    expect(page).toContain(esc('voice-to-voice p50 800 ms → 889 ms (+89 ms)'));
    expect(page).toContain(`<td class="num regressed" title="regression when worse by more than 10% and 20 ms">800 → 889 (+89) ▲</td>`);
    expect(page).toContain(`<a href="#run-${id}">`);
    expect(page).toContain('Newly failing: <code class="fail">no_takeover_during_pauses</code>');
    expect(page).toContain('<g class="pct baseline" data-stat="p50" data-ms="800">');
  });

  it('plays the call audio only when given, from a relative path', () => {
    expect(html).not.toContain('<audio');
    const page = renderHtmlReport(report, [timeline], { audio: { [id]: 'audio/my call#1.wav' } });
    expect(page).toContain('<audio controls preload="none" src="audio/my%20call%231.wav"></audio>');
    expect(() => renderHtmlReport(report, [timeline], { audio: { [id]: 'https://example.com/a.wav' } })).toThrow(RangeError);
    expect(() => renderHtmlReport(report, [timeline], { audio: { [id]: '/tmp/a.wav' } })).toThrow(RangeError);
  });

  it('still lists a run that has no timeline', () => {
    const page = renderHtmlReport(report, []);
    expect(page).toContain(`id="run-${id}"`);
    expect(page).toContain('No timeline for this run.');
  });
});

describe('writeHtmlReport', () => {
  it('writes DIR/report.html', () => {
    const dir = mkdtempSync(join(tmpdir(), 'parley-html-'));
    try {
      const path = writeHtmlReport(join(dir, 'out'), report, [timeline]);
      expect(path).toBe(join(dir, 'out', 'report.html'));
      expect(readFileSync(path, 'utf8')).toBe(renderHtmlReport(report, [timeline]));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
