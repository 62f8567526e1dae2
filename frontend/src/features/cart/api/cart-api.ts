import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';

import { toast } from '@/components/ui/toast-store';
import { ApiError, identityApi, parseResponse } from '@/lib/api-client';
import { cartLineSchema, cartSchema, type Cart } from '@/lib/api-schemas/identity-commerce';
import { clearGuestCartToken, guestCartToken, setGuestCartToken, useHasGuestCart } from '@/lib/guest-cart';
import { cartKeys } from '@/lib/query-keys';
import { selectIsSignedIn, useSessionStore } from '@/lib/session-store';

export function useCart() {
  const signedIn = useSessionStore(selectIsSignedIn);
  const hasGuestCart = useHasGuestCart();
  return useQuery({
    queryKey: cartKeys.cart,
    enabled: signedIn || hasGuestCart,
    queryFn: async () => {
      try {
        const { data } = await identityApi.get<unknown>('/cart');
        return parseResponse(cartSchema, data);
      } catch (error) {
        if (!signedIn && error instanceof ApiError && error.status === 404) {
          clearGuestCartToken(); // expired: the next add starts a new guest cart
          return parseResponse(cartSchema, { items: [], subtotal: '0.00', currency: 'USD', item_count: 0, refreshed: true });
        }
        throw error;
      }
    },
  });
}

/** Signed out, the first add starts a guest cart (a token kept in this browser). */
async function ensureCartFor(signedIn: boolean): Promise<void> {
  if (signedIn || guestCartToken()) return;
  const { data } = await identityApi.post<{ cart_token: string }>('/cart/guest');
  setGuestCartToken(data.cart_token);
}

export function useAddToCart() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async (input: { sku: string; quantity: number }) => {
      const signedIn = selectIsSignedIn(useSessionStore.getState());
      await ensureCartFor(signedIn);
      try {
        const { data } = await identityApi.post<unknown>('/cart/items', input);
        return parseResponse(cartLineSchema, data);
      } catch (error) {
        const expired = !signedIn && error instanceof ApiError && error.status === 404 && guestCartToken();
        if (!expired || !/cart token/i.test(error instanceof ApiError ? error.message : '')) throw error;
        clearGuestCartToken(); // the guest cart expired: start a new one and add again
        await ensureCartFor(false);
        const { data } = await identityApi.post<unknown>('/cart/items', input);
        return parseResponse(cartLineSchema, data);
      }
    },
    onSuccess: () => queryClient.invalidateQueries({ queryKey: cartKeys.cart }),
  });
}

export function useUpdateCartLine() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async ({ id, quantity }: { id: string; quantity: number }) => {
      const { data } = await identityApi.put<unknown>(`/cart/items/${id}`, { quantity });
      return data;
    },
    onSettled: () => queryClient.invalidateQueries({ queryKey: cartKeys.cart }),
  });
}

export function useRemoveCartLine() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async ({ id }: { id: string; label: string }) => {
      await identityApi.delete(`/cart/items/${id}`);
    },
    // Take the line off the screen at once; put it back if the server says no.
    onMutate: async ({ id }) => {
      await queryClient.cancelQueries({ queryKey: cartKeys.cart });
      const previous = queryClient.getQueryData<Cart>(cartKeys.cart);
      if (previous) {
        queryClient.setQueryData<Cart>(cartKeys.cart, {
          ...previous,
          items: previous.items.filter((line) => line.id !== id),
        });
      }
      return { previous };
    },
    // Toasts live here, not in the component: the line (and its callbacks) unmounts at once.
    onSuccess: (_data, { label }) => toast.success(`${label} removed from your cart`),
    onError: (error, _variables, context) => {
      if (context?.previous) queryClient.setQueryData(cartKeys.cart, context.previous);
      toast.error(error.message);
    },
    onSettled: () => queryClient.invalidateQueries({ queryKey: cartKeys.cart }),
  });
}

/** Apply a promo code (case-insensitive); the answer is the cart with its discount. */
export function useApplyPromo() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async (code: string) => {
      const { data } = await identityApi.post<unknown>('/cart/promo', { code: code.trim() });
      return parseResponse(cartSchema, data);
    },
    onSuccess: (cart) => queryClient.setQueryData(cartKeys.cart, cart),
  });
}

export function useRemovePromo() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async () => {
      const { data } = await identityApi.delete<unknown>('/cart/promo');
      return parseResponse(cartSchema, data);
    },
    onSuccess: (cart) => queryClient.setQueryData(cartKeys.cart, cart),
  });
}
