// The official reporters link a test to Qase cases with `(Qase ID: 12)` or `(Qase ID: 12,13)` in its title,
// which is what `qase(12, 'title')` returns, and to cases of several projects (mode testops_multi) with
// `(Qase PROJ1: 1,2) (Qase PROJ2: 3)`, which is what `qase.projects(mapping, title)` returns. Keep that exact spelling
// so existing suites keep their links. Negative ids match, so their marker leaves the title as it does officially.
const MARKERS = /\s*\(Qase\s+([A-Za-z0-9_]+):\s*([-\d\s,]+)\)/gi;

/** A project code that survives in a title marker; Qase's codes are letters and digits. */
export const PROJECT_CODE = /^[A-Za-z0-9_]+$/;

/** `qase(12, 'Login works')` → `Login works (Qase ID: 12)`. */
export function withCaseIds(ids: number | readonly number[], title: string): string {
  const list = Array.isArray(ids) ? ids : [ids];
  return `${title} (Qase ID: ${list.join(',')})`;
}

/** `qase.projects({ PROJ1: [1, 2], PROJ2: [3] }, 'Login')` → `Login (Qase PROJ1: 1,2) (Qase PROJ2: 3)`; projects without ids are left out. */
export function withProjects(projects: Readonly<Record<string, readonly number[]>>, title: string): string {
  const markers = Object.entries(projects).filter(([, ids]) => ids.length > 0).map(([code, ids]) => `(Qase ${code}: ${ids.join(',')})`);
  return markers.length === 0 ? title : `${title.trim()} ${markers.join(' ')}`;
}

/**
 * Reads the case ids out of a title and returns the title without them: `(Qase ID: …)` ids in `caseIds`, the ids of
 * `(Qase PROJ1: …)` under `projects.PROJ1`. Ids that are not positive whole numbers are left out; the project stays
 * named, so its result still goes there, unlinked.
 */
export function parseCaseIds(title: string): { title: string; caseIds: number[]; projects: Record<string, number[]> } {
  const caseIds: number[] = [];
  const projects: Record<string, number[]> = {};
  const clean = title.replace(MARKERS, (_, code: string, list: string) => {
    const ids = code.toUpperCase() === 'ID' ? caseIds : (projects[code] ??= []);
    for (const id of list.split(',')) {
      const n = Number(id.trim());
      if (Number.isSafeInteger(n) && n > 0 && !ids.includes(n)) ids.push(n);
    }
    return '';
  });
  return { title: clean.trim(), caseIds, projects };
}

// The official Playwright reporter's `qase.step(action, expected, data)` returns a title for `test.step` that carries
// the expected result and data behind these markers; its reporters read them back out of every step title.
const EXPECTED_MARKER = 'QaseExpRes:';
const DATA_MARKER = 'QaseData:';

/** `Click QaseExpRes:: Clicked QaseData:: #login`: the official spelling, so titles written by either reporter read the same. */
export function withStepMarkers(action: string, expectedResult?: string, data?: string): string {
  return `${action} ${EXPECTED_MARKER}${expectedResult ? `: ${expectedResult}` : ''} ${DATA_MARKER}${data ? `: ${data}` : ''}`;
}

export interface StepTitle {
  title: string;
  /** Present when the title has the marker: an empty string when nothing follows it, as the official reporters read it. */
  expectedResult?: string;
  data?: string;
}

/** Reads the markers of `withStepMarkers` out of a step title; a title without both markers is returned as it is. */
export function parseStepTitle(title: string): StepTitle {
  const expectedAt = title.indexOf(EXPECTED_MARKER);
  const dataAt = title.indexOf(DATA_MARKER, expectedAt === -1 ? 0 : expectedAt);
  if (expectedAt === -1 || dataAt === -1) return { title };
  const value = (text: string): string => text.replace(/^\s*:?\s*/, '').trim();
  return {
    title: title.slice(0, expectedAt).trim(),
    expectedResult: value(title.slice(expectedAt + EXPECTED_MARKER.length, dataAt)),
    data: value(title.slice(dataAt + DATA_MARKER.length)),
  };
}
