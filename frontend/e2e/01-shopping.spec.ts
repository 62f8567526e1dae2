import { expect, test, type Browser } from '@playwright/test';

import { demo, emptyCart, fillCard, signIn, snap } from './support';

/*
 * Journeys 1-3 share one order: the shopper pays for it, the admin ships it, the shopper sees
 * the tracking number. They run in order in one file.
 */
test.describe.configure({ mode: 'serial' });

let paidOrderId = '';
let paidOrderNumber = '';

async function newPage(browser: Browser) {
  const context = await browser.newContext();
  return context.newPage();
}

test('1. a shopper browses, searches with a typo, picks a variant, pays by card and sees the order paid', async ({ browser }) => {
  const page = await newPage(browser);
  await signIn(page, demo.alice);
  await emptyCart(page);

  // Home: category tiles and featured products.
  await page.goto('/');
  await expect(page.getByRole('list', { name: 'Featured products' }).getByRole('listitem').first()).toBeVisible();
  await snap(page, 'home');

  // Browse a category, sort by price: the choice lands in the URL.
  await page.getByRole('list', { name: 'Shop by category' }).getByRole('link', { name: /Electronics/ }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Electronics' })).toBeVisible();
  await page.getByLabel('Sort by').selectOption('price_asc');
  await expect(page).toHaveURL(/sort=price_asc/);
  // The old page stays on screen while the sorted one loads: wait for the sorted prices.
  const grid = page.getByRole('list', { name: 'Products in Electronics' });
  await expect
    .poll(async () => {
      const values = (await grid.getByText(/^\$[\d,]+\.\d\d$/).allTextContents()).map((p) => Number(p.replace(/[$,]/g, '')));
      return values.length > 1 && values.every((value, i) => i === 0 || values[i - 1] <= value);
    })
    .toBe(true);
  await page.getByLabel('In stock only').check();
  await page.getByRole('button', { name: 'Apply filters' }).click();
  await expect(page).toHaveURL(/in_stock=true/);
  await snap(page, 'category');

  // Search with a typo: "lapotp" still finds laptops, with suggestions while typing.
  const search = page.getByRole('combobox', { name: 'Search products' });
  await search.fill('lapotp');
  await expect(page.getByRole('listbox', { name: 'Suggestions' }).getByRole('option').first()).toBeVisible();
  await search.press('Enter');
  await expect(page).toHaveURL(/\/search\?q=lapotp/);
  const results = page.getByRole('list', { name: 'Search results' });
  await expect(results.getByRole('link', { name: 'Dell XPS 13 Laptop' })).toBeVisible();
  await snap(page, 'search-typo');

  // Product: gallery, variant picker, live availability, reviews.
  await results.getByRole('link', { name: 'Dell XPS 13 Laptop' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Dell XPS 13 Laptop' })).toBeVisible();
  await page.getByRole('button', { name: '32 GB / 1 TB' }).click();
  await expect(page.getByText('SKU XPS13-32GB1TB')).toBeVisible();
  await expect(page.getByTestId('price')).toHaveText('$1,699.00');
  await expect(page.getByRole('region', { name: 'Reviews' })).toBeVisible();
  await snap(page, 'product');

  await page.getByRole('button', { name: 'Add to cart' }).click();
  await expect(page.getByText(/Added 1 × Dell XPS 13 Laptop/)).toBeVisible();
  await expect(page.getByTestId('cart-count')).toHaveText('1');

  // Cart -> checkout.
  await page.getByRole('link', { name: /^Cart/ }).click();
  await expect(page.getByTestId('cart-line')).toHaveCount(1);
  await page.getByRole('link', { name: 'Checkout' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Checkout' })).toBeVisible();
  await expect(page.getByRole('radio', { name: /Alice Martin/ })).toBeChecked();
  await page.getByRole('button', { name: 'Review order' }).click();

  // Shipping and tax from the server before paying.
  await expect(page.getByTestId('tax-amount')).toHaveText(/^\$[\d,]+\.\d\d$/);
  await expect(page.getByTestId('shipping-amount')).toHaveText(/Free|^\$/);
  const total = (await page.getByTestId('order-total').textContent()) ?? '';
  expect(total).toMatch(/^\$[\d,]+\.\d\d$/);
  await fillCard(page, '4242 4242 4242 4242');
  await snap(page, 'checkout');

  await page.getByRole('button', { name: `Pay ${total}` }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Thank you for your order!' })).toBeVisible({ timeout: 30_000 });
  await expect(page.getByTestId('order-status')).toHaveText('Paid');
  paidOrderId = new URL(page.url()).pathname.split('/').pop() ?? '';
  expect(paidOrderId).toMatch(/^[0-9a-f-]{36}$/);
  await snap(page, 'order-confirmation');

  // Order history shows it as paid; the cart is empty.
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Orders' }).click();
  const row = page.getByTestId('order-row').filter({ has: page.locator(`a[href="/orders/${paidOrderId}"]`) });
  await expect(row.getByTestId('order-status')).toHaveText('Paid');
  paidOrderNumber = ((await row.getByRole('link').textContent()) ?? '').replace(/^Order /, '');
  await expect(page.getByTestId('cart-count')).toHaveText('0');
  await snap(page, 'order-history');
});

test('2. a declined card shows why in words and leaves the cart intact', async ({ browser }) => {
  const page = await newPage(browser);
  await signIn(page, demo.bob);
  await emptyCart(page);

  await page.goto('/search?q=Dell%20XPS%2013');
  await page.getByRole('list', { name: 'Search results' }).getByRole('link', { name: 'Dell XPS 13 Laptop' }).click();
  await page.getByRole('button', { name: '32 GB / 1 TB' }).click();
  await page.getByRole('button', { name: 'Add to cart' }).click();
  await expect(page.getByTestId('cart-count')).toHaveText('1');

  await page.goto('/checkout');
  await page.getByRole('button', { name: 'Review order' }).click();
  await fillCard(page, '4000 0000 0000 0002');
  await page.getByRole('button', { name: /^Pay \$/ }).click();

  await expect(page.getByTestId('payment-error')).toContainText('Your card was declined');
  await expect(page.getByRole('heading', { level: 1, name: 'Checkout' })).toBeVisible();
  await snap(page, 'checkout-declined');

  // The cart still holds the laptop.
  await page.goto('/cart');
  await expect(page.getByTestId('cart-line')).toHaveCount(1);
  await expect(page.getByTestId('cart-line')).toContainText('Dell XPS 13 Laptop');
  await expect(page.getByTestId('cart-count')).toHaveText('1');
});

test('3. the admin ships the order with carrier and tracking, and the shopper sees it shipped', async ({ browser }) => {
  expect(paidOrderId, 'journey 1 must have placed an order').not.toBe('');
  const admin = await newPage(browser);
  await signIn(admin, demo.admin);
  await admin.goto('/admin/orders?status=paid');
  await expect(admin.getByRole('heading', { level: 1, name: 'Orders' })).toBeVisible();
  const row = admin.getByTestId('admin-order-row').filter({ hasText: paidOrderNumber });
  await expect(row).toBeVisible();
  await snap(admin, 'admin-orders');

  await row.getByRole('link', { name: paidOrderNumber }).click();
  await expect(admin.getByRole('heading', { level: 1, name: `Order ${paidOrderNumber}` })).toBeVisible();
  // paid -> processing -> shipped, as the order state machine says.
  await admin.getByLabel('New status').selectOption('processing');
  await admin.getByRole('button', { name: 'Update status' }).click();
  await expect(admin.getByText('Order is now processing')).toBeVisible();
  await expect(admin.getByTestId('order-status')).toHaveText('Processing');
  await admin.getByLabel('New status').selectOption('shipped');
  await admin.getByLabel('Carrier').fill('UPS');
  await admin.getByLabel('Tracking number').fill('1Z999AA10123456784');
  await admin.getByRole('button', { name: 'Update status' }).click();
  await expect(admin.getByText('Order is now shipped')).toBeVisible();
  await expect(admin.getByTestId('order-status')).toHaveText('Shipped');
  await snap(admin, 'admin-order-shipped');

  const shopper = await newPage(browser);
  await signIn(shopper, demo.alice);
  await shopper.goto(`/orders/${paidOrderId}`);
  await expect(shopper.getByTestId('order-status')).toHaveText('Shipped');
  await expect(shopper.getByTestId('tracking-number')).toHaveText('1Z999AA10123456784');
  await expect(shopper.getByTestId('carrier')).toHaveText('UPS');
  await expect(shopper.getByRole('list', { name: 'Order timeline' })).toContainText('Shipped');
  await snap(shopper, 'order-shipped');

  // Having bought the laptop, the shopper reviews it: catalog-fulfillment asks identity-commerce
  // and marks the review as a verified purchase.
  await shopper.getByRole('link', { name: /^Dell XPS 13 Laptop/ }).click();
  await expect(shopper.getByRole('heading', { level: 1, name: 'Dell XPS 13 Laptop' })).toBeVisible();
  const reviews = shopper.getByRole('region', { name: 'Reviews' });
  const form = reviews.getByRole('form', { name: 'Write a review' });
  await form.locator('label').filter({ hasText: '5 stars' }).click();
  await expect(form.getByRole('radio', { name: '5 stars' })).toBeChecked();
  await form.getByLabel('Title').fill('Light and fast');
  await form.getByLabel('Your review').fill('Arrived in two days; the 32 GB model flies.');
  await form.getByRole('button', { name: 'Publish review' }).click();
  await expect(reviews.getByText('Thanks, your review is published.')).toBeVisible();
  const mine = reviews.getByRole('listitem').filter({ hasText: 'Light and fast' });
  await expect(mine.getByText('Verified purchase')).toBeVisible();
  await expect(mine).toContainText('Alice');
  await snap(shopper, 'review-verified');
});

test('a card that needs 3-D Secure is authenticated in Stripe.js and then paid', async ({ browser }) => {
  const page = await newPage(browser);
  await signIn(page, demo.bob);
  await emptyCart(page);
  await page.goto('/search?q=Dell%20XPS%2013');
  await page.getByRole('list', { name: 'Search results' }).getByRole('link', { name: 'Dell XPS 13 Laptop' }).click();
  await page.getByRole('button', { name: '32 GB / 1 TB' }).click();
  await page.getByRole('button', { name: 'Add to cart' }).click();
  await expect(page.getByTestId('cart-count')).toHaveText('1');

  await page.goto('/checkout');
  await page.getByRole('button', { name: 'Review order' }).click();
  await fillCard(page, '4000 0025 0000 3155');
  await page.getByRole('button', { name: /^Pay \$/ }).click();
  // localstripe's Stripe.js asks to complete the bank's check, as Stripe's 3-D Secure modal would.
  await page.getByRole('button', { name: 'Complete authentication' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Thank you for your order!' })).toBeVisible({ timeout: 30_000 });
  await expect(page.getByTestId('order-status')).toHaveText('Paid');
});
