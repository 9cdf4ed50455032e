// The Qase Report format (qase-tms/specs, report/): what the official reporters write in report mode and other Qase
// tools read. `run.json` sums the run up; `results/<id>.json` holds one result; `attachments/` holds the files.

export interface ReportAttachment {
  id: string;
  file_name: string | null;
  mime_type: string | null;
  /** Where the official writer put the copy: the report folder joined with `attachments/<id>-<name>`. */
  file_path: string | null;
  content?: string | null;
}

export interface ReportStep {
  id: string;
  step_type: string;
  data: { action: string; expected_result?: string | null; input_data?: string | null };
  parent_id: string | null;
  execution: {
    status: string;
    start_time: number | null;
    end_time: number | null;
    duration: number | null;
    attachments: ReportAttachment[];
  };
  steps: ReportStep[];
}

/** One result. Times are Unix seconds with the milliseconds as the fraction; durations are milliseconds. */
export interface ReportResult {
  id: string;
  title: string;
  signature: string | null;
  execution: {
    status: string;
    start_time: number | null;
    end_time: number | null;
    duration: number | null;
    stacktrace: string | null;
    error_context?: string | null;
    thread: string | null;
  };
  fields: Record<string, string> | null;
  attachments: ReportAttachment[];
  steps: ReportStep[];
  params: Record<string, string> | null;
  param_groups: string[][] | null;
  testops_ids: number[] | null;
  relations: { suite: { data: { title: string; public_id: number | null }[] } } | null;
  muted: boolean;
  message: string | null;
}

export interface ReportStats {
  total: number;
  passed: number;
  failed: number;
  skipped: number;
  blocked: number;
  invalid: number;
  muted: number;
}

export interface ReportRun {
  title: string;
  execution: { start_time: number; end_time: number; duration: number; cumulative_duration: number };
  stats: ReportStats;
  results: { id: string; title: string; status: string; duration: number; thread: string | null }[];
  threads: string[];
  suites: string[];
  environment: string | null;
  host_data: Record<string, string>;
}

export type ReportFormat = 'json' | 'jsonp';

/** `jsonp` wraps each file in `qaseJsonp(…);`, so a page can load it with a script tag from the file system. */
export function encode(value: unknown, format: ReportFormat): string {
  // Indented by 4, as the official writer does: the files are read by people too.
  const json = JSON.stringify(value, null, 4);
  return format === 'jsonp' ? `qaseJsonp(${json});` : json;
}

export function decode(text: string): unknown {
  const jsonp = /^\s*qaseJsonp\(([\s\S]*)\);?\s*$/.exec(text);
  return JSON.parse(jsonp ? jsonp[1]! : text.replace(/^\uFEFF/, ''));
}
