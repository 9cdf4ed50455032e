export type { Attachment, Status, Step, StepStatus, TestError, TestResult, TestResultInit } from './model';
export { createTestResult } from './model';
export type { Config, ConfigurationValue, Mode } from './config';
export { ApiError, ConfigError } from './errors';
export type { Collector, CollectorContext, RunStart, UploadSummary } from './collector';
export { parseCaseIds, withCaseIds } from './title';
export type { TestMetadata } from './metadata';
export { applyMetadata } from './metadata';
