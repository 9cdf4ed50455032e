import { describe, expect, it } from 'vitest';
import {
  codePoints,
  createResultSchemas,
  laravelMessage,
  parseDateTime,
  schemas,
  validate,
  validateV2Result,
  type FieldErrors,
} from '../src/validate';

const runStart = 1_800_000_000;
const resultSchemas = createResultSchemas(['retest']);

function v2Errors(result: unknown): FieldErrors {
  const errors: FieldErrors = {};
  validateV2Result(result, resultSchemas.v2, runStart, 'results.3', errors);
  return errors;
}

const valid = {
  id: 'a6b0e6a4-3c1e-4a43-9f0e-000000000001',
  title: 'logs in',
  signature: 'auth::logs in',
  testops_ids: [12, 13],
  execution: { status: 'failed', start_time: runStart + 0.25, end_time: runStart + 1.5, duration: 1250, stacktrace: null, error_context: 'ctx', thread: 'w1' },
  fields: { severity: 'major', tags: 'a,b' },
  attachments: ['hash'],
  steps: [{
    data: { action: 'open', expected_result: 'opened' },
    execution: { status: 'passed', start_time: runStart + 0.3, duration: 5 },
    steps: [{ data: { action: 'nested' }, execution: { status: 'in_progress' } }],
  }],
  params: { browser: 'chromium' },
  param_groups: [['browser']],
  relations: { suite: { data: [{ title: 'auth', public_id: null }] } },
  message: null,
  defect: false,
  unknown_field: { ignored: true },
};

describe('v2 ResultCreate', () => {
  it('accepts a result with every field, nested steps and an unknown field', () => {
    expect(v2Errors(valid)).toEqual({});
  });

  it.each([
    { rule: 'title required', result: { ...valid, title: undefined }, errors: { 'results.3.title': ['The results.3.title field is required.'] } },
    { rule: 'blank title', result: { ...valid, title: '  ' }, errors: { 'results.3.title': ['The results.3.title field is required.'] } },
    { rule: 'title type', result: { ...valid, title: 7 }, errors: { 'results.3.title': ['The results.3.title field must be a string.'] } },
    { rule: 'execution required', result: { ...valid, execution: undefined }, errors: { 'results.3.execution': ['The results.3.execution field is required.'] } },
    {
      rule: 'status required',
      result: { ...valid, execution: { start_time: runStart } },
      errors: { 'results.3.execution.status': ['The results.3.execution.status field is required.'] },
    },
    {
      rule: 'status outside the enum',
      result: { ...valid, execution: { status: 'passing' } },
      errors: { 'results.3.execution.status': ['The selected results.3.execution.status is invalid.'] },
    },
    {
      rule: 'start_time type',
      result: { ...valid, execution: { status: 'passed', start_time: '1800000000' } },
      errors: { 'results.3.execution.start_time': ['The results.3.execution.start time field must be a number.'] },
    },
    {
      rule: 'duration integer',
      result: { ...valid, execution: { status: 'passed', duration: 1.5 } },
      errors: { 'results.3.execution.duration': ['The results.3.execution.duration field must be an integer.'] },
    },
    {
      rule: 'start before the run',
      result: { ...valid, execution: { status: 'passed', start_time: runStart - 0.5 } },
      errors: { 'results.3.execution.start_time': [`The results.3.execution.start time must be at least ${runStart}.`] },
    },
    {
      rule: 'end before the run',
      result: { ...valid, execution: { status: 'passed', end_time: runStart - 10 } },
      errors: { 'results.3.execution.end_time': [`The results.3.execution.end time must be at least ${runStart}.`] },
    },
    {
      rule: 'non-numeric case id',
      result: { ...valid, testops_ids: [12, '13'] },
      errors: { 'results.3.testops_ids.1': ['The results.3.testops ids.1 field must be an integer.'] },
    },
    {
      rule: 'fractional case id',
      result: { ...valid, testops_id: 1.5 },
      errors: { 'results.3.testops_id': ['The results.3.testops id field must be an integer.'] },
    },
    {
      rule: 'params are strings',
      result: { ...valid, params: { retries: 2 } },
      errors: { 'results.3.params.retries': ['The results.3.params.retries field must be a string.'] },
    },
    {
      rule: 'fields are strings',
      result: { ...valid, fields: { is_flaky: true } },
      errors: { 'results.3.fields.is_flaky': ['The results.3.fields.is flaky field must be a string.'] },
    },
    {
      rule: 'param groups are lists of names',
      result: { ...valid, param_groups: ['browser'] },
      errors: { 'results.3.param_groups.0': ['The results.3.param groups.0 field must be an array.'] },
    },
    {
      rule: 'attachments are hashes',
      result: { ...valid, attachments: [{ path: 'a.png' }] },
      errors: { 'results.3.attachments.0': ['The results.3.attachments.0 field must be a string.'] },
    },
    {
      rule: 'defect is a boolean',
      result: { ...valid, defect: 'yes' },
      errors: { 'results.3.defect': ['The results.3.defect field must be true or false.'] },
    },
    {
      rule: 'null where the spec does not allow it',
      result: { ...valid, signature: null },
      errors: { 'results.3.signature': ['The results.3.signature field must be a string.'] },
    },
    {
      rule: 'suite item needs a title',
      result: { ...valid, relations: { suite: { data: [{ public_id: 3 }] } } },
      errors: { 'results.3.relations.suite.data.0.title': ['The results.3.relations.suite.data.0.title field is required.'] },
    },
    {
      rule: 'step status outside the step enum',
      result: { ...valid, steps: [{ data: { action: 'a' }, execution: { status: 'invalid' } }] },
      errors: { 'results.3.steps.0.execution.status': ['The selected results.3.steps.0.execution.status is invalid.'] },
    },
    {
      rule: 'nested step checked like its parent',
      result: { ...valid, steps: [{ data: { action: 'a' }, execution: { status: 'passed' }, steps: [{ data: {}, execution: { status: 'passed' } }] }] },
      errors: { 'results.3.steps.0.steps.0.data.action': ['The results.3.steps.0.steps.0.data.action field is required.'] },
    },
    {
      rule: 'steps_type enum',
      result: { ...valid, steps_type: 'bdd' },
      errors: { 'results.3.steps_type': ['The selected results.3.steps type is invalid.'] },
    },
  ])('refuses $rule', ({ result, errors }) => {
    expect(v2Errors(result)).toEqual(errors);
  });

  it.each(['passed', 'failed', 'blocked', 'skipped', 'invalid', 'retest'])('accepts status %s (custom statuses included)', (status) => {
    expect(v2Errors({ title: 't', execution: { status } })).toEqual({});
  });

  it('reports every field of every result, in order', () => {
    const errors: FieldErrors = {};
    validateV2Result({ title: 't', execution: { status: 'passed' } }, resultSchemas.v2, runStart, 'results.0', errors);
    validateV2Result({ execution: {} }, resultSchemas.v2, runStart, 'results.1', errors);
    validateV2Result('text', resultSchemas.v2, runStart, 'results.2', errors);
    expect(Object.keys(errors)).toEqual(['results.1.title', 'results.1.execution.status', 'results.2']);
  });
});

