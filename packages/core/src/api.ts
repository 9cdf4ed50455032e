import { createReadStream } from 'node:fs';
import http, { type IncomingHttpHeaders } from 'node:http';
import https from 'node:https';
import type FormData from 'form-data';
import type { Method } from 'got';
import type { ResultBody, RunCreateBody } from './api-types';
import { ApiError, ConfigError, type ApiErrorCode } from './errors';
import { wallClockMs } from './clock';
import { isLoopback } from './config';
import { proxyFor } from './proxy';
import { PROJECT_CODE } from './project-code';

/** A file for the attachment endpoint: streamed from `path`, or sent from memory. */
export interface UploadFile {
  name: string;
  contentType: string;
  path?: string;
  content?: Buffer;
}

export interface ApiClientOptions {
  /** `https://api.qase.io`, or the full URL configured (the emulator's `http://127.0.0.1:PORT`). */
  baseUrl: string;
  token: string;
  /** Proxy variables (`HTTPS_PROXY`, `HTTP_PROXY`, `NO_PROXY`) from the environment the config came from. */
  env: Readonly<Record<string, string | undefined>>;
  /** Deadline of one request; a timed-out request is a network error and is retried by the caller. */
  requestTimeoutMs?: number;
  debug?: (line: string) => void;
  /** Plain HTTP to a host that is not loopback, which the user asked for explicitly (`testops.api.allowPlainHttp`). */
  allowPlainHttp?: boolean;
}

/** Cancels a request in flight, e.g. when the end-of-run deadline passes. */
export type Cancel = AbortSignal | undefined;

export interface RunInfo {
  id: number;
  status: number | string | undefined;
}

export interface ConfigurationGroup {
  id: number;
  title: string;
  configurations: { id: number; title: string }[];
}

/** One function per endpoint. Each resolves with the useful part of the answer or rejects with an ApiError. */
export interface ApiClient {
  getProject(project: string, cancel?: Cancel): Promise<void>;
  createRun(project: string, body: RunCreateBody, cancel?: Cancel): Promise<number>;
  getRun(project: string, runId: number, cancel?: Cancel): Promise<RunInfo>;
  /** The run started at `startTime` (Unix s) or later whose description contains `mark`, if there is one. */
  findRunByMark(project: string, mark: string, startTime: number, cancel?: Cancel): Promise<number | undefined>;
  completeRun(project: string, runId: number, cancel?: Cancel): Promise<void>;
  makeRunPublic(project: string, runId: number, cancel?: Cancel): Promise<string>;
  /** Links the run to an issue of the workspace's Jira integration (`PROJ-123`). */
  linkRunToIssue(project: string, runId: number, tracker: 'jira-cloud' | 'jira-server', issue: string, cancel?: Cancel): Promise<void>;
  findEnvironmentId(project: string, slug: string, cancel?: Cancel): Promise<number | undefined>;
  listConfigurations(project: string, cancel?: Cancel): Promise<ConfigurationGroup[]>;
  createConfigurationGroup(project: string, title: string, cancel?: Cancel): Promise<number>;
  createConfiguration(project: string, groupId: number, title: string, cancel?: Cancel): Promise<number>;
  /** v2 bulk: answered 202; every result carries its idempotency `id`. */
  createResults(project: string, runId: number, results: readonly ResultBody[], cancel?: Cancel): Promise<void>;
  /** Returns the API's hash for each file, in order. */
  uploadAttachments(project: string, files: readonly UploadFile[], cancel?: Cancel): Promise<string[]>;
  /** Releases sockets so the process can exit. */
  close(): void;
}

// The API's largest page of runs.
const RUN_PAGE = 100;

/**
 * Throws a ConfigError for a base URL that would send the token in clear text, unless the user opted in (a reporter
 * keeps its results in the outbox instead, see `testops.api.refusal`).
 */
