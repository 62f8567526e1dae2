/**
 * A visitor's cart before signing in: identity-commerce keeps it server-side and hands out
 * an opaque token (POST /cart/guest), sent as X-Cart-Token on /cart and /checkout requests
 * while nobody is signed in. The token lives in localStorage so the cart survives a reload;
 * after sign-in the cart is merged into the account's (features/auth) and the token dropped.
 */
const STORAGE_KEY = 'shop.guestCartToken';

function storage(): Storage | null {
  try {
    return typeof window === 'undefined' ? null : window.localStorage;
  } catch {
    return null; // storage disabled: the visitor signs in to keep a cart
  }
}

export function guestCartToken(): string | null {
  return storage()?.getItem(STORAGE_KEY) ?? null;
}

export function setGuestCartToken(token: string): void {
  storage()?.setItem(STORAGE_KEY, token);
}

export function clearGuestCartToken(): void {
  storage()?.removeItem(STORAGE_KEY);
}

/** Whether a request to `url` acts on the (guest) cart. */
export function isCartRequest(url: string | undefined): boolean {
  return !!url && (url.startsWith('/cart') || url.startsWith('/checkout'));
}
