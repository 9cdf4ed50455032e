import { describe, expect, it } from 'vitest';
import { installedJestVersion, versionNotice } from '../src/version-notice';

describe('versionNotice', () => {
  it('says that Jest 28 cannot tell test.concurrent tests apart', () => {
    expect(versionNotice('28.1.3')).toContain('Jest 28.1.3 cannot tell test.concurrent tests apart');
  });

  it.each(['29.7.0', '30.5.2'])('says nothing for Jest %s', (version) => {
    expect(versionNotice(version)).toBeUndefined();
  });

  it("reads the workspace's Jest", () => {
    expect(installedJestVersion()).toMatch(/^30\./);
  });
});
