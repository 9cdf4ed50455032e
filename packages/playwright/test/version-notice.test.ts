import { describe, expect, it } from 'vitest';
import { versionNotice } from '../src/version-notice';

describe('versionNotice', () => {
  it.each(['1.40.1', '1.49.0'])('says that Playwright %s keeps no attachments on steps', (version) => {
    expect(versionNotice(version)).toContain(`Playwright ${version} keeps no attachments on steps`);
  });

  it.each(['1.50.0', '1.65.1', '2.0.0'])('says nothing for Playwright %s', (version) => {
    expect(versionNotice(version)).toBeUndefined();
  });
});
