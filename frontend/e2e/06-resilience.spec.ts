import { expect, test } from '@playwright/test';

import { snap } from './support';

/*
 * A service that cannot be reached (simulated here by refusing the browser's connections to
 * catalog-fulfillment's listing) gives a friendly message and a retry, never a blank page; once
 * it answers again, "Try again" brings the page back.
 */
test('an unreachable catalog shows a friendly message and recovers on retry', async ({ page }) => {
  await page.route('**/catalog/products?**', (route) => route.abort('connectionrefused'));
  await page.goto('/');
  const section = page.getByRole('region', { name: 'Featured products' });
  await expect(section.getByText('This part of the shop is taking a break')).toBeVisible();
  // The rest of the page still works: categories come from another endpoint.
  await expect(page.getByRole('list', { name: 'Shop by category' })).toBeVisible();
  await snap(page, 'service-unavailable');

  await page.unroute('**/catalog/products?**');
  await section.getByRole('button', { name: 'Try again' }).click();
  await expect(page.getByRole('list', { name: 'Featured products' }).getByRole('listitem').first()).toBeVisible();
});
