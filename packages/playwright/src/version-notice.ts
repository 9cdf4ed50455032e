// What a Playwright version older than the newest lacks for this reporter, said once when the run begins. Pure.

/** The line to print for Playwright `version`, or undefined when it has everything the reporter uses. */
export function versionNotice(version: string): string | undefined {
  const [major = 0, minor = 0] = version.split('.').map(Number);
  const older = (than: number) => major === 1 && minor < than;
  if (older(50)) {
    return `qase: Playwright ${version} keeps no attachments or annotations on steps (1.50 and 1.51 add them): files ` +
      "attached inside a step are sent with the test, and a qase.step's expected result and data are not sent.";
  }
  if (older(51)) {
    return `qase: Playwright ${version} keeps no annotations on steps (1.51 adds them): a qase.step's expected ` +
      'result and data are not sent.';
  }
  return undefined;
}
