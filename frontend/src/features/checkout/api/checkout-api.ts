import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { z } from 'zod';

import { identityApi, parseResponse } from '@/lib/api-client';
import { orderSchema, paymentIntentSchema, shippingOptionSchema } from '@/lib/api-schemas/identity-commerce';
import { cartKeys, orderKeys } from '@/lib/query-keys';

export interface CreateIntentInput {
  shipping_address_id: string;
  billing_address_id: string;
  /** One of useShippingMethods; left out, the service picks the cheapest. */
  shipping_method_id?: string | null;
  /** One key per checkout attempt: a double click or a retried request reuses the first order. */
  idempotencyKey: string;
}

export function useCreatePaymentIntent() {
  return useMutation({
    mutationFn: async ({ idempotencyKey, shipping_method_id, ...rest }: CreateIntentInput) => {
      const body = shipping_method_id ? { ...rest, shipping_method_id } : rest;
      const { data } = await identityApi.post<unknown>('/checkout/create-payment-intent', body, {
        headers: { 'Idempotency-Key': idempotencyKey },
      });
      return parseResponse(paymentIntentSchema, data);
    },
  });
}

/** The order that create-payment-intent opened: its items, addresses and totals to review. */
export async function fetchCheckoutOrder(orderId: string) {
  const { data } = await identityApi.get<unknown>(`/orders/${encodeURIComponent(orderId)}`);
  return parseResponse(orderSchema, data);
}

export function useConfirmCheckout() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async (input: { order_id: string; payment_method_id?: string }) => {
      const { data } = await identityApi.post<unknown>('/checkout/confirm', input);
      return parseResponse(orderSchema, data);
    },
    onSettled: () => {
      void queryClient.invalidateQueries({ queryKey: cartKeys.cart });
      void queryClient.invalidateQueries({ queryKey: orderKeys.all });
    },
  });
}

export function newIdempotencyKey(): string {
  return typeof crypto !== 'undefined' && 'randomUUID' in crypto
    ? crypto.randomUUID()
    : `${Date.now()}-${Math.random().toString(16).slice(2)}`;
}

/** The shipping methods for a country, priced for the current cart (cheapest first). */
export function useShippingMethods(country: string | null | undefined, cartSubtotal: string) {
  return useQuery({
    queryKey: ['checkout', 'shipping-methods', country, cartSubtotal],
    enabled: Boolean(country),
    queryFn: async () => {
      const { data } = await identityApi.get<unknown>('/checkout/shipping-methods', { params: { country } });
      return parseResponse(z.array(shippingOptionSchema), data);
    },
  });
}
