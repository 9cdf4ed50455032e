// A file's type from its name and back. Its own module because the per-test API needs it in every test file, and
// the rest of attachments.ts is the reporter's.
import { extname } from 'node:path';

const TYPES: Record<string, string> = {
  '.png': 'image/png', '.jpg': 'image/jpeg', '.jpeg': 'image/jpeg', '.gif': 'image/gif', '.webp': 'image/webp',
  '.svg': 'image/svg+xml', '.webm': 'video/webm', '.mp4': 'video/mp4', '.zip': 'application/zip',
  '.json': 'application/json', '.txt': 'text/plain', '.log': 'text/plain', '.md': 'text/markdown',
  '.html': 'text/html', '.xml': 'application/xml', '.csv': 'text/csv', '.pdf': 'application/pdf',
};

export function contentTypeOf(path: string): string {
  return TYPES[extname(path).toLowerCase()] ?? 'application/octet-stream';
}

/** A name that says its type, since the upload infers the type from the file name. */
export function withExtension(name: string, contentType: string): string {
  const type = contentType.split(';')[0].trim().toLowerCase();
  // Looked up per call, not inverted once at load: test files load this module and never call this. A type's first
  // extension in the table is its usual one (.jpg, .txt).
  const ext = Object.keys(TYPES).find((candidate) => TYPES[candidate] === type);
  return ext && !extname(name) ? name + ext : name;
}
