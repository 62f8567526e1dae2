import { expect, test } from '@playwright/test';

import { demo, sessionToken, signIn, snap } from './support';

test('5. a customer opening an admin page is refused', async ({ page, request }) => {
  await signIn(page, demo.bob);
  await expect(page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Admin' })).toHaveCount(0);

  await page.goto('/admin/orders');
  await expect(page.getByRole('heading', { name: 'Admins only' })).toBeVisible();
  await expect(page.getByRole('table', { name: 'Orders' })).toHaveCount(0);
  await snap(page, 'admin-refused');

  // The services refuse too, whatever the page shows.
  const token = await sessionToken(page);
  const identity = process.env.IDENTITY_URL ?? 'http://127.0.0.1:18001';
  const answer = await request.get(`${identity}/admin/orders`, { headers: { Authorization: `Bearer ${token}` } });
  expect(answer.status()).toBe(403);
});

test('the dashboard shows a range\'s figures from the reports API', async ({ page, request }) => {
  await signIn(page, demo.admin);
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Admin' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Dashboard' })).toBeVisible();
  await expect(page.getByRole('img', { name: /Chart of orders and net sales per day/ })).toBeVisible();

  // A range of its own: the page asks the reports API for it and shows what it answers.
  const today = new Date();
  const iso = (d: Date) => `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
  const from = iso(new Date(today.getFullYear(), today.getMonth(), today.getDate() - 6));
  const to = iso(today);
  await page.getByLabel('From', { exact: true }).fill(from);
  await page.getByLabel('To', { exact: true }).fill(to);
  const answered = page.waitForResponse(
    (r) => r.url().includes('/admin/reports/sales') && r.url().includes(`from=${from}`) && r.url().includes(`to=${to}`),
  );
  await page.getByRole('button', { name: 'Show' }).click();
  const shown = (await (await answered).json()) as { totals: { orders: number; net: string }; buckets: unknown[] };
  expect(shown.buckets).toHaveLength(7);
  await expect(page.getByTestId('total-orders')).toHaveText(String(shown.totals.orders));

  // The same figures straight from the service, with the admin's token.
  const token = await sessionToken(page);
  const identity = process.env.IDENTITY_URL ?? 'http://127.0.0.1:18001';
  const direct = await request.get(`${identity}/admin/reports/sales?from=${from}&to=${to}`, {
    headers: { Authorization: `Bearer ${token}` },
  });
  expect(direct.status()).toBe(200);
  const report = (await direct.json()) as { totals: { orders: number; net: string } };
  expect(report.totals).toEqual(shown.totals);
  // The page prints money for people ("$3,669.84"): compare its digits with the answer's.
  await expect
    .poll(async () => (await page.getByTestId('total-net').textContent())?.replace(/[^0-9.-]/g, ''))
    .toBe(Number(report.totals.net).toFixed(2));
  await page.getByText('Show as a table').click();
  await expect(page.getByRole('table', { name: 'Sales per period' }).getByRole('row')).toHaveCount(8);
  await expect(page.getByRole('heading', { name: 'Low stock' })).toBeVisible();
  await snap(page, 'admin-dashboard');
});
