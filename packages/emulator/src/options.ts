import type { Faults } from './faults';

/** The API's limits. Every value can be lowered so a test reaches a limit with a few small requests. */
export interface Limits {
  /** Results in one results request; more → 413 and nothing stored. @default 200 */
  resultsPerRequest: number;
  /** Summed characters of `execution.error_context` in one v2 request; more → 413. @default 4_194_304 */
  errorContextChars: number;
  /** Bytes of a JSON request body; more → 413. The real API documents none. @default 64 MiB */
  bodyBytes: number;
  /** Requests per token in `rateWindowMs`; more → 429 with `Retry-After`. @default 200 */
  requestsPerMinute: number;
  /** The sliding window of the rate limit. @default 60_000 */
  rateWindowMs: number;
  attachment: {
    /** @default 32 MiB */
    fileBytes: number;
    /** Bytes of the multipart body as sent, boundaries included. @default 128 MiB */
    requestBytes: number;
    /** @default 20 */
    filesPerRequest: number;
  };
}

/** `Partial<Limits>`, with the attachment limits settable one at a time. */
export type LimitsUpdate = Partial<Omit<Limits, 'attachment'>> & { attachment?: Partial<Limits['attachment']> };

export interface EmulatorOptions {
  /** @default 0 (a free port) */
  port?: number;
  /** Serve HTTPS with a self-signed certificate written to `Emulator.certPath`. @default false */
  https?: boolean;
  /** The one token the emulator accepts. @default 'emulator-token' */
  token?: string;
  /** Codes of the projects that exist. @default ['DEMO'] */
  projects?: string[];
  /** Result statuses accepted besides passed, failed, blocked, skipped and invalid (a workspace's custom ones). */
  customStatuses?: string[];
  /** Seed of every probabilistic fault; without one a random seed is used (see `state().seed`). */
  seed?: number;
  limits?: LimitsUpdate;
  faults?: Partial<Faults>;
}

const MiB = 1024 * 1024;

export const defaultLimits: Limits = {
  resultsPerRequest: 200,
  errorContextChars: 4_194_304,
  bodyBytes: 64 * MiB,
  requestsPerMinute: 200,
  rateWindowMs: 60_000,
  attachment: { fileBytes: 32 * MiB, requestBytes: 128 * MiB, filesPerRequest: 20 },
};

export function updateLimits(limits: Limits, update: LimitsUpdate): Limits {
  return { ...limits, ...update, attachment: { ...limits.attachment, ...update.attachment } };
}
