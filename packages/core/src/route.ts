import type { TestResult } from './model';

/** One copy of a result: the project it goes to and the case ids it links there. */
export interface Copy {
  project: string;
  /** The ids it links there: the result's own array (not to be changed) when it goes to the default project as it is. */
  caseIds: number[];
}

export interface Routing {
  /** Where a result naming no project goes: `testops.project`, or `testops_multi.default_project`. */
  defaultProject: string;
  /** The projects results may go to (mode testops_multi); in mode testops, `result.projects` is not read. */
  projects?: readonly string[];
}

/**
 * Which projects a result goes to, and with which case ids: one copy per project its mapping names, each its own
 * result in that project's run. A result naming no project goes to the default project with its own case ids, as
 * the official reporters send it. Projects not configured are returned in `unknown` (the official reporters drop
 * them silently); a result naming only such projects goes to the default project, so no result is lost.
 */
export function routeResult(result: Pick<TestResult, 'caseIds' | 'projects'>, routing: Routing): { copies: Copy[]; unknown: string[] } {
  const fallback = [{ project: routing.defaultProject, caseIds: result.caseIds }];
  if (routing.projects === undefined) return { copies: fallback, unknown: [] };
  const named = Object.entries(result.projects);
  const known = named.filter(([code]) => routing.projects!.includes(code));
  const unknown = named.filter(([code]) => !routing.projects!.includes(code)).map(([code]) => code);
  // A project named with no ids still gets the result, unlinked: the official reporter would drop it.
  const copies = known.map(([project, caseIds]) => ({ project, caseIds: [...caseIds] }));
  return { copies: copies.length > 0 ? copies : fallback, unknown };
}
