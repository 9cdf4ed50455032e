// Request bodies as the official OpenAPI spec defines them (v2 ResultCreate, v1 Run.create): only the fields we send.

export interface StepBody {
  data: { action: string; expected_result?: string; input_data?: string };
  execution: {
    status: string;
    start_time?: number | null;
    end_time?: number | null;
    duration?: number | null;
    comment?: string;
    /** Attachment hashes; before upload, local references (see attachments.ts). */
    attachments?: string[];
  };
  steps?: StepBody[];
}

/** v2 `ResultCreate`. Times are Unix seconds with milliseconds as the fraction; durations are milliseconds. */
export interface ResultBody {
  /** Idempotency key: a resend with the same id is stored once. */
  id: string;
  title: string;
  signature?: string;
  testops_ids?: number[] | null;
  execution: {
    status: string;
    start_time?: number | null;
    end_time?: number | null;
    duration?: number | null;
    stacktrace?: string | null;
    error_context?: string | null;
    thread?: string | null;
  };
  fields?: Record<string, string>;
  /** Attachment hashes; before upload, local references (see attachments.ts). */
  attachments?: string[];
  steps?: StepBody[];
  params?: Record<string, string>;
  param_groups?: string[][] | null;
  relations?: { suite: { data: { title: string; public_id?: number | null }[] } } | null;
  message?: string | null;
  defect?: boolean;
}

/** v1 `Run.create`. */
export interface RunCreateBody {
  title: string;
  description?: string;
  is_autotest: boolean;
  environment_id?: number;
  plan_id?: number;
  tags?: string[];
  configurations?: number[];
  /** `YYYY-MM-DD HH:MM:SS` in UTC; results may not start before it. */
  start_time?: string;
}
