import { describe, expect, it } from 'vitest';
import { failureStatus } from '../src/failure';

describe('failureStatus', () => {
  it.each<{ case: string; failure: { name?: string; message: string; stack?: string }; runner?: string; status: string }>([
    { case: 'a Jest matcher', failure: { message: 'expect(received).toBe(expected)', stack: 'Error: expect(received)…' }, status: 'failed' },
    { case: 'a Chai AssertionError', failure: { name: 'AssertionError', message: 'oops', stack: 'AssertionError: oops' }, status: 'failed' },
    { case: 'a TypeError', failure: { name: 'TypeError', message: "Cannot read properties of undefined (reading 'x')", stack: 'TypeError: Cannot read…' }, status: 'invalid' },
    { case: "Jest's runtime exception", failure: { message: 'Runtime exception', stack: 'Error: boom\n    at Object.<anonymous> (/suite/cart.test.js:3:9)' }, status: 'invalid' },
    { case: 'a timeout', failure: { message: 'Timeout of 2000ms exceeded.' }, status: 'invalid' },
    { case: 'an expect that timed out', failure: { message: 'Timeout 5000ms exceeded while waiting on expect(locator)' }, status: 'failed' },
    { case: 'a failed request', failure: { message: 'fetch failed', stack: 'TypeError: fetch failed' }, status: 'invalid' },
    { case: 'an assertion about a failed request', failure: { message: 'expected 200, got 404 Not Found' }, status: 'failed' },
    { case: 'a SyntaxError that says "expected"', failure: { message: "SyntaxError: Unexpected token '}', expected ')'" }, status: 'invalid' },
    { case: "Playwright's timedOut, whatever the error", failure: { message: 'TypeError: x' }, runner: 'timedOut', status: 'failed' },
    { case: 'an interruption', failure: { message: 'net::ERR_CONNECTION_REFUSED' }, runner: 'interrupted', status: 'failed' },
    { case: 'a navigation that failed', failure: { message: 'page.goto: net::ERR_CONNECTION_REFUSED at http://localhost:1/' }, status: 'invalid' },
  ])('$case → $status', ({ failure, runner, status }) => {
    expect(failureStatus(failure, runner ?? 'failed')).toBe(status);
  });
});
