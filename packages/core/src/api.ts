import { createReadStream } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import FormData from 'form-data';
import got, { type Method, RequestError } from 'got';
import { HttpProxyAgent, HttpsProxyAgent } from 'hpagent';
import type { ResultBody, RunCreateBody } from './api-types';
import { ApiError, type ApiErrorCode } from './errors';
import { proxyFor } from './proxy';

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
  completeRun(project: string, runId: number, cancel?: Cancel): Promise<void>;
  makeRunPublic(project: string, runId: number, cancel?: Cancel): Promise<string>;
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

export function createApiClient(options: ApiClientOptions): ApiClient {
  const base = new URL(options.baseUrl.replace(/\/+$/, '') + '/');
  const agent = createAgent(base, options.env);
  const client = got.extend({
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

  async function call<T>(method: Method, path: string, cancel: Cancel, init: CallInit = {}): Promise<T> {
    const started = Date.now();
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
      const ms = Date.now() - started;
      options.debug?.(`${method} /${path} → ${response.statusCode} (${init.note ?? ''}${ms} ms)`);
      if (response.statusCode >= 200 && response.statusCode < 300) return (body as { result?: T })?.result as T;
      throw toApiError(method, `/${path}`, response.statusCode, body, header(response.headers['retry-after']), response.headers.location);
    } catch (error) {
      if (error instanceof ApiError) throw error;
      const reason = error instanceof RequestError ? `${error.code ?? error.name}: ${error.message}` : String(error);
      options.debug?.(`${method} /${path} → no answer (${reason})`);
      throw new ApiError(
        `${method} /${path} → no answer from ${base.host} (${reason}). Check the network, or QASE_TESTOPS_API_HOST.`,
        'API_NETWORK', undefined, method, `/${path}`,
      );
    } finally {
      cancel?.removeEventListener('abort', abort);
    }
  }

  const seg = encodeURIComponent;
  return {
    getProject: async (project, cancel) => {
      await call('GET', `v1/project/${seg(project)}`, cancel);
    },
    createRun: async (project, body, cancel) =>
      (await call<{ id: number }>('POST', `v1/run/${seg(project)}`, cancel, { json: { ...body } })).id,
    getRun: async (project, runId, cancel) => {
      const run = await call<{ id: number; status?: number | string }>('GET', `v1/run/${seg(project)}/${runId}`, cancel);
      return { id: run.id, status: run.status };
    },
    completeRun: async (project, runId, cancel) => {
      await call('POST', `v1/run/${seg(project)}/${runId}/complete`, cancel);
    },
    makeRunPublic: async (project, runId, cancel) =>
      (await call<{ url: string }>('PATCH', `v1/run/${seg(project)}/${runId}/public`, cancel, { json: { status: true } })).url,
    findEnvironmentId: async (project, slug, cancel) => {
      const list = await call<{ entities?: { id: number; slug: string }[] }>(
        'GET', `v1/environment/${seg(project)}`, cancel, { query: { slug, limit: '100' } });
      return list.entities?.find((e) => e.slug === slug)?.id;
    },
    listConfigurations: async (project, cancel) =>
      (await call<{ entities?: ConfigurationGroup[] }>('GET', `v1/configuration/${seg(project)}`, cancel)).entities ?? [],
    createConfigurationGroup: async (project, title, cancel) =>
      (await call<{ id: number }>('POST', `v1/configuration/${seg(project)}/group`, cancel, { json: { title } })).id,
    createConfiguration: async (project, groupId, title, cancel) =>
      (await call<{ id: number }>('POST', `v1/configuration/${seg(project)}`, cancel, { json: { title, group_id: groupId } })).id,
    createResults: async (project, runId, results, cancel) => {
      await call('POST', `v2/${seg(project)}/run/${runId}/results`, cancel, {
        json: { results },
        note: `${results.length} results, `,
      });
    },
    uploadAttachments: async (project, files, cancel) => {
      const form = new FormData();
      for (const file of files) {
        const data = file.path === undefined ? file.content ?? Buffer.alloc(0) : createReadStream(file.path);
        form.append('file[]', data, { filename: file.name, contentType: file.contentType });
      }
      const uploaded = await call<{ hash: string }[]>('POST', `v1/attachment/${seg(project)}`, cancel, {
        form,
        note: `${files.length} files, `,
      });
      return uploaded.map((a) => a.hash);
    },
    close: () => agent.destroy(),
  };
}

interface CallInit {
  json?: Record<string, unknown>;
  form?: FormData;
  query?: Record<string, string>;
  /** What the debug line says about the request body. */
  note?: string;
}

function createAgent(base: URL, env: ApiClientOptions['env']): http.Agent {
  const proxy = proxyFor(base, env);
  const agentOptions = { keepAlive: true, maxSockets: 16 };
  if (proxy) {
    return base.protocol === 'https:'
      ? new HttpsProxyAgent({ ...agentOptions, proxy })
      : new HttpProxyAgent({ ...agentOptions, proxy });
  }
  return base.protocol === 'https:' ? new https.Agent(agentOptions) : new http.Agent(agentOptions);
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

const ADVICE: Record<number, [ApiErrorCode, string]> = {
  400: ['API_BAD_REQUEST', 'the API refused the request as malformed'],
  401: ['API_UNAUTHORIZED', 'the API token was not accepted. Check QASE_TESTOPS_API_TOKEN (testops.api.token): create a token in Qase under API tokens'],
  403: ['API_FORBIDDEN', 'the token is valid but its role lacks this permission. Ask a Qase admin for a role that can create runs and results in this project'],
  404: ['API_NOT_FOUND', 'not found. Check QASE_TESTOPS_PROJECT (the project code) and QASE_TESTOPS_RUN_ID'],
  405: ['API_NOT_ALLOWED', 'the server does not allow this method. Check that QASE_TESTOPS_API_HOST points at the Qase API'],
  410: ['API_GONE', 'the API no longer offers this endpoint. Update @qase-reporters'],
  413: ['API_TOO_LARGE', 'the request is too large for the API'],
  422: ['API_INVALID', 'the API refused the data'],
  429: ['API_RATE_LIMITED', 'too many requests for this token; waiting as the API asks'],
  507: ['API_STORAGE_FULL', 'the Qase workspace has no storage left for attachments. Free space in Qase, or set QASE_TESTOPS_UPLOAD_ATTACHMENTS=false'],
};

function toApiError(
  method: string, path: string, status: number, body: unknown, retryAfter: string | undefined, location: string | undefined,
): ApiError {
  const apiMessage = messageOf(body);
  if (status >= 300 && status < 400) {
    return new ApiError(
      `${method} ${path} → ${status}: the API redirected to ${location ?? 'another address'}, which is not followed ` +
        'so the token stays with the host you configured. Set QASE_TESTOPS_API_HOST to the final address.',
      'API_NOT_ALLOWED', status, method, path);
  }
  const [code, advice] = ADVICE[status] ?? (status >= 500
    ? ['API_SERVER', 'the Qase API had a server error']
    : ['API_BAD_REQUEST', 'the API refused the request']);
  const detail = apiMessage ? ` (${apiMessage})` : '';
  return new ApiError(`${method} ${path} → ${status}: ${advice}${detail}.`, code, status, method, path, retryAfter, fieldErrorsOf(body));
}

function messageOf(body: unknown): string | undefined {
  if (typeof body === 'string') return body.slice(0, 200);
  if (typeof body !== 'object' || body === null) return undefined;
  const { message, errorMessage } = body as { message?: unknown; errorMessage?: unknown };
  const text = typeof message === 'string' ? message : typeof errorMessage === 'string' ? errorMessage : undefined;
  return text?.slice(0, 500);
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
