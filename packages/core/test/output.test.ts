import { randomUUID } from 'node:crypto';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createOutput } from '../src/output';

let dir: string;

beforeEach(() => {
  dir = join(resolve(__dirname, '../../..'), 'test/.tmp', `core-output-${randomUUID().slice(0, 8)}`);
  mkdirSync(dir, { recursive: true });
});

afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('a log file that cannot be written', () => {
  it.each([
    { name: 'a file where its folder would go', block: () => writeFileSync(join(dir, 'logs'), 'not a folder') },
    { name: 'a folder where the file would go', block: () => mkdirSync(join(dir, 'logs/qase.log'), { recursive: true }) },
  ])('is said once, and the lines still print, with $name', ({ block }) => {
    block();
    const logFile = join(dir, 'logs/qase.log');
    const lines: string[] = [];
    const output = createOutput({ console: true, debug: false, logFile, secrets: [], write: (text) => lines.push(text) });
    output.info('first');
    output.warn('second');
    const notes = lines.filter((line) => line.includes('could not write the log file'));
    expect(notes).toHaveLength(1);
    expect(notes[0]).toMatch(new RegExp(`^qase: could not write the log file ${logFile} \\(E[A-Z]+\\); lines go to the console only\\.\\n$`));
    expect(lines.filter((line) => line !== notes[0])).toEqual(['qase: first\n', 'qase: second\n']);
  });
});
