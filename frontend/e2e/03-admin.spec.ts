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

test('the admin reaches the dashboard with the daily chart and low-stock list', async ({ page }) => {
  await signIn(page, demo.admin);
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Admin' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Dashboard' })).toBeVisible();
  await expect(page.getByRole('img', { name: /Chart of orders and revenue per day/ })).toBeVisible();
  // The journeys before this one placed orders today: they are counted.
  const ordersToday = page.getByRole('definition').first();
  await expect(ordersToday).not.toHaveText('0');
  await page.getByText('Show as a table').click();
  await expect(page.getByRole('row').last().getByRole('cell').nth(1)).not.toHaveText('0');
  await expect(page.getByRole('heading', { name: 'Low stock' })).toBeVisible();
  await snap(page, 'admin-dashboard');
});
