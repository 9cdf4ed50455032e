import { createTestResult } from '@qase-reporters/core';
import { describe, expect, it } from 'vitest';
import { fromWire, toWire } from '../src/transport';

describe('the result wire format', () => {
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

    const text = toWire(result);
    const back = fromWire(text);

    expect(typeof text).toBe('string');
    expect(back).toEqual(result);
    expect(Buffer.isBuffer(back.attachments[0]?.content)).toBe(true);
    expect(Buffer.isBuffer(back.steps[0]?.steps[0]?.attachments[0]?.content)).toBe(true);
  });
});
