import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { fromJsonText, toJsonText } from '../src/json-bytes';
import { createTestResult, type TestResult } from '../src/model';

describe('JSON text with attached bytes', () => {
  it('carries a result through text, attached bytes as bytes, in steps too', () => {
    const bytes = Buffer.from([0, 1, 2, 250, 255]);
    const result = createTestResult({
      title: 'attaches',
      status: 'passed',
      startTimeMs: 1_795_900_000_000,
      attachments: [{ name: 'a.bin', contentType: 'application/octet-stream', content: bytes }, { name: 'a.txt', contentType: 'text/plain', content: 'text' }],
      steps: [{
        title: 'outer',
        status: 'passed',
        startTimeMs: 1,
        endTimeMs: 2,
        attachments: [],
        steps: [{ title: 'inner', status: 'failed', startTimeMs: 1, endTimeMs: 2, attachments: [{ name: 'b', contentType: 'image/png', content: bytes }], steps: [] }],
      }],
    });

    const text = toJsonText(result);
    const back = fromJsonText<TestResult>(text);

    expect(typeof text).toBe('string');
    expect(back).toEqual(result);
    expect(Buffer.isBuffer(back.attachments[0]?.content)).toBe(true);
    expect(Buffer.isBuffer(back.steps[0]?.steps[0]?.attachments[0]?.content)).toBe(true);
  });

  it('leaves a string that only mentions the marker a string', () => {
    const value = { name: 'a', note: 'says $qaseBuffer in text', content: 'plain' };
    expect(fromJsonText(toJsonText(value))).toEqual(value);
  });

  it('carries a plain Uint8Array, from another realm too, as bytes', () => {
    const foreign = runInNewContext('new Uint8Array([7, 8, 9])') as Uint8Array;
    const back = fromJsonText<{ a: Buffer; b: Buffer }>(toJsonText({ a: new Uint8Array([1, 2]), b: foreign }));
    expect(back).toEqual({ a: Buffer.from([1, 2]), b: Buffer.from([7, 8, 9]) });
  });
});
