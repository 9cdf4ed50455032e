import { STATUS_CODES, type IncomingMessage, type ServerResponse } from 'node:http';
import { performance } from 'node:perf_hooks';
import { drain, readBody } from './body';
import { routes, v1Error, type ApiRequest, type Context, type Reply } from './endpoints';
import { pickServerError, shouldDrop, takeFailure, updateFaults, type Faults } from './faults';
import { updateLimits, type LimitsUpdate } from './options';
import { snapshot, type LogEntry } from './state';
import { isObject, schemas, validate } from './validate';

const adminPrefix = '/__emulator/';

export function createRequestHandler(ctx: Context): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    void handle(ctx, req, res);
  };
}

async function handle(ctx: Context, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const startedMs = performance.now();
  const url = new URL(req.url ?? '/', 'http://emulator');
  const method = req.method ?? 'GET';
  if (url.pathname.startsWith(adminPrefix)) {
    send(res, await answerAdmin(ctx, req, method, url.pathname.slice(adminPrefix.length)));
    return;
  }
  const log: LogEntry = { method, path: url.pathname, status: 0, results: 0, bytes: 0, timeMs: 0, at: Date.now(), dropped: false };
  await sleep(ctx.faults.latencyMs);
  let reply: Reply;
  try {
    reply = await answer(ctx, req, url, log);
  } catch (error) {
    reply = v1Error(500, `The emulator failed: ${(error as Error).message}`);
  }
  // Requests answered before their body was read (401, 404, faults, …) still count their bytes.
  log.bytes += await drain(req);
  log.status = reply.status;
  log.timeMs = performance.now() - startedMs;
  ctx.store.requests.push(log);
  const succeeded = reply.status >= 200 && reply.status < 300;
  if ((succeeded && takeFailure(ctx.faults.dropNext, method, url.pathname) !== undefined) ||
      (reply.committed === true && shouldDrop(ctx.faults.dropAfterCommit, ctx.random))) {
    log.dropped = true;
    req.socket.destroy();
    return;
  }
  send(res, reply);
}

async function answer(ctx: Context, req: IncomingMessage, url: URL, log: LogEntry): Promise<Reply> {
  const { method, path } = log;
  const failure = takeFailure(ctx.faults.failNext, method, path);
  if (failure !== undefined) {
    return { ...v1Error(failure.status, STATUS_CODES[failure.status] ?? 'Injected failure'), headers: failure.headers };
  }
  const serverError = pickServerError(ctx.faults.errorRate, ctx.random);
  if (serverError !== undefined) return v1Error(serverError, STATUS_CODES[serverError] ?? 'Injected failure');

  const matching = routes.map((route) => ({ route, match: route.pattern.exec(path) })).filter(({ match }) => match !== null);
  if (matching.length === 0) return v1Error(404, `Not found: no endpoint at ${method} ${path}.`);
  const found = matching.find(({ route }) => route.method === method);
  if (found === undefined) return v1Error(405, `Method ${method} is not allowed on ${path}.`);

  const token = req.headers.token;
  if (token === undefined) return v1Error(401, 'Unauthorized: the Token header is missing.');
  if (token !== ctx.token) return v1Error(401, 'Unauthorized: the token is not valid.');
  const { limits } = ctx;
  const limited = ctx.rateLimiter.take(token, Date.now(), limits.requestsPerMinute, limits.rateWindowMs);
  if (limited !== undefined) {
    const retryAfterSeconds = Math.ceil(limited.retryAfterMs / 1000);
    return {
      ...v1Error(429, `Too Many Requests: at most ${limits.requestsPerMinute} requests per ${limits.rateWindowMs} ms for this token.`),
      headers: { 'retry-after': String(retryAfterSeconds) },
    };
  }

  const [, project, runId] = found.match as RegExpExecArray;
  if (!ctx.store.projects.includes(project)) return v1Error(404, `Project ${project} not found.`);
  const request: ApiRequest = { req, project, runId: Number(runId), query: url.searchParams, log };
  return found.route.handle(ctx, request);
}

/** The steering routes (no token): `GET state`, `POST faults` and `POST limits` with a JSON body. */
async function answerAdmin(ctx: Context, req: IncomingMessage, method: string, name: string): Promise<Reply> {
  if (method === 'GET' && name === 'state') {
    await drain(req);
    return { status: 200, body: snapshot(ctx.store) };
  }
  const schema = name === 'faults' ? schemas.faults : name === 'limits' ? schemas.limits : undefined;
  if (method !== 'POST' || schema === undefined) {
    await drain(req);
    return v1Error(404, `Not found: the emulator's routes are GET ${adminPrefix}state, POST ${adminPrefix}faults, POST ${adminPrefix}limits.`);
  }
  const body = await readBody(req, ctx.limits.bodyBytes);
  let value: unknown;
  try {
    value = JSON.parse(body.data?.toString('utf8') ?? '');
  } catch (error) {
    return v1Error(400, `The request body is not valid JSON: ${(error as Error).message}`);
  }
  const errors = validate(value, schema);
  const messages = Object.values(errors).flat();
  if (messages.length > 0 || !isObject(value)) return v1Error(422, messages.join(' '));
  if (name === 'faults') {
    setFaults(ctx, value as Partial<Faults>);
    return { status: 200, body: { status: true, result: ctx.faults } };
  }
  setLimits(ctx, value as LimitsUpdate);
  return { status: 200, body: { status: true, result: ctx.limits } };
}

export function setFaults(ctx: Context, faults: Partial<Faults>): void {
  ctx.faults = updateFaults(ctx.faults, faults);
}

export function setLimits(ctx: Context, limits: LimitsUpdate): void {
  ctx.limits = updateLimits(ctx.limits, limits);
}

function send(res: ServerResponse, reply: Reply): void {
  if (res.destroyed) return;
  const text = JSON.stringify(reply.body);
  res.writeHead(reply.status, {
    ...reply.headers,
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(text),
  });
  res.end(text);
}

// Never wakes early: a test may rely on every answer taking at least `latencyMs`. The timer does not
// keep the process alive; the client's open socket does, for as long as it waits.
async function sleep(ms: number): Promise<void> {
  const until = performance.now() + ms;
  while (performance.now() < until) {
    await new Promise<void>((resolve) => setTimeout(resolve, Math.ceil(until - performance.now())).unref());
  }
}
