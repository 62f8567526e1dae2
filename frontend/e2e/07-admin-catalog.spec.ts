import { expect, test } from '@playwright/test';

import { demo, signIn, snap } from './support';

test('the admin creates a product with variants and stock, edits it, sets stock and archives it', async ({ page }) => {
  const run = Date.now().toString(36).toUpperCase();
  const sku = `E2E-MUG-${run}`;
  const name = `Enamel Camp Mug ${run}`;
  const renamed = `${name} 350 ml`;
  await signIn(page, demo.admin);
  await page.goto('/admin/products/new');
  await expect(page.getByRole('heading', { level: 1, name: 'New product' })).toBeVisible();

  // The form checks itself before sending.
  await page.getByRole('button', { name: 'Create product' }).click();
  await expect(page.getByText('Please correct the highlighted fields.')).toBeVisible();

  await page.getByLabel('Name', { exact: true }).fill(name);
  await page.getByLabel('Category').selectOption({ label: '— Camping' });
  await page.getByLabel('Description').fill('A 350 ml enamel mug for the trail.');
  await page.getByRole('button', { name: 'Add an image' }).click();
  await page.getByLabel('Image 1 URL').fill('https://images.example.com/mug.jpg');
  await page.getByLabel('Image 1 description').fill('Enamel mug');
  await page.getByRole('textbox', { name: 'SKU', exact: true }).fill(sku);
  await page.getByLabel('Variant name').fill('Blue');
  await page.getByLabel('Attributes').fill('colour=Blue');
  await page.getByLabel('Price').fill('14.50');
  await page.getByLabel('Initial stock').fill('3');
  await page.getByRole('button', { name: 'Create product' }).click();
  await expect(page.getByText(`${name} created`)).toBeVisible();
  await expect(page.getByRole('heading', { level: 1, name: `Edit ${name}` })).toBeVisible();
  const productUrl = page.url();

  // Edit: rename.
  await page.getByLabel('Name', { exact: true }).fill(renamed);
  await page.getByRole('button', { name: 'Save changes' }).click();
  await expect(page.getByText('Product saved')).toBeVisible();

  // The shop sells it.
  const productId = productUrl.split('/').pop() ?? '';
  await page.goto(`/products/${productId}`);
  await expect(page.getByRole('heading', { level: 1, name: renamed })).toBeVisible();
  // Three units, below the reorder level (5): shoppers see a level, not the count.
  await expect(page.getByText('Only a few left')).toBeVisible();

  // Set stock on the inventory page.
  await page.goto('/admin/inventory');
  await page.getByRole('textbox', { name: 'SKU', exact: true }).fill(sku);
  await page.getByRole('button', { name: 'Look up' }).click();
  await expect(page.getByText(/3 on hand, 0 reserved/)).toBeVisible();
  // A new sku with 3 units sits below its reorder level (5): it is in the low-stock list too.
  await expect(page.getByRole('table', { name: 'Low stock' }).getByRole('row').filter({ hasText: sku })).toBeVisible();
  const lookup = page.getByRole('region', { name: 'Look up a sku' });
  await lookup.getByLabel(`On hand for ${sku}`).fill('40');
  await lookup.getByRole('button', { name: 'Save' }).click();
  await expect(page.getByText(`${sku}: 40 on hand, 40 available`)).toBeVisible();
  await snap(page, 'admin-inventory');

  // Archive: gone from the shop.
  await page.goto(`/admin/products?q=${encodeURIComponent(name)}`);
  const row = page.getByRole('row').filter({ hasText: renamed });
  await expect(row).toBeVisible();
  await snap(page, 'admin-products');
  page.once('dialog', (dialog) => void dialog.accept());
  await row.getByRole('button', { name: `Archive ${renamed}` }).click();
  await expect(page.getByText(`${renamed} archived`)).toBeVisible();
  await page.goto(`/products/${productId}`);
  await expect(page.getByText('We could not find that.').or(page.getByText(/No such product/))).toBeVisible();
});
