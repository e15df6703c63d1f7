import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunReport } from '../reports/json.js';
import { timelineId, type Timeline } from '../reports/timeline.js';
import { main } from '../runner/cli.js';
import type { ReplayReport } from '../reports/replay.js';
import { recordingOf } from '../sim/replay/test-support/recordings.js';

/**
 * report.html in headless Chromium (Debian's `chromium`, installed by .ci/run): a real run of two
 * bundled scenarios, then the page must load with no console error or warning and no request
 * besides itself, and what is drawn must sit where the trace says: x = offset + ms × px-per-ms
 * (read back with getBoundingClientRect), before and after zooming.
 */

const CHROMIUM = '/usr/bin/chromium';
const root = fileURLToPath(new URL('..', import.meta.url));
const SCENARIOS = ['scenarios/hesitation/before-the-date.yaml', 'scenarios/barge-in/mid-answer-change-day.yaml'].map((p) => join(root, p));

/** The page's DOM, typed just enough for {@link measure} (the project compiles without the DOM lib). */
interface PageElement {
  readonly dataset: Readonly<Record<string, string | undefined>>;
  querySelector(selector: string): PageElement | null;
  querySelectorAll(selector: string): Iterable<PageElement>;
  getBoundingClientRect(): { readonly left: number; readonly width: number };
}
declare const document: { getElementById(id: string): PageElement | null };

/** One drawn element as the browser laid it out, in px from the timeline SVG's left edge. */
interface Drawn {
  readonly lane: string;
  readonly kind: string;
  readonly startMs: number | null;
  readonly endMs: number | null;
  readonly atMs: number | null;
  readonly left: number;
  readonly width: number;
}

/** The scale of a run's timeline and everything drawn on it (runs in the page). */
function measure(page: Page, runId: string, anchor = `run-${runId}`): Promise<{ pxPerMs: number; offsetPx: number; drawn: Drawn[] }> {
  return page.evaluate((anchor) => {
    const svg = document.getElementById(anchor)!.querySelector('svg.tl')!;
    const origin = svg.getBoundingClientRect().left;
    const number = (value: string | undefined): number | null => (value === undefined ? null : Number(value));
    const drawn = [...svg.querySelectorAll('[data-lane]')].map((el) => {
      // A span's box is its rect; a mark's position is its (zero-width) line.
      const shape = el.querySelector(':scope > rect') ?? el.querySelector(':scope > line')!;
      const box = shape.getBoundingClientRect();
      return {
        lane: el.dataset.lane!,
        kind: el.dataset.kind!,
        startMs: number(el.dataset.startMs),
        endMs: number(el.dataset.endMs),
        atMs: number(el.dataset.atMs),
        left: box.left - origin,
        width: box.width,
      };
    });
    return { pxPerMs: Number(svg.dataset.pxPerMs), offsetPx: Number(svg.dataset.offsetPx), drawn };
  }, anchor);
}

class Sink extends Writable {
  override _write(_chunk: unknown, _encoding: BufferEncoding, done: () => void): void {
    done();
  }
}