describe('v1 bodies', () => {
  it.each([
    { rule: 'run title required', schema: schemas.runCreate, body: {}, errors: { title: ['The title field is required.'] } },
    {
      rule: 'run title ≤ 255',
      schema: schemas.runCreate,
      body: { title: 'x'.repeat(256) },
      errors: { title: ['The title field must not be greater than 255 characters.'] },
    },
    {
      rule: 'run description ≤ 10,000',
      schema: schemas.runCreate,
      body: { title: 't', description: 'x'.repeat(10_001) },
      errors: { description: ['The description field must not be greater than 10000 characters.'] },
    },
    {
      rule: 'run start_time format',
      schema: schemas.runCreate,
      body: { title: 't', start_time: '2026-08-20T12:00:00Z' },
      errors: { start_time: ['The start time field must match the format Y-m-d H:i:s.'] },
    },
    {
      rule: 'run plan id ≥ 1',
      schema: schemas.runCreate,
      body: { title: 't', plan_id: 0 },
      errors: { plan_id: ['The plan id field must be at least 1.'] },
    },
    {
      rule: 'run tags are strings',
      schema: schemas.runCreate,
      body: { title: 't', tags: [1] },
      errors: { 'tags.0': ['The tags.0 field must be a string.'] },
    },
    { rule: 'a body that is not an object', schema: schemas.runCreate, body: [], errors: { body: ['The request body must be a JSON object.'] } },
    {
      rule: 'v1 result status',
      schema: resultSchemas.v1,
      body: { case_id: 3, status: 'ok' },
      errors: { status: ['The selected status is invalid.'] },
    },
    {
      rule: 'v1 result time ≤ a year',
      schema: resultSchemas.v1,
      body: { status: 'passed', time: 31_536_001 },
      errors: { time: ['The time field must not be greater than 31536000.'] },
    },
    {
      rule: 'v1 step status (no skipped in v1)',
      schema: resultSchemas.v1,
      body: { status: 'passed', steps: [{ status: 'skipped' }] },
      errors: { 'steps.0.status': ['The selected steps.0.status is invalid.'] },
    },
    {
      rule: 'configuration needs a group',
      schema: schemas.configurationCreate,
      body: { title: 'Firefox' },
      errors: { group_id: ['The group id field is required.'] },
    },
  ])('refuses $rule', ({ schema, body, errors }) => {
    expect(validate(body, schema)).toEqual(errors);
  });
});

describe('laravelMessage', () => {
  it.each<{ errors: FieldErrors; message: string }>([
    { errors: { a: ['First.'] }, message: 'First.' },
    { errors: { a: ['First.'], b: ['Second.'] }, message: 'First. (and 1 more error)' },
    { errors: { a: ['First.', 'Second.'], b: ['Third.'] }, message: 'First. (and 2 more errors)' },
  ])('$message', ({ errors, message }) => {
    expect(laravelMessage(errors)).toBe(message);
  });
});

describe('parseDateTime', () => {
  it.each([
    { text: '2026-08-20 12:00:00', seconds: Date.UTC(2026, 7, 20, 12) / 1000 },
    { text: '2026-02-30 12:00:00', seconds: undefined },
    { text: '2026-08-20 24:00:00', seconds: undefined },
    { text: '2026-08-20 12:00', seconds: undefined },
  ])('$text → $seconds', ({ text, seconds }) => {
    expect(parseDateTime(text)).toBe(seconds);
  });
});

describe('codePoints', () => {
  it('counts characters the way PHP mb_strlen does', () => {
    expect(codePoints('a😀b')).toBe(3);
    expect('a😀b'.length).toBe(4);
  });
});
