import { parseArgs } from 'node:util';
import type { EmulatorOptions } from './options';

export const usage = `Usage: qase-reporters-emulator [options]

A local Qase TestOps API (v1 and v2 endpoints a reporter uses) on 127.0.0.1. Prints one line, the URL
(followed by the certificate path with --https), then serves until SIGINT or SIGTERM.
GET <url>/__emulator/state shows what was stored; POST <url>/__emulator/faults and /__emulator/limits
change its behaviour while it runs.

Options (each also read from the environment variable shown; a flag wins):
  --port <n>                  port to listen on, 0 for a free one        QASE_EMULATOR_PORT (default 0)
  --https                     HTTPS with a self-signed certificate       QASE_EMULATOR_HTTPS=true
  --token <token>             the token the API accepts                  QASE_EMULATOR_TOKEN (default emulator-token)
  --project <code>            a project that exists; repeat for more     QASE_EMULATOR_PROJECT (comma list, default DEMO)
  --seed <n>                  seed of the probabilistic faults           QASE_EMULATOR_SEED
  --error-rate <p>            share of requests answered 500/502/503     QASE_EMULATOR_ERROR_RATE
  --latency-ms <ms>           delay added to every answer                QASE_EMULATOR_LATENCY_MS
  --drop-after-commit <p>     share of stored results/attachments whose  QASE_EMULATOR_DROP_AFTER_COMMIT
                              connection is then dropped unanswered
  --storage-full              attachment uploads answer 507              QASE_EMULATOR_STORAGE_FULL=true
  --results-per-request <n>   more results in one request → 413          QASE_EMULATOR_RESULTS_PER_REQUEST (default 200)
  --rate-limit <n>            requests per minute per token → 429        QASE_EMULATOR_RATE_LIMIT (default 200)
  --help                      show this help
`;

const flags = {
  port: { type: 'string' },
  https: { type: 'boolean' },
  token: { type: 'string' },
  project: { type: 'string', multiple: true },
  seed: { type: 'string' },
  'error-rate': { type: 'string' },
  'latency-ms': { type: 'string' },
  'drop-after-commit': { type: 'string' },
  'storage-full': { type: 'boolean' },
  'results-per-request': { type: 'string' },
  'rate-limit': { type: 'string' },
  help: { type: 'boolean' },
} as const;

type Flag = keyof typeof flags;

/** A flag or variable the CLI cannot use: printed as one line, exit code 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/** Flags, else `QASE_EMULATOR_<FLAG>` → options. Throws UsageError naming the flag and the bad value. */
export function parseOptions(argv: readonly string[], env: NodeJS.ProcessEnv): EmulatorOptions | 'help' {
  let values: Partial<Record<Flag, string | boolean | string[]>>;
  try {
    ({ values } = parseArgs({ args: [...argv], options: flags, strict: true, allowPositionals: false }));
  } catch (error) {
    // Node's first sentence names the flag ("Unknown option '--prot'"); the rest is advice we replace.
    throw new UsageError(`${(error as Error).message.split(/\.( |$)|\n/)[0]}.`);
  }
  if (values.help === true) return 'help';
  // A flag wins over its variable; a message names whichever was used.
  const read = (flag: Flag): { text: string; name: string } | undefined => {
    const value = values[flag];
    if (Array.isArray(value)) return { text: value.join(','), name: `--${flag}` };
    if (value !== undefined) return { text: String(value), name: `--${flag}` };
    const name = `QASE_EMULATOR_${flag.replaceAll('-', '_').toUpperCase()}`;
    return env[name] === undefined ? undefined : { text: env[name], name };
  };
  const number = (flag: Flag, { min, max, integer }: { min: number; max?: number; integer: boolean }): number | undefined => {
    const given = read(flag);
    if (given === undefined) return undefined;
    const { text, name } = given;
    const value = Number(text);
    const kind = integer ? 'an integer' : 'a number';
    if (text.trim() === '' || !Number.isFinite(value) || (integer && !Number.isInteger(value)) || value < min || (max !== undefined && value > max)) {
      throw new UsageError(`${name} must be ${kind} from ${min}${max === undefined ? ' up' : ` to ${max}`}, got "${text}".`);
    }
    return value;
  };
  const boolean = (flag: Flag): boolean | undefined => {
    const given = read(flag);
    if (given === undefined) return undefined;
    if (given.text !== 'true' && given.text !== 'false') throw new UsageError(`${given.name} must be true or false, got "${given.text}".`);
    return given.text === 'true';
  };
  const probability = (flag: Flag) => number(flag, { min: 0, max: 1, integer: false });
  const count = (flag: Flag) => number(flag, { min: 1, integer: true });

  const errorRate = probability('error-rate');
  const faults: EmulatorOptions['faults'] = {
    ...(errorRate !== undefined && { errorRate: { probability: errorRate, statuses: [500, 502, 503] } }),
    ...defined('latencyMs', number('latency-ms', { min: 0, integer: true })),
    ...defined('dropAfterCommit', probability('drop-after-commit')),
    ...defined('storageFull', boolean('storage-full')),
  };
  const project = read('project');
  const projects = project?.text.split(',').map((code) => code.trim()).filter((code) => code !== '');
  if (projects?.length === 0) throw new UsageError(`${project?.name} must name a project code, e.g. DEMO.`);
  const token = read('token');
  if (token?.text.trim() === '') throw new UsageError(`${token.name} must not be empty.`);
  return {
    ...defined('port', number('port', { min: 0, max: 65_535, integer: true })),
    ...defined('https', boolean('https')),
    ...defined('token', token?.text),
    ...defined('projects', projects),
    ...defined('seed', number('seed', { min: 0, max: 2 ** 32 - 1, integer: true })),
    limits: {
      ...defined('resultsPerRequest', count('results-per-request')),
      ...defined('requestsPerMinute', count('rate-limit')),
    },
    faults,
  };
}

function defined<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };
}

