import { describe, expect, it } from 'vitest';
import { versionNotice } from '../src/version-notice';

describe('versionNotice', () => {
  it.each([
    { version: '1.40.1', says: 'keeps no attachments or annotations on steps' },
    { version: '1.49.0', says: 'keeps no attachments or annotations on steps' },
    { version: '1.50.1', says: 'keeps no annotations on steps' },
  ])('names what Playwright $version lacks', ({ version, says }) => {
    expect(versionNotice(version)).toContain(`Playwright ${version} ${says}`);
  });

  it.each(['1.51.0', '1.65.1', '2.0.0'])('says nothing for Playwright %s', (version) => {
    expect(versionNotice(version)).toBeUndefined();
  });
});
