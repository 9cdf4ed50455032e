import { describe, expect, it } from 'vitest';
import { checkManifest, projectFolder, projectsOf, toManifest, withRun, type ManifestRun } from '../../src/folder-schema';

const about = { framework: 'jest', createdAt: '2026-12-07T10:00:00.000Z' };
const planned: ManifestRun = { create: { title: 'Nightly', tags: [], configurations: [], createConfigurations: false, startTime: '2026-12-07 10:00:00' }, complete: true };

describe('the manifest of one or several projects', () => {
  it('is version 1 for one project, its files in the folder itself, as before multi-project mode', () => {
    const manifest = toManifest(about, [{ code: 'DEMO', run: { id: 5, complete: false } }]);
    expect(manifest).toEqual({ version: 1, project: 'DEMO', ...about, run: { id: 5, complete: false } });
    expect(projectsOf(checkManifest(manifest))).toEqual([{ code: 'DEMO', run: { id: 5, complete: false }, subfolder: '' }]);
  });

  it('records no project for a dry run without one', () => {
    expect(toManifest(about, [{ code: '', run: planned }])).toMatchObject({ version: 1, project: undefined });
  });

  it('is version 2 for several, naming each project\'s run, their files apart', () => {
    const manifest = toManifest(about, [{ code: 'PROJ1', run: { id: 3, complete: true } }, { code: 'PROJ2', run: planned }]);
    expect(manifest).toEqual({ version: 2, ...about, projects: [{ code: 'PROJ1', run: { id: 3, complete: true } }, { code: 'PROJ2', run: planned }] });
    expect(projectsOf(checkManifest(JSON.parse(JSON.stringify(manifest))))).toEqual([
      { code: 'PROJ1', run: { id: 3, complete: true }, subfolder: 'PROJ1' },
      { code: 'PROJ2', run: planned, subfolder: 'PROJ2' },
    ]);
    expect([projectFolder(1, 'PROJ1'), projectFolder(2, 'PROJ1')]).toEqual(['', 'PROJ1']);
  });

  it('reads a version 1 manifest written before multi-project mode', () => {
    const old = { version: 1, project: 'DEMO', framework: 'jest', createdAt: about.createdAt, run: planned };
    expect(projectsOf(checkManifest(old))).toEqual([{ code: 'DEMO', run: planned, subfolder: '' }]);
  });

  it('replaces one project\'s run, in either version', () => {
    const one = toManifest(about, [{ code: 'DEMO', run: planned }]);
    expect(withRun(one, 0, { id: 9, complete: true })).toMatchObject({ version: 1, run: { id: 9, complete: true } });
    const two = toManifest(about, [{ code: 'PROJ1', run: planned }, { code: 'PROJ2', run: planned }]);
    expect(projectsOf(withRun(two, 1, { id: 9, complete: true, completed: true })).map((p) => p.run)).toEqual([planned, { id: 9, complete: true, completed: true }]);
  });
});
