import { expect, test } from '@playwright/test';

import { snap } from './support';

test('4. the store locator lists stores nearest first for a city and shows their markers', async ({ page }) => {
  await page.goto('/stores');
  await expect(page.getByRole('heading', { level: 1, name: 'Find a store' })).toBeVisible();
  // Without an origin every store is on the map, drawn offline (country outlines, no tiles).
  await expect(page.locator('.leaflet-container path.leaflet-interactive, .leaflet-container svg path').first()).toBeAttached();
  await expect(page.locator('.store-marker').first()).toBeVisible();

  await page.getByLabel('City').fill('Chicago');
  await page.getByLabel('Within').selectOption('1000');
  await page.getByRole('button', { name: 'Find stores' }).click();
  await expect(page).toHaveURL(/near=Chicago/);
  await expect(page.getByText(/within 1000 km of Chicago, nearest first/)).toBeVisible();

  const list = page.getByTestId('store-list');
  const names = list.getByTestId('store-name');
  await expect(names.first()).toHaveText(/Chicago/);
  const distances = (await list.getByTestId('store-distance').allTextContents()).map((d) => Number.parseFloat(d));
  expect(distances.length).toBeGreaterThanOrEqual(1);
  expect(distances).toEqual([...distances].sort((a, b) => a - b));

  // One numbered marker per listed store, in the same order.
  const markers = page.locator('.store-marker');
  await expect(markers).toHaveCount(await names.count());
  await expect(markers.first()).toHaveText('1');
  const firstName = (await names.first().textContent()) ?? '';
  await expect(page.getByRole('button', { name: firstName })).toBeVisible(); // Leaflet marker, titled with the store name

  await snap(page, 'store-map');
});

test.describe('with the browser sharing its position', () => {
  // Near Los Angeles City Hall.
  test.use({ geolocation: { latitude: 34.0537, longitude: -118.2428 }, permissions: ['geolocation'] });

  test('"use my location" sorts the stores by distance from the shopper', async ({ page }) => {
    await page.goto('/stores');
    await page.getByRole('button', { name: 'Use my location' }).click();
    await expect(page).toHaveURL(/near=your\+location|near=your%20location/);
    const names = page.getByTestId('store-list').getByTestId('store-name');
    await expect(names.first()).toHaveText(/Los Angeles/);
    const distances = (await page.getByTestId('store-distance').allTextContents()).map((d) => Number.parseFloat(d));
    expect(distances).toEqual([...distances].sort((a, b) => a - b));
    await expect(page.locator('.origin-marker')).toBeVisible();
  });
});
