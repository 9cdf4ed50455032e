// The API client against the real emulator: what each failure looks like to the user, and where the token may go.
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import { startEmulator, type Emulator } from '@qase-reporters/emulator';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { ResultBody } from '../src/api-types';
import { createApiClient, type ApiClient } from '../src/api';
import { resolveConfig } from '../src/config';
import { ApiError, ConfigError } from '../src/errors';

const TOKEN = `token-${randomUUID()}`;
const DIST_API = resolve(__dirname, '../dist/api.js');

let emulator: Emulator;
let api: ApiClient;
let runId: number;
const clients: ApiClient[] = [];

function client(options: { baseUrl?: string; token?: string; requestTimeoutMs?: number } = {}): ApiClient {
  const created = createApiClient({ baseUrl: emulator.url, token: TOKEN, env: {}, ...options });
  clients.push(created);
  return created;
}

/** The ApiError a call rejects with; fails the test when it resolves or rejects with anything else. */
async function failure(call: Promise<unknown>): Promise<ApiError> {
  const error = await call.then(() => new Error('the call succeeded, an ApiError was expected'), (e: unknown) => e);
  expect(error).toBeInstanceOf(ApiError);
  return error as ApiError;
}

function result(status: string): ResultBody {
  return { id: randomUUID(), title: 'a test', execution: { status } };
}

