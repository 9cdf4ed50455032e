// What the HTTP tests send: plain fetch with the emulator's token unless told otherwise.
import { randomUUID } from 'node:crypto';
import type { Emulator } from '../src/index';

export interface Answer {
  status: number;
  headers: Headers;
  body: unknown;
}

export interface RequestOptions {
  /** Sent as JSON. */
  json?: unknown;
  /** Sent as is (malformed JSON, multipart). */
  raw?: string | FormData;
  /** The Token header; null sends none. Default: the emulator's token. */
  token?: string | null;
}

export async function request(emulator: Emulator, method: string, path: string, options: RequestOptions = {}): Promise<Answer> {
  const headers: Record<string, string> = {};
  const token = options.token === undefined ? emulator.token : options.token;
  if (token !== null) headers.Token = token;
  if (options.json !== undefined) headers['content-type'] = 'application/json';
  const response = await fetch(`${emulator.url}${path}`, {
    method,
    headers,
    body: options.json !== undefined ? JSON.stringify(options.json) : options.raw,
  });
  const text = await response.text();
  return { status: response.status, headers: response.headers, body: text === '' ? undefined : JSON.parse(text) };
}

export async function createRun(emulator: Emulator, body: Record<string, unknown> = { title: 'Run' }, project = 'DEMO'): Promise<number> {
  const answer = await request(emulator, 'POST', `/v1/run/${project}`, { json: body });
  if (answer.status !== 200) throw new Error(`Run create answered ${answer.status}: ${JSON.stringify(answer.body)}`);
  return (answer.body as { result: { id: number } }).result.id;
}

/** A valid v2 result that started now (so after its run's start). */
export function result(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  const now = Date.now() / 1000;
  return { id: randomUUID(), title: 'a test', execution: { status: 'passed', start_time: now, end_time: now, duration: 0 }, ...overrides };
}
