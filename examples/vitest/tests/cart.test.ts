import { describe, expect, test } from 'vitest';
import { qase, withQase } from '@qase-reporters/vitest';

function total(prices: number[], discount = 0): number {
  return Math.round(prices.reduce((sum, price) => sum + price, 0) * (1 - discount) * 100) / 100;
}

describe('Cart', () => {
  // Linked to Qase case 1 through the title.
  test(qase(1, 'adds up the prices'), () => {
    expect(total([1.5, 2.25])).toBe(3.75);
  });

  test('applies a discount', async () => {
    qase.id(2).title('A discount lowers the total').fields({ severity: 'major', priority: 'high', layer: 'unit' });
    qase.comment('Discounts are fractions: 0.1 is 10%.');

    const prices = await qase.step('Put two items in the cart', () => [10, 20], 'The cart holds 2 items', '10, 20');
    await qase.step('Apply 10% off', async () => {
      await qase.step('Compute the total', () => expect(total(prices, 0.1)).toBe(27));
    }, 'The total is 27');
  });

  // Each row is its own result in Qase, told apart by its parameters.
  test.each([
    [0, 4],
    [0.5, 2],
  ])('totals with discount %s', (discount, expected) => {
    qase.parameters({ discount });
    qase.attach({ name: 'cart.json', content: JSON.stringify({ prices: [4], discount }), contentType: 'application/json' });
    expect(total([4], discount)).toBe(expected);
  });

  test.todo('splits a payment');

  test('runs, but is not reported to Qase', () => {
    qase.ignore();
    expect(total([1])).toBe(1);
  });
});

// Concurrent tests interleave in one worker: withQase ties each one's qase calls to it.
describe.concurrent('Checkout', () => {
  for (const method of ['card', 'voucher']) {
    test(`pays by ${method}`, withQase(async ({ qase, expect }) => {
      qase.parameters({ method });
      await qase.step(`Pay by ${method}`, async () => {
        expect(total([5, 5])).toBe(10);
      });
    }));
  }
});
