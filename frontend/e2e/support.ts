import { expect, type Page } from '@playwright/test';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
/**
 * Where `snap` writes: the git-ignored test-results/screenshots/ for every run, so a test run
 * leaves the tree clean; `make screenshots` points E2E_SCREENSHOT_DIR at docs/screenshots/ to
 * refresh the README's pictures.
 */
const screenshotDir = path.resolve(process.env.E2E_SCREENSHOT_DIR ?? path.join(here, '..', 'test-results', 'screenshots'));

export const demo = {
  admin: { email: 'admin@example.com', password: 'Admin@123' },
  alice: { email: 'alice@example.com', password: 'Alice@123' },
  bob: { email: 'bob@example.com', password: 'Bob@123' },
};

/** Saves a full-page screenshot as `<name>.png` in the screenshot folder (see above). */
export async function snap(page: Page, name: string) {
  // Let fonts, images and the map settle so screenshots show the page as a person sees it.
  await page.waitForLoadState('networkidle').catch(() => undefined);
  await page.screenshot({ path: path.join(screenshotDir, `${name}.png`), fullPage: true, animations: 'disabled' });
}

export async function signIn(page: Page, who: { email: string; password: string }) {
  await page.goto('/login');
  await page.getByLabel('Email').fill(who.email);
  await page.getByLabel('Password').fill(who.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('button', { name: 'Sign out' })).toBeVisible();
}

/**
 * Types a card into the Stripe Element. With localstripe's Stripe.js the Element is a row of
 * plain inputs (number, exp_month, exp_year, cvc, postal_code) inside our card container.
 */
export async function fillCard(page: Page, number: string) {
  const element = page.getByTestId('card-element');
  await expect(element.getByPlaceholder('number')).toBeVisible();
  await element.getByPlaceholder('number').fill(number.replace(/\s+/g, ''));
  await element.getByPlaceholder('exp_month').fill('12');
  await element.getByPlaceholder('exp_year').fill('34');
  await element.getByPlaceholder('cvc').fill('123');
  await element.getByPlaceholder('postal_code').fill('94704');
}

/** Empties the signed-in shopper's cart through the UI so a journey starts from a known state. */
export async function emptyCart(page: Page) {
  await page.goto('/cart');
  await expect(page.getByRole('heading', { level: 1, name: 'Your cart' })).toBeVisible();
  const remove = page.getByRole('button', { name: /^Remove .* from cart$/ });
  await expect(page.getByText('Loading your cart…')).toHaveCount(0);
  for (let left = await remove.count(); left > 0; left--) {
    await remove.first().click();
    await expect(remove).toHaveCount(left - 1);
  }
  await expect(page.getByText('Your cart is empty')).toBeVisible();
}

/** The bearer token the app holds for this tab (sessionStorage, see ADR 0015). */
export async function sessionToken(page: Page): Promise<string> {
  const raw = await page.evaluate(() => sessionStorage.getItem('shop.session'));
  if (!raw) throw new Error('no session in this tab');
  return (JSON.parse(raw) as { token: string }).token;
}

/** The plain-text part of an .eml the notifications file provider wrote, decoded. */
function plainText(raw: string): string {
  const boundary = /boundary="?([^";\r\n]+)"?/i.exec(raw)?.[1];
  const parts = boundary ? raw.split(`--${boundary}`) : [raw];
  for (const part of parts) {
    const split = part.search(/\r?\n\r?\n/);
    if (split < 0) continue;
    const headers = part.slice(0, split);
    if (!/content-type:\s*text\/plain/i.test(headers)) continue;
    const body = part.slice(split).trim();
    const encoding = /content-transfer-encoding:\s*(\S+)/i.exec(headers)?.[1]?.toLowerCase();
    if (encoding === 'base64') return Buffer.from(body, 'base64').toString('utf8');
    if (encoding === 'quoted-printable') {
      const bytes = body.replace(/=\r?\n/g, '').replace(/=([0-9A-F]{2})/gi, (_m, hex: string) => String.fromCharCode(Number.parseInt(hex, 16)));
      return Buffer.from(bytes, 'latin1').toString('utf8');
    }
    return body;
  }
  return '';
}

/**
 * The newest link matching `link` in an `eventType` email to `recipient`, read from the .eml
 * files the notifications file provider writes (NOTIFY_FILE_DIR, exported by scripts/stack.py),
 * as a shopper would open it. Waits for the outbox relay to deliver it. Returns the path and
 * query only: the mailed host (localhost) is another origin than the test's (127.0.0.1), and
 * the session and guest storage belong to an origin.
 */
export async function mailedLink(recipient: string, eventType: string, link: RegExp): Promise<string> {
  const folder = process.env.NOTIFY_FILE_DIR;
  if (!folder) throw new Error('NOTIFY_FILE_DIR is not set: run the journeys through e2e/run.sh');
  const stem = `_${eventType.toLowerCase()}_`;
  let found: string | null = null;
  await expect
    .poll(
      () => {
        const names = existsSync(folder) ? readdirSync(folder).filter((n) => n.includes(stem) && n.endsWith('.eml')).sort() : [];
        for (const name of names) {
          const raw = readFileSync(path.join(folder, name), 'utf8');
          const to = /^To:\s*(.+)$/im.exec(raw)?.[1]?.trim();
          if (to !== recipient) continue;
          const match = link.exec(plainText(raw));
          if (match) found = match[0];
        }
        return found;
      },
      { timeout: 60_000, message: `a ${eventType} email to ${recipient}` },
    )
    .not.toBeNull();
  const url = new URL(found as unknown as string);
  return url.pathname + url.search;
}

/** An address nobody used before, so a journey owns its account and its emails. */
export function uniqueEmail(label: string) {
  return `${label}-${Date.now()}-${Math.floor(Math.random() * 1e6)}@example.com`;
}
