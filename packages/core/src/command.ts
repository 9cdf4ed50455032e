// How every command we print names our CLI. By its package, not its bin: where an adapter is installed (each depends
// on @qase-reporters/cli) npx runs the installed CLI, and anywhere else npx can only fetch our package. A bare
// `npx qase-reporters` fetches whatever the registry holds under that name wherever the bin is not linked (pnpm,
// Yarn Plug'n'Play, a folder outside the project), and that package is not ours.
const CLI = 'npx @qase-reporters/cli';

/** `cliCommand('upload', '.qase/outbox/x')` → `npx @qase-reporters/cli upload .qase/outbox/x`, runnable as printed. */
export function cliCommand(...args: string[]): string {
  return [CLI, ...args.map(quoted)].join(' ');
}

// Quoted only when a shell would split or expand it. In double quotes a path with spaces, or a Windows path, reads
// the same in sh and in cmd; sh would still expand `$` and a backtick, so those are escaped.
function quoted(arg: string): string {
  return /^[\w./:@%+=,-]+$/.test(arg) ? arg : `"${arg.replace(/(["$`])/g, '\\$1')}"`;
}
