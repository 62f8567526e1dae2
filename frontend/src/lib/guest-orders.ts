/**
 * Orders a visitor placed without an account in this browser, kept until they join an account.
 *
 * The order token (from the checkout reply, and in every email of the order) opens the order
 * read-only. If the visitor then signs up with the same email, the app claims these orders
 * (POST /orders/claim) once the email is verified: identity-commerce claims on request rather
 * than linking on verification (docs/api/identity-commerce-orders.md, ADR 0033). The list
 * lives in localStorage, like the guest cart's token, so it survives the tab that paid.
 */
import { identityApi } from '@/lib/api-client';

const STORAGE_KEY = 'shop.guestOrders';
/** A visitor rarely has more; the cap keeps a misbehaving page from growing storage forever. */
const MAX_KEPT = 20;

export interface GuestOrder {
  orderId: string;
  token: string;
  email: string;
}

function storage(): Storage | null {
  try {
    return typeof window === 'undefined' ? null : window.localStorage;
  } catch {
    return null;
  }
}

function isGuestOrder(value: unknown): value is GuestOrder {
  const v = value as Partial<GuestOrder> | null;
  return !!v && typeof v.orderId === 'string' && typeof v.token === 'string' && typeof v.email === 'string';
}

export function guestOrders(): GuestOrder[] {
  try {
    const parsed = JSON.parse(storage()?.getItem(STORAGE_KEY) ?? '[]') as unknown;
    return Array.isArray(parsed) ? parsed.filter(isGuestOrder) : [];
  } catch {
    return []; // unreadable: nothing to claim
  }
}

function write(orders: GuestOrder[]) {
  const store = storage();
  if (!store) return;
  if (orders.length) store.setItem(STORAGE_KEY, JSON.stringify(orders.slice(-MAX_KEPT)));
  else store.removeItem(STORAGE_KEY);
}

export function rememberGuestOrder(order: GuestOrder): void {
  write([...guestOrders().filter((o) => o.orderId !== order.orderId), order]);
}

export function forgetGuestOrder(orderId: string): void {
  write(guestOrders().filter((o) => o.orderId !== orderId));
}

export function guestOrder(orderId: string): GuestOrder | null {
  return guestOrders().find((o) => o.orderId === orderId) ?? null;
}

export interface ClaimOutcome {
  /** Orders that joined the account just now. */
  claimed: string[];
  /** Orders of this email still waiting for the email to be confirmed. */
  waiting: string[];
}

/**
 * Claims this browser's guest orders placed with the account's email. The service takes them
 * only once the email is verified (403 before), so an unverified account leaves them waiting
 * and the caller says why. An order that fails for another reason stays too: its link still
 * opens it, and the next sign-in tries again.
 */
export async function claimGuestOrders(account: { email: string; email_verified: boolean }): Promise<ClaimOutcome> {
  const mine = guestOrders().filter((o) => o.email.toLowerCase() === account.email.toLowerCase());
  if (!account.email_verified) return { claimed: [], waiting: mine.map((o) => o.orderId) };
  const claimed: string[] = [];
  for (const order of mine) {
    try {
      await identityApi.post<unknown>('/orders/claim', { order_token: order.token });
      forgetGuestOrder(order.orderId);
      claimed.push(order.orderId);
    } catch {
      // kept for the next sign-in; the emailed link keeps working meanwhile
    }
  }
  return { claimed, waiting: [] };
}
/** A guest order's page: opened by its token, as the order's emails link to it. */
export function guestOrderPath(orderId: string, orderToken: string, { placed = false } = {}) {
  const params = new URLSearchParams({ token: orderToken });
  if (placed) params.set('placed', '1');
  return `/orders/${encodeURIComponent(orderId)}?${params.toString()}`;
}

