import { expect, test } from '@playwright/test';
import { qase } from '@qase-reporters/playwright';

// The example needs no browser: it tests a small cart so it runs anywhere `npm install` ran.
function total(prices: number[], discount = 0): number {
  return Math.round(prices.reduce((sum, price) => sum + price, 0) * (1 - discount) * 100) / 100;
}

test.describe('Cart', () => {
  // Linked to Qase case 1 through the title.
  test(qase(1, 'adds up the prices'), () => {
    expect(total([1.5, 2.25])).toBe(3.75);
  });

  // Linked through an annotation, as with the official reporter.
  test('is empty at first', { annotation: { type: 'QaseID', description: '2' } }, () => {
    expect(total([])).toBe(0);
  });

  test('applies a discount', async () => {
    qase.id(3);
    qase.title('A discount lowers the total');
    qase.fields({ severity: 'major', priority: 'high', layer: 'unit' });
    qase.comment('Discounts are fractions: 0.1 is 10%.');

    const prices = await qase.step('Put two items in the cart', () => [10, 20], 'The cart holds 2 items', '10, 20');
    await qase.step('Apply 10% off', () => {
      expect(total(prices, 0.1)).toBe(27);
    }, 'The total is 27');
  });

  for (const discount of [0, 0.5]) {
    test(`totals with discount ${discount}`, () => {
      qase.parameters({ discount: String(discount) });
      qase.attach({ name: 'cart.json', content: JSON.stringify({ prices: [4], discount }), contentType: 'application/json' });
      expect(total([4], discount)).toBe(4 * (1 - discount));
    });
  }

  test('runs, but is not reported to Qase', () => {
    qase.ignore();
    expect(total([1])).toBe(1);
  });
});
