import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { writeFileAtomically } from '../reports/atomic.js';
import { writeChromeTraces } from '../reports/chrome-trace.js';
import type { Comparison } from '../reports/comparison.js';
import { writeHtmlReport } from '../reports/html.js';
import { writeReport, type RunReport } from '../reports/json.js';
import { renderMarkdownSummary } from '../reports/markdown.js';
import type { Timeline } from '../reports/timeline.js';
import type { RunArtifact } from './run.js';

/** Options of {@link writeRunOutputs}. */
export interface RunOutputOptions {
  /** The comparison with a baseline run (`--baseline`), shown in summary.md and report.html. */
  readonly comparison?: Comparison | undefined;
}

/**
 * Writes everything a run leaves in its report directory: report.json, summary.md (the Markdown
 * summary for CI step summaries), report.html, one timeline per scenario run under timelines/
 * (what the HTML report draws, and what `parley merge` joins), one Chrome trace per scenario
 * run under traces/, and a stereo WAV per acoustic run under audio/.
 * Returns the path of report.json.
 */
export function writeRunOutputs(dir: string, report: RunReport, artifacts: readonly RunArtifact[], options: RunOutputOptions = {}): string {
  const timelines = artifacts.map((a) => a.timeline);
  writeTimelines(dir, timelines);
  writeChromeTraces(dir, timelines);
  const audio = writeRecordings(dir, artifacts);
  writeCassettes(dir, artifacts);
  writeFileAtomically(join(dir, 'summary.md'), renderMarkdownSummary(report, options.comparison));
  writeHtmlReport(dir, report, timelines, { ...(options.comparison ? { comparison: options.comparison } : {}), ...(Object.keys(audio).length > 0 ? { audio } : {}) });
  return writeReport(dir, report);
}

/**
 * The stereo recording of each acoustic run at the path its result names (audio/<id>.wav),
 * replacing any recordings of an earlier run. Returns the paths by timeline id, for the HTML.
 */
export function writeRecordings(dir: string, artifacts: readonly RunArtifact[]): Record<string, string> {
  const folder = join(dir, 'audio');
  rmSync(folder, { recursive: true, force: true });
  const paths: Record<string, string> = {};
  for (const { result, timeline, audio } of artifacts) {
    const path = result.acoustic?.audio;
    if (!audio || path === undefined) continue;
    mkdirSync(folder, { recursive: true });
    writeFileSync(join(dir, path), audio);
    paths[timeline.id] = path;
  }
  return paths;
}

/** A live run's cassettes at the paths their results name (cassettes/<id>/<role>.cassette.json.gz), replacing earlier ones. */
export function writeCassettes(dir: string, artifacts: readonly RunArtifact[]): void {
  const folder = join(dir, 'cassettes');
  rmSync(folder, { recursive: true, force: true });
  for (const artifact of artifacts) {
    for (const cassette of artifact.cassettes ?? []) {
      const path = join(dir, cassette.path);
      mkdirSync(dirname(path), { recursive: true });
      writeFileSync(path, cassette.bytes);
    }
  }
}

/** DIR/timelines/<id>.json, replacing any timelines of an earlier run. */
export function writeTimelines(dir: string, timelines: readonly Timeline[]): void {
  const folder = join(dir, 'timelines');
  rmSync(folder, { recursive: true, force: true });
  mkdirSync(folder, { recursive: true });
  for (const timeline of timelines) writeFileSync(join(folder, `${timeline.id}.json`), `${JSON.stringify(timeline)}\n`);
}
