// A file's type from its name and back. Its own module because the per-test API needs it in every test file, and
// the rest of attachments.ts is the reporter's.
import { extname } from 'node:path';

const TYPES: Record<string, string> = {
  '.png': 'image/png', '.jpg': 'image/jpeg', '.jpeg': 'image/jpeg', '.gif': 'image/gif', '.webp': 'image/webp',
  '.svg': 'image/svg+xml', '.webm': 'video/webm', '.mp4': 'video/mp4', '.zip': 'application/zip',
  '.json': 'application/json', '.txt': 'text/plain', '.log': 'text/plain', '.md': 'text/markdown',
  '.html': 'text/html', '.xml': 'application/xml', '.csv': 'text/csv', '.pdf': 'application/pdf',
};
const EXTENSIONS = Object.fromEntries(Object.entries(TYPES).reverse().map(([ext, type]) => [type, ext]));

export function contentTypeOf(path: string): string {
  return TYPES[extname(path).toLowerCase()] ?? 'application/octet-stream';
}

/** A name that says its type, since the upload infers the type from the file name. */
export function withExtension(name: string, contentType: string): string {
  const ext = EXTENSIONS[contentType.split(';')[0].trim().toLowerCase()];
  return ext && !extname(name) ? name + ext : name;
}
