import { expect, test } from '@playwright/test';

import { snap } from './support';

test.use({ viewport: { width: 390, height: 844 } });

test('the shop works at phone width: menu, search and product page', async ({ page }) => {
  await page.goto('/');
  const nav = page.getByRole('navigation', { name: 'Main' });
  await expect(nav).toBeHidden();
  await page.getByRole('button', { name: 'Menu' }).click();
  await expect(nav.getByRole('link', { name: 'Stores' })).toBeVisible();
  await page.getByRole('button', { name: 'Menu' }).click();

  await page.getByRole('combobox', { name: 'Search products' }).fill('Dell XPS');
  await page.getByRole('combobox', { name: 'Search products' }).press('Enter');
  await page.getByRole('list', { name: 'Search results' }).getByRole('link', { name: 'Dell XPS 13 Laptop' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Dell XPS 13 Laptop' })).toBeVisible();
  // Below the gallery on a phone: reachable by scrolling, never cut off sideways.
  const addToCart = page.getByRole('button', { name: /Add to cart|Sold out/ });
  await addToCart.scrollIntoViewIfNeeded();
  await expect(addToCart).toBeInViewport();
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  expect(overflow).toBeLessThanOrEqual(0);
  await snap(page, 'phone-product');
});