export function createApiClient(options: ApiClientOptions): ApiClient {
  const base = baseUrlOf(options.baseUrl);
  const plainHttpAllowed = base.protocol === 'http:' && (isLoopback(base.hostname) || options.allowPlainHttp === true);
  if (base.protocol !== 'https:' && !plainHttpAllowed) {
    throw new ConfigError(
      `the API address ${base.protocol}//${base.host} is not https://: plain HTTP would send the token unencrypted ` +
        'and is allowed only to 127.0.0.1, ::1 and localhost. Use an https:// address in QASE_TESTOPS_API_HOST, or set ' +
        'QASE_TESTOPS_API_ALLOW_PLAIN_HTTP=true to send over plain HTTP anyway.',
    );
  }
  const agent = createAgent(base, options.env);
  const client = lazy.got().extend({
    prefixUrl: base.href,
    headers: { Token: options.token, 'User-Agent': 'qase-reporters' },
    timeout: { request: options.requestTimeoutMs ?? 30_000 },
    // Retries live in the upload pipeline, which knows which requests are safe to resend.
    retry: { limit: 0 },
    // A redirect would carry the Token header to wherever it points; refuse it and say where it went.
    followRedirect: false,
    throwHttpErrors: false,
    agent: { http: agent as http.Agent, https: agent as https.Agent },
  });

  async function call<T>(method: Method, path: string, cancel: Cancel, init: CallInit<T>): Promise<T> {
    const started = wallClockMs();
    const request = client(path, {
      method,
      searchParams: init.query,
      ...(init.json && { json: init.json }),
      ...(init.form && { body: init.form, headers: init.form.getHeaders() }),
    });
    const abort = () => request.cancel();
    cancel?.addEventListener('abort', abort, { once: true });
    try {
      const response = await request;
      const body = parseBody(response.body);
      const ms = wallClockMs() - started;
      options.debug?.(`${method} /${path} → ${response.statusCode} (${init.note ?? ''}${ms} ms)`);
      if (response.statusCode >= 200 && response.statusCode < 300) {
        const result = isRecord(body) ? body.result : undefined;
        if (init.expect === undefined || init.expect(result)) return result as T;
        throw new ApiError(
          `${method} /${path} → ${response.statusCode}, but the answer is not the Qase API's (${describeAnswer(body)}). Check that ` +
            'QASE_TESTOPS_API_HOST points at the Qase API, not at a proxy, a login page or another server.',
          'API_BAD_ANSWER', response.statusCode, method, `/${path}`);
      }
      throw toApiError({ method, path: `/${path}`, subject: init.subject }, response.statusCode, body, response.headers);
    } catch (error) {
      if (error instanceof ApiError) throw error;
      const code = error instanceof lazy.got().RequestError ? error.code : undefined;
      const reason = error instanceof lazy.got().RequestError ? `${code ?? error.name}: ${error.message}` : String(error);
      options.debug?.(`${method} /${path} → no answer (${reason})`);
      const untrusted = code !== undefined && UNTRUSTED_CERTIFICATE.has(code);
      const advice = untrusted
        ? `Node does not trust the certificate of ${base.host}. If your network uses its own certificate authority ` +
          '(a TLS-inspecting proxy), set NODE_EXTRA_CA_CERTS to its PEM file.'
        : 'Check the network, or QASE_TESTOPS_API_HOST.';
      throw new ApiError(
        `${method} /${path} → no answer from ${base.host} (${reason}). ${advice}`,
        untrusted ? 'API_CERTIFICATE' : 'API_NETWORK', undefined, method, `/${path}`,
      );
    } finally {
      cancel?.removeEventListener('abort', abort);
    }
  }

  // Every value in a path is checked and encoded, never pasted: a run id of `1/../../v1/project/X` from a crafted
  // folder would otherwise send the token to another endpoint.
  const seg = projectSegment;
  const id = idSegment;
  return {
    getProject: async (project, cancel) => {
      await call('GET', `v1/project/${seg(project)}`, cancel, { subject: { project } });
    },
    createRun: async (project, body, cancel) =>
      (await call<{ id: number }>('POST', `v1/run/${seg(project)}`, cancel, { subject: { project }, json: { ...body }, expect: hasId })).id,
    getRun: async (project, runId, cancel) => {
      const run = await call<{ id: number; status?: number | string }>(
        'GET', `v1/run/${seg(project)}/${id(runId)}`, cancel, { subject: { project, runId }, expect: hasId });
      return { id: run.id, status: run.status };
    },
    findRunByMark: async (project, mark, startTime, cancel) => {
      // Runs of this session started at its start time or later; a busy project may have more than one page of them.
      for (let offset = 0; ; offset += RUN_PAGE) {
        const page = await call<{ entities?: { id: number; description?: string | null }[] }>(
          'GET', `v1/run/${seg(project)}`, cancel,
          { subject: { project }, query: { from_start_time: String(startTime), limit: String(RUN_PAGE), offset: String(offset) } });
        const runs = page.entities ?? [];
        const found = runs.find((run) => run.description?.includes(mark));
        if (found || runs.length < RUN_PAGE) return found?.id;
      }
    },
    completeRun: async (project, runId, cancel) => {
      await call('POST', `v1/run/${seg(project)}/${id(runId)}/complete`, cancel, { subject: { project, runId } });
    },
    makeRunPublic: async (project, runId, cancel) =>
      (await call<{ url: string }>('PATCH', `v1/run/${seg(project)}/${id(runId)}/public`, cancel, {
        subject: { project, runId },
        json: { status: true },
        expect: (r): r is { url: string } => isRecord(r) && typeof r.url === 'string',
      })).url,
    linkRunToIssue: async (project, runId, tracker, issue, cancel) => {
      await call('POST', `v1/run/${seg(project)}/external-issue`, cancel, {
        subject: { project, runId },
        json: { type: tracker, links: [{ run_id: runId, external_issue: issue }] },
      });
    },
    findEnvironmentId: async (project, slug, cancel) => {
      const list = await call<{ entities?: { id: number; slug: string }[] }>(
        'GET', `v1/environment/${seg(project)}`, cancel, {
          subject: { project },
          query: { slug, limit: '100' },
          expect: (r): r is { entities?: { id: number; slug: string }[] } => isRecord(r) && listOf(r.entities, (e) => isRecord(e) && isId(e.id)),
        });
      return list.entities?.find((e) => e.slug === slug)?.id;
    },
    listConfigurations: async (project, cancel) =>
      (await call<{ entities?: ConfigurationGroup[] }>('GET', `v1/configuration/${seg(project)}`, cancel, {
        subject: { project },
        expect: (r): r is { entities?: ConfigurationGroup[] } => isRecord(r) && listOf(r.entities, isConfigurationGroup),
      })).entities ?? [],
    createConfigurationGroup: async (project, title, cancel) =>
      (await call<{ id: number }>('POST', `v1/configuration/${seg(project)}/group`, cancel, { subject: { project }, json: { title }, expect: hasId })).id,
    createConfiguration: async (project, groupId, title, cancel) =>
      (await call<{ id: number }>('POST', `v1/configuration/${seg(project)}`, cancel, {
        subject: { project },
        json: { title, group_id: groupId },
        expect: hasId,
      })).id,
    createResults: async (project, runId, results, cancel) => {
      await call('POST', `v2/${seg(project)}/run/${id(runId)}/results`, cancel, {
        subject: { project, runId },
        json: { results },
        note: `${results.length} results, `,
      });
    },
    uploadAttachments: async (project, files, cancel) => {
      const form = new (lazy.FormData())();
      for (const file of files) {
        const data = file.path === undefined ? file.content ?? Buffer.alloc(0) : createReadStream(file.path);
        form.append('file[]', data, { filename: file.name, contentType: file.contentType });
      }
      const uploaded = await call<{ hash: string }[]>('POST', `v1/attachment/${seg(project)}`, cancel, {
        subject: { project },
        form,
        note: `${files.length} files, `,
        // One hash per file, in order: a shorter list would attach the wrong files to results.
        expect: (r): r is { hash: string }[] =>
          Array.isArray(r) && r.length === files.length && r.every((a) => isRecord(a) && typeof a.hash === 'string' && a.hash !== ''),
      });
      return uploaded.map((a) => a.hash);
    },
    close: () => agent.destroy(),
  };
}

