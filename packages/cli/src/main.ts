import { parseArgs } from 'node:util';
import { ApiError, ConfigError, mask } from '@qase-reporters/core';
import { EXIT_FAILURE, EXIT_USAGE, UsageError, type Command, type CliContext, type CommandInput } from './command';
import { doctor } from './doctor';
import { migrate } from './migrate/command';
import { runCompleteCommand, runCreateCommand } from './run';
import { upload } from './upload';

const COMMANDS: readonly Command[] = [runCreateCommand, runCompleteCommand, upload, doctor, migrate];

const HELP = `qase-reporters: create and complete Qase runs for sharded CI, send results left on disk, and switch a
project from the official reporters.

Usage: qase-reporters <command> [options]

Commands:
${COMMANDS.map((c) => `  ${usage(c).padEnd(17)}${c.summary}`).join('\n')}

The configuration is the reporters': QASE_* variables, then qase.config.json in the working directory; a
command's flags override both. Run qase-reporters <command> --help for its options.
Exit codes: 0 done, 1 failed (the message says why), 2 wrong command line.
`;

/** Runs one command line; resolves with the exit code and never rejects. */
export async function main(argv: readonly string[], context: CliContext): Promise<number> {
  const fail = (message: string, code: number): number => {
    context.stderr(`qase: ${mask(message, [context.env.QASE_TESTOPS_API_TOKEN ?? ''].filter(Boolean))}\n`);
    return code;
  };
  try {
    const [first, second] = argv;
    if (first === '--help' || first === '-h' || (first === 'run' && (second === '--help' || second === '-h'))) {
      context.stdout(HELP);
      return 0;
    }
    const command = COMMANDS.find((c) => c.name === first || c.name === `${first} ${second}`);
    if (!command) throw new UsageError(unknownCommand(first, second));
    const args = argv.slice(command.name.split(' ').length);
    const input = parse(command, args);
    if (input.values.help) {
      context.stdout(command.help);
      return 0;
    }
    return await command.run(input, context);
  } catch (error) {
    if (error instanceof UsageError) return fail(error.message, EXIT_USAGE);
    if (error instanceof ConfigError || error instanceof ApiError) return fail(error.message, EXIT_FAILURE);
    // Not ours to explain in detail, but still one line: a stack trace helps nobody running CI.
    return fail(`unexpected error: ${error instanceof Error ? error.message : String(error)}`, EXIT_FAILURE);
  }
}

function usage(command: Command): string {
  const optional = command.optionalPositional ? ` [${command.optionalPositional}]` : '';
  return `${command.name}${command.positionals.map((p) => ` <${p}>`).join('')}${optional}`;
}

function unknownCommand(first: string | undefined, second: string | undefined): string {
  const list = `Commands: ${COMMANDS.map((c) => c.name).join(', ')}.`;
  if (first === undefined) return `no command given. ${list} See: qase-reporters --help`;
  if (first === 'run') {
    return second === undefined
      ? 'run needs a subcommand: run create or run complete. See: qase-reporters --help'
      : `unknown command "run ${second}". ${list} See: qase-reporters --help`;
  }
  return `unknown command "${first}". ${list} See: qase-reporters --help`;
}

function parse(command: Command, args: string[]): CommandInput {
  const seeHelp = `See: qase-reporters ${command.name} --help`;
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({
      args,
      options: { ...command.options, help: { type: 'boolean', short: 'h' } },
      allowPositionals: true,
      strict: true,
    });
  } catch (error) {
    const { code, message } = error as { code?: string; message: string };
    if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') {
      const option = /'([^']+)'/.exec(message)?.[1] ?? message;
      throw new UsageError(`unknown option ${option} for ${command.name}. ${seeHelp}`);
    }
    if (code?.startsWith('ERR_PARSE_ARGS_')) throw new UsageError(`${message.split('\n')[0]!.replace(/\.?$/, '.')} ${seeHelp}`);
    throw error;
  }
  const { values, positionals } = parsed;
  if (!values.help) {
    const expected = command.positionals;
    if (positionals.length < expected.length) {
      throw new UsageError(`${command.name} needs <${expected[positionals.length]}>. ${seeHelp}`);
    }
    const most = expected.length + (command.optionalPositional ? 1 : 0);
    if (positionals.length > most) {
      throw new UsageError(`unexpected argument "${positionals[most]}" for ${command.name}. ${seeHelp}`);
    }
  }
  return { values: values as CommandInput['values'], positionals };
}