async function listen(server: Server): Promise<string> {
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

beforeAll(async () => {
  emulator = await startEmulator({ token: TOKEN });
  api = client();
  runId = await api.createRun('DEMO', { title: 'client tests', is_autotest: true });
});

afterEach(() => {
  emulator.setFaults({ latencyMs: 0, storageFull: false });
  emulator.setLimits({ resultsPerRequest: 200 });
});

afterAll(async () => {
  for (const c of clients) c.close();
  await emulator.close();
});

describe('each error status becomes one line that says what to do', () => {
  interface Case {
    name: string;
    status: number;
    code: ApiError['code'];
    call: () => Promise<unknown>;
    /** What the user reads: the advice, and the value involved. */
    says: RegExp[];
    before?: () => void;
  }
  const cases: Case[] = [
    {
      name: 'a wrong token',
      status: 401,
      code: 'API_UNAUTHORIZED',
      call: () => client({ token: 'not-the-token' }).getProject('DEMO'),
      says: [/token was not accepted/, /QASE_TESTOPS_API_TOKEN/, /project DEMO/],
    },
    {
      name: 'an empty token',
      status: 401,
      code: 'API_UNAUTHORIZED',
      call: () => client({ token: '' }).getProject('DEMO'),
      says: [/token was not accepted/, /QASE_TESTOPS_API_TOKEN/],
    },
    {
      name: 'a role without the permission',
      status: 403,
      code: 'API_FORBIDDEN',
      before: () => emulator.failNext(1, 403),
      call: () => api.createRun('DEMO', { title: 'forbidden', is_autotest: true }),
      says: [/role lacks this permission in project DEMO/, /Qase admin/],
    },
    {
      name: 'an unknown project',
      status: 404,
      code: 'API_NOT_FOUND',
      call: () => api.getProject('NOPE'),
      says: [/project NOPE was not found/, /QASE_TESTOPS_PROJECT/],
    },
    {
      name: 'an unknown run',
      status: 404,
      code: 'API_NOT_FOUND',
      call: () => api.getRun('DEMO', 987654),
      says: [/run 987654 was not found in project DEMO/, /QASE_TESTOPS_RUN_ID/],
    },
    {
      name: 'a method the server does not allow',
      status: 405,
      code: 'API_NOT_ALLOWED',
      before: () => emulator.failNext(1, 405),
      call: () => api.completeRun('DEMO', runId),
      says: [/does not allow this method/, /QASE_TESTOPS_API_HOST/],
    },
    {
      name: 'an endpoint that is gone',
      status: 410,
      code: 'API_GONE',
      before: () => emulator.failNext(1, 410),
      call: () => api.createResults('DEMO', runId, [result('passed')]),
      says: [/no longer offers this endpoint/, /Update @qase-reporters/],
    },
    {
      name: 'a request over the API limit',
      status: 413,
      code: 'API_TOO_LARGE',
      before: () => emulator.setLimits({ resultsPerRequest: 1 }),
      call: () => api.createResults('DEMO', runId, [result('passed'), result('failed')]),
      says: [/too large for the API/],
    },
    {
      name: 'a server error',
      status: 500,
      code: 'API_SERVER',
      before: () => emulator.failNext(1, 500),
      call: () => api.getProject('DEMO'),
      says: [/server error/],
    },
    {
      name: 'maintenance',
      status: 503,
      code: 'API_SERVER',
      before: () => emulator.failNext(1, 503),
      call: () => api.createResults('DEMO', runId, [result('passed')]),
      says: [/unavailable, usually for maintenance/],
    },
    {
      name: 'a full storage',
      status: 507,
      code: 'API_STORAGE_FULL',
      before: () => emulator.setFaults({ storageFull: true }),
      call: () => api.uploadAttachments('DEMO', [{ name: 'a.txt', contentType: 'text/plain', content: Buffer.from('a') }]),
      says: [/no storage left/, /QASE_TESTOPS_UPLOAD_ATTACHMENTS=false/],
    },
  ];

  it.each(cases)('$status for $name', async ({ status, code, call, says, before }) => {
    before?.();
    const error = await failure(call());
    expect(error).toMatchObject({ name: 'ApiError', status, code });
    expect(error.message).toMatch(new RegExp(`^(GET|POST|PATCH) /v[12]/\\S+ → ${status}: `));
    for (const words of says) expect(error.message).toMatch(words);
    expect(error.message).not.toContain('\n');
    expect(error.message).not.toContain(TOKEN);
  });

  it('422 from v1 lists the refused fields in the message and in fieldErrors', async () => {
    const error = await failure(api.createRun('DEMO', { title: 'x'.repeat(256), is_autotest: true }));
    expect(error).toMatchObject({ status: 422, code: 'API_INVALID' });
    expect(Object.keys(error.fieldErrors)).toEqual(['title']);
    expect(error.fieldErrors.title[0]).toMatch(/255/);
    expect(error.message).toContain(`title: ${error.fieldErrors.title[0]}`);
  });

  it('422 from v2 keeps each field error under its result index', async () => {
    const error = await failure(api.createResults('DEMO', runId, [result('passed'), result('exploded')]));
    expect(error).toMatchObject({ status: 422, code: 'API_INVALID' });
    expect(Object.keys(error.fieldErrors)).toEqual(['results.1.execution.status']);
    // v2's own message already quotes the first field error, so the message does not repeat the list.
    expect(error.message).toContain(error.fieldErrors['results.1.execution.status'][0]);
    expect(error.message.split(error.fieldErrors['results.1.execution.status'][0])).toHaveLength(2);
  });

  it('429 carries Retry-After for the retry policy', async () => {
    const limited = await startEmulator({ token: TOKEN, limits: { requestsPerMinute: 1 } });
    try {
      const c = client({ baseUrl: limited.url });
      await c.getProject('DEMO');
      const error = await failure(c.getProject('DEMO'));
      expect(error).toMatchObject({ status: 429, code: 'API_RATE_LIMITED' });
      expect(error.retryAfter).toMatch(/^[1-9]\d*$/);
      expect(error.message).toContain(`Retry-After: ${error.retryAfter}`);
    } finally {
      await limited.close();
    }
  });
});

describe('no answer is a network error', () => {
  it('when nothing listens on the port', async () => {
    const server = createServer();
    const url = await listen(server);
    await new Promise((done) => server.close(done));
    const error = await failure(client({ baseUrl: url }).getProject('DEMO'));
    expect(error).toMatchObject({ code: 'API_NETWORK', status: undefined, method: 'GET', path: '/v1/project/DEMO' });
    expect(error.message).toContain(`no answer from ${new URL(url).host} (ECONNREFUSED`);
    expect(error.message).toMatch(/Check the network, or QASE_TESTOPS_API_HOST\.$/);
  });

  it('when the answer takes longer than the request timeout', async () => {
    emulator.setFaults({ latencyMs: 1_000 });
    const error = await failure(client({ requestTimeoutMs: 50 }).getProject('DEMO'));
    expect(error).toMatchObject({ code: 'API_NETWORK', status: undefined });
    expect(error.message).toContain('ETIMEDOUT');
  });
});

describe('plain HTTP only to loopback', () => {
  const env = { QASE_TESTOPS_API_TOKEN: TOKEN, QASE_TESTOPS_PROJECT: 'DEMO' };
  it.each([
    ['http://qase.example.com', false],
    ['http://10.0.0.5:8080', false],
    ['http://127.0.0.1:8080', true],
    ['http://127.1.2.3', true],
    ['http://localhost:8080', true],
    ['http://[::1]:8080', true],
    ['https://qase.example.com', true],
  ])('%s is allowed: %s', (host, allowed) => {
    const resolveIt = () => resolveConfig({}, { ...env, QASE_TESTOPS_API_HOST: host }, undefined);
    const build = () => createApiClient({ baseUrl: host, token: TOKEN, env: {} }).close();
    expect(resolveIt().testops.api.baseUrl).toBe(host);
    if (allowed) {
      expect(resolveIt().testops.api.refusal).toBeUndefined();
      expect(build).not.toThrow();
    } else {
      // The configuration is usable, but nothing may be sent there: the reporter keeps the results instead.
      expect(resolveIt().testops.api.refusal).toMatch(/plain HTTP, which would send the token unencrypted.*QASE_TESTOPS_API_ALLOW_PLAIN_HTTP=true/);
      // The client refuses too, for callers that build it without resolveConfig.
      expect(build).toThrow(ConfigError);
      expect(build).toThrow(/plain HTTP would send the token unencrypted.*QASE_TESTOPS_API_HOST/);
    }
  });

  it('sends over plain HTTP to another host only when the user opted in', () => {
    const env = { QASE_TESTOPS_API_TOKEN: TOKEN, QASE_TESTOPS_PROJECT: 'DEMO', QASE_TESTOPS_API_HOST: 'http://qase.example.com' };
    const config = resolveConfig({}, { ...env, QASE_TESTOPS_API_ALLOW_PLAIN_HTTP: 'true' }, undefined);
    expect([config.testops.api.allowPlainHttp, config.testops.api.refusal]).toEqual([true, undefined]);
    expect(() => createApiClient({ baseUrl: 'http://qase.example.com', token: TOKEN, env: {}, allowPlainHttp: true }).close()).not.toThrow();
  });

  it('refuses other schemes in the client as well', () => {
    expect(() => createApiClient({ baseUrl: 'ftp://qase.example.com', token: TOKEN, env: {} })).toThrow(/is not https:\/\//);
  });
});

describe('redirects', () => {
  it('are not followed, so another origin never receives the token', async () => {
    const received: IncomingHttpHeaders[] = [];
    const elsewhere = createServer((req, res) => {
      received.push(req.headers);
      res.end('{"status":true,"result":{}}');
    });
    const target = `${await listen(elsewhere)}/v1/project/DEMO`;
    const redirecting = createServer((_req, res) => {
      res.writeHead(302, { location: target }).end();
    });
    try {
      const error = await failure(client({ baseUrl: await listen(redirecting) }).getProject('DEMO'));
      expect(received).toEqual([]);
      expect(error).toMatchObject({ status: 302, method: 'GET', path: '/v1/project/DEMO' });
      expect(error.message).toContain(`redirected to ${target}, which is not followed so the token stays with the host`);
      expect(error.message).toContain('Set QASE_TESTOPS_API_HOST to the final address');
    } finally {
      redirecting.closeAllConnections();
      elsewhere.closeAllConnections();
      redirecting.close();
      elsewhere.close();
    }
  });
});

describe('HTTPS with a certificate from NODE_EXTRA_CA_CERTS', () => {
  // NODE_EXTRA_CA_CERTS is read once, when Node starts: only a fresh process can show it working.
  const script = `
const { createApiClient } = require(process.argv[1]);
const api = createApiClient({ baseUrl: process.env.QASE_BASE, token: process.env.QASE_TOKEN, env: {} });
api.getProject('DEMO').then(() => console.log('ok'), (error) => console.log(error.code + ' ' + error.message)).finally(api.close);
`;
  let secure: Emulator;
  beforeAll(async () => {
    secure = await startEmulator({ https: true, token: TOKEN });
  });
  afterAll(async () => {
    await secure.close();
  });

  async function run(extraCa: string | undefined): Promise<string> {
    const { NODE_EXTRA_CA_CERTS: _inherited, ...env } = process.env;
    const { stdout } = await promisify(execFile)(process.execPath, ['-e', script, DIST_API], {
      env: { ...env, QASE_BASE: secure.url, QASE_TOKEN: TOKEN, ...(extraCa && { NODE_EXTRA_CA_CERTS: extraCa }) },
    });
    return stdout.trim();
  }

  it('succeeds when the certificate is trusted', async () => {
    expect(await run(secure.certPath)).toBe('ok');
  });

  it('fails with advice to set NODE_EXTRA_CA_CERTS when it is not', async () => {
    const out = await run(undefined);
    expect(out).toMatch(/^API_CERTIFICATE GET \/v1\/project\/DEMO → no answer from 127\.0\.0\.1:\d+ \(DEPTH_ZERO_SELF_SIGNED_CERT: /);
    expect(out).toContain('set NODE_EXTRA_CA_CERTS to its PEM file');
    expect(out).not.toContain(TOKEN);
  });
});
