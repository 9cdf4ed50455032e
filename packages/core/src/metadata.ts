import type { Attachment, Step, TestResult } from './model';

/** What a test said about itself through the per-test `qase` API; every adapter carries it to its reporter. */
export interface TestMetadata {
  caseIds?: number[];
  /** Case ids per Qase project (mode testops_multi); calls add up. */
  projects?: Record<string, number[]>;
  title?: string;
  fields?: Record<string, string>;
  /** Suite path with levels separated by a tab, as the official reporters take it. */
  suite?: string;
  params?: Record<string, string>;
  /** Parameters that also form a group: the names become one entry of `paramGroups`. */
  groupParams?: Record<string, string>;
  comment?: string;
  tags?: string[];
  ignore?: boolean;
  attachments?: Attachment[];
  steps?: Step[];
}

/** The result as the test described it: metadata wins over what the framework reported. */
export function applyMetadata(result: TestResult, meta: TestMetadata): TestResult {
  // Most tests say nothing about themselves: a copy of the whole result each would be most of the reporter's garbage.
  if (isEmpty(meta)) return result;
  const caseIds = [...result.caseIds];
  for (const id of meta.caseIds ?? []) if (!caseIds.includes(id)) caseIds.push(id);
  const groupNames = Object.keys(meta.groupParams ?? {});
  return {
    ...result,
    caseIds,
    projects: mergeProjects(result.projects, meta.projects),
    title: meta.title ?? result.title,
    suitePath: meta.suite === undefined ? result.suitePath : meta.suite.split('\t').filter(Boolean),
    fields: { ...result.fields, ...meta.fields },
    params: { ...result.params, ...meta.params, ...meta.groupParams },
    paramGroups: groupNames.length > 0 ? [...result.paramGroups, groupNames] : result.paramGroups,
    message: meta.comment ?? result.message,
    tags: [...new Set([...result.tags, ...(meta.tags ?? [])])],
    attachments: [...result.attachments, ...(meta.attachments ?? [])],
    steps: [...result.steps, ...(meta.steps ?? [])],
  };
}

/** Both mappings' ids, each project's ids once, in the order they were given. */
export function mergeProjects(a: Record<string, number[]>, b: Record<string, number[]> = {}): Record<string, number[]> {
  const merged: Record<string, number[]> = {};
  for (const mapping of [a, b]) {
    for (const [code, ids] of Object.entries(mapping)) merged[code] = [...new Set([...(merged[code] ?? []), ...ids])];
  }
  return merged;
}

function isEmpty(meta: TestMetadata): boolean {
  for (const key in meta) if (meta[key as keyof TestMetadata] !== undefined) return false;
  return true;
}
