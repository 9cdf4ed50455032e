// The `signature` of a result, as the official reporters build it (qase-javascript-commons,
// src/utils/signature.ts `generateSignature`). Qase matches later results to the cases it created by it, so for
// the same test ours must be the same string, or switching reporters doubles a project's cases. Each official
// reporter feeds it different inputs; each adapter passes the inputs of its framework's official reporter.

/** What separates levels within one part: `::` (a file's folders, in some adapters) and tabs (a suite's levels). */
const LEVEL = /::|\t/;

/**
 * `<case ids joined by ->::<path, each part trimmed, backslashes as /, split at :: and tabs, spaces as _, lower case>::{'name':'value'}::…`.
 * No case ids (null or an empty list) leaves the ids part out, so the signature starts with the path.
 */
export function toSignature(
  caseIds: readonly number[] | null,
  path: readonly string[],
  params: Readonly<Record<string, string>>,
): string {
  const parts: string[] = [];
  if (caseIds && caseIds.length > 0) parts.push(caseIds.join('-'));
  if (path.length > 0) {
    // One pass, not a chain of maps: a signature is made per result, in the test process's time.
    const levels: string[] = [];
    for (const title of path) {
      for (const level of title.replaceAll('\\', '/').split(LEVEL)) {
        const part = level.trim().replace(/\s+/g, '_').toLowerCase();
        if (part !== '') levels.push(part);
      }
    }
    parts.push(levels.join('::'));
  }
  const values = Object.entries(params).map(([name, value]) => `{'${name.toLowerCase()}':'${value.toLowerCase()}'}`);
  if (values.length > 0) parts.push(values.join('::'));
  return parts.join('::');
}

/**
 * One path part as the official Jest and Mocha reporters prepare it before `toSignature` (commons'
 * `normalizeSuitePart`): lower case, every whitespace character an `_`, so `a  b` stays `a__b`.
 */
export function toSignaturePart(title: string): string {
  return title.toLowerCase().replace(/\s/g, '_');
}
