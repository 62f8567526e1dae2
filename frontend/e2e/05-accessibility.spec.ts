import AxeBuilder from '@axe-core/playwright';
import { expect, test, type Page } from '@playwright/test';

import { demo, signIn } from './support';

/**
 * Automated WCAG 2 A/AA checks (axe-core) on the main pages: labels, names, contrast, landmarks.
 * Stripe's card Element is left out: its inputs belong to Stripe.js (localstripe's stand-in here).
 */
async function expectNoSeriousViolations(page: Page, what: string) {
  const results = await new AxeBuilder({ page })
    .withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'])
    .exclude('[data-testid="card-element"]')
    .analyze();
  const serious = results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  const report = serious.map((v) => `${v.id} (${v.impact}): ${v.help}\n  ${v.nodes.map((n) => n.target.join(' ')).slice(0, 5).join('\n  ')}`);
  expect(report, `${what}: accessibility violations`).toEqual([]);
}

test('shopper pages pass automated accessibility checks', async ({ page }) => {
  await page.goto('/');
  await expect(page.getByRole('list', { name: 'Featured products' })).toBeVisible();
  await expectNoSeriousViolations(page, 'home');

  await page.goto('/categories/electronics');
  await expect(page.getByRole('list', { name: 'Products in Electronics' })).toBeVisible();
  await expectNoSeriousViolations(page, 'category');

  await page.goto('/search?q=lapotp');
  await page.getByRole('list', { name: 'Search results' }).getByRole('link', { name: 'Dell XPS 13 Laptop' }).click();
  await expect(page.getByRole('region', { name: 'Reviews' })).toBeVisible();
  await expectNoSeriousViolations(page, 'product');

  await page.goto('/stores?lat=41.8781&lng=-87.6298&near=Chicago&city=Chicago&radius=1000');
  await expect(page.getByTestId('store-list')).toBeVisible();
  await expectNoSeriousViolations(page, 'store locator');

  await page.goto('/login');
  await expectNoSeriousViolations(page, 'sign in');
});

test('signed-in and admin pages pass automated accessibility checks', async ({ page }) => {
  await signIn(page, demo.alice);
  await page.goto('/orders');
  await expect(page.getByTestId('order-list')).toBeVisible();
  await expectNoSeriousViolations(page, 'order history');
  await page.getByTestId('order-row').first().getByRole('link').click();
  await expect(page.getByRole('list', { name: 'Order timeline' })).toBeVisible();
  await expectNoSeriousViolations(page, 'order detail');
  await page.goto('/account');
  await expect(page.getByRole('list', { name: 'Saved addresses' })).toBeVisible();
  await expectNoSeriousViolations(page, 'account');

  await page.getByRole('button', { name: 'Sign out' }).click();
  await signIn(page, demo.admin);
  await page.goto('/admin/orders');
  await expect(page.getByRole('table', { name: 'Orders' })).toBeVisible();
  await expectNoSeriousViolations(page, 'admin orders');
  await page.goto('/admin/products');
  await expect(page.getByRole('table', { name: 'Products' })).toBeVisible();
  await expectNoSeriousViolations(page, 'admin products');
});
