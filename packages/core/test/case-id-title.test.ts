import { describe, expect, it } from 'vitest';
import { parseCaseIds, withCaseIds, withProjects } from '../src/title';

describe('case ids in titles, as the official reporters write them', () => {
  it.each([
    { title: 'Login', parsed: { title: 'Login', caseIds: [], projects: {} } },
    { title: 'Login (Qase ID: 12)', parsed: { title: 'Login', caseIds: [12], projects: {} } },
    { title: 'Login (Qase ID: 12, 13) works', parsed: { title: 'Login works', caseIds: [12, 13], projects: {} } },
    { title: 'Login (qase id: 12)', parsed: { title: 'Login', caseIds: [12], projects: {} } },
    { title: 'Login (Qase PROJ1: 1,2) (Qase PROJ2: 3)', parsed: { title: 'Login', caseIds: [], projects: { PROJ1: [1, 2], PROJ2: [3] } } },
    { title: 'Login (Qase ID: 5) (Qase PROJ1: 1)', parsed: { title: 'Login', caseIds: [5], projects: { PROJ1: [1] } } },
    { title: 'Login (Qase PROJ1: 1) (Qase PROJ1: 1,4)', parsed: { title: 'Login', caseIds: [], projects: { PROJ1: [1, 4] } } },
    // Stripped with their ids dropped, as officially; the project stays named (the official reporter drops it).
    { title: 'Login (Qase PROJ1: -1,0)', parsed: { title: 'Login', caseIds: [], projects: { PROJ1: [] } } },
    { title: 'Login (Qase: 1) (QasePROJ1: 2)', parsed: { title: 'Login (Qase: 1) (QasePROJ1: 2)', caseIds: [], projects: {} } },
  ])('$title', ({ title, parsed }) => {
    expect(parseCaseIds(title)).toEqual(parsed);
  });

  it.each<{ projects: Record<string, number[]>; title: string }>([
    { projects: { PROJ1: [1, 2], PROJ2: [3] }, title: 'Login (Qase PROJ1: 1,2) (Qase PROJ2: 3)' },
    { projects: { PROJ1: [], PROJ2: [3] }, title: 'Login (Qase PROJ2: 3)' },
    { projects: {}, title: 'Login' },
  ])('withProjects($projects) reads back', ({ projects, title }) => {
    expect(withProjects(projects, 'Login')).toBe(title);
    const nonEmpty = Object.fromEntries(Object.entries(projects).filter(([, ids]) => ids.length > 0));
    expect(parseCaseIds(title)).toEqual({ title: 'Login', caseIds: [], projects: nonEmpty });
  });

  it('withCaseIds reads back as single-project ids', () => {
    expect(parseCaseIds(withCaseIds([12, 13], 'Login'))).toEqual({ title: 'Login', caseIds: [12, 13], projects: {} });
  });
});
