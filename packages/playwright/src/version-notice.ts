// What a Playwright version older than the newest lacks for this reporter, said once when the run begins. Pure.

/** The line to print for Playwright `version`, or undefined when it has everything the reporter uses. */
export function versionNotice(version: string): string | undefined {
  const [major = 0, minor = 0] = version.split('.').map(Number);
  if (major !== 1 || minor >= 50) return undefined;
  return `qase: Playwright ${version} keeps no attachments on steps (1.50 adds them): files attached with ` +
    'testInfo.attach() inside a test.step are sent with the test. qase.attach() inside a qase.step stays on its step.';
}