/*
 * The HTTP stack loads when the first client is made, not when core is imported: adapters' per-test `qase` API
 * imports core inside every test file of every worker, where got and form-data (about 120 modules) would cost
 * tens of milliseconds per file for nothing.
 */
/* eslint-disable @typescript-eslint/no-require-imports */
const lazy = {
  got: () => (require('got') as typeof import('got')).default,
  FormData: () => require('form-data') as typeof import('form-data'),
  hpagent: () => require('hpagent') as typeof import('hpagent'),
};
/* eslint-enable @typescript-eslint/no-require-imports */

interface CallInit<T> {
  /** What the request is about, so a 403 or 404 can name it. */
  subject: Subject;
  /** The shape of the answer's `result` the caller reads; anything else is an API_BAD_ANSWER. None: not read. */
  expect?: (result: unknown) => result is T;
  json?: Record<string, unknown>;
  form?: FormData;
  query?: Record<string, string>;
  /** What the debug line says about the request body. */
  note?: string;
}

interface Subject {
  project: string;
  runId?: number;
}

// Node's codes for a certificate chain it cannot verify: the fix is a CA, not a retry or another host.
const UNTRUSTED_CERTIFICATE = new Set([
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
]);

function createAgent(base: URL, env: ApiClientOptions['env']): http.Agent {
  const proxy = proxyFor(base, env);
  const agentOptions = { keepAlive: true, maxSockets: 16 };
  if (proxy) {
    const { HttpProxyAgent, HttpsProxyAgent } = lazy.hpagent();
    return base.protocol === 'https:'
      ? new HttpsProxyAgent({ ...agentOptions, proxy })
      : new HttpProxyAgent({ ...agentOptions, proxy });
  }
  return base.protocol === 'https:' ? new https.Agent(agentOptions) : new http.Agent(agentOptions);
}

