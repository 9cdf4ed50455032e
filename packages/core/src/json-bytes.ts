// What tests said, and results, cross process boundaries as JSON text: Mocha's worker events, Jest's transport
// lines. JSON.stringify makes a Buffer an array of byte numbers, about three times as long as base64, so attached
// bytes travel as base64 and come back as Buffers.
// Imported, not the global: this also runs in test files, whose environment may replace or remove the global.
import { Buffer } from 'node:buffer';

const BYTES = '$qaseBuffer';

export function toJsonText(value: unknown): string {
  return JSON.stringify(value, function (this: Record<string, unknown>, key: string, json: unknown) {
    // `json` is what Buffer's toJSON made of it; `this[key]` is still the Buffer (or a plain Uint8Array a test
    // passed, from any realm: a Jest sandbox has its own).
    const raw = this[key];
    if (!ArrayBuffer.isView(raw)) return json;
    return { [BYTES]: Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength).toString('base64') };
  });
}

export function fromJsonText<T>(text: string): T {
  // A reviver visits every value: most texts carry no bytes and are parsed without one.
  if (!text.includes(BYTES)) return JSON.parse(text) as T;
  return JSON.parse(text, (_key, value: unknown) => {
    const encoded = (value as Record<string, unknown> | null)?.[BYTES];
    return typeof encoded === 'string' ? Buffer.from(encoded, 'base64') : value;
  }) as T;
}
