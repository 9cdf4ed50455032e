// The network profiler (`profilers: ["network"]`): the HTTP requests a test makes become steps of its result, named
// `METHOD url` and failed when the answer is 400 or above, as the official reporters send them. Node announces
// every request on diagnostics channels (node:http and node:https, and undici for `fetch`), so nothing is patched.
import diagnostics from 'node:diagnostics_channel';
import type { ClientRequest, IncomingMessage } from 'node:http';
import { wallClockMs } from './clock';
import type { Config } from './config';
import type { Step } from './model';

export interface NetworkOptions {
  /** Requests whose URL contains one of these are not recorded (`networkProfiler.skip_domains`). */
  skipDomains: readonly string[];
}

/** Records while started; `take` hands over what was recorded since the last `take`. */
export interface RequestRecorder {
  take(): Step[];
  stop(): void;
}

/** Qase's own API is never a step of a test, whatever the configuration says. */
const ALWAYS_SKIPPED = ['qase.io'];

interface Pending {
  method: string;
  url: string;
  startTimeMs: number;
}

interface UndiciRequest {
  method?: string;
  origin?: string;
  path?: string;
}

/** Starts recording the requests of this process. */
export function recordRequests(options: NetworkOptions): RequestRecorder {
  const skipped = [...ALWAYS_SKIPPED, ...options.skipDomains].filter(Boolean);
  const pending = new WeakMap<object, Pending>();
  let steps: Step[] = [];

  const begin = (key: object, method: string, url: string): void => {
    if (skipped.some((domain) => url.includes(domain))) return;
    pending.set(key, { method: method.toUpperCase(), url, startTimeMs: wallClockMs() });
  };
  const answer = (key: object, statusCode: number | undefined): void => {
    const request = pending.get(key);
    if (!request) return;
    pending.delete(key);
    steps.push({
      title: `${request.method} ${request.url}`,
      status: statusCode !== undefined && statusCode >= 400 ? 'failed' : 'passed',
      startTimeMs: request.startTimeMs,
      endTimeMs: wallClockMs(),
      attachments: [],
      steps: [],
    });
  };

  // A recorder that throws would fail the request, and so the test: a request it cannot read is not recorded.
  const listeners: Record<string, (message: unknown) => void> = {
    'http.client.request.start': (message) => {
      const { request } = message as { request: ClientRequest };
      const host = request.getHeader('host') ?? request.host;
      begin(request, request.method, `${request.protocol}//${String(host)}${request.path}`);
    },
    'http.client.response.finish': (message) => {
      const { request, response } = message as { request: ClientRequest; response: IncomingMessage };
      answer(request, response.statusCode);
    },
    'undici:request:create': (message) => {
      const { request } = message as { request: UndiciRequest };
      begin(request, request.method ?? 'GET', `${request.origin ?? ''}${request.path ?? '/'}`);
    },
    'undici:request:headers': (message) => {
      const { request, response } = message as { request: UndiciRequest; response: { statusCode?: number } };
      answer(request, response.statusCode);
    },
  };
  const guarded = Object.entries(listeners).map(([channel, listener]) => {
    const safe = (message: unknown): void => {
      try {
        listener(message);
      } catch {
        // See above: the request goes on unrecorded.
      }
    };
    diagnostics.subscribe(channel, safe);
    return [channel, safe] as const;
  });

  return {
    take() {
      const taken = steps;
      steps = [];
      return taken;
    },
    stop() {
      for (const [channel, listener] of guarded) diagnostics.unsubscribe(channel, listener);
    },
  };
}

// Playwright and Vitest start their workers after constructing the reporter, and the workers inherit its environment:
// that is how the profiler's options reach the code that runs the tests.
const HANDOVER_ENV = 'QASE_REPORTERS_NETWORK_PROFILER';

/** Called by a reporter before the framework starts its workers. */
export function handNetworkOptionsToWorkers(options: NetworkOptions): void {
  process.env[HANDOVER_ENV] = JSON.stringify(options);
}

/** In a worker: the options its reporter handed over; undefined when the profiler is off. */
export function networkOptionsFromReporter(): NetworkOptions | undefined {
  const value = process.env[HANDOVER_ENV];
  if (!value) return undefined;
  try {
    return JSON.parse(value) as NetworkOptions;
  } catch {
    return undefined;
  }
}

/**
 * The network profiler's options when the configuration turns it on (`profilers: ["network"]`), else undefined.
 * Our own uploads are skipped too: in Jest and Mocha they run in the process that runs the tests.
 */
export function networkOptionsOf(config: Config): NetworkOptions | undefined {
  if (!config.profilers.includes('network')) return undefined;
  return { skipDomains: [...config.networkProfiler.skipDomains, new URL(config.testops.api.baseUrl).host] };
}
