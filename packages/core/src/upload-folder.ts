import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ResultBody } from './api-types';
import type { Config } from './config';
import { defaultRunText } from './ci';
import { wallClockMs } from './clock';
import { createDelivery } from './delivery';
import { ConfigError } from './errors';
import { openOutbox, readManifest } from './outbox';
import type { Output } from './output';
import { planRun, runUrl } from './run';

export interface FolderUpload {
  runId: number | undefined;
  runUrl: string | undefined;
  /** Results found in the folder that still needed sending. */
  total: number;
  delivered: number;
  refused: number;
  completed: boolean;
  requests: number;
  retries: number;
  /** The error that stopped sending, if one did. */
  stoppedBy: string | undefined;
}

/**
 * Sends what a reporter left on disk: an outbox (undelivered results of an interrupted or offline run) or a dry-run
 * folder (its request bodies). Same pipeline as the reporters, same result ids, so sending a folder twice stores
 * nothing twice. Creates the run the folder describes if it has none yet (and records its id in the folder), and
 * completes it once everything is delivered when the folder says so.
 */
export async function uploadFolder(dir: string, config: Config, context: { output: Output; env: Readonly<Record<string, string | undefined>> }): Promise<FolderUpload> {
  const outbox = openOutbox(dir);
  const manifest = readManifest(dir);
  if (!manifest) {
    throw new ConfigError(`${dir} has no manifest.json, so it is not a folder a qase-reporters reporter wrote. ` +
      'Pass the folder named in the run summary: the outbox (.qase/outbox/…) or the dry-run folder (qase-dry-run).');
  }
  const project = config.testops.project!;
  // Run by the CLI, where nothing else keeps the process alive while a resend waits.
  const delivery = createDelivery({ config, folder: dir, output: context.output, env: context.env, keepAlive: true });
  try {
    delivery.runId = config.testops.run.id ?? manifest.run.id;
    if (delivery.runId === undefined) {
      const plan = manifest.run.create ?? planRun(config, wallClockMs(), defaultRunText(context.env, wallClockMs()));
      if ((await delivery.openRun(plan)) !== undefined) {
        // Recorded at once, so a second upload of this folder goes to the same run and its result ids match.
        outbox.writeManifest({ ...manifest, run: { ...manifest.run, id: delivery.runId, create: undefined } });
      }
    }
    let total = 0;
    let done = delivery.runId !== undefined && delivery.ready();
    for (const segment of outbox.takeSealed(Infinity)) {
      total += segment.read().length;
      if (done) done = await delivery.deliverSegment(segment);
    }
    for (const results of readRequests(dir)) {
      total += results.length;
      if (done) done = await delivery.deliver(results, () => undefined);
    }
    const complete = done && (config.testops.run.id === undefined ? manifest.run.complete : config.testops.run.complete);
    const completed = complete ? await delivery.completeRun() : false;
    if (!existsSync(join(dir, 'requests'))) outbox.removeIfEmpty();
    const counts = delivery.counts();
    return {
      runId: delivery.runId,
      runUrl: delivery.runId === undefined ? undefined : runUrl(config.testops.api.appUrl, project, delivery.runId),
      total,
      delivered: counts.delivered,
      refused: counts.refused,
      completed,
      requests: counts.requests,
      retries: counts.retries,
      stoppedBy: delivery.fatal()?.message,
    };
  } finally {
    delivery.close();
  }
}

/** The request bodies of a dry run, in the order they were written, one file in memory at a time. */
function* readRequests(dir: string): Generator<ResultBody[]> {
  const folder = join(dir, 'requests');
  if (!existsSync(folder)) return;
  for (const name of readdirSync(folder).filter((n) => n.endsWith('.json')).sort()) {
    yield (JSON.parse(readFileSync(join(folder, name), 'utf8')) as { results: ResultBody[] }).results;
  }
}