if (!existsSync(CHROMIUM)) {
  if (process.env.CI) {
    it('report.html in headless Chromium', () => {
      throw new Error(`install chromium: ${CHROMIUM} not found (CI is set; .ci/run installs it with apt-get)`);
    });
  } else {
    it.skip(`report.html in headless Chromium: skipped, ${CHROMIUM} not found (apt-get install chromium)`, () => {});
  }
} else {
  describe('report.html in headless Chromium', () => {
    let dir: string;
    let browser: Browser;
    let page: Page;
    let report: RunReport;
    const problems: string[] = [];
    const requests: string[] = [];

    beforeAll(async () => {
      dir = mkdtempSync(join(tmpdir(), 'parley-browser-'));
      // silence-only makes the hesitation scenario fail: the page then has a violation to draw.
      const code = await main(['run', ...SCENARIOS, '--config', 'silence-only', '--report-dir', dir], new Sink(), new Sink());
      expect(code).toBe(1);
      report = JSON.parse(readFileSync(join(dir, 'report.json'), 'utf8'));
      browser = await chromium.launch({
        executablePath: CHROMIUM,
        args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-sync'],
      });
      page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
      page.on('console', (m) => {
        if (m.type() === 'error' || m.type() === 'warning') problems.push(`console ${m.type()}: ${m.text()}`);
      });
      page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
      page.on('requestfailed', (r) => problems.push(`request failed: ${r.url()}`));
      page.on('request', (r) => requests.push(r.url()));
      await page.goto(pathToFileURL(join(dir, 'report.html')).href, { waitUntil: 'load' });
      await page.click('button[data-expand="all"]');
    }, 20_000);

    afterAll(async () => {
      await browser?.close();
      rmSync(dir, { recursive: true, force: true });
    });

    const timelineOf = (index: number): Timeline => {
      const r = report.scenarios[index]!;
      return JSON.parse(readFileSync(join(dir, 'timelines', `${timelineId(r.file, r.seed)}.json`), 'utf8'));
    };

    it('loads with no console error or warning, and requests nothing but itself', async () => {
      expect(problems).toEqual([]);
      expect(requests).toEqual([pathToFileURL(join(dir, 'report.html')).href]);
      expect(await page.title()).toBe('parley report: 1/2 passed');
      expect(await page.locator('details.run[open]').count()).toBe(2);
    });

    it('draws every span and mark at offset + ms × px-per-ms, at the times of the timelines and report.json', async () => {
      for (const [index, result] of report.scenarios.entries()) {
        const timeline = timelineOf(index);
        const { pxPerMs, offsetPx, drawn } = await measure(page, timeline.id);
        const xOf = (ms: number): number => offsetPx + ms * pxPerMs;
        const near = (a: number, b: number): boolean => Math.abs(a - b) <= 1;

        // Every drawn element sits where its own times say.
        expect(drawn.length).toBeGreaterThan(50);
        for (const d of drawn) {
          if (d.atMs !== null) expect(near(d.left, xOf(d.atMs)), `${d.lane}/${d.kind} at ${d.atMs}`).toBe(true);
          else {
            expect(near(d.left, xOf(d.startMs!)), `${d.lane}/${d.kind} from ${d.startMs}`).toBe(true);
            expect(near(d.width, (d.endMs! - d.startMs!) * pxPerMs), `${d.lane}/${d.kind} to ${d.endMs}`).toBe(true);
          }
        }

        // Those times are the timeline's: every user speech span and agent audio span, drawn once.
        for (const laneId of ['user', 'agent'] as const) {
          const lane = timeline.lanes.find((l) => l.id === laneId)!;
          const boxes = drawn.filter((d) => d.lane === laneId && d.kind !== 'word');
          expect(boxes).toHaveLength(lane.spans.length);
          for (const span of lane.spans) {
            expect(boxes.some((b) => near(b.left, xOf(span.startMs)) && near(b.left + b.width, xOf(span.endMs))), `${laneId} ${span.label}`).toBe(true);
          }
        }
        // …and report.json's: each answered turn's agent audio, each endpoint, each overlap.
        const at = (lane: string, kind: string | undefined, ms: number): boolean =>
          drawn.some((d) => d.lane === lane && (kind === undefined || d.kind === kind) && near(d.left, xOf(ms)));
        for (const turn of result.turns) {
          expect(at('endpoint', 'end', turn.endpointMs), `endpoint of turn ${turn.index}`).toBe(true);
          if (turn.agentAudioStartMs !== null) expect(at('agent', undefined, turn.agentAudioStartMs), `agent audio of turn ${turn.index}`).toBe(true);
        }
        expect(result.overlaps.length).toBeGreaterThan(0);
        for (const overlap of result.overlaps) expect(at('overlaps', overlap.kind, overlap.atMs), `overlap at ${overlap.atMs}`).toBe(true);
        for (const v of timeline.violations) expect(at('violations', v.assertion, v.atMs), `violation ${v.assertion}`).toBe(true);
        expect(timeline.violations.length > 0).toBe(!result.passed);
      }
    });

    it('keeps positions exact after zooming in', async () => {
      const timeline = timelineOf(0);
      const before = await measure(page, timeline.id);
      await page.locator(`#run-${timeline.id} button[data-zoom="in"]`).click();
      const after = await measure(page, timeline.id);
      expect(after.pxPerMs).toBe(before.pxPerMs * 2);
      const turn = report.scenarios[0]!.turns[0]!;
      const agent = after.drawn.filter((d) => d.lane === 'agent');
      expect(agent.some((d) => Math.abs(d.left - (after.offsetPx + turn.agentAudioStartMs! * after.pxPerMs)) <= 1)).toBe(true);
      for (const d of after.drawn) {
        const ms = d.atMs ?? d.startMs!;
        expect(Math.abs(d.left - (after.offsetPx + ms * after.pxPerMs))).toBeLessThanOrEqual(1);
      }
      expect(problems).toEqual([]);
    });
  });

  describe('the replay report in headless Chromium', () => {
    let dir: string;
    let browser: Browser;
    let page: Page;
    let report: ReplayReport;
    const problems: string[] = [];

    beforeAll(async () => {
      dir = mkdtempSync(join(tmpdir(), 'parley-browser-replay-'));
      const recording = await recordingOf('hesitation/pause-before-the-date.yaml');
      writeFileSync(join(dir, 'call.wav'), recording.wav);
      writeFileSync(join(dir, 'call.transcript.json'), recording.transcript);
      const code = await main(['replay', join(dir, 'call.wav'), '--against', 'silence-only', '--report-dir', join(dir, 'out')], new Sink(), new Sink());
      expect(code).toBe(1);
      report = JSON.parse(readFileSync(join(dir, 'out', 'report.json'), 'utf8'));
      browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-sync'] });
      page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
      page.on('console', (m) => {
        if (m.type() === 'error' || m.type() === 'warning') problems.push(`console ${m.type()}: ${m.text()}`);
      });
      page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
      await page.goto(pathToFileURL(join(dir, 'out', 'report.html')).href, { waitUntil: 'load' });
    }, 30_000);

    afterAll(async () => {
      await browser?.close();
      rmSync(dir, { recursive: true, force: true });
    });

    it('loads with no console error, and draws each config’s endpoints and the premature ones at their times', async () => {
      expect(problems).toEqual([]);
      const { pxPerMs, offsetPx, drawn } = await measure(page, 'call-1', 'call-1');
      const [call] = report.calls;
      const near = (d: Drawn, ms: number): boolean => Math.abs(d.left - (offsetPx + ms * pxPerMs)) <= 1;
      for (const name of report.configs) {
        for (const endpoint of call!.configs[name]!.endpoints) {
          expect(drawn.some((d) => d.lane === 'endpoint' && d.atMs === endpoint.atMs && near(d, endpoint.atMs)), `${name} ${endpoint.type} at ${endpoint.atMs}`).toBe(true);
        }
      }
      const premature = call!.configs['silence-only']!.endpoints.filter((e) => e.premature);
      expect(premature).toHaveLength(2);
      for (const e of premature) expect(drawn.some((d) => d.lane === 'violations' && d.kind === 'silence-only: premature end' && near(d, e.atMs))).toBe(true);
      for (const segment of call!.recorded.userSegments) expect(drawn.some((d) => d.lane === 'user' && d.startMs === segment.startMs && near(d, segment.startMs))).toBe(true);
    });
  });
}
