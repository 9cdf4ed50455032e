import type { ResultBody } from './api-types';
import type { Config, Project } from './config';
import type { Delivery } from './delivery';
import type { ManifestRun } from './folder-schema';
import type { Lane } from './outbox-sender';
import type { SegmentQueue } from './outbox';
import { planRun, runStartMs, runUrl, type RunPlan } from './run';

/** What one project's run came to, for the summary. */
export interface ProjectReport {
  project: string;
  runId: number | undefined;
  runUrl: string | undefined;
  /** Title of the run this process created (or, in a dry run, would create). */
  runTitle: string | undefined;
  /** Results written for this project, by status. */
  byStatus: Record<string, number>;
  written: number;
  delivered: number;
  deliveredByStatus: Record<string, number>;
  refused: number;
  refusedByStatus: Record<string, number>;
  /** The API error that stopped this project's sending, if one did. */
  stoppedBy: string | undefined;
  publicUrl: string | undefined;
  /** The run was completed by this process. */
  completed: boolean;
}

/**
 * One project's share of a test run: its run (given, or planned and created when its first result is written),
 * its segments of the outbox, its delivery, and the end of its run: completed once everything is delivered, made
 * public when asked. In mode testops the session has one; in mode testops_multi one per project.
 */
export interface ProjectRun extends Lane {
  readonly project: Project;
  /** Adopts the configured run, or plans the run to create (title and description default to `defaults`). */
  start(startedAtMs: number, defaults: { title: string; description?: string }): void;
  /** No result of a run this process creates may start before the run: the earliest start a result may carry. */
  notBeforeMs(): number | undefined;
  /** Writes a result to this project's segments. */
  add(body: ResultBody): void;
  /** The run as the manifest records it. */
  manifestRun(): ManifestRun;
  /** After the last flush: completes the run and makes it public when due. Never rejects (delivery catches). */
  finish(timedOut: boolean): Promise<ProjectReport>;
}

export interface ProjectRunOptions {
  config: Config;
  project: Project;
  delivery: Delivery;
  queue: SegmentQueue;
  /** A dry run writes requests and creates no run. */
  dryRun: boolean;
  /** The run was created or completed: record it in the manifest. */
  recordRun(): void;
}

export function createProjectRun({ config, project, delivery, queue, dryRun, recordRun }: ProjectRunOptions): ProjectRun {
  const byStatus: Record<string, number> = {};
  let written = 0;
  let plan: RunPlan | undefined;
  let completed = false;

  async function finish(timedOut: boolean): Promise<ProjectReport> {
    const everything = queue.isEmpty() && delivery.fatal() === undefined;
    let publicUrl: string | undefined;
    if (everything && !timedOut && !dryRun) {
      if (project.run.complete) completed = await delivery.completeRun();
      // Recorded for a folder kept for the other projects' results: an upload must not complete it again.
      if (completed) recordRun();
      if (config.testops.showPublicReportLink) publicUrl = await delivery.makeRunPublic();
    }
    const counts = delivery.counts();
    const runId = delivery.runId;
    return {
      project: project.code,
      runId,
      runUrl: runId === undefined ? undefined : runUrl(config.testops.api.appUrl, project.code, runId),
      runTitle: plan?.title,
      byStatus: { ...byStatus },
      written,
      delivered: dryRun ? written : counts.delivered,
      deliveredByStatus: dryRun ? { ...byStatus } : counts.deliveredByStatus,
      refused: counts.refused,
      refusedByStatus: counts.refusedByStatus,
      stoppedBy: delivery.fatal()?.message,
      publicUrl,
      completed,
    };
  }

  return {
    project,
    queue,
    delivery,
    plan: () => plan,
    onRunCreated: recordRun,
    start(startedAtMs, defaults) {
      delivery.runId = project.run.id;
      if (delivery.runId === undefined) plan = planRun(config, startedAtMs, defaults, project);
    },
    notBeforeMs: () => plan && runStartMs(plan.startTime),
    add(body) {
      queue.append(body);
      delivery.expect(body);
      written++;
      byStatus[body.execution.status] = (byStatus[body.execution.status] ?? 0) + 1;
    },
    manifestRun: () => {
      const runId = delivery.runId;
      return { id: runId, create: runId === undefined ? plan : undefined, complete: project.run.complete, ...(completed ? { completed } : {}) };
    },
    finish,
  };
}
