// Request schemas written from the official spec (qase-tms/specs: v2 ResultCreate, v1 Run.create,
// Result.create, …) with the messages of the Laravel validator the real API runs on. Unknown fields are
// ignored, as the real API ignores them; every known field has its type checked.

/** Field path (`results.3.execution.status`) → messages, in the order found. */
export type FieldErrors = Record<string, string[]>;

export type Schema =
  | { type: 'string'; nullable?: boolean; maxLength?: number; enum?: readonly string[]; dateTime?: boolean }
  | { type: 'integer' | 'number'; nullable?: boolean; minimum?: number; maximum?: number }
  | { type: 'boolean'; nullable?: boolean }
  | { type: 'array'; nullable?: boolean; items: Schema }
  | {
      type: 'object';
      nullable?: boolean;
      properties?: Record<string, Schema>;
      required?: readonly string[];
      /** The schema of every value not named in `properties` (a map); without it such values are ignored. */
      values?: Schema;
    };

const resultStatuses = ['passed', 'failed', 'blocked', 'skipped', 'invalid'];

const string: Schema = { type: 'string' };
const nullableString: Schema = { type: 'string', nullable: true };
const strings: Schema = { type: 'array', items: string };
const int64: Schema = { type: 'integer' };
const seconds: Schema = { type: 'number', nullable: true };
const milliseconds: Schema = { type: 'integer', nullable: true };
const paramGroups: Schema = { type: 'array', nullable: true, items: strings };

function v2StepSchema(): Schema {
  const step = {
    type: 'object',
    properties: {
      data: {
        type: 'object',
        properties: { action: string, expected_result: string, input_data: string, attachments: strings },
        required: ['action'],
      },
      execution: {
        type: 'object',
        properties: {
          start_time: seconds,
          end_time: seconds,
          status: { type: 'string', enum: ['passed', 'failed', 'blocked', 'skipped', 'in_progress'] },
          duration: milliseconds,
          comment: string,
          attachments: strings,
        },
        required: ['status'],
      },
    } as Record<string, Schema>,
  } satisfies Schema;
  // "Nested steps … the same structure is used for them."
  step.properties.steps = { type: 'array', items: step };
  return step;
}

function v2ResultSchema(statuses: readonly string[]): Schema {
  return {
    type: 'object',
    properties: {
      id: string,
      title: string,
      signature: string,
      testops_id: { type: 'integer', nullable: true },
      testops_ids: { type: 'array', nullable: true, items: int64 },
      execution: {
        type: 'object',
        properties: {
          start_time: seconds,
          end_time: seconds,
          status: { type: 'string', enum: statuses },
          duration: milliseconds,
          stacktrace: nullableString,
          error_context: nullableString,
          thread: nullableString,
        },
        required: ['status'],
      },
      fields: { type: 'object', values: string },
      attachments: strings,
      steps: { type: 'array', items: v2StepSchema() },
      steps_type: { type: 'string', nullable: true, enum: ['classic', 'gherkin'] },
      params: { type: 'object', values: string },
      param_groups: paramGroups,
      relations: {
        type: 'object',
        nullable: true,
        properties: {
          suite: {
            type: 'object',
            nullable: true,
            properties: {
              data: {
                type: 'array',
                items: {
                  type: 'object',
                  properties: { title: string, public_id: { type: 'integer', nullable: true } },
                  required: ['title'],
                },
              },
            },
            required: ['data'],
          },
        },
      },
      message: nullableString,
      defect: { type: 'boolean' },
    },
    required: ['title', 'execution'],
  };
}

function v1StepSchema(): Schema {
  const step = {
    type: 'object',
    properties: {
      position: { type: 'integer' },
      status: { type: 'string', enum: ['passed', 'failed', 'blocked', 'in_progress'] },
      comment: nullableString,
      attachments: { type: 'array', nullable: true, items: string },
      action: string,
      expected_result: nullableString,
      data: nullableString,
    } as Record<string, Schema>,
    required: ['status'],
  } satisfies Schema;
  step.properties.steps = { type: 'array', items: step };
  return step;
}

function v1ResultSchema(statuses: readonly string[]): Schema {
  return {
    type: 'object',
    properties: {
      case_id: int64,
      case: {
        type: 'object',
        properties: {
          title: string,
          suite_title: nullableString,
          description: nullableString,
          preconditions: nullableString,
          postconditions: nullableString,
          layer: string,
          severity: string,
          priority: string,
        },
      },
      status: { type: 'string', enum: statuses },
      start_time: { type: 'integer', nullable: true, minimum: 0 },
      time: { type: 'integer', nullable: true, minimum: 0, maximum: 31_536_000 },
      time_ms: { type: 'integer', nullable: true, minimum: 0, maximum: 31_536_000_000 },
      defect: { type: 'boolean', nullable: true },
      attachments: { type: 'array', nullable: true, items: string },
      stacktrace: nullableString,
      comment: nullableString,
      param: { type: 'object', nullable: true, values: string },
      param_groups: paramGroups,
      steps: { type: 'array', nullable: true, items: v1StepSchema() },
      author_id: { type: 'integer', nullable: true },
    },
    required: ['status'],
  };
}

