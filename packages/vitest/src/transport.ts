// Test code runs in Vitest's workers (forks or threads); the reporter runs in the main process. What a test says
// through `qase.*` travels in the test's own `task.meta`, which Vitest sends to the main process with every update
// of the test and keeps in blob reports, so `--merge-reports` sees it too. Meta is cloned on the way and written as
// JSON to blobs, so it holds plain data only: attached bytes travel as base64.
import type { Attachment, Step, TestMetadata } from '@qase-reporters/core/test-api';

/** The key of `task.meta` that holds what the test said, one record per attempt. */
export const META_KEY = 'qase';

export interface WireAttachment {
  name: string;
  contentType: string;
  /** A file attached by path: read when the result is sent. */
  path?: string;
  base64?: string;
}

export interface WireStep extends Omit<Step, 'attachments' | 'steps'> {
  attachments: WireAttachment[];
  steps: WireStep[];
}

/** What one attempt of a test said; later calls update it in place. */
export interface WireAttempt extends Omit<TestMetadata, 'attachments' | 'steps'> {
  /** Vitest's `repeatCount` when the record began: a new repetition starts a new record. */
  repeat: number;
  attachments: WireAttachment[];
  steps: WireStep[];
}

/** `task.meta.qase`: by attempt (`retryCount`); `null` where an attempt said nothing (JSON has no holes). */
export type WireAttempts = (WireAttempt | null | undefined)[];

/** What each attempt of a test said, by `retryCount`, from the meta Vitest reported. */
export function readAttempts(meta: Readonly<Record<string, unknown>>): (TestMetadata | undefined)[] {
  const attempts = meta[META_KEY];
  if (!Array.isArray(attempts)) return [];
  return (attempts as WireAttempts).map((attempt) => {
    if (!attempt) return undefined;
    const { repeat: _repeat, attachments, steps, ...rest } = attempt;
    return { ...rest, attachments: attachments.map(toAttachment), steps: steps.map(toStep) };
  });
}

function toStep(step: WireStep): Step {
  return { ...step, attachments: step.attachments.map(toAttachment), steps: step.steps.map(toStep) };
}

function toAttachment({ name, contentType, path, base64 }: WireAttachment): Attachment {
  return path === undefined ? { name, contentType, content: Buffer.from(base64 ?? '', 'base64') } : { name, contentType, path };
}

export function toWire({ name, contentType, path, content }: Attachment): WireAttachment {
  if (path !== undefined) return { name, contentType, path };
  return { name, contentType, base64: Buffer.from(content ?? '').toString('base64') };
}
