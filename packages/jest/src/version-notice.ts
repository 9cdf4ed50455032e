// What a Jest version older than the newest lacks for this reporter, said once when the run begins.

/** The line to print for Jest `version`, or undefined when it has everything the reporter uses. */
export function versionNotice(version: string): string | undefined {
  if (!version.startsWith('28.')) return undefined;
  return `qase: Jest ${version} cannot tell test.concurrent tests apart, so what they say through qase.* is not ` +
    'sent; their results are. Jest 29 and newer tell them apart.';
}

/** The version of the Jest this project installed; undefined if it cannot be read. */
export function installedJestVersion(): string | undefined {
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return (require('jest/package.json') as { version: string }).version;
  } catch {
    return undefined;
  }
}