/** The configured base URL; one without a scheme or otherwise unparseable gets a hint, never a bare "Invalid URL". */
function baseUrlOf(baseUrl: string): URL {
  try {
    return new URL(baseUrl.replace(/\/+$/, '') + '/');
  } catch {
    throw new ConfigError(`the API address ${JSON.stringify(baseUrl.replace(/\/\/[^/]*@/, '//***@'))} is not a URL. Set ` +
      'QASE_TESTOPS_API_HOST to a host like example.qase.io, or a full URL with its scheme, like https://api.example.com ' +
      '(http:// only for 127.0.0.1, ::1 and localhost).');
  }
}

function projectSegment(project: string): string {
  // The codes config.ts accepts; checked again here because a code can also come from a folder's manifest.
  if (!PROJECT_CODE.test(project)) {
    throw new ConfigError(`the project code ${JSON.stringify(project)} is not 2 to 10 letters or digits; nothing was sent. Check QASE_TESTOPS_PROJECT.`);
  }
  return encodeURIComponent(project);
}

function idSegment(value: number): string {
  if (!isId(value)) {
    throw new ConfigError(`the id ${JSON.stringify(value)} is not a positive whole number, so no request was sent with it. Check QASE_TESTOPS_RUN_ID.`);
  }
  return String(value);
}

