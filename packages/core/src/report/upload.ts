import type { ResultBody } from '../api-types';
import { isoTime, wallClockMs } from '../clock';
import type { Config } from '../config';
import type { Manifest } from '../outbox';
import { planRun, runStartMs } from '../run';
import { readReportResults, readReportRun } from './read';

// Results handed to the pipeline at a time; it batches them to the API's limits itself.
const CHUNK = 500;

export interface ReportSource {
  /** What our reporter would have recorded for the folder: the run to create (titled and timed as in run.json). */
  manifest: Manifest;
  /** The results, a chunk at a time. */
  chunks(): Generator<ResultBody[]>;
}

/** How `qase-reporters upload` sends a Qase Report folder, whichever reporter wrote it. */
export function reportSource(dir: string, config: Config, warn: (line: string) => void): ReportSource {
  const run = readReportRun(dir);
  const startedAtMs = Math.min(run.startMs ?? wallClockMs(), wallClockMs());
  const plan = planRun(config, startedAtMs, { title: run.title });
  if (config.environment === undefined && run.environment) plan.environment = run.environment;
  const notBeforeMs = runStartMs(plan.startTime);
  return {
    manifest: {
      version: 1,
      project: config.testops.project,
      framework: 'qase-report',
      createdAt: isoTime(startedAtMs),
      run: { id: undefined, create: plan, complete: config.testops.run.complete },
    },
    *chunks() {
      let chunk: ResultBody[] = [];
      for (const body of readReportResults(dir, { notBeforeMs, defect: config.testops.defect, warn })) {
        chunk.push(body);
        if (chunk.length === CHUNK) {
          yield chunk;
          chunk = [];
        }
      }
      if (chunk.length > 0) yield chunk;
    },
  };
}
