#!/usr/bin/env node
import { parseOptions, usage, UsageError } from './cli-options';
import { startEmulator, type EmulatorOptions } from './index';

async function main(): Promise<void> {
  let options: EmulatorOptions | 'help';
  try {
    options = parseOptions(process.argv.slice(2), process.env);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    process.stderr.write(`qase-reporters-emulator: ${error.message} Run with --help to see the options.\n`);
    process.exitCode = 2;
    return;
  }
  if (options === 'help') {
    process.stdout.write(usage);
    return;
  }
  const emulator = await startEmulator(options);
  process.stdout.write(`${[emulator.url, emulator.certPath].filter((part) => part !== undefined).join(' ')}\n`);
  const stop = () => {
    void emulator.close().then(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((error: unknown) => {
  process.stderr.write(`qase-reporters-emulator: could not start: ${(error as Error).message}\n`);
  process.exitCode = 1;
});
