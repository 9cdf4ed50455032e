// Validators built from the published Qase Report schemas (qase-tms/specs, in ../shared/qase-report beside the
// repository). Tests that need them skip, and say so, where that folder is absent.
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import Ajv, { type ValidateFunction } from 'ajv';
import { parse } from 'yaml';

export const REPORT_SPEC = resolve(__dirname, '../../../shared/qase-report');
export const HAS_REPORT_SPEC = existsSync(join(REPORT_SPEC, 'schemas/result.yaml'));

/**
 * Validators for `run.json` and for one result file. `strict` adds `additionalProperties: false` to every object
 * the schemas describe, so a field the format does not have fails too.
 */
export function reportSchemas(strict: boolean): { run: ValidateFunction; result: ValidateFunction } {
  const ajv = new Ajv({ allErrors: true, strict: false });
  const tighten = (schema: Record<string, unknown>): void => {
    if (schema.properties && schema.additionalProperties === undefined) schema.additionalProperties = false;
    for (const value of Object.values(schema)) if (typeof value === 'object' && value !== null) tighten(value as Record<string, unknown>);
  };
  for (const file of ['models/attachment.yaml', 'models/step.yaml', 'result.yaml', 'root.yaml']) {
    const schema = parse(readFileSync(join(REPORT_SPEC, 'schemas', file), 'utf8')) as Record<string, unknown>;
    if (strict) tighten(schema);
    // Relative `$ref`s (./models/step.yaml) resolve against these ids as they do against the files.
    ajv.addSchema({ ...schema, $id: `https://qase.io/report/${file}` });
  }
  return { run: ajv.getSchema('https://qase.io/report/root.yaml')!, result: ajv.getSchema('https://qase.io/report/result.yaml')! };
}
