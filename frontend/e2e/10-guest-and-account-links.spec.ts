import { expect, test, type Browser, type Page } from '@playwright/test';

import { demo, emptyCart, fillCard, mailedLink, signIn, snap, uniqueEmail } from './support';

/*
 * Shopping without an account, and the emailed links that bring a shopper back: the guest's
 * order link, the email confirmation that lets an account claim a guest order, and the
 * password reset. Every link is read from the .eml files notifications wrote.
 */

async function newPage(browser: Browser) {
  const context = await browser.newContext();
  return context.newPage();
}

/** Adds one unit of a single-variant product found by search (the visitor need not be signed in). */
async function addToCart(page: Page, query: string, name: string) {
  await page.goto(`/search?q=${encodeURIComponent(query)}`);
  await page.getByRole('list', { name: 'Search results' }).getByRole('link', { name }).click();
  await expect(page.getByRole('heading', { level: 1, name })).toBeVisible();
  await page.getByRole('button', { name: 'Add to cart' }).click();
  // The toast names the variant too: "Added 1 × <product> (<variant>) to your cart".
  await expect(page.getByText(`Added 1 × ${name}`)).toBeVisible();
}

test('a guest buys without an account, opens the order link from the email, then signs up and the order joins the account', async ({ browser }) => {
  const email = uniqueEmail('guest');
  const page = await newPage(browser);
  await addToCart(page, 'Sennheiser HD 600', 'Sennheiser HD 600 Open-Back Headphones');
  await expect(page.getByTestId('cart-count')).toHaveText('1');

  // Checkout as a guest: email, address, card.
  await page.getByRole('link', { name: /^Cart/ }).click();
  await page.getByRole('link', { name: 'Checkout' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Checkout' })).toBeVisible();
  await expect(page.getByText('Checking out as a guest.')).toBeVisible();
  const details = page.getByRole('form', { name: 'Contact and address' });
  await details.getByLabel('Email').fill(email);
  await details.getByLabel('Full name').fill('Grace Guest');
  await details.getByLabel('Address line 1').fill('1 Infinite Loop');
  await details.getByLabel('City').fill('Cupertino');
  await details.getByLabel('State / region (optional)').fill('CA');
  await details.getByLabel('Postal code').fill('95014');
  await details.getByRole('button', { name: 'Review order' }).click();

  await expect(page.getByText(`Receipt to ${email}`)).toBeVisible();
  const total = (await page.getByTestId('order-total').textContent()) ?? '';
  expect(total).toMatch(/^\$[\d,]+\.\d\d$/);
  await fillCard(page, '4242 4242 4242 4242');
  await snap(page, 'guest-checkout');
  await page.getByRole('button', { name: `Pay ${total}` }).click();

  // The confirmation: order number, the order's link, the account offer.
  await expect(page.getByRole('heading', { level: 1, name: 'Thank you for your order!' })).toBeVisible({ timeout: 30_000 });
  await expect(page.getByTestId('order-status')).toHaveText('Paid');
  const orderNumber = (await page.getByTestId('order-number').textContent()) ?? '';
  expect(orderNumber).not.toBe('');
  await expect(page.getByText(`We have emailed a receipt to ${email}`)).toBeVisible();
  const orderId = new URL(page.url()).pathname.split('/').pop() ?? '';
  await expect(page.getByRole('link', { name: 'this link to your order' })).toHaveAttribute('href', new RegExp(`^/orders/${orderId}\\?token=`));
  await snap(page, 'guest-order-confirmation');

  // The link in the paid email opens the order on another device, with no account.
  const orderLink = await mailedLink(email, 'ORDER_PAID', /https?:\/\/\S+\/orders\/[0-9a-f-]{36}\?token=[A-Za-z0-9_-]+/);
  expect(orderLink).toContain(`/orders/${orderId}?token=`);
  const elsewhere = await newPage(browser);
  await elsewhere.goto(orderLink);
  await expect(elsewhere.getByRole('heading', { level: 1, name: `Order ${orderNumber}` })).toBeVisible();
  await expect(elsewhere.getByTestId('order-status')).toHaveText('Paid');
  await expect(elsewhere.getByTestId('order-total')).toHaveText(total);
  // A link with a wrong token opens nothing.
  await elsewhere.goto(`/orders/${orderId}?token=not-the-token-of-this-order`);
  await expect(elsewhere.getByRole('heading', { level: 1, name: 'Order not found' })).toBeVisible();

  // "Create an account with this email": prefilled; once the email is confirmed the order joins it.
  await page.getByRole('link', { name: 'Create an account' }).click();
  await expect(page.getByLabel('Email')).toHaveValue(email);
  await page.getByLabel('First name').fill('Grace');
  await page.getByLabel('Last name').fill('Guest');
  await page.getByLabel('Password', { exact: true }).fill('Guest@12345');
  await page.getByRole('button', { name: 'Create account' }).click();
  await expect(page.getByRole('button', { name: 'Sign out' })).toBeVisible();
  await expect(page.getByText(/Confirm your email with the link we sent you/)).toBeVisible();

  const verifyLink = await mailedLink(email, 'EMAIL_VERIFICATION_REQUESTED', /https?:\/\/\S+\/verify-email\?token=[A-Za-z0-9_-]+/);
  await page.goto(verifyLink);
  await expect(page.getByText('Thanks, your email is confirmed.')).toBeVisible();
  await expect(page.getByText('Your order placed as a guest is now in your account.')).toBeVisible();
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Orders' }).click();
  const row = page.getByTestId('order-row').filter({ has: page.locator(`a[href="/orders/${orderId}"]`) });
  await expect(row.getByTestId('order-status')).toHaveText('Paid');
});

test('a guest cart is merged into the account on sign-in', async ({ browser }) => {
  const page = await newPage(browser);
  // Start from Bob's empty account cart, then shop signed out.
  await signIn(page, demo.bob);
  await emptyCart(page);
  await page.getByRole('button', { name: 'Sign out' }).click();
  await expect(page.getByRole('link', { name: 'Sign in' })).toBeVisible();

  await addToCart(page, 'Petzl Actik Core', 'Petzl Actik Core Rechargeable Headlamp');
  await page.goto('/cart');
  await expect(page.getByTestId('cart-line')).toHaveCount(1);

  await signIn(page, demo.bob);
  await expect(page.getByText('The items you added before signing in are in your cart.')).toBeVisible();
  await page.goto('/cart');
  await expect(page.getByTestId('cart-line')).toHaveCount(1);
  await expect(page.getByTestId('cart-line')).toContainText('Petzl Actik Core Rechargeable Headlamp');
  // The guest cart is gone from this browser: the account's cart is the only one.
  expect(await page.evaluate(() => localStorage.getItem('shop.guestCartToken'))).toBeNull();
  await emptyCart(page);
});

test('forgot password: the emailed link resets it, the new password signs in and the old one no longer does', async ({ browser }) => {
  const email = uniqueEmail('forgetful');
  const page = await newPage(browser);
  await page.goto('/signup');
  await page.getByLabel('First name').fill('Fran');
  await page.getByLabel('Last name').fill('Forgetful');
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password', { exact: true }).fill('Original@123');
  await page.getByRole('button', { name: 'Create account' }).click();
  await page.getByRole('button', { name: 'Sign out' }).click();

  await page.goto('/login');
  await page.getByRole('link', { name: 'Forgot your password?' }).click();
  await expect(page).toHaveURL(/\/forgot-password$/);
  await page.getByLabel('Email').fill(email);
  await page.getByRole('button', { name: 'Send me a reset link' }).click();
  await expect(page.getByText(`If an account exists for ${email}, we sent it a link`)).toBeVisible();

  const resetLink = await mailedLink(email, 'PASSWORD_RESET_REQUESTED', /https?:\/\/\S+\/reset-password\?token=[A-Za-z0-9_-]+/);
  await page.goto(resetLink);
  await page.getByLabel('New password', { exact: true }).fill('Renewed@456');
  await page.getByLabel('Repeat the new password').fill('Renewed@456');
  await page.getByRole('button', { name: 'Set new password' }).click();
  await expect(page.getByText('Your password was changed.')).toBeVisible();

  // The old password is refused, the new one signs in.
  await page.goto('/login');
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill('Original@123');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByText('That email and password do not match an account.')).toBeVisible();
  await expect(page.getByRole('button', { name: 'Sign out' })).toHaveCount(0);
  await signIn(page, { email, password: 'Renewed@456' });
});
