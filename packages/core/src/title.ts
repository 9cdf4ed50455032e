// The official reporters link a test to Qase cases with `(Qase ID: 12)` or `(Qase ID: 12,13)` in its title,
// which is what `qase(12, 'title')` returns. Keep that exact spelling so existing suites keep their links.
const CASE_IDS = /\s*\(Qase ID:\s*([\d\s,]+)\)/gi;

/** `qase(12, 'Login works')` → `Login works (Qase ID: 12)`. */
export function withCaseIds(ids: number | readonly number[], title: string): string {
  const list = Array.isArray(ids) ? ids : [ids];
  return `${title} (Qase ID: ${list.join(',')})`;
}

/** Reads the case ids out of a title and returns the title without them. */
export function parseCaseIds(title: string): { title: string; caseIds: number[] } {
  const caseIds: number[] = [];
  const clean = title.replace(CASE_IDS, (_, ids: string) => {
    for (const id of ids.split(',')) {
      const n = Number(id.trim());
      if (Number.isSafeInteger(n) && n > 0 && !caseIds.includes(n)) caseIds.push(n);
    }
    return '';
  });
  return { title: clean.trim(), caseIds };
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