const positiveId: Schema = { type: 'integer', minimum: 1 };

const runCreateSchema: Schema = {
  type: 'object',
  properties: {
    title: { type: 'string', maxLength: 255 },
    description: { type: 'string', maxLength: 10_000 },
    include_all_cases: { type: 'boolean' },
    cases: { type: 'array', items: int64 },
    is_autotest: { type: 'boolean' },
    environment_id: positiveId,
    environment_slug: { type: 'string', maxLength: 255 },
    milestone_id: positiveId,
    plan_id: positiveId,
    author_id: positiveId,
    tags: strings,
    configurations: { type: 'array', items: int64 },
    custom_field: { type: 'object', values: string },
    start_time: { type: 'string', dateTime: true },
    end_time: { type: 'string', dateTime: true },
    is_cloud: { type: 'boolean' },
    cloud_run_config: {
      type: 'object',
      properties: { browser: { type: 'string', enum: ['chromium', 'firefox', 'webkit'] } },
    },
  },
  required: ['title'],
};

const title255: Schema = { type: 'string', maxLength: 255 };

export const schemas = {
  runCreate: runCreateSchema,
  runPublic: { type: 'object', properties: { status: { type: 'boolean' } }, required: ['status'] },
  runExternalIssue: {
    type: 'object',
    properties: {
      type: { type: 'string', enum: ['jira-cloud', 'jira-server'] },
      links: {
        type: 'array',
        items: { type: 'object', properties: { run_id: int64, external_issue: nullableString }, required: ['run_id'] },
      },
    },
    required: ['type', 'links'],
  },
  configurationCreate: {
    type: 'object',
    properties: { title: title255, group_id: { type: 'integer' } },
    required: ['title', 'group_id'],
  },
  configurationGroupCreate: { type: 'object', properties: { title: title255 }, required: ['title'] },
  faults: {
    type: 'object',
    properties: {
      errorRate: {
        type: 'object',
        properties: {
          probability: { type: 'number', minimum: 0, maximum: 1 },
          statuses: { type: 'array', items: { type: 'integer', minimum: 100, maximum: 599 } },
        },
        required: ['probability', 'statuses'],
      },
      latencyMs: { type: 'integer', minimum: 0 },
      dropAfterCommit: { type: 'number', minimum: 0, maximum: 1 },
      storageFull: { type: 'boolean' },
      failNext: {
        type: 'array',
        items: {
          type: 'object',
          properties: {
            count: { type: 'integer', minimum: 1 },
            status: { type: 'integer', minimum: 100, maximum: 599 },
            headers: { type: 'object', values: string },
            match: { type: 'object', properties: { method: string, path: string } },
          },
          required: ['count', 'status'],
        },
      },
      dropNext: {
        type: 'array',
        items: {
          type: 'object',
          properties: {
            count: { type: 'integer', minimum: 1 },
            match: { type: 'object', properties: { method: string, path: string } },
          },
          required: ['count'],
        },
      },
    },
  },
  limits: {
    type: 'object',
    properties: {
      resultsPerRequest: positiveId,
      errorContextChars: { type: 'integer', minimum: 0 },
      bodyBytes: positiveId,
      requestsPerMinute: positiveId,
      rateWindowMs: positiveId,
      attachment: {
        type: 'object',
        properties: { fileBytes: positiveId, requestBytes: positiveId, filesPerRequest: positiveId },
      },
    },
  },
} satisfies Record<string, Schema>;

