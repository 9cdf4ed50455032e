import type { ParseArgsConfig } from 'node:util';

/** Where the CLI reads its configuration and writes its output; `process` in the bin, literals in tests. */
export interface CliContext {
  env: Readonly<Record<string, string | undefined>>;
  cwd: string;
  stdout(text: string): void;
  stderr(text: string): void;
}

/** Parsed flags (`--title x` → `{ title: 'x' }`) and the arguments that are not flags. */
export interface CommandInput {
  values: Readonly<Record<string, string | boolean | undefined>>;
  positionals: readonly string[];
  /** The name of an argument taken after the required ones, if given: `migrate [dir]`. */
  optionalPositional?: string;
}

export interface Command {
  /** As typed: `run create`. */
  name: string;
  /** One line for the command list. */
  summary: string;
  /** `--help`: the usage line first. */
  help: string;
  options: NonNullable<ParseArgsConfig['options']>;
  /** Names of the arguments the command requires, in order. */
  positionals: readonly string[];
  /** The name of an argument taken after the required ones, if given: `migrate [dir]`. */
  optionalPositional?: string;
  /** Resolves with the exit code. Throws ConfigError, ApiError or UsageError for main to print. */
  run(input: CommandInput, context: CliContext): Promise<number>;
}

/** The command line was wrong: an unknown command or flag, a flag without its value, a value of the wrong form. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
  readonly code = 'CLI_USAGE';
}

export const EXIT_FAILURE = 1;
export const EXIT_USAGE = 2;

/** A flag's value that must be an id: a whole number of at least 1. */
export function idFlag(flag: string, value: string): number {
  const id = /^\d+$/.test(value) ? Number(value) : NaN;
  if (!Number.isSafeInteger(id) || id < 1) {
    throw new UsageError(`${flag} is "${value}"; it must be an id, a whole number like 12 (the number in its URL in Qase).`);
  }
  return id;
}
