import { readFileSync, realpathSync, statSync, writeFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import type { ResultBody, StepBody } from '../api-types';
import { attachedNameOf, folderFileOf, isAttachmentRef } from '../attachments';
import { contentTypeOf } from '../content-type';
import { ConfigError } from '../errors';
import { projectsOf, type FolderProject } from '../folder-schema';
import { readManifest } from '../outbox';
import { readRequests } from '../upload-folder';
import { PAGE_TEMPLATE } from './page-template';
import { isReportFolder, readReportResults, readReportRun } from './read';

/** What the page shows, embedded in it as JSON. Short keys: with 10,000 results every byte is repeated. */
export interface PageData {
  title: string;
  /** `report` or `dry run`: which folder the page describes. */
  kind: string;
  startMs: number | undefined;
  durationMs: number | undefined;
  results: PageResult[];
}

export interface PageResult {
  title: string;
  status: string;
  durationMs: number;
  suites: string[];
  caseIds: number[];
  fields: Record<string, string>;
  params: Record<string, string>;
  message?: string;
  stack?: string;
  context?: string;
  thread?: string;
  steps: PageStep[];
  attachments: PageAttachment[];
}

export interface PageStep {
  action: string;
  expected?: string;
  data?: string;
  status: string;
  durationMs: number;
  attachments: PageAttachment[];
  steps: PageStep[];
}

export interface PageAttachment {
  name: string;
  /** Relative to the page, so the folder can be moved or zipped. */
  href: string;
  type: string;
  /** Small text files are embedded: a page opened from the file system may not read files beside it. */
  text?: string;
}

const INLINE_TEXT_BYTES = 64 * 1024;
const PAGE = 'index.html';

/**
 * Writes `index.html` into a report or dry-run folder: one self-contained page (no network, no server) showing the
 * run's totals, its suite tree and every result. Returns the page's path.
 */
export function writePage(dir: string): string {
  const data = readPageData(dir);
  const path = join(dir, PAGE);
  writeFileSync(path, renderPage(data));
  return path;
}

export function readPageData(dir: string): PageData {
  const toPage = (body: ResultBody) => toPageResult(body, dir);
  if (isReportFolder(dir)) {
    const run = readReportRun(dir);
    return {
      title: run.title,
      kind: 'report',
      startMs: run.startMs,
      durationMs: run.startMs !== undefined && run.endMs !== undefined ? run.endMs - run.startMs : undefined,
      results: [...readReportResults(dir)].map(toPage),
    };
  }
  const manifest = readManifest(dir);
  if (!manifest) {
    throw new ConfigError(`${dir} holds no report (run.json) and no dry run (manifest.json). ` +
      'Pass the folder a report or a dry run wrote: build/qase-report or qase-dry-run.');
  }
  const projects = projectsOf(manifest);
  // Several projects: each one's results under its code, as the first suite.
  const resultsOf = ({ code, subfolder }: FolderProject) => [...readRequests(dir, join('requests', subfolder), () => undefined)]
    .flatMap((request) => request.results).map(toPage)
    .map((result) => (projects.length > 1 ? { ...result, suites: [code!, ...result.suites] } : result));
  return {
    title: projects.length > 1 ? `Dry run: ${projects.map((p) => p.code).join(', ')}` : projects[0]!.run.create?.title ?? 'Dry run',
    kind: 'dry run',
    startMs: Date.parse(manifest.createdAt) || undefined,
    durationMs: undefined,
    results: projects.flatMap(resultsOf),
  };
}

/** The page, with the data as JSON in a script element: `<` is escaped, so no value can close the element. */
export function renderPage(data: PageData): string {
  const json = JSON.stringify(data).replace(/</g, '\\u003c').replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');
  return PAGE_TEMPLATE.replace('%DATA%', () => json).replace('%TITLE%', () => escapeHtml(data.title));
}

function toPageResult(body: ResultBody, dir: string): PageResult {
  const { execution } = body;
  const result: PageResult = {
    title: body.title,
    status: execution.status,
    durationMs: execution.duration ?? 0,
    suites: body.relations?.suite.data.map((s) => s.title) ?? [],
    caseIds: body.testops_ids ?? [],
    fields: body.fields ?? {},
    params: body.params ?? {},
    steps: (body.steps ?? []).map((step) => toPageStep(step, dir)),
    attachments: toPageAttachments(body.attachments, dir),
  };
  if (body.message) result.message = body.message;
  if (execution.stacktrace) result.stack = execution.stacktrace;
  if (execution.error_context) result.context = execution.error_context;
  if (execution.thread) result.thread = execution.thread;
  return result;
}

function toPageStep(step: StepBody, dir: string): PageStep {
  const page: PageStep = {
    action: step.data.action,
    status: step.execution.status,
    durationMs: step.execution.duration ?? 0,
    attachments: toPageAttachments(step.execution.attachments, dir),
    steps: (step.steps ?? []).map((child) => toPageStep(child, dir)),
  };
  if (step.data.expected_result) page.expected = step.data.expected_result;
  if (step.data.input_data) page.data = step.data.input_data;
  return page;
}

function toPageAttachments(refs: string[] | undefined, dir: string): PageAttachment[] {
  const root = realpathSync(dir);
  return (refs ?? []).filter(isAttachmentRef).flatMap((ref) => {
    // Only files inside the folder are shown or linked, by the one check every folder read goes through: the page is
    // passed around, and a crafted folder must not put another file of this machine into it.
    const { path } = folderFileOf(ref, dir);
    if (path === undefined) return [];
    const type = contentTypeOf(path);
    const href = relative(root, path).split(sep).map(encodeURIComponent).join('/');
    const attachment: PageAttachment = { name: attachedNameOf(path), href, type };
    const text = isText(type) ? readSmallText(path) : undefined;
    if (text !== undefined) attachment.text = text;
    return [attachment];
  });
}

function isText(type: string): boolean {
  return type.startsWith('text/') || type === 'application/json' || type === 'application/xml';
}

function readSmallText(path: string): string | undefined {
  try {
    return statSync(path).size <= INLINE_TEXT_BYTES ? readFileSync(path, 'utf8') : undefined;
  } catch {
    return undefined;
  }
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
