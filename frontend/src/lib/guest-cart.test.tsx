import { act, renderHook } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';

import { clearGuestCartToken, guestCartToken, setGuestCartToken, useHasGuestCart } from '@/lib/guest-cart';

describe('guest cart token', () => {
  afterEach(() => localStorage.clear());

  it('re-renders what shows the cart when the first add creates the token, and when it is dropped', () => {
    const { result } = renderHook(() => useHasGuestCart());
    expect(result.current).toBe(false);
    act(() => setGuestCartToken('guest-cart-token-0123456789'));
    expect(result.current).toBe(true);
    expect(guestCartToken()).toBe('guest-cart-token-0123456789');
    act(() => clearGuestCartToken());
    expect(result.current).toBe(false);
  });
});
