// What a folder of results may hold. Outboxes and dry-run folders are CI artifacts, passed between jobs and possibly
// made by a pull request, so everything read from one is checked here before it is used: a run id that is not a
// number would be pasted into a request path, a plan field of the wrong type would crash run creation.
import { ConfigError } from './errors';
import type { RunPlan } from './run';

/**
 * What a folder of results is for: enough to send it later from another process (`qase-reporters upload`).
 * Never holds the token.
 */
export interface Manifest {
  version: 1;
  project: string | undefined;
  framework: string;
  createdAt: string;
  run: {
    /** Known once the run exists; until then `create` says how to create it. */
    id?: number;
    create?: RunPlan;
    /** Complete the run once everything in the folder is delivered. */
    complete: boolean;
  };
}

type Schema =
  | { type: 'string'; nullable?: boolean; pattern?: RegExp; enum?: readonly string[] }
  | { type: 'number' | 'id' | 'integer'; nullable?: boolean }
  | { type: 'boolean'; nullable?: boolean }
  | { type: 'array'; nullable?: boolean; items: Schema }
  | { type: 'object'; nullable?: boolean; properties?: Record<string, Schema>; required?: readonly string[]; values?: Schema };

const string: Schema = { type: 'string' };
const text: Schema = { type: 'string', nullable: true };
const strings: Schema = { type: 'array', items: string };
const seconds: Schema = { type: 'number', nullable: true };

const step: Schema & { type: 'object'; properties: Record<string, Schema> } = {
  type: 'object',
  properties: {
    data: { type: 'object', properties: { action: string, expected_result: string, input_data: string }, required: ['action'] },
    execution: {
      type: 'object',
      properties: { status: string, start_time: seconds, end_time: seconds, duration: seconds, comment: string, attachments: strings },
      required: ['status'],
    },
  },
  required: ['data', 'execution'],
};
step.properties.steps = { type: 'array', items: step };

/** v2 `ResultCreate` as we send it (api-types.ts), with the id the API uses to store a resent result once. */
const result: Schema = {
  type: 'object',
  properties: {
    id: { type: 'string', pattern: /^[\w-]{1,64}$/ },
    title: string,
    signature: string,
    testops_ids: { type: 'array', nullable: true, items: { type: 'id' } },
    execution: {
      type: 'object',
      properties: {
        status: { type: 'string', pattern: /^[\w-]{1,64}$/ },
        start_time: seconds,
        end_time: seconds,
        duration: seconds,
        stacktrace: text,
        error_context: text,
        thread: text,
      },
      required: ['status'],
    },
    fields: { type: 'object', values: string },
    attachments: strings,
    steps: { type: 'array', items: step },
    params: { type: 'object', values: string },
    param_groups: { type: 'array', nullable: true, items: strings },
    relations: {
      type: 'object',
      nullable: true,
      properties: {
        suite: {
          type: 'object',
          properties: { data: { type: 'array', items: { type: 'object', properties: { title: string }, required: ['title'] } } },
          required: ['data'],
        },
      },
    },
    message: text,
    defect: { type: 'boolean' },
  },
  required: ['id', 'title', 'execution'],
};

const manifest: Schema = {
  type: 'object',
  properties: {
    version: { type: 'integer' },
    // The code goes into request paths; config.ts allows the same.
    project: { type: 'string', pattern: /^[A-Za-z0-9]{2,10}$/ },
    framework: string,
    createdAt: string,
    run: {
      type: 'object',
      properties: {
        id: { type: 'id' },
        complete: { type: 'boolean' },
        create: {
          type: 'object',
          properties: {
            title: string,
            description: string,
            environment: string,
            planId: { type: 'id' },
            tags: strings,
            configurations: { type: 'array', items: { type: 'object', properties: { name: string, value: string }, required: ['name', 'value'] } },
            createConfigurations: { type: 'boolean' },
            externalLink: { type: 'object', properties: { type: { type: 'string', enum: ['jiraCloud', 'jiraServer'] }, link: string }, required: ['type', 'link'] },
            startTime: { type: 'string', pattern: /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/ },
          },
          required: ['title', 'tags', 'configurations', 'createConfigurations', 'startTime'],
        },
      },
      required: ['complete'],
    },
  },
  required: ['version', 'framework', 'createdAt', 'run'],
};

/** The manifest, checked; a ConfigError names the first field that is wrong. */
export function checkManifest(value: unknown): Manifest {
  const problem = problemOf(value, manifest, '');
  if (problem === undefined && (value as Manifest).version !== 1) {
    return fail(`version is ${shown((value as Manifest).version)}; this version of qase-reporters reads version 1. Update @qase-reporters/cli.`);
  }
  return problem === undefined ? (value as Manifest) : fail(problem);
}

function fail(problem: string): never {
  throw new ConfigError(`manifest.json is not one a qase-reporters reporter wrote (${problem}), so nothing in the folder was ` +
    'sent. Upload only folders your own CI jobs wrote.');
}

/** Why a line of a segment or a dry-run request is not a result we could have written, or undefined when it is. */
export function resultProblem(value: unknown): string | undefined {
  return problemOf(value, result, '');
}

function problemOf(value: unknown, schema: Schema, path: string): string | undefined {
  const at = path || 'the value';
  if (value === null && schema.nullable) return undefined;
  switch (schema.type) {
    case 'string':
      if (typeof value !== 'string') return `${at} is ${shown(value)}, not text`;
      if (schema.pattern && !schema.pattern.test(value)) return `${at} is ${shown(value)}, which is not of the right form`;
      if (schema.enum && !schema.enum.includes(value)) return `${at} is ${shown(value)}; it must be ${schema.enum.join(' or ')}`;
      return undefined;
    case 'number':
      return typeof value === 'number' && Number.isFinite(value) ? undefined : `${at} is ${shown(value)}, not a number`;
    case 'integer':
      return Number.isSafeInteger(value) ? undefined : `${at} is ${shown(value)}, not a whole number`;
    case 'id':
      return Number.isSafeInteger(value) && (value as number) >= 1 ? undefined : `${at} is ${shown(value)}, not a positive whole number`;
    case 'boolean':
      return typeof value === 'boolean' ? undefined : `${at} is ${shown(value)}, not true or false`;
    case 'array': {
      if (!Array.isArray(value)) return `${at} is ${shown(value)}, not a list`;
      for (const [i, item] of value.entries()) {
        const problem = problemOf(item, schema.items, `${path}[${i}]`);
        if (problem !== undefined) return problem;
      }
      return undefined;
    }
    case 'object': {
      if (typeof value !== 'object' || value === null || Array.isArray(value)) return `${at} is ${shown(value)}, not an object`;
      const record = value as Record<string, unknown>;
      for (const key of schema.required ?? []) {
        if (record[key] === undefined) return `${path ? `${path}.` : ''}${key} is missing`;
      }
      for (const [key, item] of Object.entries(record)) {
        const inner = schema.properties?.[key] ?? schema.values;
        const problem = inner && problemOf(item, inner, path ? `${path}.${key}` : key);
        if (problem !== undefined) return problem;
      }
      return undefined;
    }
  }
}

function shown(value: unknown): string {
  const json = JSON.stringify(value) ?? String(value);
  return json.length > 60 ? `${json.slice(0, 57)}...` : json;
}
