import { describe, expect, it } from 'vitest';
import { parseStepTitle, withStepMarkers } from '../src/title';

describe('step titles with the official markers', () => {
  it.each([
    { args: ['Click', 'Clicked', 'button'], parsed: { title: 'Click', expectedResult: 'Clicked', data: 'button' } },
    { args: ['Click', 'Clicked'], parsed: { title: 'Click', expectedResult: 'Clicked', data: '' } },
    { args: ['Click', undefined, 'button'], parsed: { title: 'Click', expectedResult: '', data: 'button' } },
    { args: ['Click'], parsed: { title: 'Click', expectedResult: '', data: '' } },
  ] as const)('$args round-trip', ({ args, parsed }) => {
    expect(parseStepTitle(withStepMarkers(...(args as unknown as [string, string?, string?])))).toEqual(parsed);
  });

  it.each(['Open the cart', 'Only QaseExpRes: here', 'QaseData: before QaseExpRes: after'])('leaves %j as it is', (title) => {
    expect(parseStepTitle(title)).toEqual({ title });
  });
});
