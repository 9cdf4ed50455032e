import { createHash } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import busboy from 'busboy';
import type { Limits } from './options';

export interface UploadedFile {
  filename: string;
  mime: string;
  size: number;
  sha256: string;
}

export type Upload =
  | { kind: 'files'; files: UploadedFile[]; bytes: number }
  /** Over a limit: 413, nothing stored. */
  | { kind: 'too-large'; message: string; bytes: number }
  /** Not a multipart body with files in `file[]`: 400. */
  | { kind: 'invalid'; message: string; bytes: number };

const field = 'file[]';

/** Streams a multipart body, hashing the files of `file[]` without keeping their bytes. */
export function readUpload(req: IncomingMessage, limits: Limits['attachment']): Promise<Upload> {
  return new Promise((resolve) => {
    const files: UploadedFile[] = [];
    let bytes = 0;
    let problem: Upload | undefined;
    let parserDone = false;
    let requestDone = false;
    const fail = (upload: Upload) => {
      problem ??= upload;
    };
    const finish = () => {
      if (!requestDone || !parserDone) return;
      if (problem !== undefined) resolve({ ...problem, bytes });
      else if (files.length === 0) resolve({ kind: 'invalid', message: `The request has no file in the ${field} field.`, bytes });
      else resolve({ kind: 'files', files, bytes });
    };

    req.on('data', (chunk: Buffer) => {
      bytes += chunk.length;
      if (bytes > limits.requestBytes && problem === undefined) {
        fail({ kind: 'too-large', message: `The request is larger than ${limits.requestBytes} bytes.`, bytes });
        stopParsing();
      }
    });
    const endRequest = () => {
      requestDone = true;
      finish();
    };
    req.once('end', endRequest);
    // 'close' also follows a normal 'end'; only an aborted request must stop waiting for the parser.
    req.once('close', () => {
      if (req.complete) return;
      fail({ kind: 'invalid', message: 'The request body was cut off.', bytes });
      parserDone = true;
      endRequest();
    });

    let parser: busboy.Busboy;
    try {
      // defParamCharset: form-data (and browsers) send file names as raw UTF-8.
      parser = busboy({
        headers: req.headers,
        defParamCharset: 'utf8',
        limits: { fileSize: limits.fileBytes, files: limits.filesPerRequest },
      });
    } catch {
      fail({ kind: 'invalid', message: 'The request is not multipart/form-data.', bytes });
      parserDone = true;
      return;
    }
    function stopParsing() {
      // unpipe pauses the request; resume it so the rest is still counted and drained.
      req.unpipe(parser);
      req.resume();
      parserDone = true;
      finish();
    }

    parser.on('file', (name, stream, info) => {
      if (name !== field) {
        stream.resume();
        return;
      }
      const filename = info.filename ?? 'file';
      const hash = createHash('sha256');
      let size = 0;
      stream.on('data', (chunk: Buffer) => {
        size += chunk.length;
        hash.update(chunk);
      });
      stream.on('limit', () => {
        fail({ kind: 'too-large', message: `The file ${filename} is larger than ${limits.fileBytes} bytes.`, bytes });
      });
      stream.on('end', () => {
        files.push({ filename, mime: info.mimeType, size, sha256: hash.digest('hex') });
      });
    });
    parser.on('filesLimit', () => {
      fail({ kind: 'too-large', message: `The request has more than ${limits.filesPerRequest} files.`, bytes });
    });
    parser.on('error', (error: Error) => {
      fail({ kind: 'invalid', message: `The multipart body is malformed: ${error.message}`, bytes });
      stopParsing();
    });
    parser.on('close', () => {
      parserDone = true;
      finish();
    });
    req.pipe(parser);
  });
}
