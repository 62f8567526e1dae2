import { expect, test, type APIRequestContext } from '@playwright/test';

import { demo, sessionToken, signIn, snap } from './support';

const identity = process.env.IDENTITY_URL ?? 'http://127.0.0.1:18001';
const catalog = process.env.CATALOG_URL ?? 'http://127.0.0.1:18002';

async function ok<T>(response: Awaited<ReturnType<APIRequestContext['post']>>): Promise<T> {
  expect(response.ok(), `${response.url()}: ${response.status()} ${await response.text()}`).toBeTruthy();
  return (await response.json()) as T;
}

/** A product of its own with 10 units, and a new shopper's paid order of 3 of them (through the API). */
async function paidOrderOfThree(request: APIRequestContext, adminToken: string, sku: string) {
  const admin = { Authorization: `Bearer ${adminToken}` };
  const category = await ok<{ id: string }>(await request.post(`${catalog}/admin/categories`, { headers: admin, data: { name: `Refunds ${sku}` } }));
  await ok(
    await request.post(`${catalog}/admin/products`, {
      headers: admin,
      data: { name: `Refund mug ${sku}`, category_id: category.id, variants: [{ sku, name: 'Blue', price: '12.00', on_hand: 10 }] },
    }),
  );
  const email = `refund-${sku.toLowerCase()}@example.com`;
  const password = 'Refund@12345';
  await ok(await request.post(`${identity}/auth/signup`, { data: { email, password, first_name: 'Rita', last_name: 'Fund' } }));
  const { access_token: token } = await ok<{ access_token: string }>(await request.post(`${identity}/auth/login`, { data: { email, password } }));
  const shopper = { Authorization: `Bearer ${token}` };
  const ids: string[] = [];
  for (const kind of ['shipping', 'billing']) {
    const address = await ok<{ id: string }>(
      await request.post(`${identity}/addresses`, {
        headers: shopper,
        data: { kind, full_name: 'Rita Fund', line1: '1 Main St', city: 'Springfield', postal_code: '12345', country: 'US' },
      }),
    );
    ids.push(address.id);
  }
  await ok(await request.post(`${identity}/cart/items`, { headers: shopper, data: { sku, quantity: 3 } }));
  const intent = await ok<{ order_id: string }>(
    await request.post(`${identity}/checkout/create-payment-intent`, { headers: shopper, data: { shipping_address_id: ids[0], billing_address_id: ids[1] } }),
  );
  const paid = await ok<{ status: string; number: string }>(
    await request.post(`${identity}/checkout/confirm`, { headers: shopper, data: { order_id: intent.order_id, payment_method_id: 'pm_card_visa' } }),
  );
  expect(paid.status).toBe('paid');
  return { orderId: intent.order_id, number: paid.number };
}

test('the admin refunds one line with restock: the order page shows the refund and the stock is back', async ({ page, request }) => {
  const sku = `E2E-RF-${Date.now().toString(36).toUpperCase()}`;
  await signIn(page, demo.admin);
  const { orderId, number } = await paidOrderOfThree(request, await sessionToken(page), sku);

  await page.goto(`/admin/orders/${orderId}`);
  await expect(page.getByRole('heading', { level: 1, name: `Order ${number}` })).toBeVisible();
  await page.getByRole('button', { name: 'Refund items' }).click();
  const form = page.getByRole('form', { name: 'Refund' });
  await form.getByLabel(`Units of ${sku} to refund`).fill('1');
  await expect(form.getByLabel('Put the refunded items back in stock')).toBeChecked();
  await form.getByLabel('Reason').fill('Arrived chipped');
  await form.getByRole('button', { name: 'Refund', exact: true }).click();

  // 12.00 with its share of the 8 % tax: $12.96.
  await expect(page.getByText('Refunded $12.96')).toBeVisible();
  await expect(page.getByTestId('order-status')).toHaveText('Partially refunded');
  await expect(page.getByTestId('refunds')).toContainText(new RegExp(`1 × .*\\(${sku}\\): \\$12\\.96`));
  await expect(page.getByRole('list', { name: 'Order timeline' })).toContainText('Partially refunded');
  await snap(page, 'admin-order-partially-refunded');

  // 10 on hand, 3 sold, 1 back on the shelf.
  await page.goto('/admin/inventory');
  await page.getByRole('textbox', { name: 'SKU', exact: true }).fill(sku);
  await page.getByRole('button', { name: 'Look up' }).click();
  await expect(page.getByText(/8 on hand, 0 reserved/)).toBeVisible();
});
