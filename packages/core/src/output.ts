import { appendFileSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { isoTime } from './clock';

/** Every line the reporter prints goes through here: one prefix, secrets masked, each distinct error once. */
export interface Output {
  info(line: string): void;
  warn(line: string): void;
  /** Printed only with `debug` on. */
  debug(line: string): void;
  /** Printed the first time this exact line is seen; a failing batch repeats, the message should not. */
  errorOnce(line: string): void;
}

export interface OutputOptions {
  console: boolean;
  debug: boolean;
  /** Also append every line to this file. */
  logFile?: string;
  /** Values that must never be printed (the API token). */
  secrets: readonly (string | undefined)[];
  /** Where console lines go; stderr by default. */
  write?: (text: string) => void;
}

// stderr, not stdout: `jest --json` and Playwright's json reporter print their report on stdout.
const toStderr = (text: string) => void process.stderr.write(text);

export function createOutput(options: OutputOptions): Output {
  const secrets = options.secrets.filter((s): s is string => typeof s === 'string' && s.length > 0);
  const write = options.write ?? toStderr;
  const seen = new Set<string>();
  let logFile = options.logFile;
  // The log file is an extra: one that cannot be written (a read-only folder, a file named `logs`) is said once and
  // dropped. A throw here would reach the test run, from an adapter's constructor or from any line printed.
  const logToFile = (append: (path: string) => void): void => {
    if (logFile === undefined) return;
    try {
      append(logFile);
    } catch (error) {
      write(`qase: could not write the log file ${logFile} (${(error as NodeJS.ErrnoException).code ?? String(error)}); ` +
        'lines go to the console only.\n');
      logFile = undefined;
    }
  };
  logToFile((path) => mkdirSync(dirname(path), { recursive: true }));

  function emit(level: string, line: string): void {
    const text = mask(line, secrets);
    if (options.console) write(`qase: ${text}\n`);
    logToFile((path) => appendFileSync(path, `${isoTime()} ${level} ${text}\n`));
  }

  return {
    info: (line) => emit('info', line),
    warn: (line) => emit('warn', line),
    debug: (line) => {
      if (options.debug) emit('debug', line);
    },
    errorOnce: (line) => {
      if (seen.has(line)) return;
      seen.add(line);
      emit('error', line);
    },
  };
}

export function mask(text: string, secrets: readonly string[]): string {
  let masked = text;
  for (const secret of secrets) masked = masked.split(secret).join('***');
  return masked;
}
