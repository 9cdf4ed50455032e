// What a folder of results may hold. Outboxes and dry-run folders are CI artifacts, passed between jobs and possibly
// made by a pull request, so everything read from one is checked here before it is used: a run id that is not a
// number would be pasted into a request path, a plan field of the wrong type would crash run creation.
import { ConfigError } from './errors';
import type { RunPlan } from './run';
import { PROJECT_CODE } from './project-code';

/** A project's run as a folder records it. */
export interface ManifestRun {
  /** Known once the run exists; until then `create` says how to create it. */
  id?: number;
  create?: RunPlan;
  /** Complete the run once everything in the folder is delivered. */
  complete: boolean;
  /**
   * It was completed (its results all delivered) while other projects' results stayed in the folder: an upload
   * sends it nothing and does not complete it again.
   */
  completed?: boolean;
}

/**
 * What a folder of results is for: enough to send it later from another process (`qase-reporters upload`).
 * Never holds the token. Version 1 is a folder of one project, its segments (and a dry run's `requests/`) in the
 * folder itself; version 2 names several projects, each one's segments in `<code>/` and requests in `requests/<code>/`.
 */
export type Manifest = ManifestV1 | ManifestV2;

export interface ManifestV1 {
  version: 1;
  project: string | undefined;
  framework: string;
  createdAt: string;
  run: ManifestRun;
}

export interface ManifestV2 {
  version: 2;
  framework: string;
  createdAt: string;
  projects: { code: string; run: ManifestRun }[];
}

/** One project of a folder: its run, and the subfolder its segments and requests are in (`''`: the folder itself). */
export interface FolderProject {
  code: string | undefined;
  run: ManifestRun;
  subfolder: string;
}

/** Where a project's segments and requests go in a folder of `projects` projects: apart, once there are several. */
export function projectFolder(projects: number, code: string): string {
  return projects === 1 ? '' : code;
}

/** The folder's projects; a version 1 manifest written without a project (a report's) has one with no code. */
export function projectsOf(manifest: Manifest): FolderProject[] {
  if (manifest.version === 1) return [{ code: manifest.project, run: manifest.run, subfolder: '' }];
  return manifest.projects.map((p) => ({ code: p.code, run: p.run, subfolder: projectFolder(manifest.projects.length, p.code) }));
}

/** The manifest with the run of its `index`th project replaced. */
export function withRun(manifest: Manifest, index: number, run: ManifestRun): Manifest {
  if (manifest.version === 1) return { ...manifest, run };
  return { ...manifest, projects: manifest.projects.map((p, i) => (i === index ? { ...p, run } : p)) };
}

/**
 * The manifest recording these projects' runs: version 1 for one project, so folders of one project read as
 * before (a dry run without a project has the code '').
 */
export function toManifest(about: { framework: string; createdAt: string }, projects: readonly { code: string; run: ManifestRun }[]): Manifest {
  if (projects.length === 1) return { version: 1, project: projects[0]!.code || undefined, ...about, run: projects[0]!.run };
  return { version: 2, ...about, projects: projects.map((p) => ({ code: p.code, run: p.run })) };
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

const code: Schema = { type: 'string', pattern: PROJECT_CODE };

const run: Schema = {
  type: 'object',
  properties: {
    id: { type: 'id' },
    complete: { type: 'boolean' },
    completed: { type: 'boolean' },
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
};

const manifestV1: Schema = {
  type: 'object',
  properties: { version: { type: 'integer' }, project: code, framework: string, createdAt: string, run },
  required: ['version', 'framework', 'createdAt', 'run'],
};

const manifestV2: Schema = {
  type: 'object',
  properties: {
    version: { type: 'integer' },
    framework: string,
    createdAt: string,
    projects: { type: 'array', items: { type: 'object', properties: { code, run }, required: ['code', 'run'] } },
  },
  required: ['version', 'framework', 'createdAt', 'projects'],
};

/** The manifest, checked; a ConfigError names the first field that is wrong. */
export function checkManifest(value: unknown): Manifest {
  const version = (value as Partial<Manifest> | null)?.version;
  const problem = problemOf(value, version === 2 ? manifestV2 : manifestV1, '');
  if (problem === undefined && version !== 1 && version !== 2) {
    return fail(`version is ${shown(version)}; this version of qase-reporters reads versions 1 and 2. Update @qase-reporters/cli.`);
  }
  if (problem === undefined && version === 2) {
    const codes = (value as ManifestV2).projects.map((p) => p.code);
    if (codes.length === 0 || new Set(codes).size < codes.length) return fail('projects must name each project once');
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