/** Validates `value` against `schema`, adding messages under `path` (empty for the body itself). */
export function validate(value: unknown, schema: Schema, path = '', errors: FieldErrors = {}): FieldErrors {
  const add = (message: string) => addError(errors, path, message);
  if (value === null && schema.nullable) return errors;
  switch (schema.type) {
    case 'string':
      if (typeof value !== 'string') add('The :attribute field must be a string.');
      else if (schema.maxLength !== undefined && codePoints(value) > schema.maxLength) {
        add(`The :attribute field must not be greater than ${schema.maxLength} characters.`);
      } else if (schema.enum !== undefined && !schema.enum.includes(value)) add('The selected :attribute is invalid.');
      else if (schema.dateTime && parseDateTime(value) === undefined) {
        add('The :attribute field must match the format Y-m-d H:i:s.');
      }
      return errors;
    case 'integer':
    case 'number':
      if (typeof value !== 'number' || !Number.isFinite(value)) add(`The :attribute field must be ${schema.type === 'integer' ? 'an integer' : 'a number'}.`);
      else if (schema.type === 'integer' && !Number.isInteger(value)) add('The :attribute field must be an integer.');
      else if (schema.minimum !== undefined && value < schema.minimum) add(`The :attribute field must be at least ${schema.minimum}.`);
      else if (schema.maximum !== undefined && value > schema.maximum) {
        add(`The :attribute field must not be greater than ${schema.maximum}.`);
      }
      return errors;
    case 'boolean':
      if (typeof value !== 'boolean') add('The :attribute field must be true or false.');
      return errors;
    case 'array':
      if (!Array.isArray(value)) add('The :attribute field must be an array.');
      else value.forEach((item, index) => validate(item, schema.items, join(path, String(index)), errors));
      return errors;
    case 'object': {
      if (!isObject(value)) {
        if (path === '') addError(errors, 'body', 'The request body must be a JSON object.');
        else add('The :attribute field must be an object.');
        return errors;
      }
      for (const key of schema.required ?? []) {
        if (isMissing(value[key])) addError(errors, join(path, key), 'The :attribute field is required.');
      }
      for (const [key, item] of Object.entries(value)) {
        const itemSchema = schema.properties?.[key] ?? schema.values;
        // A missing required field has its message already; a field with no schema is ignored.
        if (itemSchema === undefined || (schema.required?.includes(key) && isMissing(item))) continue;
        validate(item, itemSchema, join(path, key), errors);
      }
      return errors;
    }
  }
}

/** The Laravel response body: the first message, with how many more there are. */
export function laravelMessage(errors: FieldErrors): string {
  const messages = Object.values(errors).flat();
  const more = messages.length - 1;
  if (more <= 0) return messages[0] ?? 'The given data was invalid.';
  return `${messages[0]} (and ${more} more ${more === 1 ? 'error' : 'errors'})`;
}

/** `YYYY-MM-DD HH:MM:SS` in UTC → Unix seconds; undefined for anything else, impossible dates included. */
export function parseDateTime(text: string): number | undefined {
  const match = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})$/.exec(text);
  if (match === null) return undefined;
  const [year, month, day, hour, minute, second] = match.slice(1).map(Number);
  const ms = Date.UTC(year, month - 1, day, hour, minute, second);
  const date = new Date(ms);
  if (date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day || hour > 23 || minute > 59 || second > 59) {
    return undefined;
  }
  return ms / 1000;
}

export interface ResultSchemas {
  v2: Schema;
  v1: Schema;
}

/** Built once per emulator: the accepted statuses are the standard ones plus the workspace's custom ones. */
export function createResultSchemas(customStatuses: readonly string[]): ResultSchemas {
  const statuses = [...resultStatuses, ...customStatuses];
  return { v2: v2ResultSchema(statuses), v1: v1ResultSchema(statuses) };
}

/** Validates a v2 result, then (when it is otherwise valid) that it does not start before its run. */
export function validateV2Result(
  result: unknown,
  schema: Schema,
  runStartSeconds: number,
  path: string,
  errors: FieldErrors,
): void {
  const before = Object.keys(errors).length;
  validate(result, schema, path, errors);
  if (Object.keys(errors).length > before || !isObject(result) || !isObject(result.execution)) return;
  for (const key of ['start_time', 'end_time']) {
    const time = result.execution[key];
    if (typeof time === 'number' && time < runStartSeconds) {
      addError(errors, join(path, `execution.${key}`), `The :attribute must be at least ${runStartSeconds}.`);
    }
  }
}

export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Laravel's `required`: absent, null, a blank string or an empty array. */
function isMissing(value: unknown): boolean {
  return value === undefined || value === null || (typeof value === 'string' && value.trim() === '') ||
    (Array.isArray(value) && value.length === 0);
}

// PHP's mb_strlen counts code points; String#length counts UTF-16 units.
export function codePoints(text: string): number {
  let count = 0;
  for (let i = 0; i < text.length; i += 1) {
    const unit = text.charCodeAt(i);
    if (unit < 0xd800 || unit > 0xdbff) count += 1;
  }
  return count;
}

function join(path: string, key: string): string {
  return path === '' ? key : `${path}.${key}`;
}

// Laravel names a field by its path with underscores as spaces: "The execution.start time must be …".
function addError(errors: FieldErrors, path: string, message: string): void {
  const text = message.replace(':attribute', path.replaceAll('_', ' '));
  (errors[path] ??= []).push(text);
}
