const assert = require('node:assert');
const { qase } = require('@qase-reporters/mocha');

function total(prices, discount = 0) {
  return Math.round(prices.reduce((sum, price) => sum + price, 0) * (1 - discount) * 100) / 100;
}

describe('Cart', function () {
  // Linked to Qase case 1 through the title.
  it(qase(1, 'adds up the prices'), function () {
    assert.strictEqual(total([1.5, 2.25]), 3.75);
  });

  it('applies a discount', async function () {
    qase.id(2).title('A discount lowers the total').fields({ severity: 'major', priority: 'high', layer: 'unit' });
    qase.comment('Discounts are fractions: 0.1 is 10%.');

    const prices = qase.step('Put two items in the cart', () => [10, 20], 'The cart holds 2 items', '10, 20');
    await qase.step('Apply 10% off', async () => {
      await qase.step('Compute the total', async () => assert.strictEqual(total(prices, 0.1), 27));
    }, 'The total is 27');
  });

  // Each case is its own result in Qase, told apart by its parameters.
  for (const { discount, expected } of [{ discount: 0, expected: 4 }, { discount: 0.5, expected: 2 }]) {
    it(`totals with discount ${discount}`, function () {
      qase.parameters({ discount });
      qase.attach({ name: 'cart.json', content: JSON.stringify({ prices: [4], discount }), contentType: 'application/json' });
      assert.strictEqual(total([4], discount), expected);
    });
  }

  it.skip('splits a payment', function () {});

  it('runs, but is not reported to Qase', function () {
    qase.ignore();
    assert.strictEqual(total([1]), 1);
  });
});
