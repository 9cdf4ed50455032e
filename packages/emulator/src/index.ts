import { randomInt } from 'node:crypto';
import { createServer as createHttpServer, type Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { createCertificate, type Certificate } from './certificate';
import type { Context } from './endpoints';
import { createRandom, defaultFaults, updateFaults, type Faults, type RequestMatch } from './faults';
import { defaultLimits, updateLimits, type EmulatorOptions, type LimitsUpdate } from './options';
import { createRateLimiter } from './rate-limit';
import { createRequestHandler, setFaults, setLimits } from './server';
import { createStore, snapshot, type EmulatorState } from './state';
import { createResultSchemas } from './validate';

export type { EmulatorOptions, Limits, LimitsUpdate } from './options';
export type { FailRule, Faults, RequestMatch } from './faults';
export type {
  AttachmentState,
  ConfigurationGroupState,
  EmulatorState,
  EnvironmentState,
  LogEntry,
  RunState,
  StoredResult,
} from './state';

export interface Emulator {
  /** `http://127.0.0.1:<port>` (or `https://`): the API base; routes are `/v1/…` and `/v2/…` under it. */
  url: string;
  /** With `https`: the certificate's PEM file, to pass as `NODE_EXTRA_CA_CERTS` or a client's `ca`. */
  certPath?: string;
  token: string;
  /** A deep copy of everything stored and the log of every request. */
  state(): EmulatorState;
  /** The next `count` requests (matching `match`, when given) are answered `status` with `headers`, nothing done. */
  failNext(count: number, status: number, headers?: Record<string, string>, match?: RequestMatch): void;
  /** Stores results and attachments, then destroys the socket without answering, with this probability. */
  dropAfterCommit(probability: number): void;
  /** The next `count` matching requests that succeed are done (a run created, …), then left unanswered. */
  dropNextAnswer(count: number, match?: RequestMatch): void;
  maxResultsPerRequest(n: number): void;
  setFaults(faults: Partial<Faults>): void;
  setLimits(limits: LimitsUpdate): void;
  /** Stops serving, closes open connections and removes the certificate file. */
  close(): Promise<void>;
}

/** Starts a local Qase API on 127.0.0.1 that validates requests like the real one and misbehaves on cue. */
export async function startEmulator(options: EmulatorOptions = {}): Promise<Emulator> {
  const seed = options.seed ?? randomInt(2 ** 31);
  const token = options.token ?? 'emulator-token';
  const ctx: Context = {
    store: createStore(options.projects ?? ['DEMO'], seed),
    token,
    limits: updateLimits(defaultLimits, options.limits ?? {}),
    faults: updateFaults(defaultFaults, options.faults ?? {}),
    random: createRandom(seed),
    rateLimiter: createRateLimiter(),
    resultSchemas: createResultSchemas(options.customStatuses ?? []),
    baseUrl: '',
  };
  const handler = createRequestHandler(ctx);
  const certificate = options.https === true ? await createCertificate() : undefined;
  const server: Server = certificate === undefined
    ? createHttpServer(handler)
    : createHttpsServer({ key: certificate.key, cert: certificate.cert }, handler);
  try {
    await listen(server, options.port ?? 0);
  } catch (error) {
    await certificate?.remove();
    throw error;
  }
  const { port } = server.address() as AddressInfo;
  ctx.baseUrl = `${certificate === undefined ? 'http' : 'https'}://127.0.0.1:${port}`;

  return {
    url: ctx.baseUrl,
    certPath: certificate?.path,
    token,
    state: () => snapshot(ctx.store),
    failNext(count, status, headers, match) {
      ctx.faults.failNext.push({ count, status, headers, match });
    },
    dropAfterCommit(probability) {
      setFaults(ctx, { dropAfterCommit: probability });
    },
    dropNextAnswer(count, match) {
      ctx.faults.dropNext.push({ count, match });
    },
    maxResultsPerRequest(n) {
      setLimits(ctx, { resultsPerRequest: n });
    },
    setFaults: (faults) => setFaults(ctx, faults),
    setLimits: (limits) => setLimits(ctx, limits),
    close: () => close(server, certificate),
  };
}

function listen(server: Server, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
}

async function close(server: Server, certificate: Certificate | undefined): Promise<void> {
  await new Promise<void>((resolve) => {
    server.close(() => resolve());
    // Keep-alive sockets would hold close() (and the process) open until they time out.
    server.closeAllConnections();
  });
  await certificate?.remove();
}
