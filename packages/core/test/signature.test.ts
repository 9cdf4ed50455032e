import { describe, expect, it } from 'vitest';
import { toSignature, toSignaturePart } from '../src/signature';

// Expected values worked out from qase-javascript-commons 2.9.3 (the version jest-qase-reporter 2.6.0 and
// playwright-qase-reporter 2.7.0 install), src/utils/signature.ts (`generateSignature`) and
// src/internal/suite-normalizer.ts (`normalizeSuitePart`). test/e2e/official-signatures.test.ts runs the real ones.
describe('toSignature', () => {
  it.each<{ name: string; ids: number[] | null; path: string[]; params?: Record<string, string>; expected: string }>([
    { name: 'ids joined by -, then the path', ids: [3, 5], path: ['a.spec.ts', 'Login'], expected: '3-5::a.spec.ts::login' },
    { name: 'no ids part for null', ids: null, path: ['a.spec.ts', 'Login'], expected: 'a.spec.ts::login' },
    { name: 'no ids part for an empty list either', ids: [], path: ['a.spec.ts', 'Login'], expected: 'a.spec.ts::login' },
    { name: 'backslashes as /, before the split at ::', ids: null, path: ['a\\b', 'x \\:: y'], expected: 'a/b::x_/::y' },
    { name: 'parts split at :: and tabs, trimmed, runs of blanks as one _', ids: null, path: [' A\tB ', 'C::D', 'Logs  in'], expected: 'a::b::c::d::logs_in' },
    { name: 'an empty part kept for a path of blanks only', ids: [1], path: [''], expected: '1::' },
    { name: 'params last, lower case, in order', ids: null, path: ['t'], params: { Browser: 'Chromium', user: 'Admin' }, expected: "t::{'browser':'chromium'}::{'user':'admin'}" },
    { name: 'nothing at all', ids: null, path: [], expected: '' },
  ])('$name', ({ ids, path, params, expected }) => {
    expect(toSignature(ids, path, params ?? {})).toBe(expected);
  });
});

describe('toSignaturePart', () => {
  it('lowers the case and makes every whitespace character an _', () => {
    expect(toSignaturePart('Adds  an\tItem (Qase ID: 1)')).toBe('adds__an_item_(qase_id:_1)');
  });
});
