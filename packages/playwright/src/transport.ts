// The per-test API runs in Playwright's worker processes; the reporter runs in the runner, or for merge-reports in
// another process on another day. So everything a test says about itself travels inside its own result, which
// Playwright carries to reporters and through blob reports:
// - `qase.*` metadata: attachments of METADATA_CONTENT_TYPE holding one JSON MetadataMessage each; the reporter
//   folds them in order and never uploads them.
// - `qase.step` expected result and data: annotations on the step.
// - `qase.attach`: ordinary attachments, so Playwright's own reports show them too.
// - the network profiler's steps (fixture.ts): one attachment of REQUEST_STEPS_CONTENT_TYPE holding the JSON steps.
//   Its options reach the workers through core (handNetworkOptionsToWorkers), before Playwright starts them.
import type { TestMetadata } from '@qase-reporters/core/test-api';

export const METADATA_CONTENT_TYPE = 'application/vnd.qase.metadata+json';
export const REQUEST_STEPS_CONTENT_TYPE = 'application/vnd.qase.request-steps+json';
export const EXPECTED_RESULT_ANNOTATION = 'QaseExpectedResult';
export const DATA_ANNOTATION = 'QaseData';
/** The annotation the official reporter reads case ids from: `{ type: 'QaseID', description: '12,13' }`. */
export const CASE_ID_ANNOTATION = 'qaseid';
/** The annotation the official reporter reads case ids per project from: `{ type: 'QaseProjects', description: '{"PROJ1":[1,2]}' }`. */
export const PROJECTS_ANNOTATION = 'qaseprojects';
/** The annotation the official reporter reads a suite from: `{ type: 'QaseSuite', description: 'Auth\tLogin' }`. */
export const SUITE_ANNOTATION = 'qasesuite';

/** What one `qase.*` call sends. */
export type MetadataMessage = Omit<TestMetadata, 'attachments' | 'steps'> | StepMessage;

/**
 * Before Playwright 1.51 a step has no annotations, and before 1.50 no attachments. There a `qase.step` sends its
 * expected result and data, and the index in the attempt's attachments of each file `qase.attach` made inside it, as
 * messages of their own. The step is named by its title and by how many `qase.step`s of that title the attempt
 * started before it; the reporter counts the attempt's `test.step`s alike.
 */
export interface StepMessage {
  step: StepKey & { expectedResult?: string; data?: string; attachments?: number[] };
}

export interface StepKey {
  title: string;
  occurrence: number;
}
