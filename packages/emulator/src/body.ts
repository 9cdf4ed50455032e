import type { IncomingMessage } from 'node:http';

export interface Body {
  /** Bytes received, counted to the end even past `maxBytes`. */
  bytes: number;
  /** The body, or undefined when it was larger than `maxBytes`. */
  data: Buffer | undefined;
  /** False when the client went away before the end of the body. */
  complete: boolean;
}

/** Reads the whole body, keeping at most `maxBytes`; the rest is drained so the client can read the answer. */
export function readBody(req: IncomingMessage, maxBytes: number): Promise<Body> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let bytes = 0;
    req.on('data', (chunk: Buffer) => {
      bytes += chunk.length;
      if (bytes <= maxBytes) chunks.push(chunk);
    });
    const done = () => resolve({ bytes, data: bytes <= maxBytes ? Buffer.concat(chunks) : undefined, complete: req.complete });
    req.once('end', done);
    // 'close' without 'end': the client aborted. A second resolve is a no-op.
    req.once('close', done);
  });
}

/** Reads and discards what is left of the body; returns its size. */
export async function drain(req: IncomingMessage): Promise<number> {
  if (req.readableEnded) return 0;
  return (await readBody(req, 0)).bytes;
}
