// Failed or invalid: the official reporters send `failed` when an assertion failed and `invalid` when the test broke
// in some other way (a TypeError, a timeout, a failed request). Qase counts the two apart, so a suite that switches
// reporters must see the same split. They decide it from words in the error's message and stack
// (qase-javascript-commons, src/utils/test-status-utils.ts); this is that decision, word lists included.

/** What an adapter knows of a failure, given as the official reporter of its framework gives it. */
export interface Failure {
  /** The error's class name, where the framework keeps the error itself (Mocha); the official reporters use `Error`. */
  name?: string;
  message: string;
  stack?: string;
}

const ASSERTION_WORDS = [
  'expect', 'assert', 'matcher', 'objectcontaining', 'assertion', 'expected', 'actual', 'to be', 'to equal',
  'to contain', 'to match', 'to throw', 'to be called', 'to have been called', 'test failed', 'expectation failed',
  'assertion failed',
];

const BREAKAGE_WORDS = [
  'syntaxerror', 'referenceerror', 'typeerror', 'network', 'connection', 'http', 'fetch', 'axios', 'cors',
  'permission', 'access denied', 'unauthorized', 'forbidden', 'not found', 'server error', 'internal error',
];

/** The runner's own words for a test that did not finish: the official reporters count it failed, whatever the error. */
const UNFINISHED = ['timedout', 'interrupted'];

/**
 * `failed` for an assertion, `invalid` for any other failure. `runnerStatus` is the framework's status of the test
 * (`failed`, Playwright's `timedOut`, …).
 */
export function failureStatus(failure: Failure, runnerStatus: string): 'failed' | 'invalid' {
  const status = runnerStatus.toLowerCase();
  if (UNFINISHED.includes(status)) return 'failed';
  const message = failure.message.toLowerCase();
  const stack = (failure.stack ?? '').toLowerCase();
  const mentions = (word: string): boolean => message.includes(word) || stack.includes(word);
  // An expect that timed out (`toBeVisible` waiting) is still an assertion.
  if (message.includes('timeout') && message.includes('expect')) return 'failed';
  if (BREAKAGE_WORDS.some(mentions)) {
    // A failed assertion whose text happens to name a breakage (`expected status 200, got 404 Not Found`); a
    // SyntaxError's "Unexpected token" is not one.
    const asserted = status === 'failed' && ASSERTION_WORDS.some(mentions) && !mentions('syntaxerror');
    return asserted ? 'failed' : 'invalid';
  }
  if (message.includes('timeout')) return 'invalid';
  const assertionClass = failure.name === 'AssertionError' ||
    ((failure.name ?? 'Error') === 'Error' && ['expect', 'matcher', 'assert'].some((word) => message.includes(word)));
  return ASSERTION_WORDS.some(mentions) || assertionClass ? 'failed' : 'invalid';
}
