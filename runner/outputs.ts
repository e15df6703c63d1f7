import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeReport, type RunReport } from '../reports/json.js';
import type { Timeline } from '../reports/timeline.js';
import type { RunArtifact } from './run.js';

/**
 * Writes everything a run leaves in its report directory: report.json, and one timeline per
 * scenario run under timelines/ (what the HTML report draws, and what `parley merge` joins).
 * Returns the path of report.json.
 */
export function writeRunOutputs(dir: string, report: RunReport, artifacts: readonly RunArtifact[]): string {
  writeTimelines(dir, artifacts.map((a) => a.timeline));
  return writeReport(dir, report);
}

/** DIR/timelines/<id>.json, replacing any timelines of an earlier run. */
export function writeTimelines(dir: string, timelines: readonly Timeline[]): void {
  const folder = join(dir, 'timelines');
  rmSync(folder, { recursive: true, force: true });
  mkdirSync(folder, { recursive: true });
  for (const timeline of timelines) writeFileSync(join(folder, `${timeline.id}.json`), `${JSON.stringify(timeline)}\n`);
}
