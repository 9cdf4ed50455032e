import { createHash, randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { extname } from 'node:path';
import { readBody } from './body';
import type { Faults } from './faults';
import { readUpload } from './multipart';
import type { Limits } from './options';
import type { RateLimiter } from './rate-limit';
import { nextId, type LogEntry, type RunState, type Store, type StoredResult } from './state';
import {
  codePoints,
  isObject,
  laravelMessage,
  parseDateTime,
  schemas,
  validate,
  validateV2Result,
  type FieldErrors,
  type ResultSchemas,
} from './validate';

/** What one emulator holds and how it currently behaves; `limits` and `faults` change at run time. */
export interface Context {
  readonly store: Store;
  readonly token: string;
  limits: Limits;
  faults: Faults;
  readonly random: () => number;
  readonly rateLimiter: RateLimiter;
  readonly resultSchemas: ResultSchemas;
  /** Known once the server listens; public links point here. */
  baseUrl: string;
}

export interface ApiRequest {
  req: IncomingMessage;
  project: string;
  /** The `{id}` of run routes. */
  runId: number;
  query: URLSearchParams;
  /** The request's log entry: handlers fill in `bytes` and `results`. */
  log: LogEntry;
}

export interface Reply {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
  /** Results or attachments were stored: the request may be dropped after the commit. */
  committed?: boolean;
}

export interface Route {
  method: string;
  /** The first group is the project code, the second (if any) the run id. */
  pattern: RegExp;
  handle(ctx: Context, request: ApiRequest): Promise<Reply> | Reply;
}

// The real API truncates longer values silently and accepts the request.
const errorContextStoredChars = 262_144;

export function v1Error(status: number, errorMessage: string): Reply {
  return { status, body: { status: false, errorMessage } };
}

function v1Invalid(errors: FieldErrors): Reply {
  const errorFields = Object.entries(errors).flatMap(([field, messages]) => messages.map((error) => ({ field, error })));
  return { status: 422, body: { status: false, errorMessage: 'Data is invalid.', errorFields } };
}

function v2Invalid(errors: FieldErrors): Reply {
  return { status: 422, body: { message: laravelMessage(errors), errors } };
}

function ok(result?: unknown, status = 200): Reply {
  return { status, body: result === undefined ? { status: true } : { status: true, result } };
}

async function readJson(ctx: Context, request: ApiRequest): Promise<{ value: unknown } | { reply: Reply }> {
  const body = await readBody(request.req, ctx.limits.bodyBytes);
  request.log.bytes = body.bytes;
  if (!body.complete) return { reply: v1Error(400, 'The request body was cut off.') };
  if (body.data === undefined) {
    return { reply: v1Error(413, `The request body is larger than ${ctx.limits.bodyBytes} bytes.`) };
  }
  try {
    return { value: JSON.parse(body.data.toString('utf8')) };
  } catch (error) {
    return { reply: v1Error(400, `The request body is not valid JSON: ${(error as Error).message}`) };
  }
}

function findRun(ctx: Context, request: ApiRequest): RunState | undefined {
  const run = ctx.store.runs.get(request.runId);
  return run?.project === request.project ? run : undefined;
}

function runNotFound(request: ApiRequest): Reply {
  return v1Error(404, `Run ${request.runId} not found in project ${request.project}.`);
}

function getProject(ctx: Context, { project }: ApiRequest): Reply {
  const runs = [...ctx.store.runs.values()].filter((run) => run.project === project);
  return ok({
    title: project,
    code: project,
    counts: {
      cases: 0,
      suites: 0,
      milestones: 0,
      runs: { total: runs.length, active: runs.filter((run) => run.status === 'active').length },
      defects: { total: 0, open: 0 },
    },
  });
}

async function createRun(ctx: Context, request: ApiRequest): Promise<Reply> {
  const body = await readJson(ctx, request);
  if ('reply' in body) return body.reply;
  const errors = validate(body.value, schemas.runCreate);
  if (Object.keys(errors).length > 0 || !isObject(body.value)) return v1Invalid(errors);
  const input = body.value;
  const { store } = ctx;
  const { project } = request;
  const environments = store.environments.filter((environment) => environment.project === project);
  const environment = input.environment_id !== undefined
    ? environments.find((candidate) => candidate.id === input.environment_id)
    : environments.find((candidate) => candidate.slug === input.environment_slug);
  if (input.environment_id !== undefined && environment === undefined) {
    errors.environment_id = ['The selected environment id is invalid.'];
  }
  if (input.environment_slug !== undefined && environment === undefined) {
    errors.environment_slug = ['The selected environment slug is invalid.'];
  }
  const configurationIds = new Set(
    store.configurations.filter((group) => group.project === project)
      .flatMap((group) => group.configurations.map((configuration) => configuration.id)),
  );
  const configurations = (input.configurations as number[] | undefined) ?? [];
  configurations.forEach((id, index) => {
    if (!configurationIds.has(id)) errors[`configurations.${index}`] = [`The selected configurations.${index} is invalid.`];
  });
  if (Object.keys(errors).length > 0) return v1Invalid(errors);

  const id = nextId(store);
  store.runs.set(id, {
    id,
    project,
    title: input.title as string,
    description: input.description as string | undefined,
    environment: environment?.slug,
    plan: input.plan_id as number | undefined,
    tags: (input.tags as string[] | undefined) ?? [],
    configurations,
    startTime: typeof input.start_time === 'string'
      ? (parseDateTime(input.start_time) as number)
      : Math.floor(Date.now() / 1000),
    status: 'active',
    completions: 0,
    public: false,
  });
  store.results.set(id, new Map());
  return ok({ id });
}

function getRun(ctx: Context, request: ApiRequest): Reply {
  const run = findRun(ctx, request);
  if (run === undefined) return runNotFound(request);
  return ok(runBody(ctx, run));
}

/** `GET /v1/run/{code}`: the project's runs, oldest first, filtered by `search` (title) and `from_start_time` (Unix s). */
function listRuns(ctx: Context, { project, query }: ApiRequest): Reply {
  const all = [...ctx.store.runs.values()].filter((run) => run.project === project);
  const search = query.get('search')?.toLowerCase();
  const from = query.get('from_start_time');
  const matching = all
    .filter((run) => (search === undefined || run.title.toLowerCase().includes(search)) &&
      (from === null || run.startTime >= Number(from)))
    .map((run) => runBody(ctx, run));
  return page(matching, all.length, query);
}

function runBody(ctx: Context, run: RunState) {
  const results = [...(ctx.store.results.get(run.id)?.values() ?? [])];
  const statuses: Record<string, number> = {};
  for (const result of results) {
    const status = String(result.api === 'v2' ? (result.body.execution as { status: string }).status : result.body.status);
    statuses[status] = (statuses[status] ?? 0) + 1;
  }
  const environment = ctx.store.environments.find((candidate) => candidate.project === run.project && candidate.slug === run.environment);
  return {
    id: run.id,
    title: run.title,
    description: run.description ?? null,
    status: run.status === 'complete' ? 1 : 0,
    status_text: run.status,
    start_time: new Date(run.startTime * 1000).toISOString().replace(/\.\d{3}Z$/, '+00:00'),
    end_time: null,
    public: run.public,
    stats: { total: results.length, statuses },
    time_spent: 0,
    elapsed_time: 0,
    environment: environment === undefined ? null : { title: environment.title, description: '', slug: environment.slug, host: '' },
    milestone: null,
    custom_fields: [],
    tags: run.tags.map((title, index) => ({ title, internal_id: index + 1 })),
    cases: [],
    plan_id: run.plan ?? null,
    configurations: run.configurations,
  };
}

function completeRun(ctx: Context, request: ApiRequest): Reply {
  const run = findRun(ctx, request);
  if (run === undefined) return runNotFound(request);
  // Completing a completed run succeeds too; `completions` lets a test see that it was asked twice.
  run.status = 'complete';
  run.completions += 1;
  return ok();
}

async function publishRun(ctx: Context, request: ApiRequest): Promise<Reply> {
  const run = findRun(ctx, request);
  if (run === undefined) return runNotFound(request);
  const body = await readJson(ctx, request);
  if ('reply' in body) return body.reply;
  const errors = validate(body.value, schemas.runPublic);
  if (Object.keys(errors).length > 0 || !isObject(body.value)) return v1Invalid(errors);
  run.public = body.value.status as boolean;
  if (!run.public) return ok();
  const hash = createHash('sha256').update(`${run.project}/${run.id}`).digest('hex').slice(0, 40);
  return ok({ url: `${ctx.baseUrl}/public/report/${hash}` });
}

async function linkExternalIssue(ctx: Context, request: ApiRequest): Promise<Reply> {
  const body = await readJson(ctx, request);
  if ('reply' in body) return body.reply;
  const errors = validate(body.value, schemas.runExternalIssue);
  if (Object.keys(errors).length > 0 || !isObject(body.value)) return v1Invalid(errors);
  const { type, links } = body.value as { type: string; links: { run_id: number; external_issue?: string | null }[] };
  for (const link of links) {
    const run = ctx.store.runs.get(link.run_id);
    if (run?.project !== request.project) return v1Error(404, `Run ${link.run_id} not found in project ${request.project}.`);
    run.externalIssue = link.external_issue ? { type, issue: link.external_issue } : undefined;
  }
  return ok();
}

/** The checks every results endpoint makes before validating results one by one. */
async function readResults(
  ctx: Context,
  request: ApiRequest,
  invalid: (errors: FieldErrors) => Reply,
): Promise<{ run: RunState; results: unknown[] } | { reply: Reply }> {
  const run = findRun(ctx, request);
  if (run === undefined) return { reply: runNotFound(request) };
  const body = await readJson(ctx, request);
  if ('reply' in body) return body;
  if (run.status === 'complete') return { reply: v1Error(400, 'Run is already completed') };
  const results = isObject(body.value) ? body.value.results : undefined;
  if (!Array.isArray(results) || results.length === 0) {
    const message = results === undefined || Array.isArray(results) ? 'The results field is required.' : 'The results field must be an array.';
    return { reply: invalid({ results: [message] }) };
  }
  request.log.results = results.length;
  if (results.length > ctx.limits.resultsPerRequest) {
    return {
      reply: v1Error(413, `Payload Too Large: ${results.length} results in one request; at most ${ctx.limits.resultsPerRequest} are accepted.`),
    };
  }
  return { run, results };
}

function errorContextChars(results: readonly unknown[]): number {
  let sum = 0;
  for (const result of results) {
    const errorContext = isObject(result) && isObject(result.execution) ? result.execution.error_context : undefined;
    if (typeof errorContext === 'string') sum += codePoints(errorContext);
  }
  return sum;
}

function storeResult(ctx: Context, run: RunState, api: StoredResult['api'], body: Record<string, unknown>): void {
  const stored = ctx.store.results.get(run.id) as Map<string, StoredResult>;
  const id = api === 'v2' && typeof body.id === 'string' ? body.id : randomUUID();
  // The v2 id is an idempotency key: a repeat is accepted and changes nothing.
  if (stored.has(id)) return;
  stored.set(id, { id, api, body: api === 'v2' ? truncateErrorContext(body) : body });
}

function truncateErrorContext(body: Record<string, unknown>): Record<string, unknown> {
  const execution = body.execution as Record<string, unknown>;
  const errorContext = execution.error_context;
  if (typeof errorContext !== 'string' || codePoints(errorContext) <= errorContextStoredChars) return body;
  const truncated = Array.from(errorContext).slice(0, errorContextStoredChars).join('');
  return { ...body, execution: { ...execution, error_context: truncated } };
}

async function createResultsV2(ctx: Context, request: ApiRequest): Promise<Reply> {
  const read = await readResults(ctx, request, v2Invalid);
  if ('reply' in read) return read.reply;
  const { run, results } = read;
  const chars = errorContextChars(results);
  if (chars > ctx.limits.errorContextChars) {
    return v1Error(413, `Payload Too Large: execution.error_context sums to ${chars} characters; at most ${ctx.limits.errorContextChars} are accepted.`);
  }
  const errors: FieldErrors = {};
  results.forEach((result, index) => validateV2Result(result, ctx.resultSchemas.v2, run.startTime, `results.${index}`, errors));
  if (Object.keys(errors).length > 0) return v2Invalid(errors);
  for (const result of results) storeResult(ctx, run, 'v2', result as Record<string, unknown>);
  return { ...ok(undefined, 202), committed: true };
}

async function createResultV2(ctx: Context, request: ApiRequest): Promise<Reply> {
  const run = findRun(ctx, request);
  if (run === undefined) return runNotFound(request);
  const body = await readJson(ctx, request);
  if ('reply' in body) return body.reply;
  if (run.status === 'complete') return v1Error(400, 'Run is already completed');
  request.log.results = 1;
  const errors: FieldErrors = {};
  validateV2Result(body.value, ctx.resultSchemas.v2, run.startTime, '', errors);
  if (Object.keys(errors).length > 0) return v2Invalid(errors);
  const result = body.value as Record<string, unknown>;
  storeResult(ctx, run, 'v2', result);
  return { ...ok({ case_id: null, hash: typeof result.id === 'string' ? result.id : null }, 202), committed: true };
}

async function createResultsV1(ctx: Context, request: ApiRequest): Promise<Reply> {
  const read = await readResults(ctx, request, v1Invalid);
  if ('reply' in read) return read.reply;
  const { run, results } = read;
  const errors: FieldErrors = {};
  results.forEach((result, index) => validate(result, ctx.resultSchemas.v1, `results.${index}`, errors));
  if (Object.keys(errors).length > 0) return v1Invalid(errors);
  for (const result of results) storeResult(ctx, run, 'v1', result as Record<string, unknown>);
  return { ...ok(), committed: true };
}

async function uploadAttachments(ctx: Context, request: ApiRequest): Promise<Reply> {
  if (ctx.faults.storageFull) return v1Error(507, 'Insufficient Storage: the workspace has no free space for attachments.');
  const upload = await readUpload(request.req, ctx.limits.attachment);
  request.log.bytes = upload.bytes;
  if (upload.kind === 'too-large') return v1Error(413, upload.message);
  if (upload.kind === 'invalid') return v1Error(400, upload.message);
  const result = upload.files.map((file) => {
    // Opaque to clients like the real hash, but the same bytes always get the same one.
    const hash = createHash('sha256').update(`${request.project}:${file.sha256}`).digest('hex');
    const extension = extname(file.filename).slice(1);
    ctx.store.attachments.push({ project: request.project, hash, ...file, extension });
    return { hash, filename: file.filename, mime: file.mime, extension, url: `${ctx.baseUrl}/attachment/${hash}/${encodeURIComponent(file.filename)}` };
  });
  return { ...ok(result), committed: true };
}

function page<T>(items: readonly T[], total: number, query: URLSearchParams): Reply {
  const limit = Math.min(Math.max(Number(query.get('limit') ?? 10) || 10, 1), 100);
  const offset = Math.max(Number(query.get('offset') ?? 0) || 0, 0);
  const entities = items.slice(offset, offset + limit);
  return ok({ total, filtered: items.length, count: entities.length, entities });
}

function listEnvironments(ctx: Context, { project, query }: ApiRequest): Reply {
  const all = ctx.store.environments.filter((environment) => environment.project === project);
  const slug = query.get('slug');
  const search = query.get('search')?.toLowerCase();
  const matching = all
    .filter((environment) => (slug === null || environment.slug === slug) &&
      (search === undefined || environment.title.toLowerCase().includes(search)))
    .map(({ id, title, slug }) => ({ id, title, description: null, slug, host: null }));
  return page(matching, all.length, query);
}

function listConfigurations(ctx: Context, { project, query }: ApiRequest): Reply {
  const groups = ctx.store.configurations
    .filter((group) => group.project === project)
    .map(({ id, title, configurations }) => ({ id, title, configurations }));
  return page(groups, groups.length, query);
}

async function createConfigurationGroup(ctx: Context, request: ApiRequest): Promise<Reply> {
  const body = await readJson(ctx, request);
  if ('reply' in body) return body.reply;
  const errors = validate(body.value, schemas.configurationGroupCreate);
  if (Object.keys(errors).length > 0 || !isObject(body.value)) return v1Invalid(errors);
  const id = nextId(ctx.store);
  ctx.store.configurations.push({ id, project: request.project, title: body.value.title as string, configurations: [] });
  return ok({ id });
}

async function createConfiguration(ctx: Context, request: ApiRequest): Promise<Reply> {
  const body = await readJson(ctx, request);
  if ('reply' in body) return body.reply;
  const errors = validate(body.value, schemas.configurationCreate);
  if (Object.keys(errors).length > 0 || !isObject(body.value)) return v1Invalid(errors);
  const { title, group_id: groupId } = body.value;
  const group = ctx.store.configurations.find((candidate) => candidate.project === request.project && candidate.id === groupId);
  if (group === undefined) return v1Invalid({ group_id: ['The selected group id is invalid.'] });
  const id = nextId(ctx.store);
  group.configurations.push({ id, title: title as string });
  return ok({ id });
}

const project = '([^/]+)';
const run = '(\\d+)';

export const routes: readonly Route[] = [
  { method: 'GET', pattern: new RegExp(`^/v1/project/${project}$`), handle: getProject },
  { method: 'POST', pattern: new RegExp(`^/v1/run/${project}$`), handle: createRun },
  { method: 'GET', pattern: new RegExp(`^/v1/run/${project}$`), handle: listRuns },
  { method: 'GET', pattern: new RegExp(`^/v1/run/${project}/${run}$`), handle: getRun },
  { method: 'POST', pattern: new RegExp(`^/v1/run/${project}/${run}/complete$`), handle: completeRun },
  { method: 'PATCH', pattern: new RegExp(`^/v1/run/${project}/${run}/public$`), handle: publishRun },
  { method: 'POST', pattern: new RegExp(`^/v1/run/${project}/external-issue$`), handle: linkExternalIssue },
  { method: 'POST', pattern: new RegExp(`^/v2/${project}/run/${run}/results$`), handle: createResultsV2 },
  { method: 'POST', pattern: new RegExp(`^/v2/${project}/run/${run}/result$`), handle: createResultV2 },
  { method: 'POST', pattern: new RegExp(`^/v1/result/${project}/${run}/bulk$`), handle: createResultsV1 },
  { method: 'POST', pattern: new RegExp(`^/v1/attachment/${project}$`), handle: uploadAttachments },
  { method: 'GET', pattern: new RegExp(`^/v1/environment/${project}$`), handle: listEnvironments },
  { method: 'GET', pattern: new RegExp(`^/v1/configuration/${project}$`), handle: listConfigurations },
  { method: 'POST', pattern: new RegExp(`^/v1/configuration/${project}$`), handle: createConfiguration },
  { method: 'POST', pattern: new RegExp(`^/v1/configuration/${project}/group$`), handle: createConfigurationGroup },
];
