// CONTRACT (written first so every part of core can code against it). The config helper implements
// resolveConfig/loadConfig below and replaces this comment; the Config shape is fixed unless agreed.

/** What the reporter does with results. `report` (the official name) is accepted and means `dry-run`. */
export type Mode = 'testops' | 'dry-run' | 'off';

export interface ConfigurationValue {
  name: string;
  value: string;
}

/** The resolved configuration: every field set, frozen. Nothing after `resolveConfig` reads `process.env`. */
export interface Config {
  readonly mode: Mode;
  /** The mode used when `testops` cannot start (missing token or project, or the run cannot be created). */
  readonly fallback: Mode;
  readonly debug: boolean;
  /** Environment slug of the run. */
  readonly environment: string | undefined;
  readonly captureLogs: boolean;
  /** A suite that every result's suite path starts with. */
  readonly rootSuite: string | undefined;
  /** Our status → the status sent (e.g. `{ invalid: 'failed' }`); may name a workspace's custom status. */
  readonly statusMapping: Readonly<Record<string, string>>;
  readonly logging: { readonly console: boolean; readonly file: boolean };
  /** Where a dry run writes its request bodies and attachments (`report.connections.local.path`). */
  readonly dryRunPath: string;
  readonly testops: {
    readonly api: {
      readonly token: string | undefined;
      /** Base URL of the API without `/v1` (`https://api.qase.io`, or the full URL given). */
      readonly baseUrl: string;
      /** Base URL of the web app, for run links (`https://app.qase.io`). */
      readonly appUrl: string;
    };
    readonly project: string | undefined;
    readonly uploadAttachments: boolean;
    readonly run: {
      readonly id: number | undefined;
      readonly title: string | undefined;
      readonly description: string | undefined;
      /** Complete the run at the end. Defaults to true when this process creates the run, false when `id` is given. */
      readonly complete: boolean;
      readonly tags: readonly string[];
      readonly externalLink: { readonly type: 'jiraCloud' | 'jiraServer'; readonly link: string } | undefined;
    };
    readonly plan: { readonly id: number | undefined };
    /** Results per request, 1–2000; the API's own limit (200 today) still applies. */
    readonly batch: { readonly size: number };
    readonly defect: boolean;
    readonly configurations: {
      readonly values: readonly ConfigurationValue[];
      readonly createIfNotExists: boolean;
    };
    /** Statuses (after mapping) that are not uploaded. */
    readonly statusFilter: readonly string[];
    readonly showPublicReportLink: boolean;
    /** Folder of the on-disk outbox; undelivered results stay there. */
    readonly outboxPath: string;
    /** How long the end of the run may wait for the last uploads. */
    readonly deadlineMs: number;
    /** Client-side limit shared by every request of the process. */
    readonly rateLimitPerMinute: number;
    readonly maxConcurrentRequests: number;
  };
}
