// ESM test files import the same API.
import assert from 'node:assert';
import { describe, it } from 'mocha';
import { qase } from '@qase-reporters/mocha';

describe('Checkout', function () {
  // Mocha runs a failed attempt again; each attempt is a result, and the pass after a failure is marked flaky.
  this.retries(1);
  let attempts = 0;

  it('confirms the order once the payment service answers', function () {
    attempts += 1;
    qase.step(`Ask the payment service (attempt ${attempts})`, () => assert.ok(attempts > 1, 'no answer yet'));
  });
});
