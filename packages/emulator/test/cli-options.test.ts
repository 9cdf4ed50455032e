import { describe, expect, it } from 'vitest';
import { parseOptions, UsageError } from '../src/cli-options';

describe('parseOptions', () => {
  it('gives only the limits and faults sections when nothing is set', () => {
    expect(parseOptions([], {})).toEqual({ limits: {}, faults: {} });
  });

  it('reads every flag', () => {
    const argv = [
      '--port', '0', '--https', '--token', 'T', '--project', 'DEMO', '--project', 'WEB', '--seed', '42',
      '--error-rate', '0.15', '--latency-ms', '50', '--drop-after-commit', '0.05', '--storage-full',
      '--results-per-request', '25', '--rate-limit', '200',
    ];
    expect(parseOptions(argv, {})).toEqual({
      port: 0,
      https: true,
      token: 'T',
      projects: ['DEMO', 'WEB'],
      seed: 42,
      limits: { resultsPerRequest: 25, requestsPerMinute: 200 },
      faults: {
        errorRate: { probability: 0.15, statuses: [500, 502, 503] },
        latencyMs: 50,
        dropAfterCommit: 0.05,
        storageFull: true,
      },
    });
  });

  it('reads the same from QASE_EMULATOR_* variables, and a flag wins over its variable', () => {
    const env = {
      QASE_EMULATOR_PORT: '4010',
      QASE_EMULATOR_HTTPS: 'true',
      QASE_EMULATOR_TOKEN: 'from-env',
      QASE_EMULATOR_PROJECT: 'DEMO, WEB',
      QASE_EMULATOR_SEED: '7',
      QASE_EMULATOR_ERROR_RATE: '0.5',
      QASE_EMULATOR_LATENCY_MS: '10',
      QASE_EMULATOR_DROP_AFTER_COMMIT: '1',
      QASE_EMULATOR_STORAGE_FULL: 'false',
      QASE_EMULATOR_RESULTS_PER_REQUEST: '3',
      QASE_EMULATOR_RATE_LIMIT: '9',
    };
    expect(parseOptions(['--token', 'from-flag'], env)).toEqual({
      port: 4010,
      https: true,
      token: 'from-flag',
      projects: ['DEMO', 'WEB'],
      seed: 7,
      limits: { resultsPerRequest: 3, requestsPerMinute: 9 },
      faults: { errorRate: { probability: 0.5, statuses: [500, 502, 503] }, latencyMs: 10, dropAfterCommit: 1, storageFull: false },
    });
  });

  it('answers help', () => {
    expect(parseOptions(['--help'], {})).toBe('help');
  });

  it.each([
    { argv: ['--prot', '1'], env: {}, message: "Unknown option '--prot'." },
    { argv: ['extra'], env: {}, message: "Unexpected argument 'extra'." },
    { argv: ['--port'], env: {}, message: "Option '--port <value>' argument missing." },
    { argv: ['--port', '70000'], env: {}, message: '--port must be an integer from 0 to 65535, got "70000".' },
    { argv: ['--error-rate', '15%'], env: {}, message: '--error-rate must be a number from 0 to 1, got "15%".' },
    { argv: ['--drop-after-commit', '1.5'], env: {}, message: '--drop-after-commit must be a number from 0 to 1, got "1.5".' },
    { argv: ['--results-per-request', '0'], env: {}, message: '--results-per-request must be an integer from 1 up, got "0".' },
    { argv: [], env: { QASE_EMULATOR_LATENCY_MS: 'fast' }, message: 'QASE_EMULATOR_LATENCY_MS must be an integer from 0 up, got "fast".' },
    { argv: [], env: { QASE_EMULATOR_HTTPS: 'yes' }, message: 'QASE_EMULATOR_HTTPS must be true or false, got "yes".' },
    { argv: [], env: { QASE_EMULATOR_PROJECT: ',' }, message: 'QASE_EMULATOR_PROJECT must name a project code, e.g. DEMO.' },
    { argv: ['--project', ' '], env: {}, message: '--project must name a project code, e.g. DEMO.' },
    { argv: ['--token', ''], env: {}, message: '--token must not be empty.' },
  ])('refuses $argv $env: $message', ({ argv, env, message }) => {
    expect(() => parseOptions(argv, env)).toThrow(new UsageError(message));
  });
});
