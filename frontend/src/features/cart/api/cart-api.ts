import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';

import { toast } from '@/components/ui/toast-store';
import { identityApi, parseResponse } from '@/lib/api-client';
import { cartLineSchema, cartSchema, type Cart } from '@/lib/api-schemas/identity-commerce';
import { cartKeys } from '@/lib/query-keys';
import { selectIsSignedIn, useSessionStore } from '@/lib/session-store';

export function useCart() {
  const signedIn = useSessionStore(selectIsSignedIn);
  return useQuery({
    queryKey: cartKeys.cart,
    enabled: signedIn,
    queryFn: async () => {
      const { data } = await identityApi.get<unknown>('/cart');
      return parseResponse(cartSchema, data);
    },
  });
}

export function useAddToCart() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async (input: { sku: string; quantity: number }) => {
      const { data } = await identityApi.post<unknown>('/cart/items', input);
      return parseResponse(cartLineSchema, data);
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