function isId(value: unknown): value is number {
  return Number.isSafeInteger(value) && (value as number) >= 1;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function hasId(result: unknown): result is { id: number } {
  return isRecord(result) && isId(result.id);
}

/** Absent, or a list whose every item passes. */
function listOf(value: unknown, item: (entry: unknown) => boolean): boolean {
  return value === undefined || (Array.isArray(value) && value.every(item));
}

function isConfigurationGroup(value: unknown): boolean {
  return isRecord(value) && isId(value.id) && typeof value.title === 'string' && Array.isArray(value.configurations) &&
    value.configurations.every((c) => isRecord(c) && isId(c.id) && typeof c.title === 'string');
}

/** A short, one-line picture of an answer that is not the API's JSON. */
function describeAnswer(body: unknown): string {
  if (body === undefined) return 'an empty body';
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  const oneLine = text.replace(/\s+/g, ' ').trim();
  return `it begins ${JSON.stringify(oneLine.slice(0, 80))}`;
}

function parseBody(body: unknown): unknown {
  if (typeof body !== 'string' || body === '') return undefined;
  try {
    return JSON.parse(body);
  } catch {
    return body;
  }
}

function header(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

/** The user's words for a status: what it means here and what to change. */
function adviceFor(status: number, { project, runId }: Subject, retryAfter: string | undefined): [ApiErrorCode, string] {
  switch (status) {
    case 400:
      return ['API_BAD_REQUEST', 'the API refused the request as malformed'];
    case 401:
      return ['API_UNAUTHORIZED', `the API token was not accepted. Check that QASE_TESTOPS_API_TOKEN (testops.api.token) is a ` +
        `current token that can write to project ${project}; create one in Qase under API tokens`];
    case 403:
      return ['API_FORBIDDEN', `the token is valid but its role lacks this permission in project ${project}. Ask a Qase ` +
        'admin for a role that can create runs and results there'];
    case 404:
      return ['API_NOT_FOUND', runId === undefined
        ? `project ${project} was not found, or the token cannot see it. Check QASE_TESTOPS_PROJECT (the project code, e.g. DEMO)`
        : `run ${runId} was not found in project ${project}. Check QASE_TESTOPS_RUN_ID and QASE_TESTOPS_PROJECT`];
    case 405:
      return ['API_NOT_ALLOWED', 'the server does not allow this method. Check that QASE_TESTOPS_API_HOST points at the Qase API'];
    case 410:
      return ['API_GONE', 'the API no longer offers this endpoint. Update @qase-reporters'];
    case 413:
      return ['API_TOO_LARGE', 'the request is too large for the API'];
    case 422:
      return ['API_INVALID', 'the API refused the data'];
    case 429:
      return ['API_RATE_LIMITED', `too many requests for this token; waiting as the API asks (Retry-After: ${retryAfter ?? 'not given'})`];
    case 503:
      return ['API_SERVER', 'the Qase API is unavailable, usually for maintenance'];
    case 507:
      return ['API_STORAGE_FULL', 'the Qase workspace has no storage left for attachments. Free space in Qase, or set ' +
        'QASE_TESTOPS_UPLOAD_ATTACHMENTS=false'];
    default:
      return status >= 500
        ? ['API_SERVER', 'the Qase API had a server error']
        : ['API_BAD_REQUEST', 'the API refused the request'];
  }
}

function toApiError(
  request: { method: string; path: string; subject: Subject }, status: number, body: unknown, headers: IncomingHttpHeaders,
): ApiError {
  const { method, path } = request;
  if (status >= 300 && status < 400) {
    return new ApiError(
      `${method} ${path} → ${status}: the API redirected to ${headers.location ?? 'another address'}, which is not ` +
        'followed so the token stays with the host you configured. Set QASE_TESTOPS_API_HOST to the final address.',
      'API_NOT_ALLOWED', status, method, path);
  }
  const retryAfter = header(headers['retry-after']);
  const [code, advice] = adviceFor(status, request.subject, retryAfter);
  const fields = fieldErrorsOf(body);
  const apiMessage = messageOf(body);
  // v1 says only "Data is invalid." and lists the fields apart; v2's message already quotes the first field error.
  const firstFieldError = Object.values(fields)[0]?.[0];
  const listFields = firstFieldError !== undefined && !apiMessage?.includes(firstFieldError);
  const details = [apiMessage, ...(listFields ? describeFields(fields) : [])].filter(Boolean).join(' ');
  return new ApiError(
    `${method} ${path} → ${status}: ${advice}${details ? ` (${details})` : ''}.`,
    code, status, method, path, retryAfter, fields,
  );
}

function describeFields(fields: Record<string, string[]>): string[] {
  const entries = Object.entries(fields);
  const shown = entries.slice(0, 3).map(([field, messages]) => `${field}: ${messages.join(' ')}`);
  return entries.length > shown.length ? [...shown, `(and ${entries.length - shown.length} more)`] : shown;
}

function messageOf(body: unknown): string | undefined {
  // An error page from a proxy is HTML over many lines; the message stays one line.
  const oneLine = (text: string, max: number) => text.replace(/\s+/g, ' ').trim().slice(0, max);
  if (typeof body === 'string') return oneLine(body, 200);
  if (typeof body !== 'object' || body === null) return undefined;
  const { message, errorMessage } = body as { message?: unknown; errorMessage?: unknown };
  const text = typeof message === 'string' ? message : typeof errorMessage === 'string' ? errorMessage : undefined;
  return text === undefined ? undefined : oneLine(text, 500);
}

/** v2 answers `{errors: {"results.3.execution.status": [...]}}`, v1 `{errorFields: [{field, error}]}`. */
function fieldErrorsOf(body: unknown): Record<string, string[]> {
  if (typeof body !== 'object' || body === null) return {};
  const { errors, errorFields } = body as { errors?: unknown; errorFields?: unknown };
  const fields: Record<string, string[]> = {};
  if (typeof errors === 'object' && errors !== null) {
    for (const [field, messages] of Object.entries(errors)) {
      fields[field] = Array.isArray(messages) ? messages.map(String) : [String(messages)];
    }
  }
  if (Array.isArray(errorFields)) {
    for (const entry of errorFields as { field?: unknown; error?: unknown }[]) {
      if (typeof entry?.field === 'string') (fields[entry.field] ??= []).push(String(entry.error ?? ''));
    }
  }
  return fields;
}
