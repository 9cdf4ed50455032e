export interface RunState {
  id: number;
  project: string;
  title: string;
  description?: string;
  /** Slug of the run's environment. */
  environment?: string;
  plan?: number;
  tags: string[];
  /** Configuration ids. */
  configurations: number[];
  /** Unix seconds: the `start_time` given on create, else the creation time. No result may start earlier. */
  startTime: number;
  status: 'active' | 'complete';
  /** How many times completion was requested (a second request is answered 200 too). */
  completions: number;
  public: boolean;
  /** The linked issue (`PROJ-123`) and its tracker, from `POST /v1/run/{code}/external-issue`. */
  externalIssue?: { type: string; issue: string };
}

export interface StoredResult {
  /** The v2 `id` (the idempotency key); generated when the body has none, and for v1 results. */
  id: string;
  api: 'v1' | 'v2';
  /** The body as stored: the one received, with `error_context` truncated like the real API does. */
  body: Record<string, unknown>;
}

export interface AttachmentState {
  project: string;
  /** The hash the upload answered with: what results reference. */
  hash: string;
  filename: string;
  mime: string;
  extension: string;
  size: number;
  /** Hex SHA-256 of the bytes received, so a test can check that they arrived intact. */
  sha256: string;
}

export interface EnvironmentState {
  id: number;
  project: string;
  title: string;
  slug: string;
}

export interface ConfigurationGroupState {
  id: number;
  project: string;
  title: string;
  configurations: { id: number; title: string }[];
}

export interface LogEntry {
  method: string;
  /** Without the query. */
  path: string;
  /** The status answered, or for a dropped request the one it would have had. */
  status: number;
  /** Results in the request body (0 for other requests). */
  results: number;
  /** Bytes of the request body. */
  bytes: number;
  timeMs: number;
  /** When the request arrived (epoch ms). */
  at: number;
  /** Stored, then the connection was destroyed without an answer. */
  dropped: boolean;
}

/** Everything the emulator holds. `results` is keyed by run id; each run's results are in arrival order. */
export interface EmulatorState {
  seed: number;
  projects: string[];
  runs: RunState[];
  results: Record<number, StoredResult[]>;
  attachments: AttachmentState[];
  environments: EnvironmentState[];
  configurations: ConfigurationGroupState[];
  /** Every API request (not the `/__emulator` ones), in the order they were answered. */
  requests: LogEntry[];
}

export interface Store {
  readonly seed: number;
  readonly projects: string[];
  readonly runs: Map<number, RunState>;
  /** Per run, keyed by result id: a repeated id finds its first result here and is not stored again. */
  readonly results: Map<number, Map<string, StoredResult>>;
  readonly attachments: AttachmentState[];
  readonly environments: EnvironmentState[];
  readonly configurations: ConfigurationGroupState[];
  readonly requests: LogEntry[];
  lastId: number;
}

export function createStore(projects: readonly string[], seed: number): Store {
  const store: Store = {
    seed,
    projects: [...projects],
    runs: new Map(),
    results: new Map(),
    attachments: [],
    environments: [],
    configurations: [],
    requests: [],
    lastId: 0,
  };
  for (const project of projects) {
    store.environments.push(
      { id: nextId(store), project, title: 'Staging', slug: 'staging' },
      { id: nextId(store), project, title: 'Production', slug: 'production' },
    );
    const groupId = nextId(store);
    store.configurations.push({
      id: groupId,
      project,
      title: 'Browser',
      configurations: [{ id: nextId(store), title: 'Chrome' }],
    });
  }
  return store;
}

/** One sequence for every kind of entity, so an id never means two things in a test's output. */
export function nextId(store: Store): number {
  store.lastId += 1;
  return store.lastId;
}

export function snapshot(store: Store): EmulatorState {
  const results: Record<number, StoredResult[]> = {};
  for (const [runId, byId] of store.results) results[runId] = [...byId.values()];
  // A JSON round trip rather than structuredClone: faster on 100,000 results, and state() then equals
  // what the admin route serves (no `undefined` members).
  return JSON.parse(JSON.stringify({
    seed: store.seed,
    projects: store.projects,
    runs: [...store.runs.values()],
    results,
    attachments: store.attachments,
    environments: store.environments,
    configurations: store.configurations,
    requests: store.requests,
  })) as EmulatorState;
}
