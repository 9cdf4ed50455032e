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
  // Most tests say nothing about themselves, and most that do say one or two things (steps, an attachment): only
  // what the test said is copied, not every field of the result for every test.
  if (isEmpty(meta)) return result;
  const described = { ...result };
  if (meta.caseIds) {
    const caseIds = [...result.caseIds];
    for (const id of meta.caseIds) if (!caseIds.includes(id)) caseIds.push(id);
    described.caseIds = caseIds;
  }
  if (meta.projects) described.projects = mergeProjects(result.projects, meta.projects);
  if (meta.title !== undefined) described.title = meta.title;
  if (meta.suite !== undefined) described.suitePath = meta.suite.split('\t').filter(Boolean);
  if (meta.fields) described.fields = { ...result.fields, ...meta.fields };
  if (meta.params || meta.groupParams) described.params = { ...result.params, ...meta.params, ...meta.groupParams };
  const groupNames = Object.keys(meta.groupParams ?? {});
  if (groupNames.length > 0) described.paramGroups = [...result.paramGroups, groupNames];
  if (meta.comment !== undefined) described.message = meta.comment;
  if (meta.tags) described.tags = [...new Set([...result.tags, ...meta.tags])];
  if (meta.attachments) described.attachments = [...result.attachments, ...meta.attachments];
  if (meta.steps) described.steps = [...result.steps, ...meta.steps];
  return described;
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
