import { expect, test } from '@playwright/test';

import { demo, emptyCart, fillCard, sessionToken, signIn, snap } from './support';

const money = (text: string | null) => Number((text ?? '').replace(/[^\d.]/g, ''));

test('an admin creates a promo code; a shopper uses it and pays the discounted amount', async ({ browser }) => {
  const code = `E2E${Date.now().toString(36).toUpperCase()}`;

  // The admin creates a 10% code with a usage limit (checkout locks and counts it).
  const admin = await (await browser.newContext()).newPage();
  await signIn(admin, demo.admin);
  await admin.goto('/admin/promotions');
  await admin.getByLabel('Code', { exact: true }).fill(code);
  await admin.getByLabel('Value', { exact: true }).fill('10');
  await admin.getByLabel('Usage limit').fill('5');
  await admin.getByRole('button', { name: 'Create code' }).click();
  await expect(admin.getByRole('cell', { name: code, exact: true })).toBeVisible();
  await snap(admin, 'admin-promotions');

  // The shopper types it in lower case in the cart.
  const page = await (await browser.newContext()).newPage();
  await signIn(page, demo.bob);
  await emptyCart(page);
  await page.goto('/search?q=Dell%20XPS%2013');
  await page.getByRole('list', { name: 'Search results' }).getByRole('link', { name: 'Dell XPS 13 Laptop' }).click();
  await page.getByRole('button', { name: '32 GB / 1 TB' }).click();
  await page.getByRole('button', { name: 'Add to cart' }).click();
  await expect(page.getByTestId('cart-count')).toHaveText('1');
  await page.goto('/cart');
  await page.getByLabel('Promo code', { exact: true }).fill(code.toLowerCase());
  await page.getByRole('button', { name: 'Apply' }).click();
  await expect(page.getByTestId('applied-promo')).toContainText(code);
  await expect(page.getByTestId('discount-amount')).toHaveText('−$169.90'); // 10% of 1,699.00

  // Checkout: the review shows the discount, and the Pay button asks for the discounted total.
  await page.getByRole('link', { name: 'Checkout' }).click();
  await expect(page.getByRole('radio', { name: /Standard/ })).toBeVisible();
  await page.getByRole('button', { name: 'Review order' }).click();
  await expect(page.getByTestId('tax-amount')).toHaveText(/^\$[\d,]+\.\d\d$/); // the server's review
  await expect(page.getByText(`Discount (${code})`)).toBeVisible();
  const subtotal = 1699;
  const discount = money(await page.getByTestId('discount-amount').textContent());
  const tax = money(await page.getByTestId('tax-amount').textContent());
  const shippingText = (await page.getByTestId('shipping-amount').textContent()) ?? '';
  const shipping = shippingText === 'Free' ? 0 : money(shippingText);
  const totalText = (await page.getByTestId('order-total').textContent()) ?? '';
  expect(discount).toBe(169.9);
  expect(money(totalText)).toBeCloseTo(subtotal - discount + shipping + tax, 2);
  await snap(page, 'checkout-promo');
  await fillCard(page, '4242 4242 4242 4242');
  await page.getByRole('button', { name: `Pay ${totalText}` }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Thank you for your order!' })).toBeVisible({ timeout: 30_000 });
  await expect(page.getByTestId('order-status')).toHaveText('Paid');
  await expect(page.getByText(`Discount (${code})`)).toBeVisible();

  // Stripe took exactly the discounted total.
  const orderId = new URL(page.url()).pathname.split('/').pop() ?? '';
  const token = await sessionToken(page);
  const identity = process.env.IDENTITY_URL ?? 'http://127.0.0.1:18001';
  const answer = await page.request.get(`${identity}/orders/${orderId}`, { headers: { Authorization: `Bearer ${token}` } });
  const order = (await answer.json()) as { discount: string; promo_code: string; total: string; payment: { amount: string } };
  expect(order.discount).toBe('169.90');
  expect(order.promo_code).toBe(code);
  expect(order.payment.amount).toBe(order.total);
  expect(money(order.total)).toBeCloseTo(money(totalText), 2);
  // Leave Bob's cart without a code for the other journeys.
  await page.request.delete(`${identity}/cart/promo`, { headers: { Authorization: `Bearer ${token}` } });

  // The admin sees the use counted once paid.
  await admin.reload();
  await expect(admin.getByRole('row', { name: new RegExp(code) }).getByText('1 / 5')).toBeVisible();
});
