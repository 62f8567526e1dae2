/**
 * A visitor's cart before signing in: identity-commerce keeps it server-side and hands out
 * an opaque token (POST /cart/guest), sent as X-Cart-Token on /cart and /checkout requests
 * while nobody is signed in. The token lives in localStorage so the cart survives a reload;
 * after sign-in the cart is merged into the account's (features/auth) and the token dropped.
 */
import { useSyncExternalStore } from 'react';

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

// Components that show the cart re-render when the token comes or goes (the first add to cart
// creates it): localStorage itself tells only other tabs, through the storage event.
const listeners = new Set<() => void>();

function changed() {
  for (const listener of listeners) listener();
}

export function setGuestCartToken(token: string): void {
  storage()?.setItem(STORAGE_KEY, token);
  changed();
}

export function clearGuestCartToken(): void {
  storage()?.removeItem(STORAGE_KEY);
  changed();
}

function subscribe(listener: () => void) {
  listeners.add(listener);
  const fromOtherTab = (event: StorageEvent) => {
    if (event.key === STORAGE_KEY || event.key === null) listener();
  };
  window.addEventListener('storage', fromOtherTab);
  return () => {
    listeners.delete(listener);
    window.removeEventListener('storage', fromOtherTab);
  };
}

/** Whether this browser holds a guest cart, as React state. */
export function useHasGuestCart(): boolean {
  return useSyncExternalStore(subscribe, () => guestCartToken() !== null, () => false);
}

/** Whether a request to `url` acts on the (guest) cart. */
export function isCartRequest(url: string | undefined): boolean {
  return !!url && (url.startsWith('/cart') || url.startsWith('/checkout'));
}
