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
