import { describe, expect, it } from 'vitest';
import { routeResult, type Routing } from '../src/route';

const multi: Routing = { defaultProject: 'PROJ1', projects: ['PROJ1', 'PROJ2'] };

describe('routeResult', () => {
  it.each<{ name: string; result: { caseIds: number[]; projects: Record<string, number[]> }; routing: Routing; copies: unknown; unknown?: string[] }>([
    {
      name: 'mode testops: the one project, with the result\'s ids; a project mapping is not read (as the official reporter)',
      result: { caseIds: [4], projects: { PROJ2: [9] } },
      routing: { defaultProject: 'DEMO' },
      copies: [{ project: 'DEMO', caseIds: [4] }],
    },
    {
      name: 'no mapping: the default project with the result\'s own ids',
      result: { caseIds: [4, 5], projects: {} },
      routing: multi,
      copies: [{ project: 'PROJ1', caseIds: [4, 5] }],
    },
    {
      name: 'no mapping and no ids: the default project, unlinked',
      result: { caseIds: [], projects: {} },
      routing: multi,
      copies: [{ project: 'PROJ1', caseIds: [] }],
    },
    {
      name: 'mapped to both projects: a copy each, with that project\'s ids',
      result: { caseIds: [], projects: { PROJ1: [1, 2], PROJ2: [30] } },
      routing: multi,
      copies: [{ project: 'PROJ1', caseIds: [1, 2] }, { project: 'PROJ2', caseIds: [30] }],
    },
    {
      name: 'mapped to one project: only there, not to the default project; the single-project ids are not used',
      result: { caseIds: [7], projects: { PROJ2: [30] } },
      routing: multi,
      copies: [{ project: 'PROJ2', caseIds: [30] }],
    },
    {
      name: 'a project named without ids: the result goes there unlinked (the official reporter drops it)',
      result: { caseIds: [], projects: { PROJ2: [] } },
      routing: multi,
      copies: [{ project: 'PROJ2', caseIds: [] }],
    },
    {
      name: 'a project not configured beside one that is: the known one, and the other named',
      result: { caseIds: [], projects: { NOPE: [1], PROJ2: [30] } },
      routing: multi,
      copies: [{ project: 'PROJ2', caseIds: [30] }],
      unknown: ['NOPE'],
    },
    {
      name: 'only projects not configured: the default project with the result\'s own ids, so nothing is lost',
      result: { caseIds: [8], projects: { NOPE: [1], proj2: [2] } },
      routing: multi,
      copies: [{ project: 'PROJ1', caseIds: [8] }],
      unknown: ['NOPE', 'proj2'],
    },
  ])('$name', ({ result, routing, copies, unknown = [] }) => {
    expect(routeResult(result, routing)).toEqual({ copies, unknown });
  });

  it('copies the ids, so a copy changed later does not change the result', () => {
    const result = { caseIds: [1], projects: { PROJ2: [2] } };
    const { copies } = routeResult(result, multi);
    copies[0]!.caseIds.push(3);
    expect(result.projects.PROJ2).toEqual([2]);
  });
});
